"""Showing less (issue 8, part 3) on the Lengshi demo county: the health conditions among the
special groups (严重精神障碍, 艾滋病: PIPL art. 28) never reach a receipt, its QR code, the
progress exports or the 催缴清单, the desk's explanation says only 资助对象, the 催缴清单 names
no special group at all, and no full ID number of the roster is printed or exported."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.collection import quote_household, receipt_view, record_payment
from app.identity import mask
from app.policy import Policy
from app.receipt_codes import decode
from app.report_xlsx import dunning_xlsx, progress_xlsx
from app.reports import workspace_progress
from app.special_groups import CATEGORIES, SENSITIVE
from app.unpaid import workspace_dunning
from app.workspace import Workspace
from db.models import Enrolment, Household, Payment, Person, SpecialGroup
from printing.receipt_escpos import render_escpos
from printing.receipt_pdf import render_pdf
from printing.report_pdf import dunning_pdf, progress_pdf

# Every word a category could be written with: canonical names and the notices' variants,
# and the parts of the health conditions a layout might split them into.
CATEGORY_WORDS = sorted({w for canon, variants in CATEGORIES.items() for w in (canon, *variants)})
SENSITIVE_WORDS = sorted(
    {w for canon in SENSITIVE for w in (canon, *CATEGORIES[canon])} | {"精神障碍", "艾滋"}
)
FULL_ID_RUN = re.compile(r"[0-9X]{18,}")

# A county file that subsidises the two health conditions, so the desk has a subsidy to
# explain for them (the Hunan rules Lengshi follows have no tier for either).
POLICY_KEY = "lengshi-sensitive-2024"
POLICY_FILE = f"""
extends = "lengshi-2024"
key = "{POLICY_KEY}"
source = "测试：把两种健康状况列为资助类别的县级文件"

[categories]
"严重精神障碍" = ["严重精神障碍患者"]
"艾滋病" = ["艾滋病患者"]

[[tiers]]
name = "全额资助"
categories = ["特困", "重度残疾", "孤儿", "事实无人抚养儿童"]
percent = 100
mode = "direct"

[[tiers]]
name = "50%资助"
categories = ["低保", "监测对象", "脱贫不稳定", "边缘易致贫", "突发严重困难", "低保边缘"]
percent = 50
mode = "direct"

