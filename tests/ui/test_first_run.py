"""The first-run wizard by keyboard: the account, the county (a real server, a wrong code, a
server that is not there, practice on the demo county), the printer with its test page (read
back by poppler and zbar, or failing), and what is stored when it is done."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from desk_driver import WAIT_MS, focused, pdf_text, press, scan_qr, show_active, type_here
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app import accounts
from app.settings import get_setting
from app.workspace import Workspace, open_workspace
from db.cipher import is_encrypted
from printing.devices import UsbPrinter
from printing.specimen import SPECIMEN_FILE, SPECIMEN_QR
from printing.targets import PRINTER_KEY
from sync.client import SERVER_KEY
from sync.server.county import CountyDatabase, add_device
from tests.county_server import TODAY, ServerProcess, village_codes
from ui.desktop import printer_form
from ui.desktop.first_run import LATER, PRACTICE, REGISTERED, FirstRunWizard

ALT = Qt.KeyboardModifier.AltModifier
NOW = datetime(2024, 10, 15, 9, 0)
SECRET = "lengshi-2024"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def new_laptop(tmp_path: Path) -> Path:
    """What the installed app finds on its first start: an empty, plain database."""
    path = tmp_path / "laptop" / "village-collect.db"
    open_workspace(path, today=TODAY, create=True).close()
    return path


@pytest.fixture
def no_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's printers and USB bus are not the test's: none of either."""
    monkeypatch.setattr(printer_form, "printer_names", lambda: [])
    monkeypatch.setattr(printer_form, "usb_printers", lambda: [])


def show_wizard(qtbot: QtBot, path: Path) -> FirstRunWizard:
    return show_active(qtbot, FirstRunWizard(path, TODAY, clock=lambda: NOW))


@pytest.fixture
def wizard(
    qtbot: QtBot, new_laptop: Path, chinese_ui: None, cheap_kdf: None, no_devices: None
) -> Iterator[FirstRunWizard]:
    shown = show_wizard(qtbot, new_laptop)
    yield shown
    if shown.isVisible():
        shown.reject()


# --- keyboard helpers -------------------------------------------------------------------------


def replace_text(qtbot: QtBot, text: str) -> None:
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_here(qtbot, text)


def create_account(qtbot: QtBot, wizard: FirstRunWizard, name: str = "张丽") -> None:
    type_here(qtbot, name)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, SECRET)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, SECRET)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.county_page)


def stored(path: Path, key_name: str, wizard: FirstRunWizard) -> str | None:
    assert wizard.signed is not None
    workspace = open_workspace(path, today=TODAY, key=wizard.signed.data_key)
    try:
        with workspace.db.sessions() as session:
            return get_setting(session, key_name)
    finally:
        workspace.close()


def choose_kind(qtbot: QtBot, wizard: FirstRunWizard, text: str) -> None:
    """Alt+P to the printer kind, then arrows to the entry reading `text`."""
    press(qtbot, Qt.Key.Key_P, ALT)
    form = wizard.printer_page.form
    assert form is not None and focused() is form.kind
    target = form.kind.findText(text)
    assert target >= 0
    while form.kind.currentIndex() < target:
        press(qtbot, Qt.Key.Key_Down)
    while form.kind.currentIndex() > target:
        press(qtbot, Qt.Key.Key_Up)


def type_where(qtbot: QtBot, text: str) -> None:
    press(qtbot, Qt.Key.Key_W, ALT)
    replace_text(qtbot, text)


def print_test_page(qtbot: QtBot, wizard: FirstRunWizard) -> tuple[bool, str]:
    """Alt+T prints the test page; the outcome as the form reports it."""
    form = wizard.printer_page.form
    assert form is not None
    with qtbot.waitSignal(form.tested, timeout=WAIT_MS) as tested:
        press(qtbot, Qt.Key.Key_T, ALT)
    ok, message = tested.args
    assert form.result.text() == message and form.result.isVisible()
    return bool(ok), str(message)


# --- tests ------------------------------------------------------------------------------------


