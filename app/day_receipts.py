"""The receipts a device issued on one business day, for the desk's list and the day close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.collection import remitted_receipts
from db.models import Device, Household, Payment, PaymentLine, ReceiptPrint, ReceiptVoid


@dataclass(frozen=True, slots=True)
class DayReceipt:
    """One receipt as the day's list shows it."""

    receipt_no: str
    issued_at: datetime  # local time
    household_no: str
    payer: str
    people: int
    total_fen: int
    method: str
    reference: str
    prints: int
    void_reason: str | None
    remitted: bool

    @property
    def voided(self) -> bool:
        return self.void_reason is not None


def day_receipts(session: Session, day: date) -> list[DayReceipt]:
    """This device's receipts of the business day `day`, newest first."""
    people = (
        select(func.count())
        .where(PaymentLine.payment_id == Payment.id)
        .correlate(Payment)
        .scalar_subquery()
    )
    prints = (
        select(func.count())
        .where(ReceiptPrint.payment_id == Payment.id)
        .correlate(Payment)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Payment.receipt_no,
            Payment.created_at,
            Household.number,
            Payment.payer_name,
            people,
            Payment.total_fen,
            Payment.method,
            Payment.reference,
            prints,
            ReceiptVoid.reason,
        )
        .join(Household, Household.id == Payment.household_id)
        .outerjoin(ReceiptVoid, ReceiptVoid.payment_id == Payment.id)
        .where(Payment.paid_on == day, Payment.device_id.in_(select(Device.id)))
        .order_by(Payment.seq.desc())
    ).all()
    remitted = remitted_receipts(session) if rows else set()
    return [
        DayReceipt(
            receipt_no=row[0],
            issued_at=row[1].replace(tzinfo=UTC).astimezone().replace(tzinfo=None),
            household_no=row[2],
            payer=row[3],
            people=row[4],
            total_fen=row[5],
            method=row[6],
            reference=row[7],
            prints=row[8],
            void_reason=row[9],
            remitted=row[0] in remitted,
        )
        for row in rows
    ]
