"""What a receipt shows, built from the stored payment (never from a screen): for printing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

METHOD_LABELS = {
    "cash": "现金",
    "wechat": "微信",
    "alipay": "支付宝",
    "card": "银行卡",
    "account": "医保个人账户共济",
}

RECEIPT_TITLE = "城乡居民基本医疗保险费代收凭证"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One insured person on a receipt; the ID is already masked."""

    name: str
    masked_id: str
    benefit_year: int
    standard_fen: int
    subsidy_fen: int  # shown as an amount only: never the special-group reason
    amount_fen: int  # what was collected for this person now
    reimbursed_later_fen: int = 0  # a 先缴后补 subsidy to be refunded by the department
    provisional: bool = False  # 先行收费 while an identity correction waits for the county


@dataclass(frozen=True, slots=True)
class ReceiptView:
    """Everything printed on one receipt, in display form (amounts in fen)."""

    receipt_no: str
    issued_at: datetime  # local time of the collection point
    county: str
    township: str
    village: str
    household_no: str
    payer: str  # the person who paid (usually the household head)
    lines: tuple[ReceiptLine, ...]
    total_fen: int
    method: str  # a key of METHOD_LABELS
    reference: str  # transaction reference for non-cash payments, else ""
    agent: str
    device_id: str
    qr_text: str  # the signed payload, verifiable offline with the device's public key
    reprint: int = 0  # 0 for the original; N for "重打 (第N次)"
    voided: bool = False  # printed with 作废 when true
    void_reason: str = ""

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)