def test_a_new_laptop_is_registered_and_prints_a_test_page(
    qtbot: QtBot, wizard: FirstRunWizard, new_laptop: Path, county: CountyDatabase,
    server: ServerProcess, tmp_path: Path,
) -> None:  # fmt: skip
    assert wizard.windowTitle() == "村医保代收：首次使用"
    assert wizard.currentPage().title() == "您的账户"
    create_account(qtbot, wizard)
    assert is_encrypted(new_laptop)
    assert wizard.signed is not None and wizard.signed.name == "张丽"
    assert wizard.account_page.secret.text() == "" and wizard.account_page.again.text() == ""

    # A wrong code: the county says no, the page stays, the code is selected for retyping.
    slot = add_device(county, "张丽", [village_codes(county)[0]])
    page = wizard.county_page
    qtbot.waitUntil(lambda: focused() is page.server)
    type_here(qtbot, server.url)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "WRONGCODE123")
    with qtbot.waitSignal(page.completeChanged, timeout=WAIT_MS):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    assert wizard.currentPage() is page and page.choice is None
    assert "注册码" in page.status.text() and "稍后注册" in page.status.text()
    assert focused() is page.code

    replace_text(qtbot, slot.code)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer_page, timeout=WAIT_MS)
    assert page.choice == REGISTERED and page.answer is not None
    assert stored(new_laptop, SERVER_KEY, wizard) == server.url

    # The test page to a folder of PDFs: poppler reads it, zbar scans its code.
    folder = tmp_path / "收据"
    choose_kind(qtbot, wizard, "PDF 文件（存入文件夹）")
    type_where(qtbot, str(folder))
    ok, message = print_test_page(qtbot, wizard)
    assert ok, message
    assert message.startswith(f"测试页已送到 {folder / SPECIMEN_FILE}")
    text = pdf_text(folder / SPECIMEN_FILE)
    for words in ("测试页", "作废", "打印机测试页，不是收据", "张丽"):
        assert words in text
    assert scan_qr(folder / SPECIMEN_FILE) == SPECIMEN_QR

    press(qtbot, Qt.Key.Key_Return)  # Next: the printer is saved
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page)
    summary = wizard.done_page.summary.text()
    assert f"已向 {server.url} 注册。" in summary
    assert f"收据打印到：PDF 文件（存入文件夹）：{folder}" in summary
    with qtbot.waitSignal(wizard.accepted):
        press(qtbot, Qt.Key.Key_Return)
    assert wizard.workspace is None  # closed: the desk opens it again
    assert stored(new_laptop, PRINTER_KEY, wizard) == f"pdf-folder:{folder}"
    assert [a.name for a in accounts.accounts(new_laptop)] == ["张丽"]


def test_no_server_then_practice_and_a_printer_that_fails(
    qtbot: QtBot, wizard: FirstRunWizard, new_laptop: Path
) -> None:
    create_account(qtbot, wizard)
    page = wizard.county_page
    qtbot.waitUntil(lambda: focused() is page.server)
    with socket.socket() as closed:  # a port nobody listens on: refused at once
        closed.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{closed.getsockname()[1]}"
    type_here(qtbot, address)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "ABCDEF123456")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not page.busy and page.status.text() != "", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "没有应答" in page.status.text(), timeout=WAIT_MS)
    assert "稍后注册" in page.status.text() and wizard.currentPage() is page

    # The way on without the county: practise on the demo county.
    press(qtbot, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(page.practice.isChecked)  # a button's mnemonic clicks it 100 ms later
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer_page, timeout=WAIT_MS * 4)
    assert page.choice == PRACTICE and "演示县已就绪" in page.status.text()

    # A network printer that is not there: said in red, and the wizard still goes on.
    choose_kind(qtbot, wizard, "网络小票打印机（ESC/POS，端口 9100）")
    type_where(qtbot, address)
    ok, message = print_test_page(qtbot, wizard)
    assert not ok
    assert message.startswith("测试页没有打印出来：") and "以后在“设置”中再设打印机" in message
    choose_kind(qtbot, wizard, "PDF 文件（存入文件夹）")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page)
    assert "正在用演示县练习，不会上报" in wizard.done_page.summary.text()
    with qtbot.waitSignal(wizard.accepted):
        press(qtbot, Qt.Key.Key_Return)
    assert wizard.signed is not None
    workspace = open_workspace(new_laptop, today=TODAY, key=wizard.signed.data_key)
    try:
        assert workspace.demo == "lengshi"
    finally:
        workspace.close()


