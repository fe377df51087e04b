"""The receipt (缴费依据) as ESC/POS bytes for 58 mm and 80 mm Chinese thermal printers."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from app.money import format_yuan
from app.paths import APP_NAME
from app.receipt_view import RECEIPT_TITLE, ReceiptView
from printing import receipt_text as words
from printing.qr import qr_bitmap, qr_modules


def _import_escpos() -> Any:
    """Import python-escpos without its two import-time side effects."""
    # It pickles its printer database into a fresh mkdtemp() on every start unless told
    # where; a per-user cache (not a shared, guessable /tmp path: it loads a pickle) instead.
    cache = Path(user_cache_dir(APP_NAME, appauthor=False)) / "escpos"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    except OSError:
        pass  # a read-only home: the library's own temporary folder still works
    # It calls logging.basicConfig() on import, which would copy every app log line to
    # stderr (and so into the CLI's one-line error contract) if no handler is set yet.
    root = logging.getLogger()
    guard = logging.NullHandler() if not root.handlers else None
    if guard:
        root.addHandler(guard)
    try:
        from escpos import printer  # type: ignore[import-untyped]
    finally:
        if guard:
            root.removeHandler(guard)
    return printer


_printer = _import_escpos()

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"  # GB2312/GBK/GB18030 double-byte mode of Chinese printers
QR_EC_M = 1  # python-escpos's QR_ECLEVEL_M: the same level as printing.qr
RASTER = GS + b"v0\x00"  # raster bit image, normal density; then width, height

COLUMNS = {"58": 32, "80": 48}  # font A, 12 x 24 dots: a Chinese character takes two
DOTS = {"58": 384, "80": 576}  # printable width at 203 dpi
QR_MAX_DOT = 8  # module size in dots: past 1 mm a module only makes the code bigger


@lru_cache(maxsize=2048)
def char_columns(char: str) -> int:
    """Columns a character takes in the printer's Chinese mode: one per byte, at most two."""
    return 1 if ord(char) < 0x80 else 2


def columns(text: str) -> int:
    return sum(char_columns(c) for c in text)


