"""Storing a device's pushed events: each once, in chain order, with an answer per event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from app.keys import verify
from app.ledger import canonical, event_digest
from sync.server.county import CountyDatabase, CountyError
from sync.server.derive import derive
from sync.server.schema import (
    SyncConflict,
    SyncDevice,
    SyncEvent,
)
from sync.wire import EVENT_FIELDS, WireError, unb64

ACCEPTED, DUPLICATE, CONFLICT, REJECTED = "accepted", "duplicate", "conflict", "rejected"


@dataclass(frozen=True, slots=True)
class EventResult:
    """The county's answer for one event; `reason` in Chinese when it was not accepted."""

    event_id: str
    seq: int
    status: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"event_id": self.event_id, "seq": self.seq, "status": self.status}
        if self.reason:
            answer["reason"] = self.reason
        return answer


@dataclass(frozen=True, slots=True)
class Incoming:
    """A wire event checked for shape, with its body in canonical form."""

    seq: int
    event_id: str
    device_id: str
    kind: str
    created_at: str
    body: str
    signature: bytes


# The longest text each field may have: the county's columns, so a bad event is refused here
# rather than failing the whole batch in the database.
FIELD_LIMITS = {"event_id": 36, "device_id": 32, "kind": 32, "created_at": 40, "signature": 200}


