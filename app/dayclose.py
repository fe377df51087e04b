"""Closing the day (日结): what is held, a blind count, the difference, and the remittance event."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app import ledger
from app.collection import LAST_CLOSE_KEY, agent_name
from app.keys import ensure_device
from app.money import format_yuan
from app.policy import Policy
from app.receipt_numbers import format_receipt_no
from app.receipt_view import METHOD_LABELS
from app.settings import set_setting
from db.database import Database
from db.engine import writing
from db.models import LedgerEvent, Payment, ReceiptVoid, RemittanceConfirmation

# Notes and coins a village agent counts: 100, 50, 20, 10, 5, 1 yuan; 5 and 1 jiao.
DENOMINATIONS_FEN = (10000, 5000, 2000, 1000, 500, 100, 50, 10)
MAX_REFERENCE = 64
MAX_REASON = 200
MAX_COUNT = 100_000  # of one denomination: a typo, not a drawer


def _yuan(fen: int) -> str:
    """Yuan with two decimals and thousands separators, for sentences: 1,234.50."""
    return format_yuan(fen).replace("¥", "")


class DayCloseError(Exception):
    """A close that cannot be done; str() is the Chinese message, nothing is written."""


def denomination_label(fen: int) -> str:
    return f"{fen // 100}元" if fen >= 100 else f"{fen // 10}角"


@dataclass(frozen=True, slots=True)
class MethodTotal:
    method: str
    receipts: int
    total_fen: int

    @property
    def label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)


@dataclass(frozen=True, slots=True)
class Preview:
    """What a close now would cover: every receipt not yet remitted, grouped by method."""

    receipts: tuple[str, ...]  # not voided: the money to remit
    voided: tuple[tuple[str, str], ...]  # (receipt no., reason) in the same span
    by_method: tuple[MethodTotal, ...]
    ranges: tuple[tuple[str, str], ...]  # first and last receipt no. of each unbroken run
    gaps: tuple[str, ...]  # numbers missing from the sequence (there should be none)
    first_day: date | None
    last_day: date | None

    @property
    def total_fen(self) -> int:
        return sum(m.total_fen for m in self.by_method)

    @property
    def expected_cash_fen(self) -> int:
        return sum(m.total_fen for m in self.by_method if m.method == "cash")

    @property
    def empty(self) -> bool:
        return not self.receipts and not self.voided

    def to_json(self) -> dict[str, Any]:
        return {
            "receipts": list(self.receipts),
            "voided": [{"receipt_no": r, "reason": why} for r, why in self.voided],
            "by_method": [
                {
                    "method": m.method,
                    "label": m.label,
                    "receipts": m.receipts,
                    "total_fen": m.total_fen,
                }
                for m in self.by_method
            ],
            "total_fen": self.total_fen,
            "expected_cash_fen": self.expected_cash_fen,
            "ranges": [list(r) for r in self.ranges],
            "gaps": list(self.gaps),
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
        }


@dataclass(frozen=True, slots=True)
class Count:
    """The blind cash count: how many of each denomination (fen -> pieces)."""

    pieces: Mapping[int, int] = field(default_factory=dict)

    @property
    def total_fen(self) -> int:
        return sum(fen * n for fen, n in self.pieces.items())


def closed_receipts(session: Session | Connection) -> set[str]:
    """Receipts a remittance covers, remitted or voided: no later close takes them again."""
    covered: set[str] = set()
    # The bodies alone, so a payment's Core connection can ask too (a cash limit check).
    for text in session.scalars(select(LedgerEvent.body).where(LedgerEvent.kind == "remittance")):
        body: dict[str, Any] = json.loads(text)
        covered.update(body.get("receipts", []))
        covered.update(v["receipt_no"] for v in body.get("voided", []))
    return covered


def _preview(session: Session) -> Preview:
    closed = closed_receipts(session)
    rows = session.execute(
        select(
            Payment.seq,
            Payment.receipt_no,
            Payment.method,
            Payment.total_fen,
            Payment.paid_on,
            ReceiptVoid.reason,
        )
        .outerjoin(ReceiptVoid, ReceiptVoid.payment_id == Payment.id)
        .order_by(Payment.seq)
    ).all()
    open_rows = [r for r in rows if r.receipt_no not in closed]
    totals: dict[str, list[int]] = {}
    for r in open_rows:
        if r.reason is None:
            total = totals.setdefault(r.method, [0, 0])
            total[0] += 1
            total[1] += r.total_fen
    seqs = [r.seq for r in open_rows]
    prefix = open_rows[0].receipt_no.split("-")[0] if open_rows else ""
    by_seq = {r.seq: r.receipt_no for r in open_rows}
    all_seqs = {r.seq for r in rows}
    ranges: list[tuple[str, str]] = []
    gaps: list[str] = []
    if seqs:
        start = previous = seqs[0]
        for seq in [*seqs[1:], None]:
            if seq is not None and seq == previous + 1:
                previous = seq
                continue
            ranges.append((by_seq[start], by_seq[previous]))
            if seq is not None:
                # A hole between runs is either closed before (fine) or missing (a gap).
                gaps += [
                    format_receipt_no(prefix, s)
                    for s in range(previous + 1, seq)
                    if s not in all_seqs
                ]
                start = previous = seq
    order = list(METHOD_LABELS)
    return Preview(
        receipts=tuple(r.receipt_no for r in open_rows if r.reason is None),
        voided=tuple((r.receipt_no, r.reason) for r in open_rows if r.reason is not None),
        by_method=tuple(
            MethodTotal(method, n, fen)
            for method, (n, fen) in sorted(
                totals.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
            )
        ),
        ranges=tuple(ranges),
        gaps=tuple(gaps),
        first_day=min((r.paid_on for r in open_rows), default=None),
        last_day=max((r.paid_on for r in open_rows), default=None),
    )


def preview(db: Database) -> Preview:
    with db.sessions() as session:
        return _preview(session)


def parse_count(pieces: Mapping[int, Any]) -> Count:
    """A count from what the agent typed per denomination; DayCloseError on anything else."""
    checked: dict[int, int] = {}
    for fen, value in pieces.items():
        if fen not in DENOMINATIONS_FEN:
            raise DayCloseError(f"没有面额 {fen} 分的钱币")
        text = str(value).strip() if value is not None else ""
        if not text:
            continue
        if not (text.isascii() and text.isdigit()):  # "②" and "²" are digits to Python
            raise DayCloseError(f"{denomination_label(fen)}的张数“{value}”应为不小于 0 的整数")
        number = int(text)
        if number > MAX_COUNT:
            raise DayCloseError(f"{denomination_label(fen)}的张数 {number} 太大，请核对")
        if number:
            checked[fen] = number
    return Count(checked)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The county matched a remittance with the bank (it arrives with a sync pull)."""

    confirmed_at: datetime  # UTC, as the county recorded it
    confirmed_by: str

    @property
    def local_day(self) -> date:
        return self.confirmed_at.replace(tzinfo=UTC).astimezone().date()


