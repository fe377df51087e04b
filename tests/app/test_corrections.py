"""Queueing identity corrections on the device: checks, merging, states, nothing half-done."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.corrections import (
    AlreadyOnRoster,
    CorrectionError,
    CorrectionForm,
    queue,
    request_correction,
)
from app.identity import check_character
from app.settings import set_setting
from app.workspace import Workspace
from db.models import CorrectionRequest, Household, LedgerEvent, Person, Village

VILLAGE = "430923101201"


def new_id(serial: int) -> str:
    """A valid resident ID number that the demo roster does not hold."""
    body = f"43092319900101{serial:03d}"
    return body + check_character(body)


def form(**changes: str) -> CorrectionForm:
    base = CorrectionForm(
        id_type="01",
        id_number=new_id(901),
        name="石小满",
        hukou_place="湖南省益阳市安化县冷市镇南华村",
        village=VILLAGE,
        problem="not_found",
        phone="13800001111",
        note="外出务工回乡，系统查无",
    )
    return replace(base, **changes)


def events(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEvent)) or 0)


def test_a_request_is_queued_with_its_event(demo_workspace: Workspace) -> None:
    queued = request_correction(demo_workspace.db, form(), demo_workspace.today)
    assert queued.state == "queued" and queued.state_label == "待上报"
    assert queued.masked_id.startswith("430923") and "*" in queued.masked_id
    assert events(demo_workspace) == 1
    [row] = queue(demo_workspace.db)
    assert (row.name, row.problem, row.household) == ("石小满", "not_found", "")


def test_asking_again_for_the_same_id_merges(demo_workspace: Workspace) -> None:
    first = request_correction(demo_workspace.db, form(), demo_workspace.today)
    second = request_correction(
        demo_workspace.db, form(phone="13900002222", note="家属再次来问"), demo_workspace.today
    )
    assert second.request_id == first.request_id and second.merges == 1
    rows = queue(demo_workspace.db)
    assert len(rows) == 1 and rows[0].phone == "13900002222"
    assert events(demo_workspace) == 2  # both askings are in the ledger


def test_sent_once_the_county_holds_its_event(demo_workspace: Workspace) -> None:
    request_correction(demo_workspace.db, form(), demo_workspace.today)
    with demo_workspace.db.sessions.begin() as session:
        set_setting(session, "sync_acked_seq", "1")
    assert queue(demo_workspace.db)[0].state_label == "已上报"


def test_an_existing_household_of_the_village_can_be_named(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as session:
        number = session.scalar(
            select(Household.number).where(Household.village_code == VILLAGE).limit(1)
        )
        name = session.scalar(select(Village.name).where(Village.code == VILLAGE))
    assert number and name
    queued = request_correction(
        demo_workspace.db, form(household=number, village=name), demo_workspace.today
    )
    assert (queued.household, queued.village_code) == (number, VILLAGE)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": new_id(902)[:-1] + ("0" if new_id(902)[-1] != "0" else "1")}, "校验"),
        ({"id_number": ""}, "不能为空"),
        ({"name": "  "}, "姓名不能为空"),
        ({"name": "张3"}, "不允许"),
        ({"hukou_place": " "}, "户籍地"),
        ({"village": "不存在村"}, "本设备没有村"),
        ({"household": "999999"}, "找不到户号"),
        ({"problem": "typo"}, "问题类型"),
        ({"id_type": "42"}, "证件类型"),
        ({"phone": "一三八"}, "联系电话"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    demo_workspace: Workspace, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(CorrectionError, match=message):
        request_correction(demo_workspace.db, form(**changes), demo_workspace.today)
    assert events(demo_workspace) == 0 and queue(demo_workspace.db) == []


def test_someone_already_on_the_roster_opens_their_household(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as session:
        person = session.scalars(select(Person).limit(1)).one()
        number, household_id = person.id_number, person.household_id
    with pytest.raises(AlreadyOnRoster, match="已在花名册") as caught:
        request_correction(demo_workspace.db, form(id_number=number), demo_workspace.today)
    assert caught.value.household_id == household_id
    # A name that differs on the roster is exactly what a correction is for.
    queued = request_correction(
        demo_workspace.db, form(id_number=number, problem="name_differs"), demo_workspace.today
    )
    assert queued.problem == "name_differs"


def test_a_household_of_another_village_is_refused(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as session:
        number = session.scalar(
            select(Household.number).where(Household.village_code != VILLAGE).limit(1)
        )
    assert number
    with pytest.raises(CorrectionError, match="不属于所选的村"):
        request_correction(demo_workspace.db, form(household=number), demo_workspace.today)
    with demo_workspace.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CorrectionRequest)) == 0


def test_a_person_with_a_pending_correction_cannot_be_charged(demo_workspace: Workspace) -> None:
    from app.collection import CollectionError as PaymentRefused
    from app.collection import quote_household, record_payment

    policy = demo_workspace.policy()
    with demo_workspace.db.sessions() as session:
        person = session.scalars(select(Person).limit(1)).one()
        number, household_id, person_id = person.id_number, person.household_id, person.id
    request_correction(
        demo_workspace.db, form(id_number=number, problem="name_differs"), demo_workspace.today
    )
    with demo_workspace.db.sessions() as session:
        quotes = quote_household(session, household_id, policy, demo_workspace.today)
    mine = next(q for q in quotes if q.person_id == person_id)
    assert mine.correction_pending and not mine.payable
    with pytest.raises(PaymentRefused, match="身份更正"):
        record_payment(
            demo_workspace.db, policy, household_id, [person_id], method="cash",
            paid_on=demo_workspace.today,
        )  # fmt: skip
    assert events(demo_workspace) == 1  # only the request


PROVISIONAL_POLICY = """\
extends = "lengshi-2024"
key = "lengshi-2024-provisional"
region = "安化县冷市镇（先行收费）"

[corrections]
provisional = true
"""


def test_provisional_collection_says_so_and_a_rejection_is_a_refund(
    demo_workspace: Workspace,
) -> None:
    from app.collection import receipt_view, record_payment
    from app.corrections import refunds_due
    from printing.receipt_escpos import render_escpos
    from printing.receipt_text import PROVISIONAL

    folder = demo_workspace.policy_folder
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lengshi-2024-provisional.toml").write_text(PROVISIONAL_POLICY, encoding="utf-8")
    demo_workspace.set_region("lengshi-2024-provisional")
    policy = demo_workspace.policy()
    with demo_workspace.db.sessions() as session:
        person = session.scalars(select(Person).limit(1)).one()
        number, household_id, person_id = person.id_number, person.household_id, person.id
    request_correction(
        demo_workspace.db, form(id_number=number, problem="name_differs"), demo_workspace.today
    )
    paid = record_payment(
        demo_workspace.db, policy, household_id, [person_id], method="cash",
        paid_on=demo_workspace.today,
    )  # fmt: skip
    with demo_workspace.db.sessions() as session:
        view = receipt_view(session, paid.receipt_no)
    assert [line.provisional for line in view.lines] == [True]
    assert PROVISIONAL[:9].encode("gb18030") in render_escpos(view, "58")  # it wraps at 58 mm
    assert refunds_due(demo_workspace.db) == []
    with demo_workspace.db.sessions.begin() as session:
        row = session.scalars(select(CorrectionRequest)).one()
        row.state, row.reason = "rejected", "查无此人"
    [refund] = refunds_due(demo_workspace.db)
    assert (refund.receipt_no, refund.amount_fen, refund.reason) == (
        paid.receipt_no, paid.total_fen, "查无此人",
    )  # fmt: skip
