"""What the sync tests do on a device and look at on the county: payments, the ledger, pushes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import func, select

from app.collection import quote_household, record_payment, void_receipt
from app.keys import DeviceKey, device_key
from app.workspace import Workspace
from db.engine import writing_connection
from db.models import Household, LedgerEvent, Person
from sync.server.county import CountyDatabase
from sync.server.schema import SyncConflict, SyncEvent
from sync.wire import API, GZIP, event_record, pack, sign_request

PUSH = f"{API}/push"
CHANGES = f"{API}/changes"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def pay_household(workspace: Workspace, index: int = 0) -> tuple[str, list[str]]:
    """Pay every payable member of the device's `index`-th household: receipt, ID numbers."""
    policy = workspace.policy()
    with workspace.db.sessions() as session:
        for hid in session.scalars(select(Household.id).order_by(Household.id)):
            members = [
                m.person_id
                for m in quote_household(session, hid, policy, workspace.today)
                if m.payable
            ]
            if not members:
                continue
            if index:
                index -= 1
                continue
            ids = list(session.scalars(select(Person.id_number).where(Person.id.in_(members))))
            paid = record_payment(
                workspace.db, policy, hid, members, method="cash", paid_on=workspace.today
            )
            return paid.receipt_no, ids
    raise AssertionError("no payable household")


def collect(workspace: Workspace, events: int) -> None:
    """Record ledger events until the device holds `events`: a household paid, voided as
    mistyped, paid again, and so on (payments and voids, as a busy day has them)."""
    count = ledger_count(workspace)
    while count < events:
        receipt, _ = pay_household(workspace)
        count += 1
        if count < events:
            void_receipt(workspace.db, receipt, "录入有误，重新收款")
            count += 1


def ledger_count(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEvent)) or 0)


def ledger(workspace: Workspace) -> list[tuple[str, int, str, str]]:
    """The device's ledger in seq order: event id, seq, hash, signature."""
    with workspace.db.sessions() as session:
        return [
            (e.event_id, e.seq, e.hash, e.signature)
            for e in session.scalars(select(LedgerEvent).order_by(LedgerEvent.seq))
        ]


def county_events(county: CountyDatabase, device_id: str) -> list[tuple[str, int, str, str]]:
    """What the county holds of a device, in seq order, in the same shape as `ledger`."""
    with county.reading() as conn:
        rows = conn.execute(
            select(SyncEvent.event_id, SyncEvent.seq, SyncEvent.hash, SyncEvent.signature)
            .where(SyncEvent.device_id == device_id)
            .order_by(SyncEvent.seq)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def stored_events(county: CountyDatabase) -> list[tuple[str, int]]:
    with county.reading() as conn:
        return [
            (row.device_id, row.seq)
            for row in conn.execute(select(SyncEvent.device_id, SyncEvent.seq).order_by(
                SyncEvent.device_id, SyncEvent.seq
            ))
        ]  # fmt: skip


def county_counts(county: CountyDatabase) -> tuple[int, int]:
    """Events stored and conflicts raised, all devices together."""
    with county.reading() as conn:
        events = conn.scalar(select(func.count()).select_from(SyncEvent))
        conflicts = conn.scalar(select(func.count()).select_from(SyncConflict))
    return int(events or 0), int(conflicts or 0)


def key_of(workspace: Workspace) -> DeviceKey:
    with writing_connection(workspace.db.engine) as conn:
        return device_key(conn)


def records(workspace: Workspace) -> list[dict[str, Any]]:
    """Every ledger event as the client sends it, in seq order."""
    with workspace.db.sessions() as session:
        return [
            event_record(e.seq, e.event_id, e.device_id, e.kind, e.created_at, e.body, e.signature)
            for e in session.scalars(select(LedgerEvent).order_by(LedgerEvent.seq))
        ]


def signed_post(
    key: DeviceKey, path: str, body: bytes, *, encoding: str | None = GZIP
) -> tuple[bytes, dict[str, str]]:
    """The headers a device sends with a POST of these exact bytes."""
    headers = sign_request(key, "POST", path, "", body)
    headers["Content-Type"] = "application/json"
    if encoding:
        headers["Content-Encoding"] = encoding
    return body, headers


def push(client: httpx.Client, key: DeviceKey, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Push these event records by hand, signed by `key`; the county's answer."""
    body, headers = signed_post(key, PUSH, pack({"events": events}))
    response = client.post(PUSH, content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def statuses(answer: dict[str, Any]) -> list[tuple[int, str]]:
    return [(r["seq"], r["status"]) for r in answer["results"]]


Fault = Callable[[int, httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response]


class Tap(httpx.BaseTransport):
    """The real HTTP transport with a hand on the wire: `fault(n, request, send)` decides
    what happens to the n-th request (1-based) of the kind it watches; the others go through."""

    def __init__(self, fault: Fault, path: str = PUSH) -> None:
        self.real = httpx.HTTPTransport()
        self.fault = fault
        self.path = path
        self.seen = 0
        self.sent: list[httpx.Request] = []

    def send(self, request: httpx.Request) -> httpx.Response:
        """Send for real and read the whole answer (the server may be gone right after)."""
        response = self.real.handle_request(request)
        response.read()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        if request.url.path != self.path:
            return self.send(request)
        self.seen += 1
        return self.fault(self.seen, request, self.send)

    def close(self) -> None:
        self.real.close()
