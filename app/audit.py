"""Checking the books: the signed chain, and every stored receipt against its signed event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ledger import ChainReport, body_of, verify_chain
from db.models import Device, LedgerEvent, Payment

# Payment fields and line fields that must equal what the event signed.
_PAYMENT = ("receipt_no", "method", "reference", "total_fen", "tendered_fen", "agent", "region")
_LINE = ("person_id", "name", "id_number", "benefit_year", "standard_fen", "subsidy_fen",
         "subsidy_mode", "amount_fen", "reimbursed_later_fen")  # fmt: skip


def _mismatch(payment: Payment, body: dict[str, object]) -> str:
    for name in _PAYMENT:
        if getattr(payment, name) != body.get(name):
            return f"收据 {payment.receipt_no} 的 {name} 与签名记录不符"
    if payment.paid_on.isoformat() != body.get("paid_on"):
        return f"收据 {payment.receipt_no} 的缴费日期与签名记录不符"
    lines = body.get("lines")
    if not isinstance(lines, list) or len(lines) != len(payment.lines):
        return f"收据 {payment.receipt_no} 的人数与签名记录不符"
    for line, signed in zip(payment.lines, lines, strict=True):
        for name in _LINE:
            if getattr(line, name) != signed.get(name):
                return f"收据 {payment.receipt_no} 中 {line.name} 的 {name} 与签名记录不符"
    return ""


def verify_books(session: Session) -> ChainReport:
    """The chain must hold, and each receipt must be exactly what its event signed."""
    keys = {d.id: d.public_key for d in session.scalars(select(Device))}
    chain = verify_chain(session, keys)
    if not chain.valid:
        return chain
    events = {e.event_id: e for e in session.scalars(select(LedgerEvent))}
    for payment in session.scalars(select(Payment).order_by(Payment.seq)):
        event = events.get(payment.event_id)
        if event is None or event.kind != "payment":
            return ChainReport(chain.events, False, None, f"收据 {payment.receipt_no} 没有签名记录")
        problem = _mismatch(payment, body_of(event))
        if problem:
            return ChainReport(chain.events, False, event.seq, f"第{event.seq}号事件：{problem}")
    return chain