@dataclass(frozen=True, slots=True)
class Remittance:
    """A closed day: the remittance event's content, for the slip and the screen."""

    event_id: str
    closed_at: datetime  # UTC
    business_day: date
    preview: Preview
    counted_fen: int
    pieces: Mapping[int, int]
    difference_fen: int  # counted - expected: negative is a shortfall
    reason: str
    reference: str
    deposited_at: str
    agent: str
    device_id: str
    confirmation: Confirmation | None = None  # None until the county confirms it

    @property
    def difference_text(self) -> str:
        """短款 ¥10.00, 长款 ¥5.00 or 无差额."""
        if not self.difference_fen:
            return "无差额"
        kind = "短款" if self.difference_fen < 0 else "长款"
        return f"{kind} {format_yuan(abs(self.difference_fen))}"

    @property
    def confirmation_text(self) -> str:
        """县医保局确认: 已确认 2023-10-20 (local date), or 待确认."""
        if self.confirmation is None:
            return "待确认"
        return f"已确认 {self.confirmation.local_day.isoformat()}"

    def to_json(self) -> dict[str, Any]:
        """One close as `vcollect dayclose --list --json` gives it."""
        seen = self.preview
        confirmed = self.confirmation
        return {
            "event_id": self.event_id,
            "business_day": self.business_day.isoformat(),
            "closed_at": self.closed_at.isoformat(timespec="seconds"),
            "receipts": len(seen.receipts),
            "voided": len(seen.voided),
            "total_fen": seen.total_fen,
            "expected_cash_fen": seen.expected_cash_fen,
            "counted_fen": self.counted_fen,
            "difference_fen": self.difference_fen,
            "reason": self.reason,
            "reference": self.reference,
            "deposited_at": self.deposited_at,
            "ranges": [list(r) for r in seen.ranges],
            "agent": self.agent,
            "confirmed": confirmed is not None,
            "confirmed_at": (
                confirmed.confirmed_at.isoformat(timespec="seconds") if confirmed else None
            ),
            "confirmed_by": confirmed.confirmed_by if confirmed else None,
        }


