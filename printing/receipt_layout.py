"""The receipt laid out on paper, in points: one layout for the PDF and for a system printer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import reportlab
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.money import format_yuan
from app.receipt_view import RECEIPT_TITLE, ReceiptView
from printing import receipt_text as words
from printing.fonts import cjk_font_path
from printing.qr import qr_png

# Widths come from reportlab's metrics of the two font files below; whoever draws the layout
# draws with the same files, so a right-aligned amount ends where it was measured to end.

CJK_FONT = "VillageCJK"
LATIN_FONT = "VillageLatin"
# Droid Sans Fallback has no Latin letters or digits at all; Bitstream Vera ships inside
# reportlab (permissive licence), so every glyph on the page is embedded, none borrowed
# from the viewer's Helvetica.
LATIN_PATH = Path(reportlab.__file__).with_name("fonts") / "Vera.ttf"

Align = Literal["left", "right", "center"]


@dataclass(frozen=True, slots=True)
class PaperSpec:
    width: float  # points
    height: float | None  # None: a roll, as long as the content
    margin: float
    body: float  # font sizes in points
    title: float
    small: float
    qr: float  # side of the QR code, points
    mark: float  # the big 作废


PAPER = {
    # 58 mm rolls print 48 mm; 8 pt Chinese is 16 characters a line, like the printer's own font.
    "58": PaperSpec(58 * mm, None, 5 * mm, 8, 10.5, 7, 36 * mm, 28),
    "80": PaperSpec(80 * mm, None, 4 * mm, 9, 12, 7.5, 40 * mm, 32),
    "a5": PaperSpec(148 * mm, 210 * mm, 12 * mm, 10, 16, 8.5, 34 * mm, 40),
}


@lru_cache(maxsize=1)
def cjk_coverage() -> frozenset[int]:
    """Register both fonts once per process (parsing the 4 MB CJK font takes ~0.2 s)."""
    cjk = TTFont(CJK_FONT, str(cjk_font_path()))
    pdfmetrics.registerFont(cjk)
    pdfmetrics.registerFont(TTFont(LATIN_FONT, str(LATIN_PATH)))
    return frozenset(cjk.face.charToGlyph)


@lru_cache(maxsize=4096)
def _font_of(char: str) -> str:
    return CJK_FONT if ord(char) > 0x7F and ord(char) in cjk_coverage() else LATIN_FONT


@lru_cache(maxsize=4096)
def _unit_width(char: str) -> float:
    """Advance of one character at 1 pt; reportlab does no kerning, so widths just add."""
    return float(pdfmetrics.stringWidth(char, _font_of(char), 1))


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font, chunk) runs: CJK glyphs from Droid, the rest from Vera."""
    runs: list[tuple[str, str]] = []
    for char in text:
        font = _font_of(char)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def text_width(text: str, size: float) -> float:
    return sum(_unit_width(c) for c in text) * size


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than `width` points at `size`."""
    return words.wrap(text, width / size, _unit_width)


@dataclass(frozen=True, slots=True)
class Text:
    y: float  # baseline, from the block's top
    x: float
    text: str
    size: float
    bold: bool


@dataclass(frozen=True, slots=True)
class Rule:
    y: float
    dashed: bool
    weight: float


@dataclass(frozen=True, slots=True)
class Picture:
    y: float  # top edge
    x: float
    side: float
    png: bytes


@dataclass(frozen=True, slots=True)
class Box:
    y: float  # top edge
    x: float
    width: float
    height: float


Op = Text | Rule | Picture | Box


@dataclass(slots=True)
class Block:
    """Lines that stay together on one page; ops are placed from the block's top."""

    height: float = 0.0
    ops: list[Op] = field(default_factory=list)


