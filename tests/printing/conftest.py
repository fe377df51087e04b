"""Receipts built by hand: a Suiping household of three, paid in cash or by WeChat; and
households of any size carrying the QR text the app signs (`signed_household`)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import date, datetime

import pytest
from PIL import Image

from app.identity import check_character, mask
from app.keys import DeviceKey, sign
from app.receipt_codes import ReceiptCode, encode
from app.receipt_view import ReceiptLine, ReceiptView
from printing.qr import qr_matrix


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


def module_picture(text: str, box: int, border: int = 4) -> Image.Image:
    """The code drawn by PIL from printing.qr's module matrix (one pixel a module, scaled up by
    nearest neighbour), as printing.qr drew it before it packed rasters itself."""
    matrix = qr_matrix(text)
    side = len(matrix) + 2 * border
    small = Image.new("L", (side, side), 255)
    small.putdata(
        [
            0 if border <= y < side - border and border <= x < side - border
            and matrix[y - border][x - border] else 255
            for y in range(side)
            for x in range(side)
        ]
    )  # fmt: skip
    return small.resize((side * box, side * box), Image.Resampling.NEAREST).convert("1")


# A fixed key, so the signed texts (and their QR codes) are the same on every run.
DEVICE = DeviceKey("D7Q4XKM2PA", "7Q4X", hashlib.sha256(b"printing tests").digest())
NAMES = ("张建国", "李桂兰", "张小龙", "王秀英", "张子涵", "赵德明", "阿依古丽·买买提", "张婷",
         "陈玉珍", "张浩然", "刘淑芬", "张一诺")  # fmt: skip


def signed_household(cash_view: ReceiptView, people: int) -> ReceiptView:
    """A receipt for `people` persons whose QR text is what the app prints: the receipt code
    (number, date, total, names, masked IDs, amounts, device) signed with Ed25519."""
    lines = tuple(
        ReceiptLine(
            NAMES[n % len(NAMES)],
            mask(full_id("411728", date(1950 + 5 * n % 70, 1 + n % 12, 1 + n % 28), 100 + n)),
            2025, 40000, 9000 * (n % 2), 40000 - 9000 * (n % 2),
        )
        for n in range(people)
    )  # fmt: skip
    total = sum(line.amount_fen for line in lines)
    code = ReceiptCode(
        cash_view.receipt_no,
        cash_view.issued_at.date().isoformat(),
        total,
        tuple((line.name, line.masked_id, line.amount_fen) for line in lines),
        DEVICE.id,
    )
    qr_text = encode(code, sign(DEVICE, code.payload()))
    return replace(cash_view, lines=lines, total_fen=total, qr_text=qr_text)
