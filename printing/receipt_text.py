"""The words on a receipt, shared by the PDF and the thermal print so both say the same."""

from __future__ import annotations

from collections.abc import Callable

from app.money import format_yuan
from app.receipt_view import ReceiptLine, ReceiptView
from printing.capitals import chinese_capitals

PAPERS = ("58", "80", "a5")

UNIT = "代收单位"
RECEIPT_NO = "收据号"
ISSUED = "缴费时间"
HOUSEHOLD = "户号"
PAYER = "缴费人"
NAME = "姓名"
ID = "证件号码"
YEAR = "参保年度"
STANDARD = "缴费标准"
SUBSIDY = "资助"
AMOUNT = "实缴"
REIMBURSED = "先缴后补(事后返还)"
PROVISIONAL = "先行收费：身份更正待县医保局审核，驳回则退费"
TOTAL = "合计"
CAPITALS = "大写"
METHOD = "缴费方式"
REFERENCE = "交易单号"
AGENT = "代收员"
DEVICE = "设备"
QR_CAPTION = "扫码核验"
VOID = "作废"
VOID_REASON = "作废原因"


def check_paper(paper: str) -> str:
    """The paper name in canonical form, or ValueError naming the ones there are."""
    name = paper.lower().removesuffix("mm")
    if name not in PAPERS:
        raise ValueError(f"不支持的纸张“{paper}”，可选：58、80、a5")
    return name


def unit(view: ReceiptView) -> str:
    """The collecting unit as one phrase: county, township, village."""
    return f"{view.county}{view.township}{view.village}"


def issued(view: ReceiptView) -> str:
    """The local time of collection, to the second (two receipts a minute apart must differ)."""
    return view.issued_at.strftime("%Y-%m-%d %H:%M:%S")


def benefit_year(line: ReceiptLine) -> str:
    return f"{line.benefit_year}年度"


def reprint(view: ReceiptView) -> str:
    """ "重打 (第N次)" for a reprint, "" for the original."""
    return f"重打 (第{view.reprint}次)" if view.reprint > 0 else ""


def status(view: ReceiptView) -> str:
    """What must be seen first under the title: 作废 wins over 重打."""
    return VOID if view.voided else reprint(view)


def total_figures(view: ReceiptView) -> str:
    return format_yuan(view.total_fen)


def total_capitals(view: ReceiptView) -> str:
    return f"人民币{chinese_capitals(view.total_fen)}"


def _in_word(char: str) -> bool:
    return char.isascii() and not char.isspace()


def wrap(text: str, limit: float, advance: Callable[[str], float]) -> list[str]:
    """Break text into lines whose advances add up to at most `limit`: anywhere between
    Chinese characters, between words in Latin text (a word longer than a line is split)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0.0
        for char in paragraph:
            step = advance(char)
            if used + step <= limit or not current:
                current += char
                used += step
                continue
            cut = len(current)
            if _in_word(char) and _in_word(current[-1]):
                start = cut
                while start > 0 and _in_word(current[start - 1]):
                    start -= 1
                cut = start or cut
            lines.append(current[:cut].rstrip())
            current = current[cut:].lstrip() + char
            used = sum(advance(c) for c in current)
        lines.append(current.rstrip())
    return lines
