"""Receipts of the day: the list, reprints counted on the paper, voids with a required reason."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from desk_driver import (
    WAIT_MS,
    DeskDriver,
    commit_text,
    household_where,
    pdf_text,
    set_printer,
    view_of,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import ledger
from app.collection import RecordedPayment, record_payment
from app.keys import ensure_device
from app.settings import get_setting
from app.workspace import Workspace
from db.engine import writing
from db.models import Household, Person, ReceiptVoid
from printing.targets import PAPER_KEY, PRINTER_KEY
from ui.desktop.main_window import MainWindow
from ui.desktop.printer_settings import PrinterSettingsDialog
from ui.desktop.receipts import ReceiptsDialog, VoidDialog

ALT = Qt.KeyboardModifier.AltModifier


def pay_household(workspace: Workspace, number: str, method: str = "cash") -> RecordedPayment:
    """A payment made earlier in the day (as the command line would record it)."""
    with workspace.db.sessions() as session:
        household_id = session.scalar(select(Household.id).where(Household.number == number))
        people = session.scalars(select(Person.id).where(Person.household_id == household_id))
        person_ids = list(people)[:2]
    assert household_id is not None
    return record_payment(
        workspace.db, workspace.policy(), household_id, person_ids, method=method,
        paid_on=workspace.today, reference="" if method == "cash" else "REF-1",
    )  # fmt: skip


def open_receipts(qtbot: QtBot, window: MainWindow) -> ReceiptsDialog:
    qtbot.keyClick(window.search_box, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = window.receipts_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def shown_row(dialog: ReceiptsDialog, row: int = 0) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def void_dialog(qtbot: QtBot, dialog: ReceiptsDialog) -> VoidDialog:
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, ALT)  # a mnemonic: the button animates a click
    qtbot.waitUntil(lambda: dialog.void_dialog is not None)
    void = dialog.void_dialog
    assert void is not None
    qtbot.waitUntil(void.isActiveWindow)
    assert QApplication.focusWidget() is void.reason  # the agent just types why
    return void


def test_the_list_shows_the_days_receipts_newest_first(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, qtmodeltester: ModelTester
) -> None:
    first = pay_household(demo_workspace, household_where(demo_workspace, size=2))
    second = pay_household(demo_workspace, household_where(demo_workspace, nth=1), "wechat")
    dialog = open_receipts(qtbot, window)
    assert dialog.windowTitle() == "收据 2023-10-15"
    model = dialog.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "收据号", "时间", "户号", "缴费人", "人数", "金额", "缴费方式", "打印次数", "状态",
    ]  # fmt: skip
    assert [shown_row(dialog, r)[0] for r in range(model.rowCount())] == [
        second.receipt_no,
        first.receipt_no,
    ]
    row = shown_row(dialog, 0)
    assert row[4:] == ["2", "¥760.00", "微信", "0", "正常"]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "交易单号 REF-1"
    assert dialog.summary.text() == "共 2 张收据，作废 0 张 · 实收 ¥1,520.00"
    assert dialog.reprint_button.text() == "重打(&R)" and dialog.void_button.text() == "作废(&V)…"
    qtmodeltester.check(model)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.receipts_dialog is None)


def test_void_needs_a_reason_then_marks_the_receipt_and_frees_the_members(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    number = household_where(demo_workspace, size=2)
    paid = pay_household(demo_workspace, number)
    agent.open(number)
    assert agent.statuses()[:2] == [f"已缴 · {paid.receipt_no}"] * 2

    dialog = open_receipts(qtbot, window)
    void = void_dialog(qtbot, dialog)
    assert void.windowTitle() == f"作废收据 {paid.receipt_no}"
    qtbot.keyClick(void.reason, Qt.Key.Key_Return)  # no reason: refused in place
    assert void.isVisible()
    assert void.error.text() == "作废须填写原因：请写明为什么作废这张收据。"
    with demo_workspace.db.sessions() as session:
        assert session.scalars(select(ReceiptVoid)).first() is None

    commit_text(void.reason, "勾错人员")
    with qtbot.waitSignal(dialog.voided, timeout=WAIT_MS) as voided:
        qtbot.keyClick(void.reason, Qt.Key.Key_Return)
    assert voided.args == [paid.receipt_no]
    assert shown_row(dialog)[-1] == "作废"
    assert dialog.model.data(dialog.model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == (
        "作废原因：勾错人员"
    )
    assert dialog.summary.text() == "共 1 张收据，作废 1 张 · 实收 ¥0.00"
    assert not dialog.void_button.isEnabled()
    with demo_workspace.db.sessions() as session:
        assert session.scalars(select(ReceiptVoid.reason)).all() == ["勾错人员"]
    assert view_of(demo_workspace, paid.receipt_no).voided
    # The desk behind shows the two members due again.
    assert agent.statuses()[:2] == ["应缴", "应缴"]
    assert window.statusBar().currentMessage() == f"收据 {paid.receipt_no} 已作废"


def test_a_remitted_receipt_cannot_be_voided_and_the_agent_is_told_what_to_do(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    paid = pay_household(demo_workspace, household_where(demo_workspace, size=2))
    with writing(demo_workspace.db.engine) as session:
        device = ensure_device(session)
        ledger.append(session, device, "remittance", {"receipts": [paid.receipt_no]})
    dialog = open_receipts(qtbot, window)
    assert shown_row(dialog)[-1] == "正常（已上解）"
    void = void_dialog(qtbot, dialog)
    commit_text(void.reason, "多收")
    with qtbot.waitSignal(dialog.void_failed, timeout=WAIT_MS) as failed:
        qtbot.keyClick(void.reason, Qt.Key.Key_Return)
    assert failed.args[0] == (
        f"收据 {paid.receipt_no} 的款项已上解，不能作废；如需退费，请向县医保局提交退费申请"
    )
    box = dialog.message_box
    assert box is not None and box.isVisible() and box.windowTitle() == "收据未作废"
    assert box.text() == failed.args[0]
    with demo_workspace.db.sessions() as session:
        assert session.scalars(select(ReceiptVoid)).first() is None
    box.accept()


def test_reprint_writes_a_second_file_marked_as_reprint(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS),
    ):
        agent.ctrl_enter()
    receipt_no = recorded.args[0].receipt_no
    original = receipts_dir / f"{receipt_no}.pdf"
    assert original.exists() and "重打" not in pdf_text(original)

    dialog = open_receipts(qtbot, window)
    assert shown_row(dialog)[7] == "1"
    with qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as printed:
        qtbot.keyClick(dialog.table, Qt.Key.Key_R, ALT)
    assert printed.args[0].copy_no == 1
    reprint = receipts_dir / f"{receipt_no}-reprint-1.pdf"
    assert reprint.exists() and original.exists()
    text = pdf_text(reprint)
    assert receipt_no in text and "重打 (第1次)" in text
    assert view_of(demo_workspace, receipt_no, 1).reprint == 1
    assert shown_row(dialog)[7] == "2"
    assert window.statusBar().currentMessage() == (
        f"收据 {receipt_no} 已重打（第 1 次）：{reprint.name}"
    )
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.receipts_dialog is None)

    # Ctrl+P at the desk: the last receipt once more, the third copy.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as printed:
        qtbot.keyClick(window.search_box, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed.args[0].copy_no == 2
    assert (receipts_dir / f"{receipt_no}-reprint-2.pdf").exists()


def test_network_printer_gets_the_receipt_over_a_raw_socket(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received: list[bytes] = []

    def printer() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        received.append(b"".join(chunks))

    thread = threading.Thread(target=printer, daemon=True)
    thread.start()
    set_printer(demo_workspace, f"escpos-net:127.0.0.1:{port}")
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as printed,
    ):
        agent.ctrl_enter()
    thread.join(timeout=10)
    server.close()
    assert printed.args[0].where == f"127.0.0.1:{port}"
    assert received and recorded.args[0].receipt_no.encode() in received[0]


def test_an_unreachable_network_printer_is_a_print_failure(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: the connection is refused at once
    set_printer(demo_workspace, f"escpos-net:127.0.0.1:{port}")
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.failed, timeout=WAIT_MS) as failed,
    ):
        agent.ctrl_enter()
    assert failed.args == [
        recorded.args[0].receipt_no,
        f"无法连接网络打印机 127.0.0.1:{port}：连接被拒绝。请检查打印机电源、纸张和网线",
    ]


def test_printer_settings_are_checked_and_stored(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, tmp_path: Path
) -> None:
    dialog = window.printer_settings()
    assert isinstance(dialog, PrinterSettingsDialog)
    assert dialog.windowTitle() == "打印机"
    # Nothing set yet: a receipts folder beside the database.
    assert dialog.location.text() == str(tmp_path / "receipts")
    assert dialog.paper.currentText() == "80 毫米卷纸"

    dialog.kind.setCurrentIndex(dialog.kind.findData("escpos-net"))
    dialog.location.setText("printer.local:abc")
    dialog.accept()
    assert dialog.isVisible()
    assert (
        dialog.error.text()
        == "网络打印机地址“printer.local:abc”有误，应为 地址:端口，如 192.168.1.50:9100"
    )
    dialog.location.setText("192.168.1.50")
    dialog.paper.setCurrentIndex(2)  # A5 is no roll
    dialog.accept()
    assert dialog.error.text() == "小票打印机只能用 58 或 80 毫米卷纸，不能用 A5。"
    dialog.paper.setCurrentIndex(0)
    dialog.accept()
    assert not dialog.isVisible()
    with demo_workspace.db.sessions() as session:
        assert get_setting(session, PRINTER_KEY) == "escpos-net:192.168.1.50:9100"
        assert get_setting(session, PAPER_KEY) == "58"