def parse_event(raw: Any) -> Incoming:
    """The event's fields with their types checked; WireError says which is wrong."""
    if not isinstance(raw, dict):
        raise WireError("事件应为 JSON 对象")
    missing = [name for name in EVENT_FIELDS if name not in raw]
    if missing:
        raise WireError(f"事件缺少字段：{'、'.join(missing)}")
    seq, body = raw["seq"], raw["body"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise WireError("事件序号 seq 应为正整数")
    for name, limit in FIELD_LIMITS.items():
        value = raw[name]
        if not isinstance(value, str) or not value:
            raise WireError(f"事件字段 {name} 应为非空文本")
        if len(value) > limit:
            raise WireError(f"事件字段 {name} 过长（上限 {limit} 个字符）")
    if not isinstance(body, dict):
        raise WireError("事件内容 body 应为 JSON 对象")
    signature = unb64(raw["signature"])
    if len(signature) != 64:
        raise WireError("签名长度不对")
    text = canonical(body)
    try:
        for value in (text, raw["event_id"], raw["device_id"], raw["kind"], raw["created_at"]):
            value.encode()
    except UnicodeEncodeError as exc:
        raise WireError("事件含有无效的 Unicode 字符") from exc
    return Incoming(
        seq, raw["event_id"], raw["device_id"], raw["kind"], raw["created_at"], text, signature
    )


_KNOWN = select(
    SyncEvent.event_id, SyncEvent.device_id, SyncEvent.seq, SyncEvent.hash,
    SyncEvent.signature, SyncEvent.prev_hash,
).where(SyncEvent.event_id.in_(bindparam("ids", expanding=True)))  # fmt: skip
_AT_SEQ = select(SyncEvent.event_id).where(
    SyncEvent.device_id == bindparam("device"), SyncEvent.seq == bindparam("seq")
)


def ingest(county: CountyDatabase, device_number: int, raw_events: list[Any]) -> dict[str, Any]:
    """Store what is new, answer every event, and say how far the device's chain is stored."""
    results: dict[int, EventResult] = {}
    parsed: list[tuple[int, Incoming]] = []
    for index, raw in enumerate(raw_events):
        try:
            parsed.append((index, parse_event(raw)))
        except WireError as exc:
            event_id = raw.get("event_id") if isinstance(raw, dict) else None
            seq = raw.get("seq") if isinstance(raw, dict) else None
            if not isinstance(seq, int) or isinstance(seq, bool):
                seq = 0
            text_id = event_id if isinstance(event_id, str) else ""
            results[index] = EventResult(text_id, seq, REJECTED, str(exc))
    with county.writing() as conn:
        device = conn.execute(
            select(SyncDevice).where(SyncDevice.number == device_number).with_for_update()
        ).one()
        if device.revoked_at is not None:
            raise CountyError("该设备已被县医保局停用")
        state = _Chain(conn, device)
        state.known = {
            row.event_id: _Held(
                row.event_id, row.device_id, row.seq, row.hash, row.signature, row.prev_hash
            )
            for row in conn.execute(_KNOWN, {"ids": [e.event_id for _, e in parsed]})
        }
        # Chain order, whatever order the batch came in.
        for index, event in sorted(parsed, key=lambda item: item[1].seq):
            results[index] = state.take(event)
        state.flush()
    return {
        "results": [results[i].to_json() for i in range(len(raw_events))],
        "device_seq": state.last_seq,
    }


@dataclass(frozen=True, slots=True)
class _Held:
    """An event the county holds, stored before or earlier in this batch."""

    event_id: str
    device_id: str
    seq: int
    hash: str
    signature: str
    prev_hash: str


class _Chain:
    """One device's chain during a push: what it holds, and the rows to write."""

    def __init__(self, conn: Connection, device: Any) -> None:
        self.conn = conn
        self.device_id: str = device.device_id
        self.public_key: bytes = device.public_key
        self.number: int = device.number
        self.last_seq: int = device.last_seq
        self.last_hash: str = device.last_hash
        self.stored: list[dict[str, Any]] = []
        # The batch's events the county already holds, by event id; this batch's own stored
        # events join them, so an event sent twice in one batch is a duplicate, not a fork.
        self.known: dict[str, _Held] = {}
        self.now = datetime.now(UTC).replace(tzinfo=None)

    def take(self, event: Incoming) -> EventResult:
        if event.device_id != self.device_id:
            return EventResult(event.event_id, event.seq, REJECTED, "事件不属于本设备，拒收")
        known = self.known.get(event.event_id)
        if known is not None:
            return self._again(event, known)
        if event.seq <= self.last_seq:
            other = next(
                (row["event_id"] for row in self.stored if row["seq"] == event.seq),
                None,
            ) or self.conn.scalar(_AT_SEQ, {"device": self.device_id, "seq": event.seq})
            self._conflict("fork", event, {"seq": event.seq, "stored_event": other})
            return EventResult(
                event.event_id, event.seq, CONFLICT,
                f"第{event.seq}号事件已是另一条记录（{other}），链条分叉，已报县医保局核查",
            )  # fmt: skip
        if event.seq > self.last_seq + 1:
            return EventResult(
                event.event_id, event.seq, REJECTED,
                f"缺少第{self.last_seq + 1}号起的事件，待其到达后再收",
            )  # fmt: skip
        digest = event_digest(
            self.last_hash, event.seq, event.event_id, event.device_id, event.kind,
            event.created_at, event.body,
        )  # fmt: skip
        if not verify(self.public_key, digest.encode(), event.signature):
            return EventResult(event.event_id, event.seq, REJECTED, "签名无效，拒收")
        self.stored.append(
            {
                "event_id": event.event_id,
                "device_id": event.device_id,
                "seq": event.seq,
                "kind": event.kind,
                "created_at": event.created_at,
                "body": event.body,
                "prev_hash": self.last_hash,
                "hash": digest,
                "signature": event.signature.hex(),
                "received_at": self.now,
            }
        )
        self.known[event.event_id] = _Held(
            event.event_id, event.device_id, event.seq, digest, event.signature.hex(),
            self.last_hash,
        )  # fmt: skip
        self.last_seq, self.last_hash = event.seq, digest
        return EventResult(event.event_id, event.seq, ACCEPTED)

    def _again(self, event: Incoming, known: _Held) -> EventResult:
        """An event id already stored: the same content is acknowledged again, other
        content is a conflict and the stored one stays."""
        digest = event_digest(
            known.prev_hash, event.seq, event.event_id, event.device_id, event.kind,
            event.created_at, event.body,
        )  # fmt: skip
        same = (
            known.device_id == event.device_id
            and known.seq == event.seq
            and digest == known.hash
            and known.signature == event.signature.hex()
        )
        if same:
            return EventResult(event.event_id, event.seq, DUPLICATE)
        self._conflict("changed_event", event, {"seq": event.seq})
        return EventResult(
            event.event_id, event.seq, CONFLICT,
            "同一事件编号已收到不同内容，保留原记录，已报县医保局核查",
        )  # fmt: skip

    def _conflict(self, kind: str, event: Incoming, detail: dict[str, Any]) -> None:
        self.conn.execute(
            insert(SyncConflict).values(
                kind=kind,
                device_id=self.device_id,
                event_id=event.event_id,
                detail=json.dumps(detail, ensure_ascii=False),
                created_at=self.now,
            )
        )

    def flush(self) -> None:
        if not self.stored:
            return
        self.conn.execute(insert(SyncEvent), self.stored)
        derive(self.conn, self.device_id, self.stored, self.now)
        self.conn.execute(
            update(SyncDevice)
            .where(SyncDevice.number == self.number)
            .values(last_seq=self.last_seq, last_hash=self.last_hash, last_push_at=self.now)
        )
