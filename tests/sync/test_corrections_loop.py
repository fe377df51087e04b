"""Identity corrections end to end: queued on the device, decided at the county, collected."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.collection import quote_household, record_payment
from app.corrections import CorrectionForm, queue, request_correction
from app.identity import check_character
from app.workspace import Workspace
from db.models import Household, Person
from sync.client import sync
from sync.server.corrections import accept, history, list_corrections, reject
from sync.server.county import CountyDatabase, CountyError
from ui.cli.main import main

HUKOU = "湖南省益阳市安化县冷市镇南华村"


def resident_id(serial: int) -> str:
    body = f"43092319900101{serial:03d}"
    return body + check_character(body)


def typo_of(number: str) -> str:
    """The number with two digits of its sequence swapped and a check character to match:
    a valid number for the wrong person, the typo the county must catch."""
    body = number[:17]
    i = 14 if body[14] != body[15] else 15
    body = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
    return body + check_character(body)


def form(device: Workspace, **fields: str) -> CorrectionForm:
    with device.db.sessions() as session:
        village = str(session.scalar(select(Household.village_code).limit(1)))
    base = {"id_type": "01", "hukou_place": HUKOU, "village": village, "problem": "not_found",
            "phone": "13800001111"}  # fmt: skip
    return CorrectionForm(**(base | fields))


def test_queue_decide_and_collect_through_a_real_server(
    county: CountyDatabase, make_device: object, capsys: pytest.CaptureFixture[str]
) -> None:
    device: Workspace = make_device()  # type: ignore[operator]
    sync(device)
    with device.db.sessions() as session:
        someone = session.scalars(select(Person).order_by(Person.id).limit(1)).one()
        existing_id, existing_name = someone.id_number, someone.name
    newcomer = request_correction(
        device.db, form(device, id_number=resident_id(901), name="石小满"), device.today
    )
    typo = typo_of(existing_id)
    if typo == existing_id:
        pytest.skip("the first roster ID has equal 10th and 11th digits")
    refused = request_correction(
        device.db, form(device, id_number=typo, name=existing_name, note="系统查无"),
        device.today,
    )  # fmt: skip
    assert [r.state_label for r in queue(device.db)] == ["待上报", "待上报"]
    sync(device)
    assert {r.state_label for r in queue(device.db)} == {"已上报"}

    # At the county: both listed, and the typo shows the person already on the roster.
    code = main(["county", "corrections", "list", "--state", "pending", "--json",
                 "--db", county.url])  # fmt: skip
    listed = json.loads(capsys.readouterr().out)
    assert code == 0 and len(listed) == 2
    by_request = {r["request_id"]: r for r in listed}
    matches = by_request[refused.request_id]["matches"]
    assert any(m["id_number"] == existing_id for m in matches)
    assert by_request[newcomer.request_id]["matches"] == []

    accepted = accept(county, str(by_request[newcomer.request_id]["id"]),
                      {"name": "石小蔓"}, by="县医保局王科员")  # fmt: skip
    assert accepted["created"]
    with pytest.raises(CountyError, match="原因"):
        reject(county, str(by_request[refused.request_id]["id"]), " ")
    reject(county, str(by_request[refused.request_id]["id"]),
           "花名册已有此人（证件号码两位颠倒），请按正确号码缴费")  # fmt: skip
    assert any(h["new"].startswith("石小蔓") for h in history(county, resident_id(901)))
    assert {r["state"] for r in list_corrections(county)} == {"accepted", "rejected"}

    # Back on the device: decisions shown, the new person payable, a normal receipt.
    sync(device)
    states = {r.request_id: r for r in queue(device.db)}
    assert states[newcomer.request_id].state_label == "已通过"
    assert states[refused.request_id].state_label == "已驳回"
    assert "颠倒" in states[refused.request_id].reason
    policy = device.policy()
    with device.db.sessions() as session:
        person = session.scalar(select(Person).where(Person.id_number == resident_id(901)))
        assert person is not None and person.name == "石小蔓"
        quotes = quote_household(session, person.household_id, policy, device.today)
    mine = next(q for q in quotes if q.person_id == person.id)
    assert mine.payable
    paid = record_payment(
        device.db, policy, person.household_id, [person.id], method="cash",
        paid_on=device.today,
    )  # fmt: skip
    assert paid.total_fen == mine.quote.due_now_fen
    report = sync(device)
    assert report.acknowledged == 1 and report.conflicts == 0


def test_an_accepted_newcomer_is_on_the_follow_up_list_until_paid(
    county: CountyDatabase, make_device: object
) -> None:
    from app.corrections import follow_ups

    device: Workspace = make_device()  # type: ignore[operator]
    sync(device)
    asked = request_correction(
        device.db, form(device, id_number=resident_id(903), name="龙阿婆", phone="13900009999"),
        device.today,
    )  # fmt: skip
    sync(device)
    [row] = list_corrections(county, "pending")
    accept(county, str(row["id"]), {})
    sync(device)
    policy = device.policy()
    [due] = follow_ups(device.db, policy, device.today)
    assert (due.request_id, due.name, due.phone) == (asked.request_id, "龙阿婆", "13900009999")
    with device.db.sessions() as session:
        person = session.scalar(select(Person).where(Person.id_number == resident_id(903)))
        assert person is not None
    record_payment(device.db, policy, due.household_id, [person.id], method="cash",
                   paid_on=device.today)  # fmt: skip
    assert follow_ups(device.db, policy, device.today) == []
