"""设置 → 账户管理 by keyboard: a supervisor adds an agent, unlocks a locked-out one, stops and
restarts an account, and resets a forgotten password; the key file says so afterwards."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from desk_driver import focused, press, show_active, type_here
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import accounts
from ui.desktop.accounts_page import AccountsDialog
from ui.desktop.password_dialog import SecretDialog

NOW = datetime(2024, 10, 15, 9, 0)
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def boss(demo_db_path: Path, cheap_kdf: None) -> accounts.SignedIn:
    signed = accounts.create_first_account(demo_db_path, "张主任", "lengshi-2024", NOW)
    accounts.add_account(demo_db_path, signed, "李四", "agent", "258036", NOW)
    return signed


@pytest.fixture
def dialog(
    qtbot: QtBot, demo_db_path: Path, boss: accounts.SignedIn, chinese_ui: None
) -> AccountsDialog:
    return show_active(qtbot, AccountsDialog(demo_db_path, boss, clock=lambda: NOW))


def rows(dialog: AccountsDialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def open_secret(qtbot: QtBot, dialog: AccountsDialog, mnemonic: Qt.Key) -> SecretDialog:
    press(qtbot, mnemonic, ALT)
    qtbot.waitUntil(lambda: dialog.secret_dialog is not None and dialog.secret_dialog.isVisible())
    secret = dialog.secret_dialog
    assert secret is not None
    secret.activateWindow()
    qtbot.waitUntil(secret.isActiveWindow)
    return secret


def test_a_supervisor_adds_an_agent(
    qtbot: QtBot, dialog: AccountsDialog, demo_db_path: Path
) -> None:
    assert dialog.windowTitle() == "账户管理"
    assert rows(dialog) == [("张主任", "管理员", "正常"), ("李四", "代收员", "正常")]
    secret = open_secret(qtbot, dialog, Qt.Key.Key_A)
    assert focused() is secret.name
    type_here(qtbot, "王五")
    press(qtbot, Qt.Key.Key_Tab)  # the role: 代收员 unless changed
    for text in ("123456", "123456"):
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, text)
    press(qtbot, Qt.Key.Key_Return)
    assert secret.isVisible() and "过于简单" in secret.message.text()
    assert focused() is secret.secret
    type_here(qtbot, "480317")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_here(qtbot, "480317")
    with qtbot.waitSignal(secret.accepted):
        press(qtbot, Qt.Key.Key_Return)
    assert ("王五", "代收员", "正常") in rows(dialog)
    assert dialog.message.text() == "已添加账户 王五（代收员）。"
    assert accounts.sign_in(demo_db_path, "王五", "480317", NOW).name == "王五"


def test_a_locked_out_agent_is_unlocked_and_a_stopped_one_cannot_sign_in(
    qtbot: QtBot, demo_db_path: Path, boss: accounts.SignedIn, chinese_ui: None
) -> None:
    for _ in range(5):
        with pytest.raises(accounts.KeyringError):
            accounts.sign_in(demo_db_path, "李四", "000000", NOW)
    shown = show_active(qtbot, AccountsDialog(demo_db_path, boss, clock=lambda: NOW))
    assert rows(shown)[1] == ("李四", "代收员", "锁定至 09:15")
    assert not shown.disable_button.isEnabled()  # the supervisor's own row is selected
    press(qtbot, Qt.Key.Key_Down)
    assert shown.selected_name() == "李四" and shown.unlock_button.isEnabled()
    press(qtbot, Qt.Key.Key_U, ALT)
    qtbot.waitUntil(lambda: rows(shown)[1][2] == "正常")  # a mnemonic clicks 100 ms later
    assert shown.message.text() == "李四 可以重新登录。"
    assert accounts.sign_in(demo_db_path, "李四", "258036", NOW).name == "李四"

    press(qtbot, Qt.Key.Key_S, ALT)  # 停用
    qtbot.waitUntil(lambda: rows(shown)[1][2] == "已停用")
    assert shown.message.text() == "李四 不能再登录。"
    with pytest.raises(accounts.KeyringError):
        accounts.sign_in(demo_db_path, "李四", "258036", NOW)
    assert shown.disable_button.text() == "重新启用(&G)"
    press(qtbot, Qt.Key.Key_G, ALT)
    qtbot.waitUntil(lambda: rows(shown)[1][2] == "正常")
    assert accounts.sign_in(demo_db_path, "李四", "258036", NOW).name == "李四"


def test_a_forgotten_password_is_reset(
    qtbot: QtBot, dialog: AccountsDialog, demo_db_path: Path
) -> None:
    press(qtbot, Qt.Key.Key_Down)
    secret = open_secret(qtbot, dialog, Qt.Key.Key_R)
    assert secret.windowTitle() == "李四 的新密码"
    assert focused() is secret.secret
    type_here(qtbot, "731946")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "731946")
    with qtbot.waitSignal(secret.accepted):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.message.text() == "已重设 李四 的密码。"
    assert accounts.sign_in(demo_db_path, "李四", "731946", NOW).name == "李四"


def test_the_settings_menu_opens_it_for_a_supervisor_only(
    qtbot: QtBot, demo_db_path: Path, boss: accounts.SignedIn, chinese_ui: None
) -> None:
    from app.workspace import open_workspace
    from ui.desktop.main_window import MainWindow

    agent = accounts.sign_in(demo_db_path, "李四", "258036", NOW)
    for signed, opens in ((agent, False), (boss, True)):
        workspace = open_workspace(demo_db_path, key=signed.data_key)
        window = MainWindow(workspace, signed=signed)
        qtbot.addWidget(window)
        try:
            assert window.menus.accounts_action.isVisible()
            window.menus.accounts_action.trigger()
            opened = window.findChild(AccountsDialog)
            if opens:
                assert opened is not None and opened.by.name == "张主任"
                opened.reject()
            else:
                assert opened is None
                assert (
                    window.statusBar().currentMessage() == "只有管理员可以管理账户：请管理员登录。"
                )
        finally:
            window.close()
            workspace.close()
