"""The remittance slip (上解单) as an A4 PDF: totals, ranges, the count, signature lines."""

from __future__ import annotations

import io
from datetime import UTC
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.dayclose import DENOMINATIONS_FEN, Remittance, denomination_label
from app.money import format_yuan
from printing.capitals import chinese_capitals
from printing.receipt_layout import CJK_FONT, cjk_coverage, runs

TITLE = "城乡居民基本医疗保险费上解单"


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    cjk_coverage()  # registers the bundled CJK font with reportlab
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12)
    return title, body, small


def _text(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph whose Chinese and Latin runs each get their font (the CJK font has no
    Latin digits of its own that reportlab can measure)."""
    markup = "".join(f'<font name="{font}">{escape(part)}</font>' for font, part in runs(text))
    return Paragraph(markup, style)


def _grid(rows: list[list[str]], widths: list[float], style: ParagraphStyle) -> Table:
    table = Table([[_text(cell, style) for cell in row] for row in rows], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def render_slip(remittance: Remittance, unit: str) -> bytes:
    """The slip for one close; `unit` is the collecting unit (county, township, village)."""
    title, body, small = _styles()
    seen = remittance.preview
    local = remittance.closed_at.replace(tzinfo=UTC).astimezone()
    story = [
        _text(TITLE, title),
        Spacer(1, 4 * mm),
        _text(f"代收单位：{unit}", body),
        _text(
            f"代收员：{remittance.agent}　设备：{remittance.device_id}　"
            f"业务日期：{remittance.business_day.isoformat()}　"
            f"日结时间：{local:%Y-%m-%d %H:%M}",
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    rows = [["缴费方式", "笔数", "金额"]]
    rows += [[m.label, str(m.receipts), format_yuan(m.total_fen)] for m in seen.by_method]
    rows.append(["合计", str(len(seen.receipts)), format_yuan(seen.total_fen)])
    story += [_grid(rows, [60 * mm, 30 * mm, 60 * mm], body), Spacer(1, 3 * mm)]
    pieces = [
        f"{denomination_label(fen)}×{remittance.pieces[fen]}"
        for fen in DENOMINATIONS_FEN
        if remittance.pieces.get(fen)
    ]
    difference = remittance.difference_fen
    kind = "短款" if difference < 0 else "长款" if difference > 0 else "无差额"
    cash = [
        ["应有现金", format_yuan(seen.expected_cash_fen)],
        ["实点现金", format_yuan(remittance.counted_fen)],
        ["按面额清点", "，".join(pieces) or "（按总额清点）"],
        ["差额", f"{format_yuan(difference)}（{kind}）"],
    ]
    if remittance.reason:
        cash.append(["差额原因", remittance.reason])
    cash += [
        ["上解金额（大写）", chinese_capitals(remittance.counted_fen)],
        ["存款凭条号/POS参考号", remittance.reference],
    ]
    if remittance.deposited_at:
        cash.append(["存款时间", remittance.deposited_at])
    story += [_grid([["项目", "内容"], *cash], [50 * mm, 100 * mm], body), Spacer(1, 3 * mm)]
    spans = "；".join(a if a == b else f"{a} 至 {b}" for a, b in seen.ranges) or "无"
    story.append(_text(f"收据号段：{spans}", body))
    voids = "；".join(f"{r}（{why}）" for r, why in seen.voided) or "无"
    story.append(_text(f"作废收据：{voids}", body))
    story.append(_text(f"缺号：{'、'.join(seen.gaps) or '无'}", body))
    story.append(
        _text(f"本单所含收据（{len(seen.receipts)} 张）：{'、'.join(seen.receipts)}", small)
    )
    story += [
        Spacer(1, 14 * mm),
        _text("代收员签字：____________　　接收人签字：____________　　日期：____________", body),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=TITLE, author=remittance.agent,
    ).build(story)  # fmt: skip
    return out.getvalue()
