"""Progress (进度) per village for a benefit year: task, paid, rates, special groups, work fee."""

# The figures (docs/ARCHITECTURE.md, "Reports"):
# - 实际人数: the task table's population when the county set one, else the roster's eligible
#   people (everyone not employee, deceased or moved away; no status means due).
# - 任务数: the task table's target (None when not set).
# - 缴款人数 / 缴款金额: people on this source's receipts for the year and what their lines
#   charged, voided receipts left out (the device: its own receipts; the county: every device's).
# - 已参保: eligible people paid here or elsewhere (another device, the tax app: paid_elsewhere).
# - 完成率 = 已参保 / 任务数; 参保率 = 已参保 / 实际人数; 特殊人群参保率 = enrolled members of a
#   special group / eligible members.
# - 工作经费 = the policy's fee per person × 缴款人数.

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.policy import Policy, PolicyError
from app.report_queries import VillageCounts, roster_counts, special_members, tasks, villages
from app.unpaid import UnpaidHousehold, by_household
from app.workspace import Workspace
from db.models import Household, Payment, PaymentLine, ReceiptVoid


def percent(part: int, whole: int | None) -> float | None:
    """part / whole as a percentage with one decimal, rounded half up; None without a whole."""
    if not whole:
        return None
    return (part * 2000 + whole) // (2 * whole) / 10


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One village (or a township, or the 合计 row) as the task table and the app show it."""

    code: str
    name: str
    township: str
    population: int  # 实际人数
    population_from_task: bool
    target: int | None  # 任务数
    collected: int  # 缴款人数
    amount_fen: int  # 缴款金额
    enrolled: int
    elsewhere: int
    special: int
    special_enrolled: int
    work_fee_fen: int | None
    completion: float | None  # percent of the target
    participation: float | None  # percent of the population
    special_coverage: float | None
    note: str  # 备注

    @property
    def special_unpaid(self) -> int:
        return self.special - self.special_enrolled


@dataclass(frozen=True, slots=True)
class DailyCount:
    """People collected on one day and up to it, for the chart against the task line."""

    day: date
    collected: int
    cumulative: int


@dataclass(frozen=True)
class Progress:
    """The whole report: villages, townships, the 合计 row, the days, the unpaid special groups."""

    benefit_year: int
    source: str  # "device" or "county"
    policy_title: str | None
    participation_target: int | None  # percent
    special_groups_target: int | None
    work_fee_per_person_fen: int | None
    villages: list[ProgressRow]
    townships: list[ProgressRow]
    total: ProgressRow
    daily: list[DailyCount]
    special_unpaid: list[UnpaidHousehold] = field(default_factory=list)
    unit: str = ""  # the township when every village is in one, for titles

    def to_json(self) -> dict[str, Any]:
        return {
            "benefit_year": self.benefit_year,
            "source": self.source,
            "unit": self.unit,
            "policy": self.policy_title,
            "participation_target": self.participation_target,
            "special_groups_target": self.special_groups_target,
            "work_fee_per_person_fen": self.work_fee_per_person_fen,
            "villages": [asdict(v) for v in self.villages],
            "townships": [asdict(t) for t in self.townships],
            "total": asdict(self.total),
            "daily": [
                {"day": d.day.isoformat(), "collected": d.collected, "cumulative": d.cumulative}
                for d in self.daily
            ],
            "special_unpaid": [h.to_json() for h in self.special_unpaid],
        }


@dataclass(frozen=True, slots=True)
class Settings:
    """What the policy adds to the counts: targets and the work fee (all optional)."""

    title: str | None = None
    participation_target: int | None = None
    special_groups_target: int | None = None
    work_fee_fen: int | None = None

    @classmethod
    def of(cls, policy: Policy | None, year: int) -> Settings:
        """The policy's targets and fee, when it is the policy of `year`."""
        if policy is None or policy.benefit_year != year:
            return cls()
        return cls(
            policy.title,
            policy.participation_target,
            policy.special_groups_target,
            policy.work_fee_fen,
        )


def _note(row: ProgressRow, settings: Settings, without_task: int) -> str:
    parts = []
    if row.completion is not None:
        parts.append(f"完成率{row.completion:g}%")
    elif without_task == 1 and row.code:
        parts.append("任务数未下达")
    if without_task and not row.code:
        parts.append(f"{without_task}个村未下达任务数")
    target = settings.participation_target
    if target is not None and row.participation is not None and row.participation < target:
        parts.append(f"参保率{row.participation:g}%未达{target}%")
    if row.elsewhere:
        parts.append(f"他处已缴{row.elsewhere}人")
    if row.special_unpaid:
        parts.append(f"特殊人群未缴{row.special_unpaid}人")
    return "；".join(parts)


