"""The county database's own tables, beside the roster tables it shares with the device."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.models import NAMING_CONVENTION

# BIGINT on PostgreSQL, but INTEGER on SQLite, where only "INTEGER PRIMARY KEY" autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class CountyBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CountySecret(CountyBase):
    """The county's own Ed25519 key (signs pull pages and policy files), made on first use."""

    __tablename__ = "county_secret"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class SyncDevice(CountyBase):
    """A laptop the county handed out: its agent and villages, then its key once enrolled."""

    __tablename__ = "sync_device"
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(64))
    villages: Mapped[str] = mapped_column(Text)  # village codes, space-separated
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # of the one-time code
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Set at enrollment: the id derived from the device's own key, and the key itself.
    device_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    receipt_prefix: Mapped[str] = mapped_column(String(8), unique=True)
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The device's chain as stored here: its last event's seq and hash.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime)


class SyncEvent(CountyBase):
    """A ledger event as received, stored once, never changed."""

    __tablename__ = "sync_event"
    __table_args__ = (UniqueConstraint("device_id", "seq", name="uq_sync_event_device_seq"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[str] = mapped_column(String(40))  # the device's clock, as it said
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(DateTime)


class CountyPayment(CountyBase):
    """A receipt as the county sees it, read from its payment event."""

    __tablename__ = "county_payment"
    __table_args__ = (
        UniqueConstraint("device_id", "receipt_no", name="uq_county_payment_device_receipt"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(32), index=True)
    receipt_no: Mapped[str] = mapped_column(String(20))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    household: Mapped[str] = mapped_column(String(32))
    payer: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64))
    total_fen: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    agent: Mapped[str] = mapped_column(String(64))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(String(200), default="")


class CountyPaymentLine(CountyBase):
    """One person on a receipt: who, for which year, how much."""

    __tablename__ = "county_payment_line"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("county_payment.id"), index=True)
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(64))
    benefit_year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)


class SyncConflict(CountyBase):
    """Something the county must look at: a changed event, a forked chain, a double payment."""

    __tablename__ = "sync_conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # changed_event | fork | double_payment
    device_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text)  # JSON: what collided with what
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class Change(CountyBase):
    """The pull feed: every change a device may need, in the order the county made it."""

    __tablename__ = "sync_change"
    cursor: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # person | payment | void | task
    village_code: Mapped[str | None] = mapped_column(String(12), index=True)  # None: all
    origin_device: Mapped[str | None] = mapped_column(String(32))  # not sent back to it
    body: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RosterDigest(CountyBase):
    """The last roster record published for a person, so an import publishes only changes."""

    __tablename__ = "sync_roster_digest"
    person_key: Mapped[str] = mapped_column(String(40), primary_key=True)  # type:number
    digest: Mapped[str] = mapped_column(String(64))


class CountyCorrection(CountyBase):
    """An identity correction a device asked for, as the county holds and decides it."""

    __tablename__ = "county_correction"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the clerk's number for it
    request_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(36))  # the latest event that asked
    id_type: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(64))
    hukou_place: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32))
    village_code: Mapped[str] = mapped_column(String(12))
    household_number: Mapped[str] = mapped_column(String(32))
    problem: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500))
    agent: Mapped[str] = mapped_column(String(64))
    merges: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str] = mapped_column(String(64), default="")


class RosterHistory(CountyBase):
    """Who changed what in the county roster, when, and from which correction request."""

    __tablename__ = "roster_history"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_key: Mapped[str] = mapped_column(String(40), index=True)  # type:number
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str] = mapped_column(String(200))
    new: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str] = mapped_column(String(36))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime)


class CountyRemittance(CountyBase):
    """A device's day close (上解) as the county received it, and whether the bank matched it."""

    __tablename__ = "county_remittance"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the clerk's number for it
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(32), index=True)
    village_codes: Mapped[str] = mapped_column(Text)  # of its receipts, space-separated
    business_day: Mapped[date] = mapped_column(Date)
    receipts: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)
    expected_cash_fen: Mapped[int] = mapped_column(Integer)
    counted_fen: Mapped[int] = mapped_column(Integer)
    difference_fen: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(64))
    agent: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")
