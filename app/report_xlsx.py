"""Progress and the 催缴清单 as XLSX: numbers as numbers, yuan as "0.00", Chinese sheet names."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.money import FEN_PER_YUAN
from app.reports import Progress, ProgressRow
from app.unpaid import Dunning, UnpaidHousehold

YUAN = "0.00"
PERCENT = "0.0%"
INTEGER = "0"
TASK_SHEET = "任务分解表"
DETAIL_SHEET = "进度明细"
TOWNSHIP_SHEET = "乡镇汇总"
SPECIAL_SHEET = "特殊人群未缴"
DAILY_SHEET = "每日进度"
DUNNING_SHEET = "催缴清单"
TASK_COLUMNS = ("序号", "村名", "实际人数", "任务数", "缴款人数", "缴款金额", "备注")

_EDGE = Side(style="thin", color="000000")
_BORDER = Border(left=_EDGE, right=_EDGE, top=_EDGE, bottom=_EDGE)
_HEAD_FILL = PatternFill("solid", fgColor="DDDDDD")


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    width: float  # in characters (a Chinese character is about two)
    number_format: str | None = None


def yuan_value(fen: int | None) -> Decimal | None:
    """Fen as an exact yuan number for a cell (Decimal: no binary rounding on the way)."""
    return None if fen is None else Decimal(fen) / FEN_PER_YUAN


def _ratio(percent: float | None) -> Decimal | None:
    """A percentage (96.5) as the fraction a "0.0%" cell holds (0.965)."""
    return None if percent is None else Decimal(str(percent)) / 100


class _Sheet:
    """A write-only sheet with a title row, a header row and bordered cells."""

    def __init__(self, book: Workbook, name: str, title: str, columns: Sequence[Column]) -> None:
        self.sheet: WriteOnlyWorksheet = book.create_sheet(name)
        self.columns = columns
        for n, column in enumerate(columns):
            self.sheet.column_dimensions[_letter(n)].width = column.width
        self.sheet.freeze_panes = "A3"
        self.sheet.print_title_rows = "1:2"
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.paperSize = "9"  # A4
        self.sheet.merged_cells.add(f"A1:{_letter(len(columns) - 1)}1")
        head = _cell(self.sheet, title)
        head.font = Font(bold=True, size=14)
        head.alignment = Alignment(horizontal="center")
        self.sheet.append([head])
        self.row([c.label for c in columns], header=True)

    def row(self, values: Iterable[Any], *, header: bool = False, bold: bool = False) -> None:
        cells = []
        for column, value in zip(self.columns, values, strict=True):
            cell = _cell(self.sheet, value)
            cell.border = _BORDER
            if header:
                cell.font = Font(bold=True)
                cell.fill = _HEAD_FILL
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
            else:
                if bold:
                    cell.font = Font(bold=True)
                if column.number_format:
                    cell.number_format = column.number_format
            cells.append(cell)
        self.sheet.append(cells)


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell holding `value` as it is: text that starts with "=" (a village name from a
    roster file, say) stays text, never a formula Excel would run."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _title(progress: Progress, what: str) -> str:
    scope = "（县级汇总）" if progress.source == "county" else ""
    return f"{progress.unit}{progress.benefit_year}年度城乡居民医保征缴{what}{scope}"


def _task_sheet(book: Workbook, progress: Progress) -> None:
    widths = (6, 18, 10, 10, 10, 14, 48)
    formats = (INTEGER, None, INTEGER, INTEGER, INTEGER, YUAN, None)
    sheet = _Sheet(
        book, TASK_SHEET, _title(progress, "任务分解表"),
        [Column(label, w, f) for label, w, f in zip(TASK_COLUMNS, widths, formats, strict=True)],
    )  # fmt: skip
    for n, v in enumerate(progress.villages, start=1):
        sheet.row([n, v.name, v.population, v.target, v.collected, yuan_value(v.amount_fen),
                   v.note])  # fmt: skip
    t = progress.total
    sheet.row(
        ["合计", "", t.population, t.target, t.collected, yuan_value(t.amount_fen), t.note],
        bold=True,
    )


DETAIL_COLUMNS = (
    Column("序号", 6, INTEGER), Column("乡镇", 12), Column("村代码", 14), Column("村名", 16),
    Column("实际人数", 10, INTEGER), Column("任务数", 10, INTEGER),
    Column("缴款人数", 10, INTEGER), Column("缴款金额（元）", 14, YUAN),
    Column("他处已缴", 10, INTEGER), Column("已参保", 10, INTEGER),
    Column("完成率", 9, PERCENT), Column("参保率", 9, PERCENT),
    Column("特殊人群", 10, INTEGER), Column("特殊人群已参保", 12, INTEGER),
    Column("特殊人群参保率", 12, PERCENT), Column("工作经费（元）", 14, YUAN),
    Column("备注", 48),
)  # fmt: skip


def _detail(n: int | str, row: ProgressRow) -> list[Any]:
    return [
        n, row.township, row.code, row.name, row.population, row.target, row.collected,
        yuan_value(row.amount_fen), row.elsewhere, row.enrolled, _ratio(row.completion),
        _ratio(row.participation), row.special, row.special_enrolled,
        _ratio(row.special_coverage), yuan_value(row.work_fee_fen), row.note,
    ]  # fmt: skip


def _detail_sheet(book: Workbook, name: str, title: str, rows: list[ProgressRow],
                  total: ProgressRow) -> None:  # fmt: skip
    sheet = _Sheet(book, name, title, DETAIL_COLUMNS)
    for n, row in enumerate(rows, start=1):
        sheet.row(_detail(n, row))
    sheet.row(_detail("合计", total), bold=True)


LIST_COLUMNS = (
    Column("序号", 7, INTEGER), Column("乡镇", 12), Column("村名", 16), Column("户号", 18),
    Column("户主", 10), Column("姓名", 10), Column("证件号码", 22), Column("与户主关系", 11),
    Column("联系电话", 14), Column("备注", 24),
)  # fmt: skip


def _list_sheet(book: Workbook, name: str, title: str, households: list[UnpaidHousehold]) -> None:
    """One row per member, household by household; the 备注 column is left for the visit."""
    sheet = _Sheet(book, name, title, LIST_COLUMNS)
    n = 0
    for h in households:
        for m in h.members:
            n += 1
            sheet.row([n, h.township, h.village, h.number, h.head, m.name, m.masked_id,
                       m.relation, m.phone, ""])  # fmt: skip


def progress_xlsx(progress: Progress) -> bytes:
    """The report's workbook: 任务分解表 (the notices' columns), 进度明细, 乡镇汇总 (more than
    one township), 特殊人群未缴 (no category) and 每日进度."""
    book = Workbook(write_only=True)
    _task_sheet(book, progress)
    _detail_sheet(book, DETAIL_SHEET, _title(progress, "进度明细"), progress.villages,
                  progress.total)  # fmt: skip
    if len(progress.townships) > 1:
        _detail_sheet(book, TOWNSHIP_SHEET, _title(progress, "乡镇汇总"), progress.townships,
                      progress.total)  # fmt: skip
    _list_sheet(book, SPECIAL_SHEET, _title(progress, "特殊人群未参保名单"),
                progress.special_unpaid)  # fmt: skip
    days = _Sheet(
        book, DAILY_SHEET, _title(progress, "每日进度"),
        [Column("日期", 12, "yyyy-mm-dd"), Column("当日缴款人数", 14, INTEGER),
         Column("累计缴款人数", 14, INTEGER)],
    )  # fmt: skip
    for day in progress.daily:
        days.row([day.day, day.collected, day.cumulative])
    return _save(book)


def dunning_xlsx(dunning: Dunning) -> bytes:
    """The 催缴清单 as one sheet, a row per unpaid member."""
    book = Workbook(write_only=True)
    _list_sheet(book, DUNNING_SHEET, f"{dunning.benefit_year}年度城乡居民医保催缴清单",
                dunning.households)  # fmt: skip
    return _save(book)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
