"""Collecting at the counter: quote a household, record its payment durably, void, reprint."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import ledger
from app.accounts import DEFAULT_VOID_APPROVAL_FEN, VOID_APPROVAL_KEY
from app.corrections import pending_for
from app.identity import mask
from app.keys import DeviceKey, device_key, ensure_device, sign
from app.money import format_yuan
from app.policy import Policy, Quote, quote
from app.quoting import Member, facts_for, members_for
from app.receipt_codes import ReceiptCode, encode
from app.receipt_numbers import format_receipt_no, parse_receipt_no
from app.receipt_view import METHOD_LABELS, ReceiptLine, ReceiptView
from app.settings import get_setting
from db.cipher import keys_beside
from db.database import Database
from db.engine import writing, writing_connection
from db.models import (
    County,
    Device,
    Enrolment,
    Household,
    LedgerEvent,
    Payment,
    PaymentLine,
    Person,
    ReceiptPrint,
    ReceiptVoid,
    Setting,
    Township,
    Village,
)

AGENT_KEY = "agent_name"
LAST_CLOSE_KEY = "last_close_day"  # ISO date: app.dayclose sets it with each remittance
DEFAULT_AGENT = "代收员"
MAX_REFERENCE = 64


class CollectionError(Exception):
    """A payment, void or reprint that cannot be done; str() is the Chinese message, and
    nothing has been written."""


@dataclass(frozen=True, slots=True)
class MemberQuote:
    person_id: int
    name: str
    masked_id: str
    quote: Quote
    receipt_no: str | None  # the receipt that paid this person for the year, if any
    # An identity correction the county has not decided: no charge until it has (the notices).
    correction_pending: bool = False

    @property
    def payable(self) -> bool:
        return self.quote.due and self.receipt_no is None and not self.correction_pending


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    receipt_no: str
    total_fen: int
    change_fen: int
    lines: tuple[tuple[str, int], ...]  # (name, amount in fen)


def agent_name(session: Session | Connection) -> str:
    return get_setting(session, AGENT_KEY) or DEFAULT_AGENT


_PAID = (
    select(PaymentLine.person_id, Payment.receipt_no)
    .join(Payment, Payment.id == PaymentLine.payment_id)
    .outerjoin(ReceiptVoid, ReceiptVoid.payment_id == Payment.id)
    .where(
        PaymentLine.person_id.in_(bindparam("ids", expanding=True)),
        PaymentLine.benefit_year == bindparam("year"),
        ReceiptVoid.payment_id.is_(None),
    )
)


def paid_receipts(
    session: Session | Connection, person_ids: Sequence[int], year: int
) -> dict[int, str]:
    """The receipt (not voided) that paid each of these people for the year."""
    rows = session.execute(_PAID, {"ids": list(person_ids), "year": year})
    return {person_id: receipt_no for person_id, receipt_no in rows}


def quote_household(
    session: Session, household_id: int, policy: Policy, paid_on: date
) -> list[MemberQuote]:
    """Every member with what they owe today, head first; paid members carry their receipt."""
    members = session.execute(
        select(Person.id, Person.name, Person.id_number)
        .where(Person.household_id == household_id)
        .order_by(Person.relation, Person.birth_date)
    ).all()
    ids = [m.id for m in members]
    paid = paid_receipts(session, ids, policy.benefit_year)
    facts = facts_for(session, ids, policy.benefit_year)
    blocked = (
        set() if policy.provisional_collection else pending_for(session, [m[2] for m in members])
    )
    return [
        MemberQuote(
            pid, name, mask(number), quote(facts[pid], policy, paid_on), paid.get(pid),
            number in blocked,
        )
        for pid, name, number in members
    ]  # fmt: skip


def _check_method(method: str, reference: str) -> str:
    if method not in METHOD_LABELS:
        raise CollectionError(f"未知的缴费方式“{method}”，应为 {'、'.join(METHOD_LABELS)}")
    reference = reference.strip()
    if method != "cash" and not reference:
        raise CollectionError(f"{METHOD_LABELS[method]}缴费须填写交易单号（参考号）")
    if len(reference) > MAX_REFERENCE:
        raise CollectionError(f"交易单号过长（最多{MAX_REFERENCE}个字符）")
    return reference


def _disk_full(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "disk is full" in text or "disk i/o error" in text


def record_payment(
    db: Database,
    policy: Policy,
    household_id: int,
    person_ids: Sequence[int],
    *,
    method: str,
    paid_on: date,
    reference: str = "",
    tendered_fen: int | None = None,
) -> RecordedPayment:
    """Write the payment, its lines, its receipt number and its ledger event in one
    transaction, committed durably (synchronous=FULL) before anything prints."""
    if not person_ids:
        raise CollectionError("请至少勾选一位缴费人员")
    if len(set(person_ids)) != len(person_ids):
        raise CollectionError("同一人不能在一张收据上出现两次")
    reference = _check_method(method, reference)
    try:
        with writing_connection(db.engine) as conn:
            recorded = _record(
                conn, policy, household_id, list(person_ids), method, reference,
                tendered_fen, paid_on,
            )  # fmt: skip
    except (OperationalError, sqlite3.OperationalError) as exc:
        # sqlite3's own error escapes SQLAlchemy when the commit itself fails.
        if _disk_full(exc):
            raise CollectionError("磁盘已满，本次缴费未记录。请清理磁盘空间后重试。") from exc
        raise
    return recorded


# Module-level statements: SQLAlchemy compiles each once and reuses it for every payment.
_HOUSEHOLD = select(Household.number, Household.village_code).where(
    Household.id == bindparam("household_id")
)
# The counter's state in one read: the device's key, the next receipt number, the agent.
_COUNTER = select(
    Device.id,
    Device.receipt_prefix,
    Device.private_key,
    select(func.coalesce(func.max(Payment.seq), 0) + 1).scalar_subquery(),
    select(Setting.value).where(Setting.key == AGENT_KEY).scalar_subquery(),
    # The ledger's last event, which the payment's event chains to.
    select(LedgerEvent.seq).order_by(LedgerEvent.seq.desc()).limit(1).scalar_subquery(),
    select(LedgerEvent.hash).order_by(LedgerEvent.seq.desc()).limit(1).scalar_subquery(),
    # The business day of the last day close: nothing may be dated before it (back-dating).
    select(Setting.value).where(Setting.key == LAST_CLOSE_KEY).scalar_subquery(),
).limit(1)
_INSERT_PAYMENT = insert(Payment)
_INSERT_LINES = insert(PaymentLine)
_upsert = sqlite_insert(Enrolment)
_SET_STATUS = _upsert.on_conflict_do_update(
    index_elements=["person_id", "benefit_year"], set_={"status": _upsert.excluded.status}
)


def _record(
    conn: Connection,
    policy: Policy,
    household_id: int,
    person_ids: list[int],
    method: str,
    reference: str,
    tendered_fen: int | None,
    paid_on: date,
) -> RecordedPayment:
    if method == "cash" and policy.block_cash:
        # Here, not at import: app.dayclose imports this module (and most regions never ask).
        from app.dayclose import cash_refusal

        refusal = cash_refusal(conn, policy, paid_on)  # inside the write lock: no race
        if refusal is not None:
            raise CollectionError(refusal)
    household = conn.execute(_HOUSEHOLD, {"household_id": household_id}).first()
    if household is None:
        raise CollectionError("找不到该户")
    people = members_for(conn, person_ids, policy.benefit_year)
    for pid in person_ids:
        person = people.get(pid)
        if person is None:
            raise CollectionError(f"找不到编号为 {pid} 的人员")
        if person.household_id != household_id:
            raise CollectionError(
                f"{person.name} 不是本户（户号{household.number}）成员，请分户缴费"
            )
    quotes: list[tuple[Member, Quote]] = []
    for pid in person_ids:
        person = people[pid]
        if person.correction_pending and not policy.provisional_collection:
            raise CollectionError(
                f"{person.name} 有待县医保局审核的身份更正申请，审核通过后才能收费"
            )
        if person.receipt_no:
            raise CollectionError(
                f"{person.name} 本年度已缴费（收据号 {person.receipt_no}），不能重复收费"
            )
        answer = quote(person.facts, policy, paid_on)
        if not answer.due:
            raise CollectionError(f"{person.name} 不需缴费：{answer.explanation}")
        quotes.append((person, answer))
    total = sum(q.due_now_fen for _, q in quotes)
    change = 0
    if method == "cash":
        if tendered_fen is None:
            tendered_fen = total
        if tendered_fen < total:
            raise CollectionError(
                f"实收现金{tendered_fen / 100:.2f}元少于应收{total / 100:.2f}元，本次缴费未记录"
            )
        change = tendered_fen - total
    elif tendered_fen is not None:
        raise CollectionError("非现金缴费不填实收现金")

    counter = conn.execute(_COUNTER).first()
    if counter is None:  # the very first payment on a new device makes its key
        device_key(conn)
        counter = conn.execute(_COUNTER).one()
    device_id, prefix, private_key, seq, agent, last_seq, last_hash, closed = counter
    if closed and paid_on.isoformat() < closed:
        raise CollectionError(
            f"缴费日期 {paid_on.isoformat()} 早于上次日结的日期 {closed}：已日结的日子不能再收费，"
            "请检查电脑日期"
        )
    device = DeviceKey(device_id, prefix, private_key)
    receipt_no = format_receipt_no(prefix, seq)
    agent = agent or DEFAULT_AGENT
    head = next((p for p, _ in quotes if p.relation == "02"), quotes[0][0])
    lines = [
        {
            "person_id": person.id,
            "name": person.name,
            "id_number": person.id_number,
            "benefit_year": policy.benefit_year,
            "standard_fen": q.standard_fen,
            "subsidy_fen": q.subsidy_fen,
            "subsidy_mode": q.subsidy_mode,
            "amount_fen": q.due_now_fen,
            "reimbursed_later_fen": q.reimbursed_later_fen,
            "tier": q.tier,
            "benefit_start": q.benefit_start.isoformat() if q.benefit_start else None,
            "benefit_end": q.benefit_end.isoformat() if q.benefit_end else None,
        }
        # 先行收费 (the region allows it): said in the event only when it is so.
        | ({"provisional": True} if person.correction_pending else {})
        for person, q in quotes
    ]
    body = {
        "receipt_no": receipt_no,
        "household": household.number,
        "village": household.village_code,
        "payer": head.name,
        "method": method,
        "reference": reference,
        "total_fen": total,
        "tendered_fen": tendered_fen,
        "paid_on": paid_on.isoformat(),
        "agent": agent,
        "region": policy.key,
        "lines": lines,
    }
    event_id = ledger.append(
        conn, device, "payment", body, (last_seq or 0, last_hash or ledger.GENESIS)
    )
    payment_id = conn.execute(
        _INSERT_PAYMENT,
        {
            "seq": seq,
            "receipt_no": receipt_no,
            "device_id": device.id,
            "household_id": household_id,
            "payer_name": head.name,
            "method": method,
            "reference": reference,
            "total_fen": total,
            "tendered_fen": tendered_fen,
            "paid_on": paid_on,
            "created_at": datetime.now(UTC).replace(tzinfo=None),
            "agent": agent,
            "region": policy.key,
            "event_id": event_id,
        },
    ).lastrowid
    conn.execute(
        _INSERT_LINES,
        [{**line, "payment_id": payment_id, "provisional": person.correction_pending,
          "benefit_start": q.benefit_start, "benefit_end": q.benefit_end}
         for line, (person, q) in zip(lines, quotes, strict=True)],
    )  # fmt: skip
    _set_status(conn, [p.id for p, _ in quotes], policy.benefit_year, "paid_here")
    return RecordedPayment(
        receipt_no, total, change, tuple((p.name, q.due_now_fen) for p, q in quotes)
    )


def _set_status(conn: Session | Connection, person_ids: list[int], year: int, status: str) -> None:
    """Set the year's status of these people, adding the rows a roster did not have."""
    conn.execute(
        _SET_STATUS,
        [{"person_id": p, "benefit_year": year, "status": status, "note": ""}
         for p in person_ids],
    )  # fmt: skip


