"""Receipt rendering figures: PDF and ESC/POS for a five-person household, beside baselines."""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.identity import check_character, mask
from app.money import format_yuan
from app.receipt_codes import ReceiptCode, encode
from app.receipt_view import RECEIPT_TITLE, ReceiptLine, ReceiptView
from printing import receipt_text as words
from printing.receipt_escpos import render_escpos
from printing.receipt_pdf import render_pdf

_KEY = Ed25519PrivateKey.generate()

# (name, birth date and sequence for an invented ID, standard, subsidy, reimbursed later)
PEOPLE = (
    ("王德明", "19580712215", 40000, 0, 0),
    ("陈秀兰", "19610203326", 40000, 9000, 0),
    ("王建军", "19850419417", 40000, 0, 9000),
    ("李芳", "19870925528", 40000, 0, 0),
    ("王子涵", "20150108619", 40000, 40000, 0),
)


def sample_view(serial: int = 1) -> ReceiptView:
    """A five-person receipt paid by WeChat; `serial` makes the number and QR text unique,
    as they are on real receipts (so no cache hides the cost of the QR code)."""
    lines = []
    for name, born_seq, standard, subsidy, later in PEOPLE:
        body = f"411728{born_seq}"
        lines.append(
            ReceiptLine(
                name, mask(body + check_character(body)), 2025, standard, subsidy,
                standard - subsidy, later,
            )
        )  # fmt: skip
    receipt_no = f"411728000700{serial:04d}"
    total = sum(line.amount_fen for line in lines)
    # A real signed code, as app.collection makes it: its length decides the QR's version.
    code = ReceiptCode(
        receipt_no, "2024-10-15", total,
        tuple((line.name, line.masked_id, line.amount_fen) for line in lines), "VC-411728-0007",
    )  # fmt: skip
    return ReceiptView(
        receipt_no=receipt_no,
        issued_at=datetime(2024, 10, 15, 10, 32, 5),
        county="遂平县",
        township="玉山镇",
        village="东刘庄村",
        household_no="411728100203046",
        payer="王德明",
        lines=tuple(lines),
        total_fen=total,
        method="wechat",
        reference="4200002024101512345678901234",
        agent="刘桂芳",
        device_id="VC-411728-0007",
        qr_text=encode(code, _KEY.sign(code.payload())),
    )


def _strings(view: ReceiptView) -> list[str]:
    """The receipt's words, one string a printed line, as both baselines use them."""
    out = [
        RECEIPT_TITLE,
        f"{words.UNIT}：{words.unit(view)}",
        f"{words.RECEIPT_NO}：{view.receipt_no}",
        f"{words.ISSUED}：{words.issued(view)}",
        f"{words.HOUSEHOLD}：{view.household_no}",
        f"{words.PAYER}：{view.payer}",
    ]
    for line in view.lines:
        out += [
            f"{line.name} {line.masked_id}",
            f"{words.YEAR} {words.benefit_year(line)}",
            f"{words.STANDARD} {format_yuan(line.standard_fen)}",
            f"{words.SUBSIDY} {format_yuan(line.subsidy_fen)}",
            f"{words.AMOUNT} {format_yuan(line.amount_fen)}",
        ]
    out += [
        f"{words.TOTAL}：{words.total_figures(view)}",
        f"{words.CAPITALS}：{words.total_capitals(view)}",
        f"{words.METHOD}：{view.method_label}",
        f"{words.REFERENCE}：{view.reference}",
        f"{words.AGENT}：{view.agent}",
        f"{words.DEVICE}：{view.device_id}",
    ]
    return out


def bare_pdf(strings: list[str]) -> bytes:
    """reportlab drawing the same lines on a 58 mm page in built-in Helvetica: no font to
    embed, no layout, no QR code (the CJK characters come out as blanks)."""
    out = io.BytesIO()
    height = (len(strings) + 2) * 11.2
    canvas = Canvas(out, pagesize=(58 * mm, height), invariant=1, pageCompression=1)
    canvas.setFont("Helvetica", 8)
    for n, text in enumerate(strings, start=1):
        canvas.drawString(5 * mm, height - n * 11.2, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def bare_escpos(strings: list[str]) -> bytes:
    """The same lines encoded to GB18030 and joined: the least any thermal print costs."""
    return b"\n".join(text.encode("gb18030") for text in strings)


def _median_ms(work: Callable[[int], object], n: int) -> float:
    times = []
    for serial in range(n):
        start = time.perf_counter_ns()
        work(serial)
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e6


def receipt_figures(n: int = 200) -> dict[str, Any]:
    """Median render times over n receipts (each with its own number and QR text)."""
    views = [sample_view(serial) for serial in range(n)]
    strings = [_strings(view) for view in views]
    start = time.perf_counter()
    render_pdf(sample_view(n + 1), "58")  # the first one registers the 4 MB CJK font
    first_pdf_ms = (time.perf_counter() - start) * 1000
    return {
        "n": n,
        "people": len(PEOPLE),
        "first_pdf_ms": round(first_pdf_ms, 1),
        "pdf_58_median_ms": round(_median_ms(lambda i: render_pdf(views[i], "58"), n), 2),
        "pdf_a5_median_ms": round(_median_ms(lambda i: render_pdf(views[i], "a5"), n), 2),
        "pdf_baseline_median_ms": round(_median_ms(lambda i: bare_pdf(strings[i]), n), 2),
        "pdf_bytes": len(render_pdf(views[0], "58")),
        "escpos_native_median_ms": round(_median_ms(lambda i: render_escpos(views[i]), n), 3),
        "escpos_image_median_ms": round(
            _median_ms(lambda i: render_escpos(views[i], qr="image"), n), 3
        ),
        "escpos_baseline_median_ms": round(_median_ms(lambda i: bare_escpos(strings[i]), n), 4),
        "escpos_bytes": len(render_escpos(views[0])),
    }


def print_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows for bench's table: (figure, ours, baseline, target)."""
    f = figures
    who = f"{f['people']}-person receipt, median of {f['n']}"
    return [
        (
            f"receipt PDF 58 mm ({who})",
            f"{f['pdf_58_median_ms']} ms (A5 {f['pdf_a5_median_ms']} ms)",
            f"reportlab, Helvetica, no QR {f['pdf_baseline_median_ms']} ms",
            "<= 60 ms",
        ),
        (
            f"receipt ESC/POS 58 mm ({who})",
            f"{f['escpos_native_median_ms']} ms (image QR {f['escpos_image_median_ms']} ms)",
            f"GB18030 encode of the text {f['escpos_baseline_median_ms']} ms",
            "<= 5 ms",
        ),
    ]


if __name__ == "__main__":
    figures = receipt_figures(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(figures)
    for row in print_rows(figures):
        print("  ".join(row))
