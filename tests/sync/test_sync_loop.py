"""The whole loop through a real county server process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.collection import quote_household
from app.workspace import Workspace
from db.models import Person
from sync.client import SyncError, enroll, status, sync
from sync.server.county import CountyDatabase, add_device, revoke_device
from sync.server.schema import CountyPayment, SyncConflict
from tests.sync.helpers import ledger_count, pay_household, stored_events


def test_enrolled_device_gets_its_villages_and_its_payments_reach_the_county_once(
    county: CountyDatabase, make_device: object
) -> None:
    device = make_device()  # type: ignore[operator]
    first = sync(device)
    with device.db.sessions() as session:
        people = session.scalar(select(func.count()).select_from(Person))
    # Only its own village came down, every person of it.
    assert people == first.pulled > 0
    receipt, _ids = pay_household(device)
    pay_household(device, 1)
    report = sync(device)
    assert (report.pushed, report.acknowledged, report.duplicates) == (2, 2, 0)
    again = sync(device)
    assert again.pushed == 0
    with county.reading() as conn:
        receipts = list(conn.scalars(select(CountyPayment.receipt_no)))
    assert receipt in receipts and len(receipts) == 2
    assert status(device).waiting == 0
    # Sent is not deleted: the device still holds its whole ledger.
    assert ledger_count(device) == 2


def test_a_payment_on_one_device_shows_as_paid_on_the_other(
    county: CountyDatabase, make_device: object
) -> None:
    first = make_device("a", "张三")  # type: ignore[operator]
    second = make_device("b", "李四")  # type: ignore[operator]
    sync(first)
    sync(second)
    receipt, ids = pay_household(first)
    sync(first)
    assert sync(second).pulled == 1
    policy = second.policy()
    with second.db.sessions() as session:
        person = session.scalar(select(Person).where(Person.id_number == ids[0]))
        assert person is not None
        quotes = quote_household(session, person.household_id, policy, second.today)
    mine = next(q for q in quotes if q.person_id == person.id)
    assert not mine.payable
    assert "他处" in mine.quote.explanation or not mine.quote.due
    del receipt


def test_the_same_person_paid_on_two_devices_is_kept_and_raised_as_a_conflict(
    county: CountyDatabase, make_device: object
) -> None:
    first = make_device("a", "张三")  # type: ignore[operator]
    second = make_device("b", "李四")  # type: ignore[operator]
    sync(first)
    sync(second)
    # Both offline, both collect from the same household.
    receipt_a, ids = pay_household(first)
    receipt_b, _ = pay_household(second)
    sync(first)
    report = sync(second)
    assert report.acknowledged == 1  # the money was taken: the receipt is stored
    with county.reading() as conn:
        conflicts = conn.execute(select(SyncConflict).where(SyncConflict.kind == "double_payment"))
        details = [json.loads(c.detail) for c in conflicts]
    assert {d["id_number"] for d in details} == set(ids)
    assert {r["receipt_no"] for r in details[0]["receipts"]} == {receipt_a, receipt_b}


def test_enrollment_refuses_a_wrong_a_used_and_a_revoked_code(
    county: CountyDatabase, server: object, tmp_path: object, make_device: object
) -> None:
    from pathlib import Path

    from app.workspace import open_workspace

    base = Path(str(tmp_path))
    url = server.url  # type: ignore[attr-defined]
    village = county_village(county)
    workspace = open_workspace(base / "x.db", today="2023-10-15", create=True)
    try:
        with pytest.raises(SyncError, match="注册码无效"):
            enroll(workspace, url, "AAAA-BBBB-CCCC")
        used = add_device(county, "王五", [village])
        make_device("first")  # type: ignore[operator]
        enroll(workspace, url, used.code)
        other = open_workspace(base / "y.db", today="2023-10-15", create=True)
        try:
            with pytest.raises(SyncError, match="已使用"):
                enroll(other, url, used.code)
            revoked = add_device(county, "赵六", [village])
            revoke_device(county, str(revoked.number))
            with pytest.raises(SyncError, match="停用"):
                enroll(other, url, revoked.code)
        finally:
            other.close()
        # A revoked device can no longer push; what it recorded stays on the laptop.
        revoke_device(county, str(used.number))
        pay_household(workspace) if sync_first(workspace) else None
        with pytest.raises(SyncError, match="停用"):
            sync(workspace)
    finally:
        workspace.close()


def sync_first(workspace: Workspace) -> bool:
    try:
        sync(workspace)
    except SyncError:
        return False
    return True


def county_village(county: CountyDatabase) -> str:
    from db.models import Village

    with county.reading() as conn:
        return str(conn.scalar(select(Village.code).order_by(Village.code).limit(1)))


def test_an_unenrolled_device_is_told_to_enroll(tmp_path: object) -> None:
    from pathlib import Path

    from app.workspace import open_workspace

    workspace = open_workspace(Path(str(tmp_path)) / "d.db", today="2023-10-15", create=True)
    try:
        with pytest.raises(SyncError, match="尚未向县医保局注册"):
            sync(workspace)
    finally:
        workspace.close()


def test_stored_events_are_each_devices_chain_once(
    county: CountyDatabase, make_device: object
) -> None:
    device = make_device()  # type: ignore[operator]
    sync(device)
    for index in range(3):
        pay_household(device, index)
    sync(device)
    sync(device)
    assert [seq for _, seq in stored_events(county)] == [1, 2, 3]


def test_a_conflicting_event_stays_waiting_and_is_reported_until_sorted_out(
    county: CountyDatabase, make_device: object, tmp_path: object
) -> None:
    import sqlite3
    from pathlib import Path

    from app.workspace import open_workspace

    device = make_device()  # type: ignore[operator]
    sync(device)
    # The laptop restored from a copy taken now: both go on from the same point.
    copy = Path(str(tmp_path)) / "restored.db"
    with sqlite3.connect(str(device.db.path)) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    restored = open_workspace(copy, today="2023-10-15")
    try:
        pay_household(device)
        sync(device)
        pay_household(restored, 1)
        report = sync(restored)
        assert report.conflicts == 1 and "分叉" in report.problems[0]
        # Not acknowledged: it stays waiting, and the next sync reports it again.
        assert status(restored).waiting == 1
        again = sync(restored)
        assert again.conflicts == 1 and status(restored).problems
    finally:
        restored.close()


def test_a_void_then_a_new_receipt_in_one_push_is_no_double_payment(
    county: CountyDatabase, make_device: object
) -> None:
    from app.collection import void_receipt

    device = make_device()  # type: ignore[operator]
    sync(device)
    first, ids = pay_household(device)
    void_receipt(device.db, first, "金额收错，重开")
    second, again = pay_household(device)
    assert again == ids and second != first
    report = sync(device)
    assert report.acknowledged == 3 and report.conflicts == 0
    with county.reading() as conn:
        voided = dict(conn.execute(select(CountyPayment.receipt_no, CountyPayment.voided)).all())
        kinds = list(conn.scalars(select(SyncConflict.kind)))
    assert voided == {first: True, second: False}
    assert kinds == []
