"""The progress report (任务分解表) and the 催缴清单 as A4 landscape PDFs; no categories printed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.money import FEN_PER_YUAN
from app.reports import Progress
from app.unpaid import Dunning, UnpaidHousehold
from printing.table_pdf import Column, Row, Table, render_tables

TASK_COLUMNS = (
    Column("序号", 5, "center"), Column("村名", 16), Column("实际人数", 9, "right"),
    Column("任务数", 9, "right"), Column("缴款人数", 9, "right"),
    Column("缴款金额（元）", 13, "right"), Column("备注", 39),
)  # fmt: skip
LIST_COLUMNS = (
    Column("序号", 5, "center"), Column("户号", 15), Column("户主", 8), Column("姓名", 8),
    Column("证件号码", 18), Column("与户主关系", 9), Column("联系电话", 12),
    Column("走访记录", 25),
)  # fmt: skip
VISIT_FOOTER = "走访人：________________    核对人：________________    日期：________________"


def amount(fen: int | None) -> str:
    """Yuan with two decimals and thousands separators, without the sign: 12,340.00."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{part:02d}"


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _scope(progress: Progress, today: date | None) -> str:
    parts = [f"{progress.policy_title or str(progress.benefit_year) + '年度'}"]
    if progress.source == "county":
        parts.append("全县各设备汇总")
    if progress.participation_target is not None:
        parts.append(f"参保率目标{progress.participation_target}%")
    if progress.special_groups_target is not None:
        parts.append(f"特殊人群参保率目标{progress.special_groups_target}%")
    total = progress.total
    if total.work_fee_fen is not None:
        parts.append(f"工作经费{amount(total.work_fee_fen)}元")
    if today is not None:
        parts.append(f"制表日期{today.isoformat()}")
    return "；".join(parts)


def _households(households: Iterable[UnpaidHousehold], with_village: bool) -> list[Row]:
    rows: list[Row] = []
    for h in households:
        for n, m in enumerate(h.members):
            first = n == 0
            number = f"{h.village} {h.number}" if with_village and first else h.number
            rows.append(
                Row(
                    [str(len(rows) + 1), number if first else "", h.head if first else "",
                     m.name, m.masked_id, m.relation, m.phone, ""],
                    group_start=first,
                )
            )  # fmt: skip
    return rows


def progress_pdf(progress: Progress, today: date | None = None) -> bytes:
    """The 任务分解表 with its 合计 row, then the special-group members not yet enrolled."""
    rows = [
        Row([str(n), v.name, str(v.population), _count(v.target), str(v.collected),
             amount(v.amount_fen), v.note])
        for n, v in enumerate(progress.villages, start=1)
    ]  # fmt: skip
    t = progress.total
    rows.append(
        Row(["合计", "", str(t.population), _count(t.target), str(t.collected),
             amount(t.amount_fen), t.note], bold=True)
    )  # fmt: skip
    year = progress.benefit_year
    tables = [Table(f"{progress.unit}{year}年度城乡居民医保征缴任务分解表", _scope(progress, today),
                    TASK_COLUMNS, rows)]  # fmt: skip
    if progress.special_unpaid:
        people = sum(len(h.members) for h in progress.special_unpaid)
        tables.append(
            Table(
                f"{progress.unit}{year}年度特殊人群未参保名单",
                f"目标100%：尚有{len(progress.special_unpaid)}户{people}人未参保（按村、户排列）",
                LIST_COLUMNS,
                _households(progress.special_unpaid, with_village=True),
            )
        )
    return render_tables(tables)


def dunning_pdf(dunning: Dunning, today: date | None = None) -> bytes:
    """The 催缴清单, each village on pages of its own, with lines for the visit's notes."""
    villages: dict[str, list[UnpaidHousehold]] = {}
    for h in dunning.households:
        villages.setdefault(h.village_code, []).append(h)
    printed = f"；打印日期{today.isoformat()}" if today else ""
    tables = [
        Table(
            f"{dunning.benefit_year}年度城乡居民医保催缴清单",
            f"{group[0].township} {group[0].village}：未缴{len(group)}户"
            f"{sum(len(h.members) for h in group)}人{printed}",
            LIST_COLUMNS,
            _households(group, with_village=False),
            footer=VISIT_FOOTER,
        )
        for group in villages.values()
    ]
    if not tables:
        tables = [
            Table(f"{dunning.benefit_year}年度城乡居民医保催缴清单", f"无未缴人员{printed}",
                  LIST_COLUMNS, [], footer=VISIT_FOOTER)
        ]  # fmt: skip
    return render_tables(tables)