class _Layout:
    """Lays the receipt out top to bottom into blocks; drawing happens later, once the
    roll's length is known."""

    def __init__(self, paper: PaperSpec) -> None:
        self.paper = paper
        self.width = paper.width - 2 * paper.margin
        self.blocks: list[Block] = []
        self.block = Block()

    def end_block(self) -> None:
        if self.block.ops or self.block.height:
            self.blocks.append(self.block)
        self.block = Block()

    def _advance(self, size: float) -> float:
        """Reserve one line of `size`; return its baseline."""
        leading = size * 1.4
        baseline = self.block.height + size * 1.05
        self.block.height += leading
        return baseline

    def _text(self, x: float, baseline: float, text: str, size: float, bold: bool) -> None:
        if text:
            self.block.ops.append(Text(baseline, x, text, size, bold))

    def line(
        self,
        text: str,
        size: float | None = None,
        align: Align = "left",
        bold: bool = False,
        indent: float = 0.0,
    ) -> None:
        size = size or self.paper.body
        for part in wrap(text, size, self.width - indent):
            baseline = self._advance(size)
            free = self.width - indent - text_width(part, size)
            shift = {"left": 0.0, "center": free / 2, "right": free}[align]
            self._text(indent + shift, baseline, part, size, bold)

    def pair(
        self,
        label: str,
        value: str,
        size: float | None = None,
        bold: bool = False,
        indent: float = 0.0,
    ) -> None:
        """Label on the left, value flush right; the value drops to its own line if both
        do not fit, so an amount is never clipped."""
        size = size or self.paper.body
        room = self.width - indent
        if text_width(label, size) + text_width(value, size) + size <= room:
            baseline = self._advance(size)
            self._text(indent, baseline, label, size, bold)
            self._text(self.width - text_width(value, size), baseline, value, size, bold)
            return
        self.line(label, size, bold=bold, indent=indent)
        # A number (a 28-digit WeChat reference) reads wrong when broken: shrink it to fit
        # the line, as far as stays legible, before wrapping it.
        fit = max(room / max(text_width(value, 1), 1e-6), self.paper.small * 0.85)
        self.line(value, min(size, fit), align="right", bold=bold, indent=indent)

    def cells(
        self, cells: Sequence[tuple[str, float, float, Align]], size: float, bold: bool = False
    ) -> None:
        """One table row: (text, x, width, align) per cell, each wrapped in its cell."""
        wrapped = [(wrap(text, size, width), x, width, align) for text, x, width, align in cells]
        top = self.block.height
        rows = max(len(lines) for lines, *_ in wrapped)
        for lines, x, width, align in wrapped:
            for n, part in enumerate(lines):
                free = width - text_width(part, size)
                shift = {"left": 0.0, "center": free / 2, "right": free}[align]
                self._text(x + shift, top + n * size * 1.4 + size * 1.05, part, size, bold)
        self.block.height = top + rows * size * 1.4

    def rule(self, dashed: bool = False, weight: float = 0.5) -> None:
        self.gap(2)
        self.block.ops.append(Rule(self.block.height, dashed, weight))
        self.gap(2)

    def gap(self, height: float) -> None:
        self.block.height += height

    def picture(self, png: bytes, side: float) -> None:
        self.block.ops.append(Picture(self.block.height, (self.width - side) / 2, side, png))
        self.block.height += side

    def mark(self, text: str, size: float) -> None:
        """A big boxed stamp, centred: 作废 must be seen from across the table."""
        pad = size * 0.25
        width = text_width(text, size) + 2 * pad
        top = self.block.height
        self.block.ops.append(Box(top, (self.width - width) / 2, width, size * 1.3 + pad))
        self._text((self.width - width) / 2 + pad, top + pad / 2 + size * 1.0, text, size, True)
        self.block.height += size * 1.3 + pad


def _header(layout: _Layout, view: ReceiptView) -> None:
    paper = layout.paper
    title = RECEIPT_TITLE
    if text_width(title, paper.title) > layout.width and title.endswith("代收凭证"):
        # Break where the phrase breaks rather than wherever the line runs out.
        title = f"{title.removesuffix('代收凭证')}\n代收凭证"
    layout.line(title, paper.title, align="center", bold=True)
    if words.status(view):
        layout.line(words.status(view), paper.body * 1.25, align="center", bold=True)


