"""The append-only ledger: every business fact an event, hash-chained and signed by the device."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from app.keys import Signer, sign, verify
from db.models import LedgerEvent

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_digest(
    prev_hash: str, seq: int, event_id: str, device: str, kind: str, at: str, body: str
) -> str:
    header = canonical({"seq": seq, "event_id": event_id, "device": device, "kind": kind, "at": at})
    return hashlib.sha256(f"{prev_hash}\n{header}\n{body}".encode()).hexdigest()


_LAST = select(LedgerEvent.seq, LedgerEvent.hash).order_by(LedgerEvent.seq.desc()).limit(1)
_INSERT = insert(LedgerEvent)


def append(
    executor: Session | Connection,
    device: Signer,
    kind: str,
    body: dict[str, Any],
    last: tuple[int, str] | None = None,
) -> str:
    """Add an event after the last one, in the caller's (write) transaction; its event id.

    `last` is the last event's (seq, hash) when the caller read it already ((0, GENESIS)
    on an empty ledger); it must come from the same write transaction."""
    if last is None:
        row = executor.execute(_LAST).first()
        last = (row[0], row[1]) if row else (0, GENESIS)
    seq, prev_hash = last[0] + 1, last[1]
    event_id = str(uuid.uuid4())
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    text = canonical(body)
    digest = event_digest(prev_hash, seq, event_id, device.id, kind, at, text)
    # A Core insert: the ORM's unit of work would cost more than the write itself.
    executor.execute(
        _INSERT,
        {
            "seq": seq,
            "event_id": event_id,
            "device_id": device.id,
            "kind": kind,
            "created_at": at,
            "body": text,
            "prev_hash": prev_hash,
            "hash": digest,
            "signature": sign(device, digest.encode()).hex(),
        },
    )
    return event_id


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    valid: bool
    first_bad: int | None = None  # the seq of the first event that fails
    problem: str = ""


def _problem(event: LedgerEvent, expected: int, prev_hash: str, keys: dict[str, bytes]) -> str:
    """Why this event breaks the chain, or "" when it holds."""
    if event.seq != expected:
        return f"序号不连续：应为{expected}"
    if event.prev_hash != prev_hash:
        return "与前一事件的链接断开"
    digest = event_digest(
        prev_hash, event.seq, event.event_id, event.device_id, event.kind, event.created_at,
        event.body,
    )  # fmt: skip
    if digest != event.hash:
        return "内容与其哈希不符（事件被改动）"
    key = keys.get(event.device_id)
    if key is None or not verify(key, digest.encode(), bytes.fromhex(event.signature)):
        return "签名无效"
    return ""


def verify_chain(
    session: Session, public_keys: dict[str, bytes], *, after: tuple[int, str] | None = None
) -> ChainReport:
    """Check every event in order: sequence, link to the previous hash, own hash, signature.

    With `after` = (seq, hash) of an event checked before, only the events after it are read
    (the start-up check verifies what is new); `events` counts the events checked."""
    start, prev_hash = after if after is not None else (0, GENESIS)
    count = 0
    query = select(LedgerEvent).where(LedgerEvent.seq > start).order_by(LedgerEvent.seq)
    for event in session.scalars(query):
        count += 1
        problem = _problem(event, start + count, prev_hash, public_keys)
        if problem:
            return ChainReport(
                count, False, event.seq, f"第{event.seq}号事件（{event.kind}）{problem}"
            )
        prev_hash = event.hash
    return ChainReport(count, True)


def body_of(event: LedgerEvent) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(event.body)
    return value
