"""Typed SQLAlchemy models of the local database: divisions, the roster, tasks and settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class County(Base):
    """县 (区、市): the insurance pool (统筹区) an agent collects for."""

    __tablename__ = "county"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class Township(Base):
    """乡镇 / 街道."""

    __tablename__ = "township"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    county: Mapped[County] = relationship()


class Village(Base):
    """村 / 社区, with its 12-digit statistical division code."""

    __tablename__ = "village"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("township.code"), index=True)
    township: Mapped[Township] = relationship()


class Household(Base):
    """户: the unit a payment is collected for (以家庭为单位整体参保)."""

    __tablename__ = "household"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 户号
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    village: Mapped[Village] = relationship()
    members: Mapped[list[Person]] = relationship(
        back_populates="household", order_by="Person.relation, Person.birth_date"
    )


class Person(Base):
    """A resident on the roster (参保登记), identified by ID type and number."""

    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("id_number", "id_type", name="uq_person_id_number_id_type"),
        CheckConstraint("sex IN ('M', 'F') OR sex IS NULL", name="sex"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    # Pinyin initials of the name ("zs" for 张三), for typing a name on a laptop keyboard.
    initials: Mapped[str] = mapped_column(String(32), index=True)
    id_type: Mapped[str] = mapped_column(String(2))  # 医保证件类型 code, see app.identity.IdType
    id_number: Mapped[str] = mapped_column(String(32))
    # The number reversed, so "last digits" is an indexed prefix search.
    id_reversed: Mapped[str] = mapped_column(String(32), index=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(2), default="99")  # 与户主关系, GB/T 4761
    hukou_place: Mapped[str] = mapped_column(String(128), default="")  # 户籍地
    phone: Mapped[str] = mapped_column(String(32), default="")
    # 核定应缴: an amount the county set for this person, overriding the policy's quote.
    assessed_fen: Mapped[int | None] = mapped_column(Integer)
    household: Mapped[Household] = relationship(back_populates="members")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="person")
    special_groups: Mapped[list[SpecialGroup]] = relationship(back_populates="person")


class Enrolment(Base):
    """A person's status for one benefit year: due, paid here or elsewhere, or not due and why."""

    __tablename__ = "enrolment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('due', 'paid_here', 'paid_elsewhere', 'employee', 'deceased',"
            " 'moved_away')",
            name="status",
        ),
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    benefit_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="due")
    note: Mapped[str] = mapped_column(String(128), default="")
    person: Mapped[Person] = relationship(back_populates="enrolments")


class SpecialGroup(Base):
    """A special-group membership (特殊人群标识) with its certifying department and dates."""

    __tablename__ = "special_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))  # canonical name, app.special_groups
    department: Mapped[str] = mapped_column(String(64), default="")  # 认定部门
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(back_populates="special_groups")


class VillageTask(Base):
    """任务分解表 row: a village's population (实际人数) and target (任务数) for a benefit year."""

    __tablename__ = "village_task"
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), primary_key=True)
    benefit_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)


class Setting(Base):
    """Device settings that travel with the database (business date, demo flag, ...)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(1024))


class Device(Base):
    """This device: its identity, Ed25519 key pair and receipt-number prefix (one row)."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_key: Mapped[bytes] = mapped_column(LargeBinary(64))
    receipt_prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LedgerEvent(Base):
    """One business fact, signed and hash-chained; the outbox for sync. Append-only."""

    __tablename__ = "ledger_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[str] = mapped_column(String(32))  # UTC ISO text: part of the signed bytes
    body: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[str] = mapped_column(String(128))


class Payment(Base):
    """A receipt: one household's payment, numbered without gaps. Append-only."""

    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # the device's receipt sequence
    receipt_no: Mapped[str] = mapped_column(String(24), unique=True)
    device_id: Mapped[str] = mapped_column(String(32))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    payer_name: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64), default="")
    total_fen: Mapped[int] = mapped_column(Integer)
    tendered_fen: Mapped[int | None] = mapped_column(Integer)  # cash handed over
    paid_on: Mapped[date] = mapped_column(Date)  # the business date
    created_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    agent: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64))  # the policy key the amounts came from
    event_id: Mapped[str] = mapped_column(ForeignKey("ledger_event.event_id"))
    lines: Mapped[list[PaymentLine]] = relationship(order_by="PaymentLine.id")


class PaymentLine(Base):
    """One person on a receipt, with the quote that was charged. Append-only."""

    __tablename__ = "payment_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(32))
    benefit_year: Mapped[int] = mapped_column(Integer)
    standard_fen: Mapped[int] = mapped_column(Integer)
    subsidy_fen: Mapped[int] = mapped_column(Integer)
    subsidy_mode: Mapped[str | None] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)
    reimbursed_later_fen: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str | None] = mapped_column(String(64))
    benefit_start: Mapped[date] = mapped_column(Date)
    benefit_end: Mapped[date] = mapped_column(Date)
    # 先行收费: charged while an identity correction waited (the region's policy allowed it);
    # a rejection turns it into a refund to make.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ReceiptVoid(Base):
    """A void (作废): the receipt stays in the sequence, marked. Append-only."""

    __tablename__ = "receipt_void"
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))
    voided_at: Mapped[datetime] = mapped_column(DateTime)
    agent: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(ForeignKey("ledger_event.event_id"))


class ReceiptPrint(Base):
    """Each time a receipt was printed; copies after the first are reprints (重打)."""

    __tablename__ = "receipt_print"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    copy_no: Mapped[int] = mapped_column(Integer)  # 0 original, N the Nth reprint
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    target: Mapped[str] = mapped_column(String(32))  # pdf, escpos, system printer ...


class CorrectionRequest(Base):
    """An identity the roster cannot match (未查询到参保信息, name or ID differs, registered
    elsewhere), queued for the county to correct. Each change is also a ledger event."""

    __tablename__ = "correction_request"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'accepted', 'rejected')", name="state"),
        CheckConstraint(
            "problem IN ('not_found', 'name_differs', 'id_differs', 'elsewhere', 'other')",
            name="problem",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)  # the same at the county
    id_type: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(64))
    hukou_place: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str] = mapped_column(String(32), default="")
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"))
    household_number: Mapped[str] = mapped_column(String(32), default="")  # "" a new household
    problem: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(String(500), default="")  # the county's, when rejected
    merges: Mapped[int] = mapped_column(Integer, default=0)  # later requests folded into this
    event_id: Mapped[str] = mapped_column(String(36))  # the latest ledger event for it
    created_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


class RemittanceConfirmation(Base):
    """The county matched one of this device's remittances (上解) with the bank."""

    __tablename__ = "remittance_confirmation"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the remittance event
    confirmed_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")
