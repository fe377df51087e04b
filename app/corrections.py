"""Identity corrections: queue what the roster cannot match, follow it until the county decides."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from app import ledger
from app.identity import IdentityError, IdType, mask, parse_id
from app.keys import ensure_device
from app.policy import Policy
from app.roster.records import RowError, name_of
from app.settings import get_setting
from db.database import Database
from db.engine import writing
from db.models import (
    CorrectionRequest,
    Household,
    LedgerEvent,
    Payment,
    PaymentLine,
    Person,
    ReceiptVoid,
    Village,
)

PROBLEMS = {
    "not_found": "查无此人（未查询到参保信息）",
    "name_differs": "姓名不符",
    "id_differs": "证件号码不符",
    "elsewhere": "已在外地登记",
    "other": "其他",
}
STATE_LABELS = {
    "queued": "待上报",
    "sent": "已上报",
    "accepted": "已通过",
    "rejected": "已驳回",
}
ACKED_KEY = "sync_acked_seq"  # set by sync: how far the county holds this device's ledger
MAX_NOTE = 500


class CorrectionError(Exception):
    """A request that cannot be queued; str() is the Chinese message, nothing is written."""


class AlreadyOnRoster(CorrectionError):
    """The person the agent is looking for is on the roster: open the household instead."""

    def __init__(self, message: str, household_id: int) -> None:
        super().__init__(message)
        self.household_id = household_id


@dataclass(frozen=True, slots=True)
class CorrectionForm:
    """What the agent fills in, as typed."""

    id_type: str
    id_number: str
    name: str
    hukou_place: str
    village: str  # 12-digit code or the village's name
    problem: str
    phone: str = ""
    household: str = ""  # an existing household number; "" starts a new household
    note: str = ""


@dataclass(frozen=True, slots=True)
class QueuedRequest:
    """A request as the queue shows it."""

    request_id: str
    state: str  # queued | sent | accepted | rejected
    name: str
    id_type: str
    id_number: str
    masked_id: str
    problem: str
    village_code: str
    village: str
    household: str
    phone: str
    hukou_place: str
    note: str
    reason: str
    merges: int
    created_at: datetime
    updated_at: datetime

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def age_days(self, today: date) -> int:
        """Days since it was first asked. `created_at` is the real clock; with a fixed business
        date (training, the demo) the difference can be negative, which means today."""
        return max(0, (today - self.created_at.date()).days)

    def to_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "state": self.state,
            "state_label": self.state_label,
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.masked_id,
            "problem": self.problem,
            "village_code": self.village_code,
            "household": self.household,
            "phone": self.phone,
            "reason": self.reason,
            "merges": self.merges,
            "created_at": self.created_at.isoformat(),
        }


def _village(session: Session, text: str) -> str:
    text = text.strip()
    codes = list(
        session.scalars(select(Village.code).where((Village.code == text) | (Village.name == text)))
    )
    if not codes:
        raise CorrectionError(f"本设备没有村“{text}”，请选择本设备负责的村")
    if len(codes) > 1:
        raise CorrectionError(f"村名“{text}”不止一个，请用12位村代码")
    return codes[0]


def _checked(session: Session, form: CorrectionForm, today: date) -> dict[str, Any]:
    """The form's fields normalised, or CorrectionError with the first problem."""
    if form.problem not in PROBLEMS:
        raise CorrectionError(f"请选择问题类型：{'、'.join(PROBLEMS.values())}")
    try:
        id_type = IdType(form.id_type)
        number = parse_id(form.id_number, id_type, today=today).number
    except ValueError as exc:
        text = str(exc) if isinstance(exc, IdentityError) else f"证件类型“{form.id_type}”无效"
        raise CorrectionError(text) from exc
    try:
        name = name_of(form.name)
    except RowError as exc:
        raise CorrectionError(str(exc)) from exc
    hukou = form.hukou_place.strip()
    if not hukou:
        raise CorrectionError("请填写户籍地（身份证上的地址）")
    note = form.note.strip()
    if len(note) > MAX_NOTE:
        raise CorrectionError(f"备注过长（最多{MAX_NOTE}字）")
    phone = form.phone.strip()
    if phone and not phone.replace("-", "").replace(" ", "").isdigit():
        raise CorrectionError(f"联系电话“{phone}”应为数字")
    village = _village(session, form.village)
    household = form.household.strip()
    if household:
        where = session.scalar(select(Household.village_code).where(Household.number == household))
        if where is None:
            raise CorrectionError(f"找不到户号 {household}；新的一户请留空户号")
        if where != village:
            raise CorrectionError(f"户号 {household} 不属于所选的村")
    return {
        "id_type": id_type.value,
        "id_number": number,
        "name": name,
        "hukou_place": hukou[:128],
        "phone": phone,
        "village_code": village,
        "household_number": household,
        "problem": form.problem,
        "note": note,
    }


