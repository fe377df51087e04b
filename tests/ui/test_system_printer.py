"""System printers through Qt: the receipt painted on a QPrinter (a PDF here), read back by
poppler and zbar; a printer that is not there is a print failure, never a lost payment."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from desk_driver import (
    CTRL,
    WAIT_MS,
    DeskDriver,
    household_where,
    pdf_text,
    run_tool,
    scan_qr,
    set_printer,
    view_of,
)
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.collection import record_payment
from app.receipt_view import RECEIPT_TITLE, ReceiptView
from app.settings import set_setting
from app.workspace import Workspace
from db.models import Household, Person, ReceiptPrint
from printing.targets import PAPER_KEY, SYSTEM, PrintError, PrintTarget, print_receipt
from ui.desktop.main_window import MainWindow
from ui.desktop.printer import PrintFailedBox
from ui.desktop.receipt_painter import paint_receipt, register_receipt_fonts
from ui.desktop.system_printer import SystemPrinter, open_system_printer

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = run_tool("pdfinfo", "-f", "1", "-l", "99", str(pdf))
    return [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", out)]


class PdfPrinters:
    """Stands in for the system's printers: each job becomes the next PDF in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str] = []

    def __call__(self, name: str) -> QPrinter:
        self.asked.append(name)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.folder / f"job-{len(self.asked)}.pdf"))
        return printer


def test_the_desk_prints_through_the_system_printer(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    tmp_path: Path,
) -> None:  # fmt: skip
    printers = PdfPrinters(tmp_path)
    window.printer.senders[SYSTEM] = SystemPrinter(printers)
    set_printer(demo_workspace, "system:收费室 Receipt")
    with demo_workspace.db.sessions.begin() as session:
        set_setting(session, PAPER_KEY, "58")
    agent.open(household_where(demo_workspace, size=3))
    agent.tick(0, 1)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as printed,
    ):
        agent.ctrl_enter()
    receipt_no = recorded.args[0].receipt_no
    pdf = tmp_path / "job-1.pdf"
    assert printers.asked == ["收费室 Receipt"]
    assert printed.args[0].where == str(pdf)

    view = view_of(demo_workspace, receipt_no)
    text = pdf_text(pdf)
    flat = "".join(text.split())
    for needle in (
        RECEIPT_TITLE, f"{view.county}{view.township}{view.village}", receipt_no,
        view.issued_at.strftime("%Y-%m-%d%H:%M:%S"), view.payer, "合计：¥760.00",
        "大写：人民币柒佰陆拾元整", "缴费方式：现金", f"代收员：{view.agent}",
        f"设备：{view.device_id}", "扫码核验",
    ):  # fmt: skip
        assert needle in flat, needle
    for line in view.lines:
        for needle in (line.name, line.masked_id, f"{line.benefit_year}年度", "¥380.00"):
            assert needle in flat, needle
    assert not ID_NUMBER.search(text)  # masked IDs only
    assert "重打" not in text
    assert scan_qr(pdf) == view.qr_text
    ((width, _height),) = page_sizes(pdf)
    assert width == pytest.approx(58 / 25.4 * 72, abs=0.5)  # the roll's width

    # Ctrl+P reprints the last receipt: the same code, marked as the first reprint.
    with qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as again:
        agent.key(Qt.Key.Key_P, CTRL)
    assert again.args[0].copy_no == 1
    reprint = tmp_path / "job-2.pdf"
    assert "重打 (第1次)" in pdf_text(reprint)
    assert scan_qr(reprint) == view.qr_text
    with demo_workspace.db.sessions() as session:
        assert session.scalars(select(ReceiptPrint.target)).all() == ["system", "system"]


def paid_view(workspace: Workspace) -> ReceiptView:
    """The receipt of a payment recorded as the command line would record it."""
    number = household_where(workspace, size=2)
    with workspace.db.sessions() as session:
        household = session.scalar(select(Household.id).where(Household.number == number))
        person = session.scalar(select(Person.id).where(Person.household_id == household))
    assert household is not None and person is not None
    paid = record_payment(
        workspace.db, workspace.policy(), household, [person], method="wechat",
        reference="4200002023101512345678901234", paid_on=workspace.today,
    )  # fmt: skip
    return view_of(workspace, paid.receipt_no)


def test_an_a5_receipt_runs_on_to_a_second_sheet(
    demo_workspace: Workspace, qapp: QApplication, tmp_path: Path
) -> None:
    view = paid_view(demo_workspace)
    register_receipt_fonts()
    big = replace(view, lines=view.lines * 30)  # a school's list on one receipt
    paint_receipt(big, "a5", PdfPrinters(tmp_path)("A5"))
    pdf = tmp_path / "job-1.pdf"
    sizes = page_sizes(pdf)
    assert len(sizes) == 2
    for width, height in sizes:
        assert (width, height) == (pytest.approx(419.5, abs=0.5), pytest.approx(595.3, abs=0.5))
    flat = "".join(pdf_text(pdf).split())
    assert f"{RECEIPT_TITLE}收据号：{view.receipt_no}（续）" in flat  # the second sheet's head
    assert "交易单号：4200002023101512345678901234" in flat
    assert scan_qr(pdf, page=2) == view.qr_text  # the code ends the receipt, on sheet two


def test_a_printer_that_is_not_installed_is_a_print_failure(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    set_printer(demo_workspace, "system:财务室打印机")
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.failed, timeout=WAIT_MS) as failed,
    ):
        agent.ctrl_enter()
    receipt_no = recorded.args[0].receipt_no
    assert failed.args == [
        receipt_no,
        "找不到打印机“财务室打印机”。请检查打印机是否已安装、已开机，或在“打印机”设置中另选一台",
    ]
    assert view_of(demo_workspace, receipt_no).total_fen == 38000  # recorded all the same
    box = window.printer.message_box
    assert isinstance(box, PrintFailedBox) and box.isVisible()
    assert box.reprint_button.text() == "重打(&R)"
    box.reject()


def test_without_the_desktop_a_system_printer_is_refused_before_counting(
    demo_workspace: Workspace,
) -> None:
    with pytest.raises(PrintError, match="系统打印机只能在桌面程序中使用"):
        print_receipt(demo_workspace.db, "NO-SUCH", PrintTarget(SYSTEM, ""))
    with pytest.raises(PrintError, match="找不到打印机“不存在”"):
        open_system_printer("不存在")
