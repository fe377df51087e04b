"""Reading county roster exports (CSV in UTF-8 or GBK/GB18030, XLSX) into numbered rows."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# Canonical field -> header texts as county exports write them (compared without spaces/brackets).
COLUMNS: dict[str, tuple[str, ...]] = {
    "household": ("户号", "户编号", "家庭户号", "户主编号", "家庭编号"),
    "name": ("姓名", "参保人姓名", "人员姓名", "缴费人姓名"),
    "id_type": ("证件类型", "身份证件类型", "证件种类"),
    "id_number": ("证件号码", "身份证号码", "身份证号", "公民身份号码", "身份证件号码", "证件号"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日"),
    "relation": ("与户主关系", "家庭关系", "与户主的关系", "关系"),
    "village": ("村社区", "村", "社区", "村居", "所属村", "村委会", "村名", "所属村社区"),
    "village_code": ("村代码", "村社区代码", "村编码", "行政区划代码", "村级代码"),
    "township": ("乡镇街道", "乡镇", "街道", "所属乡镇"),
    "hukou_place": ("户籍地", "户籍所在地", "户籍地址", "户口所在地"),
    "phone": ("联系电话", "电话", "手机号码", "手机号", "联系方式", "电话号码"),
    "categories": ("人员类别", "特殊人群类别", "特殊人员类别", "人员类型", "资助类别"),
    "status": ("参保状态", "缴费状态", "参保缴费状态"),
    "assessed": ("核定应缴", "核定应缴金额", "个人应缴", "个人应缴金额", "核定个人缴费"),
}
REQUIRED = ("household", "name", "id_number", "village")
FIELD_LABELS = {"household": "户号", "name": "姓名", "id_number": "证件号码", "village": "村(社区)"}

_HEADER_NORMAL = re.compile(r"[\s()（）*＊:：]")
_HEADER_LOOKUP = {
    _HEADER_NORMAL.sub("", variant): field
    for field, variants in COLUMNS.items()
    for variant in variants
}
HEADER_SCAN_ROWS = 10  # title and merged rows above the header are skipped


class RosterFileError(ValueError):
    """A file that cannot be read as a roster at all; str() is the Chinese message."""


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: its row number in the file (as a spreadsheet numbers it) and its cells."""

    number: int
    cells: dict[str, str]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "date") and hasattr(value, "year"):  # datetime from a date-formatted cell
        return str(value.date() if hasattr(value, "hour") else value)
    return str(value).strip()


def header_map(cells: list[str]) -> dict[str, int]:
    """Column positions of the fields this header row names (first occurrence wins)."""
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        field = _HEADER_LOOKUP.get(_HEADER_NORMAL.sub("", text))
        if field and field not in found:
            found[field] = index
    return found


def detect_encoding(path: Path, chunk: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, otherwise GB18030."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        try:
            decoder.decode(head)
            while block := handle.read(chunk):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"  # a superset of GBK and GB2312
    return "utf-8"


class RosterFile:
    """A roster file opened for reading: its header mapping and an iterator over data rows."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise RosterFileError(f"文件不存在：{path}")
        if path.is_dir():
            raise RosterFileError(f"{path} 是文件夹，请选择花名册文件（.csv 或 .xlsx）")
        self.path = path
        self.size = path.stat().st_size
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            self._rows, self._close = self._open_xlsx()
        elif suffix in (".csv", ".txt", ""):
            self._rows, self._close = self._open_csv()
        elif suffix == ".xls":
            raise RosterFileError(
                "不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后再导入"
            )
        else:
            raise RosterFileError(f"不支持的文件类型“{suffix}”，请使用 .csv 或 .xlsx")
        self.columns, self.header_row = self._find_header()

    # Each source yields (row number, cells as text, progress fraction 0..1).
    def _open_csv(self) -> tuple[Iterator[tuple[int, list[str], float]], Any]:
        encoding = detect_encoding(self.path)
        handle: IO[str] = self.path.open("r", encoding=encoding, newline="", errors="strict")
        raw = handle.buffer if hasattr(handle, "buffer") else None
        try:
            sample = handle.read(64 * 1024)
        except UnicodeDecodeError:
            handle.close()
            raise RosterFileError(
                "无法识别文件编码，请在 Excel 或 WPS 中另存为 UTF-8 或 GBK 编码的 CSV 后再导入"
            ) from None
        handle.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        size = max(self.size, 1)

        def rows() -> Iterator[tuple[int, list[str], float]]:
            try:
                for cells in reader:
                    position = raw.tell() / size if raw is not None else 0.0
                    yield reader.line_num, [c.strip() for c in cells], position
            except UnicodeDecodeError as exc:
                raise RosterFileError(
                    f"文件第{reader.line_num + 1}行附近的编码无法识别，"
                    "请另存为 UTF-8 或 GBK 编码的 CSV"
                ) from exc
            except csv.Error as exc:
                raise RosterFileError(f"CSV 格式错误（第{reader.line_num}行）：{exc}") from exc

        return rows(), handle.close

    def _open_xlsx(self) -> tuple[Iterator[tuple[int, list[str], float]], Any]:
        import zipfile

        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise RosterFileError(f"无法读取 Excel 文件：{self.path.name}，文件可能已损坏") from exc
        sheet = book.worksheets[0]
        total = max(sheet.max_row or 1, 1)

        def rows() -> Iterator[tuple[int, list[str], float]]:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in values], number / total

        return rows(), book.close

    def _find_header(self) -> tuple[dict[str, int], int]:
        best: dict[str, int] = {}
        for number, cells, _position in self._rows:
            columns = header_map(cells)
            if "name" in columns and "id_number" in columns:
                missing = [FIELD_LABELS[f] for f in REQUIRED if f not in columns]
                if missing and not ("village" in missing and "village_code" in columns):
                    raise RosterFileError(f"第{number}行表头缺少必需的列：{'、'.join(missing)}")
                return columns, number
            if len(columns) > len(best):
                best = columns
            if number >= HEADER_SCAN_ROWS:
                break
        self.close()
        raise RosterFileError(
            f"在文件前{HEADER_SCAN_ROWS}行找不到表头（需要“姓名”“证件号码”“户号”“村(社区)”等列），"
            "请检查文件格式和编码"
        )

    def rows(self) -> Iterator[tuple[RawRow, float]]:
        """Data rows after the header, with the fraction of the file read; empty rows skipped."""
        columns = self.columns
        for number, cells, position in self._rows:
            if not any(cells):
                continue
            width = len(cells)
            values = {f: (cells[i] if i < width else "") for f, i in columns.items()}
            yield RawRow(number, values), position

    def close(self) -> None:
        self._close()

    def __enter__(self) -> RosterFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