def _payment(session: Session, receipt_no: str) -> Payment:
    prefix, seq = parse_receipt_no(receipt_no)
    payment = session.scalar(select(Payment).where(Payment.seq == seq))
    if payment is None or not payment.receipt_no.startswith(prefix):
        raise CollectionError(f"本设备没有收据 {receipt_no}")
    return payment


def remitted_receipts(session: Session) -> set[str]:
    """Receipts covered by a remittance event (上解): they can no longer be voided."""
    covered: set[str] = set()
    for event in session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "remittance")):
        covered.update(ledger.body_of(event).get("receipts", []))
    return covered


class ApprovalNeeded(CollectionError):
    """A void above the limit, on a device with sign-in, needs a supervisor's approval."""


def void_approval_limit(session: Session | Connection) -> int:
    """Voids above this many fen need a supervisor (setting, default 1,000 yuan)."""
    value = get_setting(session, VOID_APPROVAL_KEY)
    return int(value) if value is not None and value.isdigit() else DEFAULT_VOID_APPROVAL_FEN


def needs_approval(db: Database, receipt_no: str) -> int | None:
    """The limit, when voiding `receipt_no` needs a supervisor; None when it does not (a
    training database without accounts never does)."""
    if db.path is None or not keys_beside(db.path).exists():
        return None
    with db.sessions() as session:
        payment = _payment(session, receipt_no)
        limit = void_approval_limit(session)
        return limit if payment.total_fen > limit else None


