"""A ruled table on A4 pages as PDF (reports, lists): header repeated, pages numbered."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printing.receipt_layout import LATIN_FONT, cjk_coverage, runs, text_width

Align = Literal["left", "right", "center"]
MARGIN = 12 * mm
TITLE_SIZE = 15.0
BODY_SIZE = 9.0
SMALL_SIZE = 8.0
ROW_HEIGHT = 15.0
HEAD_HEIGHT = 18.0
PAD = 3.0
MIN_SIZE = 5.5


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    weight: float  # share of the page's width
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class Row:
    cells: Sequence[str]
    bold: bool = False
    group_start: bool = False  # a heavier rule above: a new household


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    subtitle: str  # under the title, left: scope, date, totals
    columns: Sequence[Column]
    rows: Sequence[Row]
    footer: str = ""  # bottom left of every page: signature lines
    wide: bool = True  # A4 landscape; else portrait


def _draw(canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool) -> None:
    """Text in runs of the CJK and the Latin font; bold is a stroked outline (no bold faces)."""
    canvas.saveState()
    chunk = canvas.beginText(x, y)
    if bold:
        canvas.setLineWidth(size * 0.04)
        chunk.setTextRenderMode(2)
    for font, part in runs(text):
        chunk.setFont(font, size)
        chunk.textOut(part)
    canvas.drawText(chunk)
    canvas.restoreState()


def _fit(text: str, size: float, room: float) -> tuple[str, float]:
    """Shrink the text to fit `room` points, down to MIN_SIZE, then cut it with an ellipsis."""
    width = text_width(text, size)
    if width <= room:
        return text, size
    size = max(MIN_SIZE, size * room / width)
    while text and text_width(text, size) > room:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text, size


def _cell(canvas: Canvas, text: str, x: float, width: float, y: float, align: Align,
          size: float, bold: bool) -> None:  # fmt: skip
    text, size = _fit(text, size, width - 2 * PAD)
    if not text:
        return
    used = text_width(text, size)
    if align == "right":
        x += width - PAD - used
    elif align == "center":
        x += (width - used) / 2
    else:
        x += PAD
    _draw(canvas, x, y, text, size, bold)


def _line(canvas: Canvas, x0: float, y: float, x1: float, weight: float) -> None:
    canvas.setLineWidth(weight)
    canvas.line(x0, y, x1, y)


def _page(canvas: Canvas, table: Table, rows: Sequence[Row], page: int, pages: int,
          size: tuple[float, float]) -> None:  # fmt: skip
    width, height = size
    content = width - 2 * MARGIN
    total = sum(c.weight for c in table.columns)
    widths = [content * c.weight / total for c in table.columns]
    lefts = [MARGIN + sum(widths[:n]) for n in range(len(widths))]
    top = height - MARGIN
    title_w = text_width(table.title, TITLE_SIZE)
    _draw(canvas, (width - title_w) / 2, top - TITLE_SIZE, table.title, TITLE_SIZE, True)
    _draw(canvas, MARGIN, top - TITLE_SIZE - 14, table.subtitle, SMALL_SIZE, False)
    y = top - TITLE_SIZE - 22
    _line(canvas, MARGIN, y, MARGIN + content, 1.0)
    for column, left, w in zip(table.columns, lefts, widths, strict=True):
        _cell(canvas, column.label, left, w, y - HEAD_HEIGHT + 6, "center", BODY_SIZE, True)
    y -= HEAD_HEIGHT
    _line(canvas, MARGIN, y, MARGIN + content, 0.8)
    for row in rows:
        if row.group_start:
            _line(canvas, MARGIN, y, MARGIN + content, 0.8)
        for text, column, left, w in zip(row.cells, table.columns, lefts, widths, strict=True):
            _cell(canvas, text, left, w, y - ROW_HEIGHT + 4.5, column.align, BODY_SIZE, row.bold)
        y -= ROW_HEIGHT
        _line(canvas, MARGIN, y, MARGIN + content, 0.3)
    bottom = y
    _line(canvas, MARGIN, bottom, MARGIN + content, 1.0)
    canvas.setLineWidth(0.3)
    body_top = top - TITLE_SIZE - 22
    for x in [*lefts, MARGIN + content]:
        canvas.line(x, body_top, x, bottom)
    if table.footer:
        _draw(canvas, MARGIN, MARGIN - 2, table.footer, SMALL_SIZE, False)
    number = f"第 {page} 页 / 共 {pages} 页"
    _draw(canvas, width - MARGIN - text_width(number, SMALL_SIZE), MARGIN - 2, number,
          SMALL_SIZE, False)  # fmt: skip


def _pages(table: Table, size: tuple[float, float]) -> list[Sequence[Row]]:
    room = size[1] - 2 * MARGIN - TITLE_SIZE - 22 - HEAD_HEIGHT - 12
    per_page = max(1, int(room // ROW_HEIGHT))
    rows = table.rows
    return [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]


def render_tables(tables: Sequence[Table]) -> bytes:
    """The tables as PDF bytes, each from a new page, the pages numbered through; the fonts
    are embedded as subsets, and the same tables give the same bytes."""
    cjk_coverage()  # registers both fonts
    laid = [(t, landscape(A4) if t.wide else A4) for t in tables]
    pages = [(t, size, rows) for t, size in laid for rows in _pages(t, size)]
    out = io.BytesIO()
    canvas = Canvas(
        out, pagesize=laid[0][1], invariant=1, pageCompression=1, initialFontName=LATIN_FONT,
        initialFontSize=BODY_SIZE,
    )  # fmt: skip
    canvas.setTitle(tables[0].title)
    canvas.setCreator("村医保代收")
    for n, (table, size, rows) in enumerate(pages, start=1):
        canvas.setPageSize(size)
        _page(canvas, table, rows, n, len(pages), size)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
