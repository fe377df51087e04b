"""The printer dialog by keyboard: every kind of printer, the QR code as an image for old
printers, and what then reaches the printer."""

from __future__ import annotations

from pathlib import Path

from desk_driver import WAIT_MS, DeskDriver, household_where, set_printer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.settings import get_setting
from app.workspace import Workspace
from printing.targets import PAPER_KEY, PRINTER_KEY, QR_KEY
from ui.desktop.main_window import MainWindow
from ui.desktop.printer_settings import PrinterSettingsDialog

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
GS_V_0 = b"\x1dv0"  # a raster image
GS_K = b"\x1d(k"  # the printer's own QR command


def open_dialog(qtbot: QtBot, window: MainWindow) -> PrinterSettingsDialog:
    dialog = window.printer_settings()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def choose(qtbot: QtBot, dialog: PrinterSettingsDialog, mnemonic: Qt.Key, text: str) -> None:
    """Alt+letter to the field's label, then arrow keys to the entry reading `text`."""
    qtbot.keyClick(QApplication.focusWidget(), mnemonic, ALT)
    combo = QApplication.focusWidget()
    assert combo is not None and hasattr(combo, "findText")
    target = combo.findText(text)
    assert target >= 0, f"no {text!r} in {[combo.itemText(i) for i in range(combo.count())]}"
    while combo.currentIndex() < target:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    while combo.currentIndex() > target:
        qtbot.keyClick(combo, Qt.Key.Key_Up)


def type_where(qtbot: QtBot, text: str) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, ALT)
    field = QApplication.focusWidget()
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(field, text)


def stored(workspace: Workspace) -> tuple[str | None, ...]:
    """The printer, paper and QR settings as saved."""
    with workspace.db.sessions() as session:
        return tuple(get_setting(session, key) for key in (PRINTER_KEY, PAPER_KEY, QR_KEY))


def test_old_printers_get_the_qr_code_as_an_image(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    tmp_path: Path,
) -> None:  # fmt: skip
    device = tmp_path / "lp0"
    dialog = open_dialog(qtbot, window)
    assert dialog.qr.currentText() == "打印机指令"
    assert not dialog.qr.isEnabled()  # a PDF has no QR command to choose
    choose(qtbot, dialog, Qt.Key.Key_P, "小票打印机（ESC/POS），写入文件或设备")
    type_where(qtbot, str(device))
    choose(qtbot, dialog, Qt.Key.Key_Q, "图片（旧式打印机）")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert stored(demo_workspace) == (f"escpos-file:{device}", "80", "image")

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS),
    ):
        agent.ctrl_enter()
    data = device.read_bytes()
    assert recorded.args[0].receipt_no.encode() in data
    assert GS_V_0 in data and GS_K not in data

    # Back to the printer's own command: the next receipt carries GS ( k again.
    dialog = open_dialog(qtbot, window)
    assert dialog.qr.currentText() == "图片（旧式打印机）"
    choose(qtbot, dialog, Qt.Key.Key_Q, "打印机指令")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(demo_workspace)[2] == "native"
    device.unlink()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS):
        agent.key(Qt.Key.Key_P, CTRL)  # reprint the last receipt
    data = device.read_bytes()
    assert GS_K in data and GS_V_0 not in data


def test_a_serial_printer_is_set_by_port_and_baud_rate(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    dialog = open_dialog(qtbot, window)
    choose(qtbot, dialog, Qt.Key.Key_P, "串口小票打印机（ESC/POS，COM 口）")
    assert dialog.location.placeholderText() == "串口:波特率，如 COM3:9600 或 /dev/ttyUSB0:9600"
    assert dialog.hint.isVisible() and dialog.hint.text().startswith("本机")
    assert dialog.qr.isEnabled()
    type_where(qtbot, "COM3:96000")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error.text() == (
        "串口打印机“COM3:96000”有误，应为 串口:波特率，如 COM3:9600 或 /dev/ttyUSB0:9600；"
        "波特率可选 1200、2400、4800、9600、19200、38400、57600、115200"
    )
    type_where(qtbot, "COM3")
    choose(qtbot, dialog, Qt.Key.Key_A, "58 毫米卷纸")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert stored(demo_workspace) == ("escpos-serial:COM3:9600", "58", "native")

    dialog = open_dialog(qtbot, window)  # shown again as it was stored
    assert dialog.kind.currentText() == "串口小票打印机（ESC/POS，COM 口）"
    assert dialog.location.text() == "COM3:9600"
    dialog.reject()


def test_a_usb_printer_is_set_by_its_ids(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    dialog = open_dialog(qtbot, window)
    choose(qtbot, dialog, Qt.Key.Key_P, "USB 小票打印机（ESC/POS，直连 USB）")
    assert "VID_0416&PID_5011" in dialog.hint.text()
    type_where(qtbot, "VID_0416")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.error.text() == (
        "USB 打印机“VID_0416”有误，应为 厂商ID:产品ID（十六进制），如 0416:5011；"
        "可在 Linux 的 lsusb 或 Windows 设备管理器的“硬件 ID”中查到"
    )
    type_where(qtbot, "0416:5011")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert stored(demo_workspace)[0] == "escpos-usb:0416:5011"


def test_a_system_printer_is_chosen_from_the_list(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    dialog = open_dialog(qtbot, window)
    choose(qtbot, dialog, Qt.Key.Key_P, "系统打印机（通过打印机驱动）")
    # The list replaces the Where field; the QR code is always an image through a driver.
    assert dialog.system_printer.isVisible() and not dialog.location.isVisible()
    assert not dialog.qr.isEnabled()
    choose(qtbot, dialog, Qt.Key.Key_Y, "默认打印机")
    choose(qtbot, dialog, Qt.Key.Key_A, "A5")  # a sheet printer may take A5
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert stored(demo_workspace)[:2] == ("system:", "a5")


def test_a_system_printer_no_longer_installed_stays_listed(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    set_printer(demo_workspace, "system:村委会 HP LaserJet")
    dialog = open_dialog(qtbot, window)
    assert dialog.kind.currentText() == "系统打印机（通过打印机驱动）"
    assert dialog.system_printer.currentText() == "村委会 HP LaserJet（未找到）"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(demo_workspace)[0] == "system:村委会 HP LaserJet"