def void_receipt(db: Database, receipt_no: str, reason: str, *, approved_by: str = "") -> None:
    """Void (作废) a receipt that has not been remitted; it stays in the sequence, marked.

    Above the approval limit a supervisor's name goes with it (the caller checked their
    password); it is signed into the void's event."""
    reason = reason.strip()
    if not reason:
        raise CollectionError("作废须填写原因")
    limit = needs_approval(db, receipt_no) if not approved_by else None
    with writing(db.engine) as session:
        payment = _payment(session, receipt_no)
        if session.get(ReceiptVoid, payment.id) is not None:
            raise CollectionError(f"收据 {payment.receipt_no} 已作废")
        if payment.receipt_no in remitted_receipts(session):
            raise CollectionError(
                f"收据 {payment.receipt_no} 的款项已上解，不能作废；"
                "如需退费，请向县医保局提交退费申请"
            )
        if limit is not None:
            raise ApprovalNeeded(
                f"收据 {payment.receipt_no} 金额 {format_yuan(payment.total_fen)}，"
                f"超过 {format_yuan(limit)}，作废须管理员批准"
            )
        device = ensure_device(session)
        agent = agent_name(session)
        body = {"receipt_no": payment.receipt_no, "reason": reason, "agent": agent}
        if approved_by:
            body["approved_by"] = approved_by
        event_id = ledger.append(session, device, "void", body)
        session.add(
            ReceiptVoid(
                payment_id=payment.id,
                reason=reason,
                voided_at=datetime.now(UTC).replace(tzinfo=None),
                agent=agent,
                event_id=event_id,
            )
        )
        for line in payment.lines:
            row = session.get(Enrolment, (line.person_id, line.benefit_year))
            if row is not None and row.status == "paid_here":
                row.status = "due"


