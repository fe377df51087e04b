"""Sign-in by keyboard: a wrong password says so, the idle lock keeps the desk for the same
agent and clears it for another, a supervisor approves a large void. (The first run, which
makes the first account and encrypts, is tested in test_first_run.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from desk_driver import DeskDriver, household_where, press, show_active, type_here
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import accounts
from app.collection import AGENT_KEY
from app.settings import get_setting
from app.workspace import open_workspace
from ui.desktop.main_window import MainWindow
from ui.desktop.signin import SignInDialog

NOW = datetime(2024, 10, 15, 9, 0)


@pytest.fixture
def accounts_made(demo_db_path: Path, cheap_kdf: None) -> accounts.SignedIn:
    boss = accounts.create_first_account(demo_db_path, "张主任", "lengshi-2024", NOW)
    accounts.add_account(demo_db_path, boss, "李四", "agent", "258036", NOW)
    return accounts.sign_in(demo_db_path, "李四", "258036", NOW)


def test_sign_in_says_what_is_wrong_and_counts_down(
    qtbot: QtBot, demo_db_path: Path, chinese_ui: None, accounts_made: accounts.SignedIn
) -> None:
    dialog = show_active(qtbot, SignInDialog(demo_db_path, clock=lambda: NOW))
    assert dialog.name.currentText() == "张主任"  # the first account; the agent picks theirs
    dialog.name.setFocus()
    dialog.name.lineEdit().selectAll()
    type_here(qtbot, "李四")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "111222")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.message.text() == "账户名或密码不对（再错 4 次将锁定）"
    assert dialog.isVisible()
    type_here(qtbot, "258036")
    with qtbot.waitSignal(dialog.accepted):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.signed is not None and dialog.signed.name == "李四"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def locked_window(
    qtbot: QtBot, demo_db_path: Path, chinese_ui: None, accounts_made: accounts.SignedIn
) -> Iterator[tuple[MainWindow, FakeClock]]:
    workspace = open_workspace(demo_db_path, key=accounts_made.data_key)
    workspace.sign_in_as(accounts_made)
    clock = FakeClock()
    window = MainWindow(workspace, signed=accounts_made, idle_clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    yield window, clock
    if window.unlock_dialog is not None:  # tests may leave it locked; the close would wait
        window.unlock_dialog = None
    window.close()
    workspace.close()


def test_idle_time_locks_and_the_same_agent_finds_the_desk_as_left(
    qtbot: QtBot, locked_window: tuple[MainWindow, FakeClock]
) -> None:
    window, clock = locked_window
    agent = DeskDriver(qtbot, window)
    assert window.agent_label.text() == "代收员：李四"
    agent.open(household_where(window.workspace))
    agent.tick(0)
    assert window.idle is not None
    clock.now += 9 * 60
    window.idle.check()
    assert not window.locked  # nine minutes: not yet
    clock.now += 60
    window.idle.check()
    assert window.locked
    dialog = window.unlock_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert not window.centralWidget().isVisible()  # no names on screen while locked
    assert not window.menuBar().isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc does not leave a locked desk
    assert window.locked and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.secret.setFocus()
    type_here(qtbot, "258036")
    press(qtbot, Qt.Key.Key_Return)
    assert not window.locked, dialog.message.text()
    assert window.centralWidget().isVisible()
    assert agent.ticked() == [0]  # the open household and the tick survived the lock


def test_another_agent_unlocking_gets_an_empty_desk_and_their_name_on_receipts(
    qtbot: QtBot, locked_window: tuple[MainWindow, FakeClock]
) -> None:
    window, _clock = locked_window
    agent = DeskDriver(qtbot, window)
    agent.open(household_where(window.workspace))
    agent.tick(0)
    qtbot.keyClick(window.desk.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = window.unlock_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.name.setFocus()
    dialog.name.lineEdit().selectAll()
    type_here(qtbot, "张主任")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "lengshi-2024")
    press(qtbot, Qt.Key.Key_Return)
    assert not window.locked, (dialog.name.currentText(), dialog.message.text())
    assert window.desk.model.rowCount() == 0
    assert window.agent_label.text() == "管理员：张主任"
    with window.workspace.db.sessions() as session:
        assert get_setting(session, AGENT_KEY) == "张主任"


def test_a_large_void_waits_for_a_supervisors_password(
    qtbot: QtBot, locked_window: tuple[MainWindow, FakeClock]
) -> None:
    """The agent 李四 voids a 760-yuan receipt with the limit at 500: the supervisor types
    their name and password in the approval dialog, and the void names them."""
    from test_dayclose_ui import open_receipts, pay_behind, void_highlighted

    from app import ledger
    from app.accounts import VOID_APPROVAL_KEY
    from app.settings import set_setting
    from db.models import LedgerEvent, ReceiptVoid

    window, _clock = locked_window
    workspace = window.workspace
    with workspace.db.sessions.begin() as session:
        set_setting(session, VOID_APPROVAL_KEY, "50000")
    paid = pay_behind(workspace)
    assert paid.total_fen > 50000
    receipts = open_receipts(qtbot, window)
    void_highlighted(qtbot, receipts, "收错户")
    qtbot.waitUntil(lambda: receipts.approval_dialog is not None)
    ask = receipts.approval_dialog
    assert ask is not None and ask.windowTitle() == "管理员批准"
    assert "须管理员" in ask.intro.text()
    qtbot.waitUntil(ask.isActiveWindow)
    assert ask.name.currentText() == "张主任"  # the supervisor is offered
    ask.secret.setFocus()
    type_here(qtbot, "wrong-secret")
    press(qtbot, Qt.Key.Key_Return)
    assert "账户名或密码不对" in ask.message.text()
    type_here(qtbot, "lengshi-2024")
    with qtbot.waitSignal(receipts.voided, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)
    with workspace.db.sessions() as session:
        assert session.query(ReceiptVoid).count() == 1
        event = session.query(LedgerEvent).filter_by(kind="void").one()
        body = ledger.body_of(event)
    assert body["approved_by"] == "张主任" and body["agent"] == "李四"
    receipts.reject()


def test_the_agent_changes_their_own_password_in_settings(
    qtbot: QtBot, locked_window: tuple[MainWindow, FakeClock], demo_db_path: Path
) -> None:
    """设置 → 修改密码: a wrong current password is said, then the new one signs in and the
    old one no longer does; the database file is not touched."""
    window, _clock = locked_window
    before = demo_db_path.read_bytes()
    dialog = window.change_password()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.windowTitle() == "修改密码"
    for text in ("000000", "369147", "369147"):  # a wrong current PIN
        type_here(qtbot, text)
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and "不对" in dialog.message.text()
    assert QApplication.focusWidget() is dialog.old
    type_here(qtbot, "258036")
    with qtbot.waitSignal(dialog.accepted):
        press(qtbot, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "密码已修改。"
    assert accounts.sign_in(demo_db_path, "李四", "369147", NOW).name == "李四"
    with pytest.raises(accounts.KeyringError):
        accounts.sign_in(demo_db_path, "李四", "258036", NOW)
    assert demo_db_path.read_bytes() == before