[[tiers]]
name = "定额资助"
categories = ["严重精神障碍", "艾滋病"]
amount = 90
mode = "direct"
"""


@dataclass(frozen=True)
class Scene:
    workspace: Workspace
    policy: Policy
    paid_household: int
    paid: dict[int, str]  # person id -> full ID number, members of the paid household
    unpaid_household: int
    unpaid_sensitive: list[str]  # full ID numbers of unpaid people with a health condition
    unpaid_village: str
    ids: dict[int, str]  # every person on the roster: id -> full ID number
    roster_ids: frozenset[str]


def _due_member_ids(workspace: Workspace, household_id: int, policy: Policy) -> list[int]:
    with workspace.db.sessions() as session:
        quotes = quote_household(session, household_id, policy, workspace.today)
    return [q.person_id for q in quotes if q.payable]


def _households_with_condition(workspace: Workspace) -> list[tuple[int, int]]:
    """(household, person) of due people whose only special group is 严重精神障碍."""
    only_one = (
        select(SpecialGroup.person_id)
        .group_by(SpecialGroup.person_id)
        .having(func.count() == 1)
        .scalar_subquery()
    )
    year = workspace.benefit_year
    with workspace.db.sessions() as session:
        rows = session.execute(
            select(Person.household_id, Person.id)
            .join(SpecialGroup, SpecialGroup.person_id == Person.id)
            .join(Enrolment, (Enrolment.person_id == Person.id) & (Enrolment.benefit_year == year))
            .where(
                SpecialGroup.category == "严重精神障碍",
                Person.id.in_(only_one),
                Enrolment.status == "due",
            )
            .order_by(Person.id)
        ).all()
    return [(int(h), int(p)) for h, p in rows]


def _plain_member(workspace: Workspace, household_id: int, besides: int) -> int | None:
    """A due member of the household, other than `besides`, with no special group."""
    year = workspace.benefit_year
    with workspace.db.sessions() as session:
        found = session.scalar(
            select(Person.id)
            .join(Enrolment, (Enrolment.person_id == Person.id) & (Enrolment.benefit_year == year))
            .where(
                Person.household_id == household_id,
                Person.id != besides,
                Enrolment.status == "due",
                ~select(SpecialGroup.id).where(SpecialGroup.person_id == Person.id).exists(),
            )
            .order_by(Person.id)
            .limit(1)
        )
    return int(found) if found is not None else None


@pytest.fixture
def scene(
    demo_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Scene]:
    folder = tmp_path / "county-policies"
    folder.mkdir()
    (folder / f"{POLICY_KEY}.toml").write_text(POLICY_FILE, encoding="utf-8")
    monkeypatch.setenv("VCOLLECT_POLICY_DIR", str(folder))
    workspace = demo_workspace
    policy = workspace.policy(POLICY_KEY)

    # Two households, each with a 严重精神障碍 member from the demo roster; the demo has no
    # 艾滋病, so another member of each gets it here.
    pairs: list[tuple[int, int, int]] = []
    for household, person in _households_with_condition(workspace):
        other = _plain_member(workspace, household, person)
        if other is not None and household not in {h for h, _, _ in pairs}:
            pairs.append((household, person, other))
        if len(pairs) == 2:
            break
    assert len(pairs) == 2, "the demo county has 严重精神障碍 members in households"
    with workspace.db.sessions.begin() as session:
        for _, _, other in pairs:
            session.add(SpecialGroup(person_id=other, category="艾滋病", department="卫健"))
    (
        (paid_household, paid_condition, paid_aids),
        (unpaid_household, unpaid_condition, unpaid_aids),
    ) = pairs

    due = _due_member_ids(workspace, paid_household, policy)
    assert {paid_condition, paid_aids} <= set(due)
    record_payment(workspace.db, policy, paid_household, due, method="cash",
                   paid_on=workspace.today)  # fmt: skip

    with workspace.db.sessions() as session:
        ids = dict(session.execute(select(Person.id, Person.id_number)).all())
        village = session.scalar(
            select(Household.village_code).where(Household.id == unpaid_household)
        )
    assert village is not None
    yield Scene(
        workspace=workspace,
        policy=policy,
        paid_household=paid_household,
        paid={pid: ids[pid] for pid in due},
        unpaid_household=unpaid_household,
        unpaid_sensitive=[ids[unpaid_condition], ids[unpaid_aids]],
        unpaid_village=village,
        ids=ids,
        roster_ids=frozenset(ids.values()),
    )


def pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def xlsx_text(data: bytes) -> str:
    """Every cell value, and the workbook's XML parts as they are stored."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(name).decode("utf-8") for name in archive.namelist()]
    return "\n".join(cells + parts)


def category_words_in(text: str, words: list[str]) -> list[str]:
    return [word for word in words if word in text]


def full_ids_in(text: str, roster_ids: frozenset[str]) -> list[str]:
    """Full roster ID numbers in the text, even across a layout's spaces and line breaks."""
    found = []
    for flat in (text, "".join(text.split())):
        for run in FULL_ID_RUN.findall(flat):
            found += [
                run[i : i + 18] for i in range(len(run) - 17) if run[i : i + 18] in roster_ids
            ]
    return found


def test_the_desk_explains_a_health_condition_only_as_a_subsidised_person(scene: Scene) -> None:
    with scene.workspace.db.sessions() as session:
        shown = quote_household(
            session, scene.unpaid_household, scene.policy, scene.workspace.today
        )
    sensitive = [q for q in shown if q.quote.tier == "定额资助"]
    assert len(sensitive) == 2, "both health conditions get the county's subsidy"
    for member in sensitive:
        explanation = member.quote.explanation
        assert explanation.startswith("资助对象资助90元"), explanation
        assert category_words_in(explanation, SENSITIVE_WORDS) == [], explanation
        assert member.masked_id == mask(scene.ids[member.person_id]) != scene.ids[member.person_id]
    # Under the Lengshi rules themselves (no tier for either) nothing names them either.
    lengshi = scene.workspace.policy()
    with scene.workspace.db.sessions() as session:
        plain = quote_household(session, scene.unpaid_household, lengshi, scene.workspace.today)
    for member in plain:
        assert category_words_in(member.quote.explanation, SENSITIVE_WORDS) == []


