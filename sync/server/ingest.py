"""Storing a device's pushed events: each once, in chain order, with an answer per event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update

from app.keys import verify
from app.ledger import canonical, event_digest
from sync.server.county import CountyDatabase, CountyError
from sync.server.schema import (
    Change,
    CountyPayment,
    CountyPaymentLine,
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
        bodies = [json.loads(row["body"]) for row in self.stored]
        # The receipt numbers this device already used, among the batch's: one query.
        numbers = {
            str(body.get("receipt_no"))
            for row, body in zip(self.stored, bodies, strict=True)
            if row["kind"] == "payment"
        }
        taken: set[str] = set()
        if numbers:
            params = {"device": self.device_id, "numbers": sorted(numbers)}
            taken.update(self.conn.scalars(_RECEIPTS_TAKEN, params))
        for row, body in zip(self.stored, bodies, strict=True):
            _derive(self.conn, row, body, self.now, taken)
        self.conn.execute(
            update(SyncDevice)
            .where(SyncDevice.number == self.number)
            .values(last_seq=self.last_seq, last_hash=self.last_hash, last_push_at=self.now)
        )


_RECEIPTS_TAKEN = select(CountyPayment.receipt_no).where(
    CountyPayment.device_id == bindparam("device"),
    CountyPayment.receipt_no.in_(bindparam("numbers", expanding=True)),
)


def _derive(
    conn: Connection, row: dict[str, Any], body: dict[str, Any], now: datetime, taken: set[str]
) -> None:
    """The county's views of a stored event: its payment, a void, the pull feed, conflicts.
    `taken`: the device's receipt numbers the county already holds (a payment adds its own)."""
    try:
        if row["kind"] == "payment":
            _payment(conn, row, body, now, taken)
        elif row["kind"] == "void":
            _void(conn, row, body, now)
    except (LookupError, TypeError, ValueError, OverflowError) as exc:
        # The event is the device's signed fact and stays stored; the county looks at it.
        # Nothing of it was written: _payment and _void check everything before writing.
        conn.execute(
            insert(SyncConflict).values(
                kind="unreadable",
                device_id=row["device_id"],
                event_id=row["event_id"],
                detail=json.dumps({"error": str(exc)}, ensure_ascii=False),
                created_at=now,
            )
        )


_PAID_ELSEWHERE = (
    select(CountyPayment.device_id, CountyPayment.receipt_no, CountyPaymentLine.id_number)
    .join(CountyPayment, CountyPayment.id == CountyPaymentLine.payment_id)
    .where(
        CountyPaymentLine.id_number.in_(bindparam("ids", expanding=True)),
        CountyPaymentLine.benefit_year == bindparam("year"),
        CountyPayment.voided.is_(False),
    )
)


_INT32 = 2**31


def _text(value: Any, column: Any) -> str:
    """A payment's text field, refused (ValueError) when its column cannot hold it."""
    text = str(value)
    limit = column.type.length
    if limit is not None and len(text) > limit:
        raise ValueError(f"{column.key} 过长（{len(text)} 个字符，上限 {limit}）")
    return text


