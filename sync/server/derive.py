"""The county's views of a batch of stored events: payments, voids, the pull feed, conflicts.

A batch is derived with a handful of statements whatever its size (one query for earlier
payments of its people, one executemany per table): on PostgreSQL every statement is a round
trip, and 100 events one by one cost more than their signatures."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update

from sync.server.schema import (
    Change,
    CountyCorrection,
    CountyPayment,
    CountyPaymentLine,
    CountyRemittance,
    SyncConflict,
)

_INT32 = 2**31

_RECEIPTS_TAKEN = select(CountyPayment.receipt_no).where(
    CountyPayment.device_id == bindparam("device"),
    CountyPayment.receipt_no.in_(bindparam("numbers", expanding=True)),
)
_PAID_BEFORE = (
    select(CountyPayment.device_id, CountyPayment.receipt_no, CountyPaymentLine.id_number)
    .join(CountyPayment, CountyPayment.id == CountyPaymentLine.payment_id)
    .where(
        CountyPaymentLine.id_number.in_(bindparam("ids", expanding=True)),
        CountyPaymentLine.benefit_year == bindparam("year"),
        CountyPayment.voided.is_(False),
    )
)
_INSERT_PAYMENTS = insert(CountyPayment).returning(
    CountyPayment.id, CountyPayment.event_id, sort_by_parameter_order=True
)


def _text(value: Any, column: Any) -> str:
    """A payment's text field, refused (ValueError) when its column cannot hold it."""
    text = str(value)
    limit = column.type.length
    if limit is not None and len(text) > limit:
        raise ValueError(f"{column.key} 过长（{len(text)} 个字符，上限 {limit}）")
    return text


def _integer(value: Any, name: str) -> int:
    """A whole number that fits the county's INTEGER columns."""
    if isinstance(value, bool) or not isinstance(value, int):
        # Not even a float: 1234.9 fen would silently become 1234.
        raise TypeError(f"{name} 应为整数")
    number = value
    if not -_INT32 <= number < _INT32:
        raise ValueError(f"{name} 超出范围：{number}")
    return number


@dataclass
class _Paid:
    """A payment read and checked, waiting to be written with its batch."""

    payment: dict[str, Any]
    people: list[dict[str, Any]]

    @property
    def receipt_no(self) -> str:
        return str(self.payment["receipt_no"])

    @property
    def year(self) -> int:
        return int(self.people[0]["benefit_year"])

    @property
    def ids(self) -> list[str]:
        return [person["id_number"] for person in self.people]


def _read_payment(row: dict[str, Any], body: dict[str, Any]) -> _Paid:
    """Everything checked before anything is written: an event the county cannot read leaves
    no half of itself behind (LookupError, TypeError, ValueError: it is raised as unreadable)."""
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
    return _Paid(payment, people)