def _receipt(scene: Scene) -> str:
    with scene.workspace.db.sessions() as session:
        receipt_no = session.scalar(
            select(Payment.receipt_no).where(Payment.household_id == scene.paid_household)
        )
    assert receipt_no is not None
    return receipt_no


@pytest.mark.parametrize("paper", ["58", "80", "a5"])
def test_the_receipt_names_no_condition_and_masks_every_id(
    scene: Scene, paper: str, tmp_path: Path
) -> None:
    receipt_no = _receipt(scene)
    with scene.workspace.db.sessions() as session:
        view = receipt_view(session, receipt_no)
    # The subsidy of the health conditions is on the receipt as an amount, never as a reason.
    assert sum(line.subsidy_fen for line in view.lines) >= 2 * 9000
    text = pdf_text(render_pdf(view, paper), tmp_path, f"receipt-{paper}")
    assert receipt_no in text
    assert category_words_in(text, CATEGORY_WORDS + SENSITIVE_WORDS) == []
    assert full_ids_in(text, scene.roster_ids) == []
    flat = "".join(text.split())
    for number in scene.paid.values():
        assert mask(number) in flat, mask(number)
    if paper != "a5":
        # The thermal print says the same in GB18030.
        raw = render_escpos(view, paper)
        leaked = [w for w in CATEGORY_WORDS + SENSITIVE_WORDS if w.encode("gb18030") in raw]
        assert leaked == []
        assert not any(number.encode() in raw for number in scene.paid.values())


def test_the_receipt_qr_payload_names_no_condition_and_masks_every_id(scene: Scene) -> None:
    receipt_no = _receipt(scene)
    with scene.workspace.db.sessions() as session:
        view = receipt_view(session, receipt_no)
    code, payload, _signature = decode(view.qr_text)
    text = payload.decode("utf-8")
    assert category_words_in(text, CATEGORY_WORDS + SENSITIVE_WORDS) == []
    assert full_ids_in(text, scene.roster_ids) == []
    assert sorted(masked for _, masked, _ in code.persons) == sorted(
        mask(number) for number in scene.paid.values()
    )


def test_the_progress_exports_name_no_condition_and_mask_every_id(
    scene: Scene, tmp_path: Path
) -> None:
    progress = workspace_progress(scene.workspace)
    texts = {
        "progress.xlsx": xlsx_text(progress_xlsx(progress)),
        "progress.pdf": pdf_text(progress_pdf(progress, scene.workspace.today), tmp_path, "p"),
        "progress.json": str(progress.to_json()),
    }
    for name, text in texts.items():
        assert category_words_in(text, CATEGORY_WORDS + SENSITIVE_WORDS) == [], name
        assert full_ids_in(text, scene.roster_ids) == [], name
        # The unpaid people with a health condition are listed (特殊人群), masked.
        flat = "".join(text.split())
        for number in scene.unpaid_sensitive:
            assert mask(number) in flat, (name, mask(number))


def test_the_dunning_list_names_no_special_group_and_masks_every_id(
    scene: Scene, tmp_path: Path
) -> None:
    dunning = workspace_dunning(scene.workspace, [scene.unpaid_village])
    assert dunning.households
    texts = {
        "dunning.pdf": pdf_text(dunning_pdf(dunning, scene.workspace.today), tmp_path, "d"),
        "dunning.xlsx": xlsx_text(dunning_xlsx(dunning)),
        "dunning.json": str(dunning.to_json()),
    }
    for name, text in texts.items():
        assert category_words_in(text, CATEGORY_WORDS + SENSITIVE_WORDS) == [], name
        assert "特殊" not in text and "资助" not in text, name
        assert full_ids_in(text, scene.roster_ids) == [], name
        flat = "".join(text.split())
        for number in scene.unpaid_sensitive:
            assert mask(number) in flat, (name, mask(number))