def _roll(layout: _Layout, view: ReceiptView) -> None:
    """Narrow paper: one column of label/value lines, one small block per person."""
    body, small = layout.paper.body, layout.paper.small
    _header(layout, view)
    layout.rule()
    layout.line(f"{words.UNIT}：{words.unit(view)}")
    layout.pair(f"{words.RECEIPT_NO}：", view.receipt_no, bold=True)
    layout.pair(f"{words.ISSUED}：", words.issued(view))
    layout.pair(f"{words.HOUSEHOLD}：", view.household_no)
    layout.pair(f"{words.PAYER}：", view.payer)
    layout.rule()
    layout.end_block()
    indent = body * 1.2
    for n, line in enumerate(view.lines, start=1):
        layout.pair(f"{n}. {line.name}", line.masked_id, bold=True)
        layout.pair(words.YEAR, words.benefit_year(line), size=body, indent=indent)
        layout.pair(words.STANDARD, format_yuan(line.standard_fen), indent=indent)
        layout.pair(words.SUBSIDY, format_yuan(line.subsidy_fen), indent=indent)
        layout.pair(words.AMOUNT, format_yuan(line.amount_fen), indent=indent, bold=True)
        if line.reimbursed_later_fen:
            later = format_yuan(line.reimbursed_later_fen)
            layout.pair(words.REIMBURSED, later, size=small, indent=indent)
        if line.provisional:
            layout.line(words.PROVISIONAL, small, bold=True)
        layout.rule(dashed=n < len(view.lines))
        layout.end_block()
    layout.pair(f"{words.TOTAL}：", words.total_figures(view), body * 1.25, bold=True)
    layout.line(f"{words.CAPITALS}：{words.total_capitals(view)}", bold=True)
    layout.end_block()
    _footer(layout, view)