def _integer(value: Any, name: str) -> int:
    """A whole number that fits the county's INTEGER columns."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"{name} 应为整数")
    number = int(value)
    if not -_INT32 <= number < _INT32:
        raise ValueError(f"{name} 超出范围：{number}")
    return number


def _payment(
    conn: Connection, row: dict[str, Any], body: dict[str, Any], now: datetime, taken: set[str]
) -> None:
    # Everything is read and checked before the first insert: an event the county cannot
    # read leaves no half of itself behind (ValueError and friends: see _derive).
    lines = body["lines"]
    if not isinstance(lines, list) or not lines:
        raise ValueError("收款事件没有缴费人员（lines）")
    paid_on = body["paid_on"]
    if not isinstance(paid_on, str):
        raise TypeError("paid_on 应为日期文本")
    payment = {
        "event_id": row["event_id"],
        "device_id": row["device_id"],
        "receipt_no": _text(body["receipt_no"], CountyPayment.receipt_no),
        "village_code": _text(body["village"], CountyPayment.village_code),
        "household": _text(body["household"], CountyPayment.household),
        "payer": _text(body["payer"], CountyPayment.payer),
        "method": _text(body["method"], CountyPayment.method),
        "reference": _text(body.get("reference", ""), CountyPayment.reference),
        "total_fen": _integer(body["total_fen"], "total_fen"),
        "paid_on": date.fromisoformat(paid_on),
        "agent": _text(body.get("agent", ""), CountyPayment.agent),
        "voided": False,
        "void_reason": "",
    }
    people = [
        {
            "id_number": _text(line["id_number"], CountyPaymentLine.id_number),
            "name": _text(line["name"], CountyPaymentLine.name),
            "benefit_year": _integer(line["benefit_year"], "benefit_year"),
            "amount_fen": _integer(line["amount_fen"], "amount_fen"),
        }
        for line in lines
    ]
    receipt_no, year = payment["receipt_no"], people[0]["benefit_year"]
    ids = [person["id_number"] for person in people]
    if receipt_no in taken:
        raise ValueError(f"收据号 {receipt_no} 已用于本设备的另一笔收款")
    taken.add(receipt_no)
    earlier = conn.execute(_PAID_ELSEWHERE, {"ids": ids, "year": year}).all()
    payment_id = conn.execute(insert(CountyPayment).values(**payment)).inserted_primary_key
    conn.execute(
        insert(CountyPaymentLine),
        [{**person, "payment_id": payment_id[0] if payment_id else None} for person in people],
    )
    for device_id, other_receipt, id_number in earlier:
        # The money was taken twice: both receipts stay, the county decides the refund.
        detail = {
            "id_number": id_number,
            "benefit_year": year,
            "receipts": [
                {"device_id": device_id, "receipt_no": other_receipt},
                {"device_id": row["device_id"], "receipt_no": receipt_no},
            ],
        }
        conn.execute(
            insert(SyncConflict).values(
                kind="double_payment",
                device_id=row["device_id"],
                event_id=row["event_id"],
                detail=json.dumps(detail, ensure_ascii=False),
                created_at=now,
            )
        )
    _publish(conn, "payment", payment["village_code"], row["device_id"], {
        "device_id": row["device_id"], "receipt_no": receipt_no,
        "benefit_year": year, "id_numbers": ids,
    }, now)  # fmt: skip


def _void(conn: Connection, row: dict[str, Any], body: dict[str, Any], now: datetime) -> None:
    receipt_no = _text(body["receipt_no"], CountyPayment.receipt_no)
    reason = _text(body["reason"], CountyPayment.void_reason)
    where = and_(
        CountyPayment.device_id == row["device_id"], CountyPayment.receipt_no == receipt_no
    )
    payment = conn.execute(
        select(CountyPayment.id, CountyPayment.village_code).where(where)
    ).first()
    if payment is None:
        raise ValueError(f"作废的收据 {receipt_no} 在县里没有记录")
    conn.execute(update(CountyPayment).where(where).values(voided=True, void_reason=reason))
    lines = conn.execute(
        select(CountyPaymentLine.id_number, CountyPaymentLine.benefit_year).where(
            CountyPaymentLine.payment_id == payment.id
        )
    ).all()
    _publish(conn, "void", payment.village_code, row["device_id"], {
        "device_id": row["device_id"], "receipt_no": receipt_no,
        "benefit_year": lines[0].benefit_year if lines else None,
        "id_numbers": [line.id_number for line in lines],
    }, now)  # fmt: skip


def _publish(
    conn: Connection,
    kind: str,
    village: str | None,
    origin: str | None,
    body: dict[str, Any],
    now: datetime,
) -> None:
    conn.execute(
        insert(Change).values(
            kind=kind,
            village_code=village,
            origin_device=origin,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            created_at=now,
        )
    )
