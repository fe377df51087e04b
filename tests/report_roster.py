"""A small hand-built roster for the progress tests, and the figures counted by hand."""

# 甲村 (task: 实际人数 10, 任务数 8)
#   A001 张大 户主 13800000001 paid 10-10 | 李二 配偶 paid 10-10 (same receipt)
#        张三 子 低保 paid 10-12 (50% subsidy: 190 yuan)
#   A002 王四 户主 13900000004 严重精神障碍 due | 赵五 配偶 paid_elsewhere | 王六 子 employee
#   A003 陈七 户主 13700000007 paid 10-11, receipt voided | 陈八 子 艾滋病 deceased
# 乙村 (no task)
#   B001 刘一 户主 13600000001 paid 10-12 | 刘二 配偶 moved_away | 刘三 子 no status (due)
#   B002 孙四 户主 特困 due, no phone | 孙五 子 13500000005 due
# 丙村: nobody on the roster, no task.
#
# Eligible (not employee/deceased/moved away): 甲 6, 乙 4. Collected: 甲 3 (380+380+190),
# 乙 1 (380). Enrolled: 甲 3 + 赵五 = 4, 乙 1. Special (eligible): 甲 张三 王四, 乙 孙四.

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.collection import record_payment, void_receipt
from app.identity import check_character
from app.workspace import Workspace, open_workspace
from db.models import (
    County,
    Enrolment,
    Household,
    Person,
    SpecialGroup,
    Township,
    Village,
    VillageTask,
)

YEAR = 2024
TODAY = date(2023, 10, 15)
VILLAGE_A, VILLAGE_B, VILLAGE_C = "430923101201", "430923101202", "430923101203"
SENSITIVE_WORDS = ("严重精神障碍", "精神障碍", "精神", "艾滋病", "艾滋")

# number, village, [(name, relation, phone, status or None, category or None)]
HOUSEHOLDS = [
    ("A001", VILLAGE_A, [("张大", "02", "13800000001", "due", None),
                         ("李二", "10", "", "due", None),
                         ("张三", "20", "", "due", "低保")]),
    ("A002", VILLAGE_A, [("王四", "02", "13900000004", "due", "严重精神障碍"),
                         ("赵五", "10", "", "paid_elsewhere", None),
                         ("王六", "20", "", "employee", None)]),
    ("A003", VILLAGE_A, [("陈七", "02", "13700000007", "due", None),
                         ("陈八", "20", "", "deceased", "艾滋病")]),
    ("B001", VILLAGE_B, [("刘一", "02", "13600000001", "due", None),
                         ("刘二", "10", "", "moved_away", None),
                         ("刘三", "20", "", None, None)]),
    ("B002", VILLAGE_B, [("孙四", "02", "", "due", "特困"),
                         ("孙五", "20", "13500000005", "due", None)]),
]  # fmt: skip

# Payments as the desk records them: (household, members, day); the second is voided.
PAYMENTS = [
    ("A001", ["张大", "李二"], date(2023, 10, 10)),
    ("A003", ["陈七"], date(2023, 10, 11)),
    ("A001", ["张三"], date(2023, 10, 12)),
    ("B001", ["刘一"], date(2023, 10, 12)),
]
VOIDED = "A003"
AMOUNTS = {"张大": 38000, "李二": 38000, "张三": 19000, "刘一": 38000, "陈七": 38000}


def id_number(serial: int) -> str:
    """A valid 18-digit number in 安化县 (430923), born 1970-1979."""
    body = f"430923197{serial % 10}0101{serial:03d}"
    return body + check_character(body)


@dataclass(frozen=True)
class Built:
    households: dict[str, int]  # 户号 -> id
    people: dict[str, int]  # name -> id
    id_numbers: dict[str, str]  # name -> ID number