def close_day(
    db: Database,
    *,
    counted_fen: int | None = None,
    count: Count | None = None,
    reference: str,
    today: date,
    reason: str = "",
    deposited_at: str = "",
) -> Remittance:
    """Record the remittance (上解) of every receipt not yet remitted: a signed event naming
    them all, after which none of them can be voided."""
    if count is not None:
        counted_fen = count.total_fen
    if counted_fen is None:
        raise DayCloseError("请先清点现金（按面额填写张数，或给出实点金额）")
    if counted_fen < 0:
        raise DayCloseError("实点现金不能为负数")
    reference = reference.strip()
    if not reference:
        raise DayCloseError("请填写存款凭条号或 POS 交易参考号")
    if len(reference) > MAX_REFERENCE:
        raise DayCloseError(f"存款参考号过长（最多{MAX_REFERENCE}个字符）")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise DayCloseError(f"差额原因过长（最多{MAX_REASON}字）")
    with writing(db.engine) as session:
        last = _last_close_day(session)
        if last is not None and today < last:
            raise DayCloseError(
                f"业务日期 {today.isoformat()} 早于上次日结的日期 {last.isoformat()}，"
                "请检查电脑日期后再日结"
            )
        seen = _preview(session)  # inside the write lock: a second close finds nothing
        if seen.empty:
            raise DayCloseError("没有待上解的收据，无需日结")
        difference = counted_fen - seen.expected_cash_fen
        if difference and not reason:
            kind = "短款" if difference < 0 else "长款"
            raise DayCloseError(
                f"实点现金与应有现金不符（{kind} {_yuan(abs(difference))} 元），请填写原因"
            )
        device = ensure_device(session)
        agent = agent_name(session)
        body = {
            "receipts": list(seen.receipts),
            "voided": [{"receipt_no": r, "reason": why} for r, why in seen.voided],
            "by_method": {
                m.method: {"receipts": m.receipts, "total_fen": m.total_fen} for m in seen.by_method
            },
            "expected_cash_fen": seen.expected_cash_fen,
            "counted_fen": counted_fen,
            "pieces": {str(fen): n for fen, n in (count.pieces if count else {}).items()},
            "difference_fen": difference,
            "reason": reason,
            "reference": reference,
            "deposited_at": deposited_at.strip(),
            "ranges": [list(r) for r in seen.ranges],
            "gaps": list(seen.gaps),
            "business_day": today.isoformat(),
            "agent": agent,
        }
        event_id = ledger.append(session, device, "remittance", body)
        set_setting(session, LAST_CLOSE_KEY, today.isoformat())
        device_id = device.id
    return Remittance(
        event_id, datetime.now(UTC).replace(tzinfo=None), today, seen, counted_fen,
        dict(count.pieces) if count else {}, difference, reason, reference,
        deposited_at.strip(), agent, device_id,
    )  # fmt: skip


def _last_close_day(session: Session) -> date | None:
    event = session.scalar(
        select(LedgerEvent)
        .where(LedgerEvent.kind == "remittance")
        .order_by(LedgerEvent.seq.desc())
        .limit(1)
    )
    if event is None:
        return None
    day = ledger.body_of(event).get("business_day")
    return date.fromisoformat(day) if day else None


def remittances(db: Database) -> list[Remittance]:
    """Every close on this device, newest first, with the county's confirmation where one
    came (for the list of closes and reprinting a slip); one query."""
    with db.sessions() as session:
        rows = session.execute(
            select(LedgerEvent, RemittanceConfirmation)
            .outerjoin(
                RemittanceConfirmation, RemittanceConfirmation.event_id == LedgerEvent.event_id
            )
            .where(LedgerEvent.kind == "remittance")
            .order_by(LedgerEvent.seq.desc())
        ).all()
        found = []
        for event, confirmed in rows:
            body = ledger.body_of(event)
            methods = body.get("by_method", {})
            seen = Preview(
                receipts=tuple(body.get("receipts", [])),
                voided=tuple((v["receipt_no"], v["reason"]) for v in body.get("voided", [])),
                by_method=tuple(
                    MethodTotal(m, v["receipts"], v["total_fen"]) for m, v in methods.items()
                ),
                ranges=tuple((r[0], r[1]) for r in body.get("ranges", [])),
                gaps=tuple(body.get("gaps", [])),
                first_day=None,
                last_day=None,
            )
            confirmation = (
                Confirmation(confirmed.confirmed_at, confirmed.confirmed_by)
                if confirmed is not None
                else None
            )
            found.append(
                Remittance(
                    event.event_id, datetime.fromisoformat(event.created_at).replace(tzinfo=None),
                    date.fromisoformat(body.get("business_day", event.created_at[:10])), seen,
                    body.get("counted_fen", 0),
                    {int(k): v for k, v in body.get("pieces", {}).items()},
                    body.get("difference_fen", 0), body.get("reason", ""),
                    body.get("reference", ""), body.get("deposited_at", ""),
                    body.get("agent", ""), event.device_id, confirmation,
                )
            )  # fmt: skip
        return found