def request_correction(db: Database, form: CorrectionForm, today: date) -> QueuedRequest:
    """Queue a request (a ledger event goes with it); a pending one for the same ID is merged."""
    with writing(db.engine) as session:
        fields = _checked(session, form, today)
        on_roster = session.execute(
            select(Person.household_id, Household.number)
            .join(Household, Household.id == Person.household_id)
            .where(Person.id_type == fields["id_type"], Person.id_number == fields["id_number"])
        ).first()
        if on_roster is not None and fields["problem"] == "not_found":
            raise AlreadyOnRoster(
                f"此人已在花名册中（户号 {on_roster.number}），请直接打开该户缴费", on_roster[0]
            )
        now = datetime.now(UTC).replace(tzinfo=None)
        row = session.scalar(
            select(CorrectionRequest).where(
                CorrectionRequest.id_type == fields["id_type"],
                CorrectionRequest.id_number == fields["id_number"],
                CorrectionRequest.state == "pending",
            )
        )
        request_id = row.request_id if row is not None else str(uuid.uuid4())
        merges = row.merges + 1 if row is not None else 0
        body = {"request_id": request_id, "merges": merges, **fields}
        body["agent"] = get_setting(session, "agent_name") or ""
        event_id = ledger.append(session, ensure_device(session), "correction", body)
        if row is None:
            row = CorrectionRequest(
                request_id=request_id, state="pending", reason="", created_at=now, **fields
            )
            session.add(row)
        else:
            # Asked again (by a relative, or on another day): one request, the latest details.
            for key, value in fields.items():
                setattr(row, key, value)
        row.merges, row.updated_at, row.event_id = merges, now, event_id
        session.flush()
        return _view(session, row, _acked(session))


def _acked(session: Session) -> int:
    return int(get_setting(session, ACKED_KEY) or 0)


def _view(session: Session, row: CorrectionRequest, acked: int) -> QueuedRequest:
    state = row.state
    if state == "pending":
        seq = session.scalar(select(LedgerEvent.seq).where(LedgerEvent.event_id == row.event_id))
        state = "sent" if seq is not None and seq <= acked else "queued"
    village = session.scalar(select(Village.name).where(Village.code == row.village_code)) or ""
    return QueuedRequest(
        row.request_id, state, row.name, row.id_type, row.id_number, mask(row.id_number),
        row.problem, row.village_code, village, row.household_number, row.phone,
        row.hukou_place, row.note, row.reason, row.merges, row.created_at, row.updated_at,
    )  # fmt: skip


def queue(db: Database) -> list[QueuedRequest]:
    """Every request, newest first, with its state (待上报, 已上报, 已通过, 已驳回)."""
    with db.sessions() as session:
        acked = _acked(session)
        rows = session.scalars(
            select(CorrectionRequest).order_by(CorrectionRequest.updated_at.desc())
        ).all()
        return [_view(session, row, acked) for row in rows]


_PENDING = select(CorrectionRequest.id_number).where(
    CorrectionRequest.id_number.in_(bindparam("numbers", expanding=True)),
    CorrectionRequest.state == "pending",
)


def pending_for(session: Session | Connection, id_numbers: list[str]) -> set[str]:
    """Which of these ID numbers have a request the county has not decided yet."""
    if not id_numbers:
        return set()
    return set(session.scalars(_PENDING, {"numbers": id_numbers}))


def counts(db: Database) -> dict[str, int]:
    with db.sessions() as session:
        return dict(
            session.execute(
                select(CorrectionRequest.state, func.count()).group_by(CorrectionRequest.state)
            ).all()
        )


@dataclass(frozen=True, slots=True)
class FollowUp:
    """待回访: an accepted request whose person can now be charged: go back and collect."""

    request_id: str
    name: str
    masked_id: str
    phone: str
    household_id: int
    household: str
    village: str
    decided_at: datetime | None


def follow_ups(db: Database, policy: Policy, today: date) -> list[FollowUp]:
    """Accepted requests whose person is on the roster and still owes for the year."""
    from app.collection import quote_household

    found: list[FollowUp] = []
    with db.sessions() as session:
        rows = session.execute(
            select(CorrectionRequest, Person.id, Person.name, Person.household_id, Household.number)
            .join(
                Person,
                (Person.id_number == CorrectionRequest.id_number)
                & (Person.id_type == CorrectionRequest.id_type),
            )
            .join(Household, Household.id == Person.household_id)
            .where(CorrectionRequest.state == "accepted")
            .order_by(CorrectionRequest.decided_at)
        ).all()
        for request, person_id, name, household_id, number in rows:
            quotes = quote_household(session, household_id, policy, today)
            if any(q.person_id == person_id and q.payable for q in quotes):
                village = session.scalar(
                    select(Village.name).where(Village.code == request.village_code)
                )
                found.append(
                    FollowUp(
                        request.request_id, name, mask(request.id_number), request.phone,
                        household_id, number, village or request.village_code, request.decided_at,
                    )
                )  # fmt: skip
    return found


@dataclass(frozen=True, slots=True)
class RefundDue:
    """A 先行收费 whose correction the county rejected: the money goes back to the payer."""

    receipt_no: str
    name: str
    masked_id: str
    amount_fen: int
    reason: str  # the county's


def refunds_due(db: Database) -> list[RefundDue]:
    """Provisional collections (not voided) whose person's latest correction was rejected."""
    latest = (
        select(func.max(CorrectionRequest.id))
        .where(CorrectionRequest.id_number == PaymentLine.id_number)
        .correlate(PaymentLine)
        .scalar_subquery()
    )
    with db.sessions() as session:
        rows = session.execute(
            select(
                Payment.receipt_no, PaymentLine.name, PaymentLine.id_number,
                PaymentLine.amount_fen, CorrectionRequest.reason,
            )
            .join(Payment, Payment.id == PaymentLine.payment_id)
            # One row a line: the person's latest request, and only when it was rejected.
            .join(CorrectionRequest, CorrectionRequest.id == latest)
            .outerjoin(ReceiptVoid, ReceiptVoid.payment_id == Payment.id)
            .where(
                PaymentLine.provisional.is_(True),
                CorrectionRequest.state == "rejected",
                ReceiptVoid.payment_id.is_(None),
            )
            .order_by(Payment.seq)
        ).all()  # fmt: skip
    return [RefundDue(r[0], r[1], mask(r[2]), r[3], r[4]) for r in rows]
