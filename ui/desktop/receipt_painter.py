"""Painting a receipt onto a QPrinter from the layout the PDF uses, so both look the same."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter

from app.receipt_view import RECEIPT_TITLE, ReceiptView
from printing.receipt_layout import (
    FONT_FILES,
    Block,
    Picture,
    Rule,
    Sheet,
    Text,
    lay_out,
    runs,
    text_width,
)
from printing.targets import PrintError
from ui.desktop.bootstrap import add_font

BLACK = QColor(Qt.GlobalColor.black)

_families: dict[str, str] = {}


def register_receipt_fonts() -> None:
    """Make the layout's two font files known to Qt; call on the GUI thread before printing
    (painting a QPrinter may happen on a worker, registering fonts should not)."""
    for name, path in FONT_FILES.items():
        family = add_font(path)
        if family:
            _families[name] = family


def _font(name: str, size: float) -> QFont:
    font = QFont(_families.get(name, ""))
    font.setPointSizeF(size)
    # The layout measured unhinted, unkerned advances (reportlab's): draw with the same.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(False)
    return font


def page_layout(sheet: Sheet) -> QPageLayout:
    """The sheet's paper: A5, or a roll cut as long as this receipt; no margins (the layout
    keeps its own, the same as in the PDF)."""
    if sheet.spec.height is not None:
        # A5 is the only sheet: named, so the driver picks its A5 tray rather than "custom".
        size = QPageSize(QPageSize.PageSizeId.A5)
    else:
        size = QPageSize(
            QSizeF(sheet.width, sheet.height),
            QPageSize.Unit.Point,
            "",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    layout = QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    layout.setMode(QPageLayout.Mode.FullPageMode)
    return layout


def _paint_block(
    painter: QPainter, block: Block, scale: float, x0: float, top: float, width: float
) -> None:
    """Paint a block whose top edge is `top` points below the page's; `scale` is device
    pixels per point (the printer's own resolution, so fonts sized in points stay true)."""
    for op in block.ops:
        y = top + op.y
        if isinstance(op, Text):
            x = x0 + op.x
            for name, chunk in runs(op.text):
                font = _font(name, op.size)
                at = QPointF(x * scale, y * scale)
                painter.setFont(font)
                painter.drawText(at, chunk)
                if op.bold:
                    # Neither font has a bold face: as in the PDF, the outline is stroked
                    # over the text (which stays text, so the PDF of it is searchable).
                    outline = QPainterPath()
                    outline.addText(at, QFont(font, painter.device()), chunk)
                    painter.strokePath(outline, QPen(BLACK, op.size * 0.04 * scale))
                x += text_width(chunk, op.size)
        elif isinstance(op, Rule):
            pen = QPen(BLACK, op.weight * scale)
            if op.dashed:
                pen.setDashPattern([1 / op.weight, 1.5 / op.weight])  # in pen widths
            painter.setPen(pen)
            painter.drawLine(
                QPointF(x0 * scale, y * scale), QPointF((x0 + width) * scale, y * scale)
            )
        elif isinstance(op, Picture):
            image = QImage.fromData(op.png)
            target = QRectF((x0 + op.x) * scale, y * scale, op.side * scale, op.side * scale)
            painter.drawImage(target, image)
        else:
            painter.setPen(QPen(BLACK, 1.5 * scale))
            painter.drawRect(
                QRectF((x0 + op.x) * scale, y * scale, op.width * scale, op.height * scale)
            )
        painter.setPen(BLACK)


def paint_receipt(view: ReceiptView, paper: str, printer: QPrinter) -> None:
    """Lay the receipt out for `paper` (58, 80 or a5) and paint it on `printer`.

    Safe on a worker thread: Qt paints QPrinter and QImage devices off the GUI thread."""
    sheet = lay_out(view, paper)
    printer.setFullPage(True)
    if not printer.setPageLayout(page_layout(sheet)):
        paper_name = "A5" if sheet.spec.height is not None else f"{paper} 毫米卷纸"
        raise PrintError(
            f"打印机“{printer.printerName()}”不支持{paper_name}，请在“打印机”设置中换纸张"
        )
    printer.setDocName(f"{RECEIPT_TITLE} {view.receipt_no}")
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"无法开始打印：打印机“{printer.printerName()}”没有响应")
    try:
        # Modules of the QR code stay crisp squares; antialiased edges would blur them.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setPen(BLACK)
        scale = printer.resolution() / 72
        margin = sheet.spec.margin
        for n, page in enumerate(sheet.pages):
            if n and not printer.newPage():
                raise PrintError(f"打印机“{printer.printerName()}”无法换页")
            for top, block in page:
                _paint_block(painter, block, scale, margin, top, sheet.content_width)
    finally:
        painter.end()
