"""The roster side of the progress report: GROUP BY queries the device and the county share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session

from db.models import Enrolment, Household, Person, SpecialGroup, Township, Village, VillageTask

# Statuses of people who need not enrol here (职工医保, 死亡, 迁出): outside 实际人数.
NOT_DUE = ("employee", "deceased", "moved_away")
# Statuses of people enrolled for the year: paid on this device, or elsewhere.
ENROLLED = ("paid_here", "paid_elsewhere")
HEAD = "02"  # 户主, GB/T 4761
CHUNK = 30_000  # ids bound in one IN list: under SQLite's 32,766 and PostgreSQL's 65,535

Conn = Session | Connection


@dataclass(slots=True)
class VillageCounts:
    """One village's counts from either source; every figure of the report is built from these."""

    eligible: int = 0  # roster people who must enrol (not employee, deceased or moved away)
    enrolled: int = 0  # of those, paid here or elsewhere
    elsewhere: int = 0  # of those, enrolled without a receipt of this source
    collected: int = 0  # people on receipts (not voided) of the year
    amount_fen: int = 0  # what those receipts' lines charged
    special: int = 0  # special-group members among the eligible
    special_enrolled: int = 0


def _eligible() -> ColumnElement[bool]:
    # No enrolment row for the year means due (the roster named no status).
    return or_(Enrolment.status.is_(None), Enrolment.status.not_in(NOT_DUE))


def _enrolled(paid: ColumnElement[bool] | None) -> ColumnElement[bool]:
    by_status = Enrolment.status.in_(ENROLLED)
    return by_status if paid is None else or_(by_status, paid)


def _roster(year: int, *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Person)
        .join(Household, Household.id == Person.household_id)
        .outerjoin(
            Enrolment,
            and_(Enrolment.person_id == Person.id, Enrolment.benefit_year == year),
        )
        .where(_eligible())
    )


def _special() -> ColumnElement[bool]:
    return Person.id.in_(select(SpecialGroup.person_id))


def roster_counts(
    conn: Conn,
    year: int,
    paid: ColumnElement[bool] | None = None,
    *,
    elsewhere: ColumnElement[bool] | None = None,
) -> dict[str, VillageCounts]:
    """Eligible and enrolled people per village (the special-group counts come from
    `special_members`).

    `paid` marks people this source's receipts paid when the roster's status may not say so
    (the county's), in one GROUP BY scan of the roster; `elsewhere` marks the enrolled who
    were not (default: paid_elsewhere). Without `paid` the statuses say it all (the device)."""
    if paid is None:
        return _status_counts(conn, year)
    enrolled = _enrolled(paid)
    if elsewhere is None:
        elsewhere = Enrolment.status == "paid_elsewhere"
    rows = conn.execute(
        _roster(
            year,
            Household.village_code,
            func.count(),
            func.sum(case((enrolled, 1), else_=0)),
            func.sum(case((elsewhere, 1), else_=0)),
        ).group_by(Household.village_code)
    )
    return {
        code: VillageCounts(int(eligible), int(n_enrolled or 0), int(n_elsewhere or 0))
        for code, eligible, n_enrolled, n_elsewhere in rows
    }


def _status_counts(conn: Conn, year: int) -> dict[str, VillageCounts]:
    """People per village from the person index, less those whose status is not due: only
    the year's rows other than due are joined to their village, a fraction early in the season."""
    counts = {
        code: VillageCounts(eligible=int(people))
        for code, people in conn.execute(
            select(Household.village_code, func.count())
            .select_from(Person)
            .join(Household, Household.id == Person.household_id)
            .group_by(Household.village_code)
        )
    }
    rows = conn.execute(
        select(Household.village_code, Enrolment.status, func.count())
        .select_from(Enrolment)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(Enrolment.benefit_year == year, Enrolment.status != "due")
        .group_by(Household.village_code, Enrolment.status)
    )
    for code, status, n in rows:
        village = counts.setdefault(code, VillageCounts())
        if status in NOT_DUE:
            village.eligible -= int(n)
        elif status in ENROLLED:
            village.enrolled += int(n)
            if status == "paid_elsewhere":
                village.elsewhere += int(n)
    return counts