@dataclass
class _Batch:
    """The rows a batch adds, gathered in event order and written together."""

    conn: Connection
    device_id: str
    now: datetime
    payments: list[_Paid] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # (id number, year) -> receipts paying them that are not voided: the county's and the batch's
    paid: dict[tuple[str, int], list[tuple[str, str]]] = field(default_factory=dict)

    def conflict(self, kind: str, event_id: str, detail: dict[str, Any]) -> None:
        self.conflicts.append(
            {
                "kind": kind,
                "device_id": self.device_id,
                "event_id": event_id,
                "detail": json.dumps(detail, ensure_ascii=False),
                "created_at": self.now,
            }
        )

    def publish(self, kind: str, village: str | None, body: dict[str, Any]) -> None:
        self.changes.append(
            {
                "kind": kind,
                "village_code": village,
                "origin_device": self.device_id,
                "body": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                "created_at": self.now,
            }
        )

    def payment(self, event_id: str, paid: _Paid) -> None:
        for person in paid.ids:
            key = (person, paid.year)
            for other_device, other_receipt in self.paid.get(key, []):
                # The money was taken twice: both receipts stay, the county decides.
                self.conflict("double_payment", event_id, {
                    "id_number": person, "benefit_year": paid.year,
                    "receipts": [
                        {"device_id": other_device, "receipt_no": other_receipt},
                        {"device_id": self.device_id, "receipt_no": paid.receipt_no},
                    ],
                })  # fmt: skip
            self.paid.setdefault(key, []).append((self.device_id, paid.receipt_no))
        self.payments.append(paid)
        self.publish("payment", paid.payment["village_code"], {
            "device_id": self.device_id, "receipt_no": paid.receipt_no,
            "benefit_year": paid.year, "id_numbers": paid.ids,
        })  # fmt: skip

    def void(self, row: dict[str, Any], body: dict[str, Any]) -> None:
        receipt_no = _text(body["receipt_no"], CountyPayment.receipt_no)
        reason = _text(body["reason"], CountyPayment.void_reason)
        held = next((p for p in self.payments if p.receipt_no == receipt_no), None)
        year: int | None
        if held is not None:
            held.payment.update(voided=True, void_reason=reason)
            village, year, ids = held.payment["village_code"], held.year, held.ids
        else:
            village, year, ids = self._void_stored(receipt_no, reason)
        if year is not None:
            for person in ids:
                receipts = self.paid.get((person, year), [])
                if (self.device_id, receipt_no) in receipts:
                    receipts.remove((self.device_id, receipt_no))
        self.publish("void", village, {
            "device_id": self.device_id, "receipt_no": receipt_no,
            "benefit_year": year, "id_numbers": ids,
        })  # fmt: skip

    def _void_stored(self, receipt_no: str, reason: str) -> tuple[str, int | None, list[str]]:
        where = and_(
            CountyPayment.device_id == self.device_id, CountyPayment.receipt_no == receipt_no
        )
        payment = self.conn.execute(
            select(CountyPayment.id, CountyPayment.village_code).where(where)
        ).first()
        if payment is None:
            raise ValueError(f"作废的收据 {receipt_no} 在县里没有记录")
        self.conn.execute(
            update(CountyPayment).where(where).values(voided=True, void_reason=reason)
        )
        lines = self.conn.execute(
            select(CountyPaymentLine.id_number, CountyPaymentLine.benefit_year).where(
                CountyPaymentLine.payment_id == payment.id
            )
        ).all()
        year = lines[0].benefit_year if lines else None
        return payment.village_code, year, [line.id_number for line in lines]

    def correction(self, row: dict[str, Any], body: dict[str, Any]) -> None:
        """A correction request, new or asked again (merged while the county has not decided)."""
        C = CountyCorrection
        fields = {
            "id_type": _text(body["id_type"], C.id_type),
            "id_number": _text(body["id_number"], C.id_number),
            "name": _text(body["name"], C.name),
            "hukou_place": _text(body["hukou_place"], C.hukou_place),
            "phone": _text(body.get("phone", ""), C.phone),
            "village_code": _text(body["village_code"], C.village_code),
            "household_number": _text(body.get("household_number", ""), C.household_number),
            "problem": _text(body["problem"], C.problem),
            "note": _text(body.get("note", ""), C.note),
            "agent": _text(body.get("agent", ""), C.agent),
            "merges": _integer(body.get("merges", 0), "merges"),
            "event_id": row["event_id"],
        }
        request_id = _text(body["request_id"], C.request_id)
        state = self.conn.scalar(select(C.state).where(C.request_id == request_id))
        if state is None:
            self.conn.execute(
                insert(C).values(
                    request_id=request_id, device_id=self.device_id, state="pending",
                    reason="", received_at=self.now, decided_by="", **fields,
                )
            )  # fmt: skip
        elif state == "pending":
            self.conn.execute(update(C).where(C.request_id == request_id).values(**fields))
        else:
            raise ValueError(f"申请 {request_id} 已办结，又收到补充内容")

    def remittance(self, row: dict[str, Any], body: dict[str, Any]) -> None:
        """A day close: its totals for the county's finance clerk to match with the bank."""
        receipts = [str(r) for r in body["receipts"]]
        methods = body.get("by_method", {})
        held = {p.receipt_no: p.payment["village_code"] for p in self.payments}
        if receipts:
            stored = self.conn.execute(
                select(CountyPayment.receipt_no, CountyPayment.village_code).where(
                    CountyPayment.device_id == self.device_id,
                    CountyPayment.receipt_no.in_(receipts),
                )
            ).all()
            held.update({number: village for number, village in stored})
        villages = " ".join(sorted({held[r] for r in receipts if r in held}))
        self.conn.execute(
            insert(CountyRemittance).values(
                event_id=row["event_id"],
                device_id=self.device_id,
                village_codes=_text(villages, CountyRemittance.village_codes),
                business_day=date.fromisoformat(str(body["business_day"])),
                receipts=len(receipts),
                total_fen=_integer(sum(int(m["total_fen"]) for m in methods.values()), "total"),
                expected_cash_fen=_integer(body["expected_cash_fen"], "expected_cash_fen"),
                counted_fen=_integer(body["counted_fen"], "counted_fen"),
                difference_fen=_integer(body["difference_fen"], "difference_fen"),
                reason=_text(body.get("reason", ""), CountyRemittance.reason),
                reference=_text(body["reference"], CountyRemittance.reference),
                agent=_text(body.get("agent", ""), CountyRemittance.agent),
                received_at=self.now,
                confirmed_by="",
            )
        )

    def write(self) -> None:
        if self.payments:
            rows = [paid.payment for paid in self.payments]
            ids = {
                event_id: payment_id
                for payment_id, event_id in self.conn.execute(_INSERT_PAYMENTS, rows)
            }
            self.conn.execute(
                insert(CountyPaymentLine),
                [
                    {**person, "payment_id": ids[paid.payment["event_id"]]}
                    for paid in self.payments
                    for person in paid.people
                ],
            )
        if self.changes:
            self.conn.execute(insert(Change), self.changes)
        if self.conflicts:
            self.conn.execute(insert(SyncConflict), self.conflicts)


