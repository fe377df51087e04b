"""Sync figures: push 1,000 payment events, bytes per event, county ingest, a slow link."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, insert, select, text

from app.collection import quote_household, record_payment
from app.workspace import Workspace, open_workspace
from db.engine import writing_connection
from db.models import Household, LedgerEvent, Setting
from sync.client import BATCH, push, sync
from sync.server.api import REGION_KEY, create_app
from sync.server.county import CountyDatabase, add_device, open_county
from sync.server.feed import import_roster
from sync.server.ingest import ingest
from sync.server.schema import SyncDevice
from sync.wire import event_record

TODAY = "2023-10-15"
SLOW_BITS_PER_S = 64_000
SLOW_RTT_S = 0.4


@contextmanager
def running(county: CountyDatabase) -> Iterator[str]:
    """The county API in a uvicorn thread of this process; its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(county), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # a benchmark may poll; the tests never do
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


class Counting(httpx.HTTPTransport):
    """Counts the bytes of every request body and answer, as they travel."""

    def __init__(self, slow: bool = False) -> None:
        super().__init__()
        self.sent = self.received = self.requests = 0
        self.slow = slow

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = super().handle_request(request)
        raw = response.read()
        self.requests += 1
        self.sent += len(body)
        self.received += len(raw)
        if self.slow:
            # 64 kbit/s each way and a 400 ms round trip, on top of the real exchange.
            time.sleep(SLOW_RTT_S + (len(body) + len(raw) + 400) * 8 / SLOW_BITS_PER_S)
        return response


def _pay_households(workspace: Workspace, count: int) -> int:
    policy, paid = workspace.policy(), 0
    with workspace.db.sessions() as session:
        households = list(session.scalars(select(Household.id).order_by(Household.id)))
    for hid in households:
        with workspace.db.sessions() as session:
            due = [
                m.person_id
                for m in quote_household(session, hid, policy, workspace.today)
                if m.payable
            ]
        if due:
            record_payment(workspace.db, policy, hid, due, method="cash", paid_on=workspace.today)
            paid += 1
            if paid == count:
                break
    return paid


def _device(county: CountyDatabase, url: str, path: Path, villages: list[str]) -> Workspace:
    from sync.client import enroll

    new = add_device(county, "测速员", villages)
    workspace = open_workspace(path, today=TODAY, create=True)
    enroll(workspace, url, new.code)
    sync(workspace)  # the village's roster
    return workspace


def _villages(county: CountyDatabase) -> list[str]:
    """Two villages: enough households for 1,000 receipts."""
    from db.models import Village

    with county.reading() as conn:
        return list(conn.scalars(select(Village.code).order_by(Village.code).limit(2)))


def push_figures(csv: Path, work: Path, events: int = 1000) -> dict[str, Any]:
    """A device with `events` payments pushes them to a local server (SQLite county)."""
    os.environ["VCOLLECT_TODAY"] = TODAY
    county = open_county(f"sqlite:///{work / 'county.db'}")
    import_roster(county, csv)
    with county.writing() as conn:
        conn.execute(insert(Setting).values(key=REGION_KEY, value="lengshi-2024"))
    village = _villages(county)
    with running(county) as url:
        workspace = _device(county, url, work / "device.db", village)
        paid = _pay_households(workspace, events)
        counting = Counting()
        with httpx.Client(base_url=url, transport=counting, timeout=60) as client:
            from sync.client import SyncReport

            report = SyncReport()
            start = time.perf_counter()
            push(workspace, client, report)
            push_s = time.perf_counter() - start
        slow_device = _device(county, url, work / "slow.db", village)
        _pay_households(slow_device, 300)
        slow = Counting(slow=True)
        start = time.perf_counter()
        slow_report = sync(slow_device, transport=slow)
        slow_s = time.perf_counter() - start
        workspace.close()
        slow_device.close()
    county.close()
    return {
        "events": paid,
        "acknowledged": report.acknowledged,
        "push_s": round(push_s, 2),
        "events_per_s": round(paid / push_s),
        "wire_bytes_per_event": round(counting.sent / paid),
        "batches": counting.requests,
        "slow_link_receipts": slow_report.acknowledged,
        "slow_link_s": round(slow_s, 1),
        "slow_link_bytes": slow.sent + slow.received,
    }


