"""The printer test page: a specimen receipt stamped 作废, so it can never pass for one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from app.collection import agent_name
from app.receipt_view import ReceiptLine, ReceiptView
from db.database import Database
from db.models import Device
from printing.targets import (
    DEFAULT_PAPER,
    DEFAULT_RENDERERS,
    NO_SENDERS,
    QR_NATIVE,
    PrintTarget,
    Renderer,
    Sender,
    send_view,
)

SPECIMEN_NO = "测试页"
SPECIMEN_REASON = "打印机测试页，不是收据"
# What a phone reads from the test page's QR code: ASCII like a receipt's payload, so any
# scanner that reads receipts reads this (some guess a wrong charset for Chinese in a code).
SPECIMEN_QR = "VILLAGE-COLLECT PRINTER TEST PAGE - NOT A RECEIPT"
SPECIMEN_FILE = "打印测试页.pdf"


def specimen_view(now: datetime, agent: str, device_id: str, county: str = "") -> ReceiptView:
    """A receipt's every part (Chinese text, amounts, the QR code) on a page marked 作废."""
    line = ReceiptLine(
        name="测试",
        masked_id="000000********0000",
        benefit_year=now.year + 1,
        standard_fen=0,
        subsidy_fen=0,
        amount_fen=0,
    )
    return ReceiptView(
        receipt_no=SPECIMEN_NO,
        issued_at=now,
        county=county or "打印测试",
        township="",
        village="",
        household_no="",
        payer="测试",
        lines=(line,),
        total_fen=0,
        method="cash",
        reference="",
        agent=agent,
        device_id=device_id,
        qr_text=SPECIMEN_QR,
        voided=True,
        void_reason=SPECIMEN_REASON,
    )


def specimen_for(db: Database, now: datetime, agent: str | None = None) -> ReceiptView:
    """The test page of this device: `agent` (else the agent receipts name) and the device's
    id, as on its receipts."""
    with db.sessions() as session:
        name = agent or agent_name(session)
        device = session.scalars(select(Device.id)).first() or ""
    return specimen_view(now, name, device)


def print_specimen(
    view: ReceiptView,
    target: PrintTarget,
    paper: str = DEFAULT_PAPER,
    renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
    *,
    qr: str = QR_NATIVE,
    senders: Mapping[str, Sender] = NO_SENDERS,
) -> str:
    """Send the test page to `target`; where it went, or PrintError with the reason."""
    return send_view(
        view, target, paper, renderers, qr=qr, senders=senders, name=SPECIMEN_FILE, label="测试页"
    )
