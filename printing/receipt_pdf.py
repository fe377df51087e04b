"""The receipt (缴费依据) as a PDF: a 58 or 80 mm roll (one long page) or an A5 sheet."""

from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.receipt_view import RECEIPT_TITLE, ReceiptView
from printing import receipt_text as words
from printing.receipt_layout import LATIN_FONT, Block, Picture, Rule, Text, lay_out, runs


def _draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool) -> None:
    if bold:
        # Neither font has a bold face: bold is filled and stroked outlines. The render mode
        # is graphics state that outlives the text object (and reportlab skips a "0 Tr" it
        # thinks redundant), so it is confined between save and restore.
        canvas.saveState()
        canvas.setLineWidth(size * 0.04)
    chunk = canvas.beginText(x, y)
    if bold:
        chunk.setTextRenderMode(2)
    for font, part in runs(text):
        chunk.setFont(font, size)
        chunk.textOut(part)
    canvas.drawText(chunk)
    if bold:
        canvas.restoreState()


def _draw_block(
    canvas: Canvas, block: Block, page_h: float, x0: float, top: float, width: float
) -> None:
    """Draw a block whose top edge is `top` points below the page's top edge."""
    for op in block.ops:
        y = page_h - top - op.y  # reportlab measures from the bottom edge
        if isinstance(op, Text):
            _draw_text(canvas, x0 + op.x, y, op.text, op.size, op.bold)
        elif isinstance(op, Rule):
            canvas.setLineWidth(op.weight)
            if op.dashed:
                canvas.setDash(1, 1.5)
            canvas.line(x0, y, x0 + width, y)
            canvas.setDash()
        elif isinstance(op, Picture):
            image = ImageReader(io.BytesIO(op.png))
            canvas.drawImage(image, x0 + op.x, y - op.side, op.side, op.side)
        else:
            canvas.setLineWidth(1.5)
            canvas.rect(x0 + op.x, y - op.height, op.width, op.height)


def render_pdf(view: ReceiptView, paper: str = "58") -> bytes:
    """The receipt as PDF bytes for a 58 mm or 80 mm roll ("58", "80") or an A5 sheet ("a5").

    The CJK font is embedded as a subset; the same view always gives the same bytes.
    """
    sheet = lay_out(view, paper)
    spec = sheet.spec
    out = io.BytesIO()
    canvas = Canvas(
        out,
        pagesize=(sheet.width, sheet.height),
        invariant=1,
        pageCompression=1,
        # Else every page starts in Helvetica: a font the file names but cannot embed.
        initialFontName=LATIN_FONT,
        initialFontSize=spec.body,
    )
    canvas.setTitle(f"{RECEIPT_TITLE} {view.receipt_no}")
    canvas.setCreator("村医保代收")
    canvas.setAuthor(words.unit(view))
    for n, page in enumerate(sheet.pages):
        if n:
            canvas.showPage()
        for top, block in page:
            _draw_block(canvas, block, sheet.height, spec.margin, top, sheet.content_width)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