def _row(
    code: str,
    name: str,
    township: str,
    counts: VillageCounts,
    task: tuple[int, int] | None,
    settings: Settings,
    *,
    population: int | None = None,
    target: int | None = None,
    targeted_enrolled: int | None = None,
    without_task: int = 0,
) -> ProgressRow:
    """A row from its counts: `task` for a village; the sums given for a township or total."""
    if task is not None:
        population, target = task
    from_task = task is not None
    if population is None:
        population = counts.eligible
    fee = settings.work_fee_fen
    row = ProgressRow(
        code, name, township, population, from_task, target, counts.collected,
        counts.amount_fen, counts.enrolled, counts.elsewhere, counts.special,
        counts.special_enrolled, None if fee is None else fee * counts.collected,
        percent(counts.enrolled if targeted_enrolled is None else targeted_enrolled, target),
        percent(counts.enrolled, population), percent(counts.special_enrolled, counts.special),
        "",
    )  # fmt: skip
    if code and task is None:
        without_task = 1
    return replace(row, note=_note(row, settings, without_task))


def _sum_rows(name: str, township: str, rows: list[ProgressRow], settings: Settings) -> ProgressRow:
    """A township's or the whole report's row: sums of its villages' rows."""
    counts = VillageCounts(
        eligible=0,
        enrolled=sum(r.enrolled for r in rows),
        elsewhere=sum(r.elsewhere for r in rows),
        collected=sum(r.collected for r in rows),
        amount_fen=sum(r.amount_fen for r in rows),
        special=sum(r.special for r in rows),
        special_enrolled=sum(r.special_enrolled for r in rows),
    )
    targeted = [r for r in rows if r.target is not None]
    return _row(
        "", name, township, counts, None, settings,
        population=sum(r.population for r in rows),
        target=sum(r.target or 0 for r in targeted) if targeted else None,
        targeted_enrolled=sum(r.enrolled for r in targeted),
        without_task=len(rows) - len(targeted),
    )  # fmt: skip


def build_progress(
    year: int,
    source: str,
    settings: Settings,
    village_list: list[tuple[str, str, str]],
    task_table: dict[str, tuple[int, int]],
    counts: dict[str, VillageCounts],
    daily: Iterable[tuple[date, int]],
    special_unpaid: list[UnpaidHousehold],
) -> Progress:
    """The report from counts gathered by either source (the device's or the county's)."""
    known = {code for code, _, _ in village_list}
    # Receipts for a village the roster does not list still count, under their code.
    extra = [(code, code, "") for code in sorted(counts) if code not in known]
    rows = [
        _row(code, name, township, counts.get(code, VillageCounts()), task_table.get(code),
             settings)
        for code, name, township in village_list + extra
    ]  # fmt: skip
    townships: dict[str, list[ProgressRow]] = {}
    for row in rows:
        townships.setdefault(row.township, []).append(row)
    cumulative, days = 0, []
    for day, n in sorted(daily):
        cumulative += n
        days.append(DailyCount(day, n, cumulative))
    return Progress(
        year, source, settings.title, settings.participation_target,
        settings.special_groups_target, settings.work_fee_fen, rows,
        [_sum_rows(name, name, group, settings) for name, group in townships.items()],
        _sum_rows("合计", "", rows, settings), days, special_unpaid,
        next(iter(townships)) if len(townships) == 1 else "",
    )  # fmt: skip


def add_special(counts: dict[str, VillageCounts], special: dict[str, tuple[int, int]]) -> None:
    """Put `special_members`' per-village counts into the village counts."""
    for code, (members, enrolled) in special.items():
        village = counts.setdefault(code, VillageCounts())
        village.special, village.special_enrolled = members, enrolled


def device_progress(conn: Session | Connection, year: int, policy: Policy | None) -> Progress:
    """Progress of this device's villages: its roster and its own receipts.

    A person has at most one receipt of a year that is not voided (the desk refuses a second),
    so lines are counted as people: one scan of the lines gives villages and days together."""
    counts = roster_counts(conn, year)
    special, special_unpaid = special_members(conn, year)
    add_special(counts, special)
    lines = conn.execute(
        select(
            Household.village_code, Payment.paid_on, func.count(), func.sum(PaymentLine.amount_fen)
        )
        .select_from(PaymentLine)
        .join(Payment, Payment.id == PaymentLine.payment_id)
        .join(Household, Household.id == Payment.household_id)
        .where(
            PaymentLine.benefit_year == year,
            Payment.id.not_in(select(ReceiptVoid.payment_id)),
        )
        .group_by(Household.village_code, Payment.paid_on)
    )
    daily: dict[date, int] = {}
    for code, day, people, amount in lines:
        village = counts.setdefault(code, VillageCounts())
        village.collected += people
        village.amount_fen += int(amount or 0)
        daily[day] = daily.get(day, 0) + people
    return build_progress(
        year, "device", Settings.of(policy, year), villages(conn), tasks(conn, year), counts,
        daily.items(), by_household(conn, special_unpaid),
    )  # fmt: skip


def workspace_progress(workspace: Workspace, year: int | None = None) -> Progress:
    """The device's progress for `year` (default: the business date's), read in one snapshot;
    without a region policy the targets and the work fee are left out."""
    year = year or workspace.benefit_year
    try:
        policy: Policy | None = workspace.policy()
    except PolicyError:
        policy = None
    with workspace.db.engine.connect() as conn, conn.begin():
        return device_progress(conn, year, policy)
