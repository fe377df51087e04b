"""A dishonest agent who holds the data key, and so the device's private key, can rewrite the
laptop's ledger and sign it again. What the county already holds stays as it was: a rewritten
event sent again is a conflict the county records, and after a synced receipt is removed and
its number reused, the device's next events no longer link to the county's chain and are
refused."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlalchemy import select

from app.keys import sign
from app.ledger import GENESIS, canonical, event_digest
from app.workspace import Workspace
from db.models import LedgerEvent
from sync.client import status, sync
from sync.server.county import CountyDatabase
from sync.server.schema import CountyPayment, SyncConflict, SyncEvent
from tests.sync.conftest import DeviceFactory, ServerProcess, http
from tests.sync.helpers import key_of, pay_household, push, records, statuses


def raw_sql(workspace: Workspace, statement: str, *params: Any) -> None:
    path = workspace.db.path
    assert path is not None
    workspace.db.engine.dispose()
    raw = sqlite3.connect(path)
    try:
        raw.execute(statement, params)
        raw.commit()
    finally:
        raw.close()


def county_totals(county: CountyDatabase) -> dict[str, int]:
    with county.reading() as conn:
        return dict(conn.execute(select(CountyPayment.receipt_no, CountyPayment.total_fen)).all())


def conflict_kinds(county: CountyDatabase) -> list[str]:
    with county.reading() as conn:
        return list(conn.scalars(select(SyncConflict.kind).order_by(SyncConflict.id)))


def test_an_amount_rewritten_and_signed_again_after_a_sync_stays_as_the_county_got_it(
    county: CountyDatabase, make_device: DeviceFactory, server: ServerProcess
) -> None:
    device = make_device()
    sync(device)
    receipt, _ = pay_household(device)
    sync(device)
    original = county_totals(county)[receipt]
    with device.db.sessions() as session:
        event = session.scalars(select(LedgerEvent).where(LedgerEvent.seq == 1)).one()
        body = json.loads(event.body)
        event_id, device_id, kind, at = (
            event.event_id,
            event.device_id,
            event.kind,
            event.created_at,
        )
    body["total_fen"] = 100
    text = canonical(body)
    digest = event_digest(GENESIS, 1, event_id, device_id, kind, at, text)
    signature = sign(key_of(device), digest.encode()).hex()
    raw_sql(device, "DROP TRIGGER ledger_event_no_update")
    raw_sql(
        device, "UPDATE ledger_event SET body = ?, hash = ?, signature = ? WHERE seq = 1",
        text, digest, signature,
    )  # fmt: skip
    with http(server) as client:
        answer = push(client, key_of(device), records(device))
    assert statuses(answer) == [(1, "conflict")]
    assert "保留原记录" in answer["results"][0]["reason"]
    assert conflict_kinds(county) == ["changed_event"]
    assert county_totals(county)[receipt] == original
    with county.reading() as conn:
        stored = conn.scalar(select(SyncEvent.body).where(SyncEvent.event_id == event_id))
    assert stored is not None and json.loads(stored)["total_fen"] == original


def test_a_synced_receipt_removed_and_its_number_reused_is_refused_by_the_county(
    county: CountyDatabase, make_device: DeviceFactory
) -> None:
    device = make_device()
    sync(device)
    receipt, _ = pay_household(device)
    sync(device)
    original = county_totals(county)[receipt]
    # The receipt, its lines and its event gone: the laptop's books hold together again.
    for statement in (
        "DROP TRIGGER ledger_event_no_delete",
        "DROP TRIGGER payment_no_delete",
        "DROP TRIGGER payment_line_no_delete",
        "DELETE FROM payment_line",
        "DELETE FROM payment",
        "DELETE FROM ledger_event",
    ):
        raw_sql(device, statement)
    again, _ = pay_household(device, 1)  # another household on the same receipt number
    assert again == receipt
    later, _ = pay_household(device, 2)
    with device.db.sessions() as session:
        first_event = session.scalars(
            select(LedgerEvent.event_id).where(LedgerEvent.seq == 1)
        ).one()
    report = sync(device)
    # The county acknowledged seq 1 already, so the reused number is never sent again; the
    # event after it links to the rewritten past, not to the county's chain, and is refused.
    assert (report.acknowledged, report.rejected) == (0, 1)
    assert "第2号事件" in report.problems[0] and "签名无效" in report.problems[0]
    assert status(device).waiting == 1 and status(device).acked_seq == 1
    assert county_totals(county) == {receipt: original}
    assert later not in county_totals(county)
    with county.reading() as conn:
        held = conn.execute(select(SyncEvent.seq, SyncEvent.event_id)).all()
    assert len(held) == 1 and held[0].seq == 1 and held[0].event_id != first_event