def build_roster(session: Session) -> Built:
    """Write the roster above (the caller commits)."""
    session.add(County(code="430923", name="安化县"))
    session.flush()
    session.add(Township(code="430923101", name="冷市镇", county_code="430923"))
    session.flush()
    for code, name in ((VILLAGE_A, "甲村"), (VILLAGE_B, "乙村"), (VILLAGE_C, "丙村")):
        session.add(Village(code=code, name=name, township_code="430923101"))
    session.flush()
    session.add(VillageTask(village_code=VILLAGE_A, benefit_year=YEAR, population=10, target=8))
    session.flush()
    households, people, numbers = {}, {}, {}
    serial = 0
    for number, village, members in HOUSEHOLDS:
        household = Household(number=number, village_code=village)
        session.add(household)
        session.flush()
        households[number] = household.id
        for name, relation, phone, status, category in members:
            serial += 1
            ident = id_number(serial)
            person = Person(
                household_id=household.id, name=name, initials="x", id_type="01",
                id_number=ident, id_reversed=ident[::-1], sex="M",
                birth_date=date(1970 + serial % 10, 1, 1), relation=relation, phone=phone,
            )  # fmt: skip
            session.add(person)
            session.flush()
            people[name], numbers[name] = person.id, ident
            if status is not None:
                session.add(Enrolment(person_id=person.id, benefit_year=YEAR, status=status))
            if category is not None:
                session.add(SpecialGroup(person_id=person.id, category=category))
    session.flush()
    return Built(households, people, numbers)


# The hand count: (village, population, from task, target, collected, amount, enrolled,
# elsewhere, special, special enrolled, completion, participation, coverage, work fee).
EXPECTED = {
    VILLAGE_A: (10, True, 8, 3, 95000, 4, 1, 2, 1, 50.0, 40.0, 50.0, 900),
    VILLAGE_B: (4, False, None, 1, 38000, 1, 0, 1, 0, None, 25.0, 0.0, 300),
    VILLAGE_C: (0, False, None, 0, 0, 0, 0, 0, 0, None, None, None, 0),
}
# 合计: population 10+4, the one target, completion over 甲村 only (4/8), 5/14 = 35.7%.
EXPECTED_TOTAL = (14, False, 8, 4, 133000, 5, 1, 3, 1, 50.0, 35.7, 33.3, 1200)
EXPECTED_DAILY = [(date(2023, 10, 10), 2, 2), (date(2023, 10, 12), 2, 4)]
# 催缴清单: households in village and number order, each (户号, 户主, 户电话, [(name, phone)]).
EXPECTED_DUNNING = [
    ("A002", "王四", "13900000004", [("王四", "13900000004")]),
    ("A003", "陈七", "13700000007", [("陈七", "13700000007")]),
    ("B001", "刘一", "13600000001", [("刘三", "13600000001")]),
    ("B002", "孙四", "13500000005", [("孙四", "13500000005"), ("孙五", "13500000005")]),
]
EXPECTED_SPECIAL_UNPAID = [
    ("A002", "王四", "13900000004", [("王四", "13900000004")]),
    ("B002", "孙四", "13500000005", [("孙四", "13500000005")]),
]


def figures(row: object) -> tuple[object, ...]:
    """A report row's figures in the order of EXPECTED."""
    names = ("population", "population_from_task", "target", "collected", "amount_fen",
             "enrolled", "elsewhere", "special", "special_enrolled", "completion",
             "participation", "special_coverage", "work_fee_fen")  # fmt: skip
    return tuple(getattr(row, name) for name in names)


def households_of(households: list[object]) -> list[tuple[object, ...]]:
    return [
        (h.number, h.head, h.phone, [(m.name, m.phone) for m in h.members])  # type: ignore[attr-defined]
        for h in households
    ]


def pay_season(workspace: Workspace, built: Built) -> None:
    """The payments above, through the desk's own code; the one of VOIDED voided."""
    policy = workspace.policy()
    for household, names, day in PAYMENTS:
        paid = record_payment(
            workspace.db, policy, built.households[household],
            [built.people[n] for n in names], method="cash", paid_on=day,
        )  # fmt: skip
        assert paid.total_fen == sum(AMOUNTS[n] for n in names)
        if household == VOIDED:
            void_receipt(workspace.db, paid.receipt_no, "收错了户")


def season_db(path: Path) -> Built:
    """A device database at `path` with the roster, the lengshi-2024 policy and the season."""
    workspace = open_workspace(path, today=TODAY, create=True)
    try:
        with workspace.db.sessions.begin() as session:
            built = build_roster(session)
        workspace.set_region("lengshi-2024")
        pay_season(workspace, built)
    finally:
        workspace.close()
    return built