def encode(text: str) -> bytes:
    # The yen sign is four bytes in GB18030 and missing from GBK fonts; the full-width ￥
    # is A3A4, which every Chinese printer has.
    return text.replace("¥", "￥").encode("gb18030", errors="replace")


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most `width` columns."""
    return words.wrap(text, width, char_columns)


def _amount(fen: int) -> str:
    """An amount for a column: yuan with two decimals, no currency sign (the head says 元)."""
    return format_yuan(fen).replace("¥", "")


class _Receipt:
    """Writes lines of exactly known width onto a python-escpos Dummy printer."""

    def __init__(self, paper: str) -> None:
        self.width = COLUMNS[paper]
        self.dots = DOTS[paper]
        self.printer = _printer.Dummy()
        self.raw(INIT + CHINESE_ON)

    def raw(self, data: bytes) -> None:
        self.printer._raw(data)

    def style(
        self,
        align: str = "left",
        bold: bool = False,
        width: int = 1,
        height: int = 1,
        invert: bool = False,
    ) -> None:
        # GS ! (custom size) scales Chinese characters too; ESC ! sizes, which python-escpos
        # uses for double_width/double_height, apply to ASCII only on most Chinese printers.
        self.printer.set(
            align=align, bold=bold, custom_size=True, width=width, height=height, invert=invert
        )

    def line(self, text: str, scale: int = 1) -> None:
        for part in wrap(text, self.width // scale):
            self.raw(encode(part) + b"\n")

    def pair(self, label: str, value: str) -> None:
        """Label left, value flush right; the value takes its own line if both do not fit."""
        gap = self.width - columns(label) - columns(value)
        if gap >= 1:
            self.raw(encode(label + " " * gap + value) + b"\n")
            return
        self.line(label)
        for part in wrap(value, self.width):
            self.raw(encode(" " * (self.width - columns(part)) + part) + b"\n")

    def row(self, cells: list[tuple[str, int]]) -> None:
        """One table row: (text, width) cells, the first left-aligned, the rest right."""
        text = ""
        for n, (cell, width) in enumerate(cells):
            pad = " " * max(width - columns(cell), 0)
            text += cell + pad if n == 0 else pad + cell
        self.raw(encode(text) + b"\n")

    def rule(self, char: str = "-") -> None:
        self.raw(encode(char * self.width) + b"\n")

    def qr(self, text: str, mode: str) -> None:
        modules = qr_modules(text)
        # Four modules of quiet zone each side, as in the PDF, so a phone finds the code.
        dot = max(1, min(QR_MAX_DOT, self.dots // (modules + 8)))
        self.style(align="center")
        if mode == "native":
            self.printer.qr(text, ec=QR_EC_M, size=dot, native=True)
            self.raw(b"\n")
        else:
            # The raster straight from the modules: python-escpos's image() would take it
            # through PIL (scale, RGBA, grey, invert, 1-bit, pad) for the same bytes.
            row_bytes, rows, bits = qr_bitmap(text, dot, width=self.dots)
            size = row_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
            self.raw(RASTER + size + bits)
        self.style()


def render_escpos(view: ReceiptView, paper: str = "58", qr: str = "native") -> bytes:
    """The receipt as ESC/POS bytes for a 58 mm (32 columns) or 80 mm (48 columns) printer.

    Text is GB18030 in the printer's Chinese mode (FS &); the QR code is the printer's own
    (GS ( k) with qr="native", or a raster image (GS v 0) with qr="image" for printers
    without it. The job ends with a feed and a cut.
    """
    name = words.check_paper(paper)
    if name not in COLUMNS:
        raise ValueError(f"热敏打印只支持58或80毫米纸，不支持“{paper}”")
    if qr not in ("native", "image"):
        raise ValueError(f"二维码方式应为 native 或 image，不是“{qr}”")
    out = _Receipt(name)
    width = out.width

    out.style(align="center", bold=True, height=2)
    out.line(RECEIPT_TITLE)
    if view.voided:
        out.style(align="center", bold=True, width=2, height=2)
        out.line(words.VOID, scale=2)
    elif view.reprint:
        out.style(align="center", bold=True, height=2)
        out.line(words.reprint(view))
    out.style()
    out.rule()
    out.line(f"{words.UNIT}：{words.unit(view)}")
    out.style(bold=True)
    out.pair(f"{words.RECEIPT_NO}：", view.receipt_no)
    out.style()
    out.pair(f"{words.ISSUED}：", words.issued(view))
    out.pair(f"{words.HOUSEHOLD}：", view.household_no)
    out.pair(f"{words.PAYER}：", view.payer)
    out.rule()

    amounts = [
        _amount(fen)
        for line in view.lines
        for fen in (line.standard_fen, line.subsidy_fen, line.amount_fen)
    ]
    # Two-character heads keep the amount columns as narrow as the amounts themselves.
    heads = ("标准", words.SUBSIDY, words.AMOUNT)
    cell = max([*map(columns, heads), *map(len, amounts)])
    name_width = width - 3 * (cell + 1)
    out.pair("", "金额单位：元")
    out.style(bold=True)
    out.row([(words.NAME, name_width), *((h, cell + 1) for h in heads)])
    out.style()
    for line in view.lines:
        figures = [
            (_amount(fen), cell + 1)
            for fen in (line.standard_fen, line.subsidy_fen, line.amount_fen)
        ]
        if columns(line.name) <= name_width:
            out.row([(line.name, name_width), *figures])
        else:
            # A long name (a Uyghur name with ·) gets its own line; the figures follow.
            out.line(line.name)
            out.row([("", name_width), *figures])
        out.pair(f"  {line.masked_id}", words.benefit_year(line))
        if line.reimbursed_later_fen:
            out.pair(f"  {words.REIMBURSED}", _amount(line.reimbursed_later_fen))
        if line.provisional:
            out.line(words.PROVISIONAL)
    out.rule()
    out.style(bold=True, height=2)
    out.pair(f"{words.TOTAL}：", f"{words.total_figures(view)}")
    out.style(bold=True)
    out.line(f"{words.CAPITALS}：{words.total_capitals(view)}")
    out.style()
    out.line(f"{words.METHOD}：{view.method_label}")
    if view.reference:
        out.pair(f"{words.REFERENCE}：", view.reference)
    out.line(f"{words.AGENT}：{view.agent}")
    out.line(f"{words.DEVICE}：{view.device_id}")
    out.qr(view.qr_text, qr)
    out.style(align="center")
    out.line(words.QR_CAPTION)
    if view.reprint:
        out.style(align="center", bold=True, height=2)
        out.line(words.reprint(view))
    if view.voided:
        out.style(align="center", bold=True, width=4, height=4, invert=True)
        out.line(words.VOID, scale=4)
        out.style(align="center", bold=True)
        out.line(f"{words.VOID_REASON}：{view.void_reason or '未填写'}")
    out.style()
    out.printer.cut()
    return bytes(out.printer.output)