def _wire_events(workspace: Workspace) -> list[dict[str, Any]]:
    with workspace.db.sessions() as session:
        return [
            event_record(e.seq, e.event_id, e.device_id, e.kind, e.created_at, e.body,
                         e.signature)
            for e in session.scalars(select(LedgerEvent).order_by(LedgerEvent.seq))
        ]  # fmt: skip


def ingest_figures(url: str, device_db: Path, work: Path) -> dict[str, Any]:
    """The county storing the same events in batches of 100, beside a bare executemany of
    the same rows into the same table on the same database."""
    source = open_workspace(device_db, today=TODAY)
    events = _wire_events(source)
    with writing_connection(source.db.engine) as conn:
        from app.keys import device_key

        key = device_key(conn)
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        public = Ed25519PrivateKey.from_private_bytes(key.private_key).public_key()
    source.close()
    county = open_county(url)
    try:
        with county.writing() as conn:
            conn.execute(insert(SyncDevice).values(
                number=1, agent="测速", villages="", code_hash="bench", created_at=_now(),
                receipt_prefix="9999", device_id=key.id, public_key=public.public_bytes_raw(),
                enrolled_at=_now(), last_seq=0, last_hash="0" * 64,
            ))  # fmt: skip
        start = time.perf_counter()
        for first in range(0, len(events), BATCH):
            ingest(county, 1, events[first : first + BATCH])
        ours = time.perf_counter() - start
        from sync.server.schema import SyncEvent

        table = SyncEvent.__table__
        with county.reading() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(table))]
        with county.writing() as conn:
            conn.execute(delete(SyncEvent))
        for row in rows:
            row.pop("id")

        start = time.perf_counter()
        for first in range(0, len(rows), BATCH):
            with county.writing() as conn:
                conn.execute(insert(SyncEvent), rows[first : first + BATCH])
        bare = time.perf_counter() - start
    finally:
        county.close()
    return {
        "events": len(events),
        "ingest_per_s": round(len(events) / ours),
        "baseline_per_s": round(len(events) / bare),
    }


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


def postgres_url() -> str | None:
    url = os.environ.get("VC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    from sqlalchemy import create_engine

    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return None
    return url


def sync_figures(csv: Path, work: Path) -> dict[str, Any]:
    before = os.environ.get("VCOLLECT_TODAY")
    try:
        return _sync_figures(csv, work)
    finally:
        if before is None:
            os.environ.pop("VCOLLECT_TODAY", None)
        else:
            os.environ["VCOLLECT_TODAY"] = before


def _sync_figures(csv: Path, work: Path) -> dict[str, Any]:
    figures = push_figures(csv, work)
    device_db = work / "device.db"
    figures["ingest_sqlite"] = ingest_figures(f"sqlite:///{work / 'ingest.db'}", device_db, work)
    pg = postgres_url()
    if pg:
        schema = f"bench_{os.getpid()}"
        from sqlalchemy import create_engine

        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            figures["ingest_postgresql"] = ingest_figures(
                f"{pg}?options=-csearch_path%3D{schema}", device_db, work
            )
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return figures


def sync_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The sync lines of `make bench`'s table."""
    rows = [
        (
            f"push {figures['events']} payment events to a local server",
            f"{figures['push_s']} s, {figures['wire_bytes_per_event']} bytes/event on the wire",
            f"{figures['batches']} batches",
            "<= 5 s, <= 400 bytes/event",
        ),
        (
            f"a day of {figures['slow_link_receipts']} receipts at 64 kbit/s, 400 ms RTT",
            f"{figures['slow_link_s']} s ({figures['slow_link_bytes']} bytes)",
            "",
            "<= 30 s",
        ),
    ]
    for db in ("sqlite", "postgresql"):
        if f"ingest_{db}" in figures:
            ingest = figures[f"ingest_{db}"]
            rows.append(
                (
                    f"county ingest on {db} ({ingest['events']} events, batches of {BATCH})",
                    f"{ingest['ingest_per_s']} events/s",
                    f"bare insert of the same rows {ingest['baseline_per_s']}/s",
                    ">= 1000 events/s",
                )
            )
    return rows


if __name__ == "__main__":
    import tempfile

    from app.demo.counties import LENGSHI
    from app.demo.generator import write_csv

    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "lengshi.csv"
        write_csv(LENGSHI, roster)
        print(sync_figures(roster, Path(tmp)), file=sys.stdout)