def _table(layout: _Layout, view: ReceiptView) -> list[Block]:
    """A5: a table of people; returns the header block repeated on continuation pages."""
    body, small = layout.paper.body, layout.paper.small
    _header(layout, view)
    layout.gap(4)
    layout.pair(f"{words.UNIT}：{words.unit(view)}", f"{words.RECEIPT_NO}：{view.receipt_no}")
    # The number and the time stack on the right, so the form still reads in the order
    # of the thermal slip: unit, number, time, household, payer.
    layout.line(f"{words.ISSUED}：{words.issued(view)}", align="right")
    layout.line(f"{words.HOUSEHOLD}：{view.household_no}    {words.PAYER}：{view.payer}")
    layout.end_block()

    years = {line.benefit_year for line in view.lines}
    # A household pays for one benefit year; said once above the table, it leaves the name
    # column room for a long name on a portrait A5 sheet.
    one_year = len(years) == 1
    if one_year:
        layout.line(f"{words.YEAR}：{words.benefit_year(view.lines[0])}")
    heads = ["序号", words.NAME, words.ID, words.YEAR, words.STANDARD, words.SUBSIDY, "实缴金额"]
    aligns: list[Align] = ["center", "left", "left", "center", "right", "right", "right"]
    rows = [
        [
            str(n),
            line.name,
            line.masked_id,
            words.benefit_year(line),
            format_yuan(line.standard_fen),
            format_yuan(line.subsidy_fen),
            format_yuan(line.amount_fen),
        ]
        for n, line in enumerate(view.lines, start=1)
    ]
    keep = [i for i in range(len(heads)) if not (one_year and heads[i] == words.YEAR)]
    heads = [heads[i] for i in keep]
    aligns = [aligns[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    size = body * 0.9
    pad = size * 1.2
    natural = [
        max(text_width(text, size) for text in column) + pad
        for column in zip(heads, *rows, strict=True)
    ]
    # Names take what is left (and wrap if they must); the other columns keep their width.
    natural[1] = max(layout.width - (sum(natural) - natural[1]), size * 4 + pad)
    xs = [sum(natural[:i]) for i in range(len(natural))]

    def row(texts: Sequence[str], bold: bool = False) -> None:
        layout.cells(
            [
                (t, x + pad / 2, w - pad, a)
                for t, x, w, a in zip(texts, xs, natural, aligns, strict=True)
            ],
            size,
            bold,
        )

    layout.rule(weight=0.8)
    row(heads, bold=True)
    layout.rule()
    head = layout.block
    layout.end_block()
    for n, (texts, line) in enumerate(zip(rows, view.lines, strict=True), start=1):
        row(texts)
        if line.reimbursed_later_fen:
            note = f"其中{words.REIMBURSED} {format_yuan(line.reimbursed_later_fen)}"
            layout.line(note, small, align="right")
        if line.provisional:
            layout.line(words.PROVISIONAL, small, bold=True)
        if n < len(rows):
            layout.rule(dashed=True, weight=0.3)
        layout.end_block()
    layout.rule(weight=0.8)
    layout.pair(
        f"{words.TOTAL}金额（{words.CAPITALS}）：{words.total_capitals(view)}",
        f"（小写）{words.total_figures(view)}",
        body * 1.1,
        bold=True,
    )
    layout.end_block()
    _footer(layout, view)
    # A continuation page says whose receipt it continues, then repeats the column heads.
    again = _Layout(layout.paper)
    again.line(f"{RECEIPT_TITLE}  {words.RECEIPT_NO}：{view.receipt_no}（续）", small)
    again.block.ops += [replace(op, y=op.y + again.block.height) for op in head.ops]
    again.block.height += head.height
    again.end_block()
    return again.blocks


def _footer(layout: _Layout, view: ReceiptView) -> None:
    paper = layout.paper
    layout.gap(paper.body * 0.3)
    method = f"{words.METHOD}：{view.method_label}"
    layout.line(method)
    if view.reference:
        reference = f"{words.REFERENCE}：{view.reference}"
        if text_width(reference, paper.body) <= layout.width:
            layout.line(reference)
        else:
            layout.pair(f"{words.REFERENCE}：", view.reference)
    layout.line(f"{words.AGENT}：{view.agent}")
    layout.line(f"{words.DEVICE}：{view.device_id}")
    layout.end_block()
    layout.gap(paper.body * 0.5)
    layout.picture(qr_png(view.qr_text, box=4), paper.qr)
    layout.line(words.QR_CAPTION, paper.small, align="center")
    layout.end_block()
    if view.reprint > 0:
        layout.line(words.reprint(view), paper.body * 1.25, align="center", bold=True)
    if view.voided:
        layout.gap(paper.body * 0.5)
        layout.mark(words.VOID, paper.mark)
        layout.gap(paper.body * 0.5)
        reason = view.void_reason or "未填写"
        layout.line(f"{words.VOID_REASON}：{reason}", align="center", bold=True)
    layout.end_block()


FONT_FILES = {CJK_FONT: cjk_font_path(), LATIN_FONT: LATIN_PATH}


@dataclass(frozen=True, slots=True)
class Sheet:
    """The receipt placed on pages: each page a list of (top edge in points, block)."""

    spec: PaperSpec
    width: float  # the page, in points
    height: float
    content_width: float  # between the margins: rules span it
    pages: list[list[tuple[float, Block]]]


def lay_out(view: ReceiptView, paper: str = "58") -> Sheet:
    """The receipt for a 58 or 80 mm roll (one page as long as the content) or A5 sheets.

    An A5 receipt that runs over a page repeats the receipt number and the column heads."""
    spec = PAPER[words.check_paper(paper)]
    cjk_coverage()
    layout = _Layout(spec)
    repeat: list[Block] = []
    if spec.height is None:
        _roll(layout, view)
    else:
        repeat = _table(layout, view)
    blocks = layout.blocks
    page_h = spec.height or sum(b.height for b in blocks) + 2 * spec.margin
    pages: list[list[tuple[float, Block]]] = [[]]
    y = spec.margin
    for block in blocks:
        if spec.height is not None and y + block.height > page_h - spec.margin and pages[-1]:
            pages.append([])
            y = spec.margin
            for head in repeat:
                pages[-1].append((y, head))
                y += head.height
        pages[-1].append((y, block))
        y += block.height
    return Sheet(spec, spec.width, page_h, layout.width, pages)
