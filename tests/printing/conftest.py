"""Receipts built by hand: a Suiping household of three, paid in cash or by WeChat."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import date, datetime

import pytest

from app.identity import check_character, mask
from app.receipt_view import ReceiptLine, ReceiptView


def full_id(region: str, born: date, sequence: int) -> str:
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


# (name, full ID, standard, subsidy, collected now, reimbursed later)
PEOPLE = (
    ("张建国", full_id("411728", date(1968, 3, 14), 215), 40000, 0, 40000, 0),
    ("李桂兰", full_id("411728", date(1971, 11, 2), 326), 40000, 9000, 31000, 0),
    ("张小龙", full_id("411728", date(2009, 6, 30), 417), 40000, 0, 40000, 9000),
)
QR_TEXT = "VC1|4117280007000123|2024-10-15T10:32:05+08:00|111000|" + base64.urlsafe_b64encode(
    hashlib.sha512(b"signature stand-in").digest()
).decode("ascii").rstrip("=")
WECHAT_REF = "4200002024101512345678901234"


@pytest.fixture
def full_ids() -> list[str]:
    """The unmasked numbers behind the receipt: none of them may be printed."""
    return [number for _, number, *_ in PEOPLE]


@pytest.fixture
def cash_view() -> ReceiptView:
    lines = tuple(
        ReceiptLine(name, mask(number), 2025, standard, subsidy, amount, later)
        for name, number, standard, subsidy, amount, later in PEOPLE
    )
    return ReceiptView(
        receipt_no="4117280007000123",
        issued_at=datetime(2024, 10, 15, 10, 32, 5),
        county="遂平县",
        township="玉山镇",
        village="东刘庄村",
        household_no="411728100203045",
        payer="张建国",
        lines=lines,
        total_fen=sum(line.amount_fen for line in lines),
        method="cash",
        reference="",
        agent="刘桂芳",
        device_id="VC-411728-0007",
        qr_text=QR_TEXT,
    )


@pytest.fixture
def wechat_view(cash_view: ReceiptView) -> ReceiptView:
    return replace(cash_view, method="wechat", reference=WECHAT_REF)


@pytest.fixture
def reprint_view(wechat_view: ReceiptView) -> ReceiptView:
    return replace(wechat_view, reprint=2)


@pytest.fixture
def voided_view(cash_view: ReceiptView) -> ReceiptView:
    return replace(cash_view, voided=True, void_reason="金额录错，重新收取")