def collecting_unit(db: Database, receipts: tuple[str, ...]) -> str:
    """The county, township and villages the receipts were collected in, for the slip."""
    from db.models import County, Household, Township, Village

    with db.sessions() as session:
        rows = session.execute(
            select(County.name, Township.name, Village.name)
            .select_from(Payment)
            .join(Household, Household.id == Payment.household_id)
            .join(Village, Village.code == Household.village_code)
            .join(Township, Township.code == Village.township_code)
            .join(County, County.code == Township.county_code)
            .where(Payment.receipt_no.in_(receipts))
            .distinct()
        ).all()
    if not rows:
        return ""
    places = sorted({f"{c}{t}" for c, t, _ in rows})
    villages = "、".join(sorted({v for _, _, v in rows}))
    return f"{'、'.join(places)}{villages}"


DEFAULT_MAX_DAYS = 1  # when a county sets none: remit by the next day ...
DEFAULT_MAX_CASH_FEN = 500_000  # ... or once 5,000 yuan is held, whichever comes first
NEAR = 0.8  # the warning shows from 80 % of the amount limit, and on the last allowed day


@dataclass(frozen=True, slots=True)
class CashHeld:
    """限期限额: the cash not yet remitted against the region's limits, and what to show."""

    cash_fen: int
    since: date | None  # the business day of the oldest cash receipt not yet remitted
    days: int  # whole days held on `today`
    max_days: int
    max_cash_fen: int
    level: str  # ok | near | over

    @property
    def held_text(self) -> str:
        """未上解现金 760.00 元（最早为 2023-10-15 所收，已 2 天）."""
        held = f"未上解现金 {_yuan(self.cash_fen)} 元"
        if self.since is not None:
            held += f"（最早为 {self.since.isoformat()} 所收，已 {self.days} 天）"
        return held

    @property
    def limits_text(self) -> str:
        """限期 1 天、限额 5,000 元 (whole yuan unless the limit has fen)."""
        limit = (
            f"{self.max_cash_fen // 100:,}"
            if self.max_cash_fen % 100 == 0
            else _yuan(self.max_cash_fen)
        )
        return f"限期 {self.max_days} 天、限额 {limit} 元"

    @property
    def message(self) -> str:
        held, limits = self.held_text, self.limits_text
        if self.level == "over":
            return f"{held}，已超过{limits}：请立即上解并日结"
        if self.level == "near":
            return f"{held}，接近{limits}：请尽快上解并日结"
        return held


def cash_held(
    db: Database, max_days: int | None, max_cash_fen: int | None, today: date
) -> CashHeld:
    """Cash collected and not remitted, measured against the limits (the defaults when the
    region's policy sets none)."""
    with db.sessions() as session:
        return cash_held_in(session, max_days, max_cash_fen, today)


def cash_held_in(
    session: Session | Connection, max_days: int | None, max_cash_fen: int | None, today: date
) -> CashHeld:
    """cash_held in an open session or connection (a payment's write transaction)."""
    days_limit = DEFAULT_MAX_DAYS if max_days is None else max_days
    cash_limit = DEFAULT_MAX_CASH_FEN if max_cash_fen is None else max_cash_fen
    closed = closed_receipts(session)
    rows = session.execute(
        select(Payment.receipt_no, Payment.total_fen, Payment.paid_on)
        .outerjoin(ReceiptVoid, ReceiptVoid.payment_id == Payment.id)
        .where(Payment.method == "cash", ReceiptVoid.payment_id.is_(None))
    ).all()
    held = [r for r in rows if r.receipt_no not in closed]
    cash = sum(r.total_fen for r in held)
    since = min((r.paid_on for r in held), default=None)
    days = max(0, (today - since).days) if since else 0
    if cash and (days > days_limit or cash > cash_limit):
        level = "over"
    elif cash and (days >= days_limit or cash >= cash_limit * NEAR):
        level = "near"
    else:
        level = "ok"
    return CashHeld(cash, since, days, days_limit, cash_limit, level)


def cash_refusal(session: Session | Connection, policy: Policy, today: date) -> str | None:
    """Why new cash is refused now, or None: only a region whose policy blocks cash past the
    limits (`[deposit] block_cash`) refuses, and only once the cash held is past them."""
    if not policy.block_cash:
        return None  # no query: the counter's fast path
    held = cash_held_in(session, policy.deposit_days, policy.deposit_cash_fen, today)
    if held.level != "over":
        return None
    held_text = f"{_yuan(held.cash_fen)} 元"
    if held.since is not None:
        held_text += f"，最早为 {held.since.isoformat()} 所收，已 {held.days} 天"
    others = "、".join(label for method, label in METHOD_LABELS.items() if method != "cash")
    return (
        f"未上解现金已超过限期限额（{held_text}；{held.limits_text}），"
        f"按本地政策须先日结上解，才能继续收取现金。{others}缴费不受影响"
    )