def derive(
    conn: Connection, device_id: str, stored: Sequence[dict[str, Any]], now: datetime
) -> None:
    """Derive the county's rows from a batch of newly stored events (in chain order)."""
    batch = _Batch(conn, device_id, now)
    bodies = [json.loads(row["body"]) for row in stored]
    read: dict[str, _Paid | Exception] = {}
    for row, body in zip(stored, bodies, strict=True):
        if row["kind"] == "payment":
            try:
                read[row["event_id"]] = _read_payment(row, body)
            except (LookupError, TypeError, ValueError, OverflowError) as exc:
                read[row["event_id"]] = exc
    good = [paid for paid in read.values() if isinstance(paid, _Paid)]
    taken = _taken(conn, device_id, good)
    for year in {paid.year for paid in good}:
        people = sorted({i for paid in good if paid.year == year for i in paid.ids})
        for other_device, receipt, person in conn.execute(
            _PAID_BEFORE, {"ids": people, "year": year}
        ):
            batch.paid.setdefault((person, year), []).append((other_device, receipt))
    for row, body in zip(stored, bodies, strict=True):
        try:
            if row["kind"] == "payment":
                paid = read[row["event_id"]]
                if isinstance(paid, Exception):
                    raise paid
                if paid.receipt_no in taken:
                    raise ValueError(f"收据号 {paid.receipt_no} 已用于本设备的另一笔收款")
                taken.add(paid.receipt_no)
                batch.payment(row["event_id"], paid)
            elif row["kind"] == "void":
                batch.void(row, body)
            elif row["kind"] == "correction":
                batch.correction(row, body)
            elif row["kind"] == "remittance":
                batch.remittance(row, body)
        except (LookupError, TypeError, ValueError, OverflowError) as exc:
            # The event is the device's signed fact and stays stored; the county looks at it.
            batch.conflict("unreadable", row["event_id"], {"error": str(exc)})
    batch.write()


def _taken(conn: Connection, device_id: str, payments: list[_Paid]) -> set[str]:
    """The device's receipt numbers among the batch's that the county already holds."""
    numbers = sorted({paid.receipt_no for paid in payments})
    if not numbers:
        return set()
    return set(conn.scalars(_RECEIPTS_TAKEN, {"device": device_id, "numbers": numbers}))