def villages(conn: Conn) -> list[tuple[str, str, str]]:
    """(code, name, township name) of every village, by township and village code."""
    rows = conn.execute(
        select(Village.code, Village.name, Township.name)
        .join(Township, Township.code == Village.township_code)
        .order_by(Township.code, Village.code)
    )
    return [(code, name, township) for code, name, township in rows]


def tasks(conn: Conn, year: int) -> dict[str, tuple[int, int]]:
    """Village code -> (实际人数, 任务数) of the task table for the year."""
    rows = conn.execute(
        select(VillageTask.village_code, VillageTask.population, VillageTask.target).where(
            VillageTask.benefit_year == year
        )
    )
    return {code: (int(population), int(target)) for code, population, target in rows}


def resolve_village(conn: Conn, text: str) -> str | None:
    """The village code for a code or name as typed; None when unknown; ValueError if several."""
    text = text.strip()
    found = list(
        conn.execute(select(Village.code).where(or_(Village.code == text, Village.name == text)))
    )
    if len(found) > 1:
        raise ValueError(text)
    return str(found[0][0]) if found else None


def household_contacts(conn: Conn, household_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Household id -> (head, phone): the head is 户主 (else the first member by name), the
    phone the head's (else another member's who left one)."""
    head = Person.relation == HEAD
    has_phone = Person.phone != ""
    contacts: dict[int, tuple[str, str]] = {}
    for first in range(0, len(household_ids), CHUNK):
        rows = conn.execute(
            select(
                Person.household_id,
                func.coalesce(func.max(case((head, Person.name))), func.min(Person.name)),
                func.coalesce(
                    func.max(case((head & has_phone, Person.phone))),
                    func.max(case((has_phone, Person.phone))),
                ),
            )
            .where(Person.household_id.in_(household_ids[first : first + CHUNK]))
            .group_by(Person.household_id)
        )
        contacts.update((hid, (name or "", phone or "")) for hid, name, phone in rows)
    return contacts


def _members(year: int, paid: ColumnElement[bool] | None) -> Select[Any]:
    """Eligible people with their household and whether they are enrolled, in the order
    lists print them (by village code, which begins with its township's)."""
    return _roster(
        year, Household.village_code, Household.number, Household.id, Person.name,
        Person.id_number, Person.relation, Person.phone,
        case((_enrolled(paid), True), else_=False),
    ).order_by(
        Household.village_code, Household.number, Person.relation, Person.birth_date, Person.id
    )  # fmt: skip


# A member row: village code, household number, household id, name, ID number, relation
# code, phone, enrolled.
MemberRow = Any


def unpaid_rows(
    conn: Conn,
    year: int,
    *,
    paid: ColumnElement[bool] | None = None,
    village_codes: Sequence[str] | None = None,
) -> list[MemberRow]:
    """Eligible people not enrolled for the year, by village, household and relation."""
    query = _members(year, paid).where(
        or_(Enrolment.status.is_(None), Enrolment.status.not_in(ENROLLED))
    )
    if paid is not None:
        query = query.where(not_(paid))
    if village_codes is not None:
        query = query.where(Household.village_code.in_(list(village_codes)))
    return list(conn.execute(query).all())


def special_members(
    conn: Conn, year: int, paid: ColumnElement[bool] | None = None
) -> tuple[dict[str, tuple[int, int]], list[MemberRow]]:
    """Eligible special-group members: per village (members, enrolled), and the rows of the
    unpaid ones; one query. No category leaves here."""
    rows = conn.execute(_members(year, paid).where(_special())).all()
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        members, enrolled = counts.get(row[0], (0, 0))
        counts[row[0]] = (members + 1, enrolled + bool(row[-1]))
    return counts, [row for row in rows if not row[-1]]