def test_register_later_with_no_printer_on_the_computer(
    qtbot: QtBot, wizard: FirstRunWizard, new_laptop: Path
) -> None:
    create_account(qtbot, wizard)
    press(qtbot, Qt.Key.Key_L, ALT)
    qtbot.waitUntil(wizard.county_page.later.isChecked)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer_page)
    assert wizard.county_page.choice == LATER
    form = wizard.printer_page.form
    assert form is not None
    choose_kind(qtbot, wizard, "系统打印机（通过打印机驱动）")
    assert form.hint.text().startswith("这台电脑没有安装打印机")
    choose_kind(qtbot, wizard, "USB 小票打印机（ESC/POS，直连 USB）")
    assert form.hint.text().startswith("没有找到 USB 打印机")
    # Leaving the printer as PDF files beside the data: nothing to set up to collect.
    choose_kind(qtbot, wizard, "PDF 文件（存入文件夹）")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page)
    summary = wizard.done_page.summary.text()
    assert "尚未注册" in summary and "导入花名册" in summary
    assert f"PDF 文件（存入文件夹）：{new_laptop.parent / 'receipts'}" in summary


def test_a_plugged_in_usb_printer_is_offered(
    qtbot: QtBot, wizard: FirstRunWizard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        printer_form, "usb_printers", lambda: [UsbPrinter(0x0416, 0x5011, "POS58 Printer")]
    )
    create_account(qtbot, wizard)
    press(qtbot, Qt.Key.Key_L, ALT)
    qtbot.waitUntil(wizard.county_page.later.isChecked)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer_page)
    choose_kind(qtbot, wizard, "USB 小票打印机（ESC/POS，直连 USB）")
    form = wizard.printer_page.form
    assert form is not None
    assert form.hint.text() == "找到 USB 打印机：POS58 Printer (0416:5011)"
    assert form.location.text() == "0416:5011"


def test_account_mistakes_are_said_and_nothing_is_made(
    qtbot: QtBot, wizard: FirstRunWizard, new_laptop: Path
) -> None:
    page = wizard.account_page
    press(qtbot, Qt.Key.Key_Return)
    assert page.message.text() == "请输入姓名。" and focused() is page.name
    type_here(qtbot, "张丽")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, SECRET)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "lengshi-2025")
    press(qtbot, Qt.Key.Key_Return)
    assert page.message.text() == "两次输入的密码不一致。" and focused() is page.again
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    replace_text(qtbot, "123456")  # a run of digits
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "123456")
    press(qtbot, Qt.Key.Key_Return)
    assert "PIN" in page.message.text() and wizard.currentPage() is page
    assert not accounts.has_accounts(new_laptop) and not is_encrypted(new_laptop)
    # Quit before an account exists: nothing to open, nothing made.
    press(qtbot, Qt.Key.Key_Escape)
    assert not wizard.isVisible() and wizard.signed is None
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert not accounts.has_accounts(new_laptop)


def test_a_training_database_starts_on_practice(
    qtbot: QtBot, demo_workspace: Workspace, demo_db_path: Path, chinese_ui: None,
    cheap_kdf: None, no_devices: None,
) -> None:  # fmt: skip
    """`make run` makes the demo before the first start: practice is chosen and not loaded twice."""
    demo_workspace.close()
    shown = show_wizard(qtbot, demo_db_path)
    create_account(qtbot, shown)
    page = shown.county_page
    assert page.practice.isChecked() and "已载入" in page.practice.text()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shown.currentPage() is shown.printer_page)
    assert page.choice == PRACTICE
    shown.reject()  # 以后再设置: the account stays, the desk would open with it
    assert shown.signed is not None and shown.workspace is None


def test_the_installation_brings_the_server_address(
    qtbot: QtBot, new_laptop: Path, county: CountyDatabase, server: ServerProcess,
    chinese_ui: None, cheap_kdf: None, no_devices: None, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """200 laptops, one site file: the agent types only the code the county gave them."""
    site = tmp_path / "village-collect.ini"
    site.write_text(f"[county]\nserver = {server.url}\n", encoding="utf-8")
    monkeypatch.setenv("VCOLLECT_SITE_FILE", str(site))
    wizard = show_wizard(qtbot, new_laptop)
    create_account(qtbot, wizard)
    page = wizard.county_page
    assert page.server.text() == server.url
    qtbot.waitUntil(lambda: focused() is page.code)
    type_here(qtbot, add_device(county, "张丽", [village_codes(county)[0]]).code)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer_page, timeout=WAIT_MS)
    assert page.choice == REGISTERED and page.registered_with == server.url
    wizard.reject()