def print_count(session: Session, receipt_no: str) -> int:
    """How many times the receipt has been printed (0: never)."""
    payment = _payment(session, receipt_no)
    count = session.scalar(
        select(func.count()).select_from(ReceiptPrint).where(ReceiptPrint.payment_id == payment.id)
    )
    return int(count or 0)


def record_print(db: Database, receipt_no: str, target: str) -> int:
    """Count a print of the receipt; returns its copy number (0 the original, N a reprint)."""
    with writing(db.engine) as session:
        payment = _payment(session, receipt_no)
        copies = session.scalar(
            select(func.count())
            .select_from(ReceiptPrint)
            .where(ReceiptPrint.payment_id == payment.id)
        )
        copy_no = int(copies or 0)
        session.add(
            ReceiptPrint(
                payment_id=payment.id,
                copy_no=copy_no,
                printed_at=datetime.now(UTC).replace(tzinfo=None),
                target=target,
            )
        )
    return copy_no


def receipt_code(payment: Payment, device: Device) -> str:
    """The QR text: Ed25519 signatures are deterministic, so a reprint carries the same code."""
    code = ReceiptCode(
        payment.receipt_no,
        payment.paid_on.isoformat(),
        payment.total_fen,
        tuple((line.name, mask(line.id_number), line.amount_fen) for line in payment.lines),
        device.id,
    )
    return encode(code, sign(device, code.payload()))


def receipt_view(session: Session, receipt_no: str, copy_no: int = 0) -> ReceiptView:
    """Everything the receipt prints, read back from the stored payment."""
    payment = _payment(session, receipt_no)
    device = session.get(Device, payment.device_id)
    if device is None:
        raise CollectionError(f"收据 {receipt_no} 不是本设备开具的，无法重打")
    place = session.execute(
        select(Household.number, Village.name, Township.name, County.name)
        .join(Village, Household.village_code == Village.code)
        .join(Township, Village.township_code == Township.code)
        .join(County, Township.county_code == County.code)
        .where(Household.id == payment.household_id)
    ).one()
    void = session.get(ReceiptVoid, payment.id)
    # The business date (fixed in training and the demo) with the local time of recording.
    clock = payment.created_at.replace(tzinfo=UTC).astimezone().time().replace(tzinfo=None)
    return ReceiptView(
        receipt_no=payment.receipt_no,
        issued_at=datetime.combine(payment.paid_on, clock),
        county=place[3],
        township=place[2],
        village=place[1],
        household_no=place[0],
        payer=payment.payer_name,
        lines=tuple(
            ReceiptLine(
                name=line.name,
                masked_id=mask(line.id_number),
                benefit_year=line.benefit_year,
                standard_fen=line.standard_fen,
                subsidy_fen=line.subsidy_fen,
                amount_fen=line.amount_fen,
                reimbursed_later_fen=line.reimbursed_later_fen,
                provisional=line.provisional,
            )
            for line in payment.lines
        ),
        total_fen=payment.total_fen,
        method=payment.method,
        reference=payment.reference,
        agent=payment.agent,
        device_id=payment.device_id,
        qr_text=receipt_code(payment, device),
        reprint=copy_no,
        voided=void is not None,
        void_reason=void.reason if void else "",
    )
