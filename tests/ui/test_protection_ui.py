"""The desk's backups (after a close, on exit), the start-up check offering the latest good
backup, and the menus that reach progress and past closes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app import accounts
from app.backup import backup_files, create_backup
from app.workspace import open_workspace
from ui.desktop.main_window import MainWindow
from ui.desktop.recovery import open_checked

NOW = datetime(2024, 10, 15, 9, 0)


@pytest.fixture
def signed(demo_db_path: Path, cheap_kdf: None) -> accounts.SignedIn:
    return accounts.create_first_account(demo_db_path, "张主任", "lengshi-2024", NOW)


@pytest.fixture
def signed_window(
    qtbot: QtBot, demo_db_path: Path, chinese_ui: None, signed: accounts.SignedIn
) -> Iterator[MainWindow]:
    workspace = open_workspace(demo_db_path, key=signed.data_key)
    window = MainWindow(workspace, signed=signed)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    workspace.close()


def test_a_backup_follows_a_day_close_and_another_the_exit(
    qtbot: QtBot, signed_window: MainWindow, demo_db_path: Path
) -> None:
    folder = demo_db_path.parent / "backups"
    with qtbot.waitSignal(signed_window.backed_up) as made:
        signed_window.back_up()  # what _day_closed calls once the remittance is recorded
    assert Path(made.args[0]).parent == folder
    assert "已备份" in signed_window.statusBar().currentMessage()
    with qtbot.waitSignal(signed_window.backed_up):
        signed_window.close()
    assert len(backup_files(folder)) == 2


def test_a_failed_backup_is_said_and_the_desk_goes_on(
    qtbot: QtBot, signed_window: MainWindow, tmp_path: Path
) -> None:
    from app.backup import set_backup_folder

    stick = tmp_path / "U盘"
    (stick / "backups").mkdir(parents=True)
    set_backup_folder(signed_window.workspace.db, stick / "backups")
    (stick / "backups").rmdir()
    stick.rmdir()  # the stick was pulled out
    signed_window.back_up()
    qtbot.waitUntil(lambda: signed_window.backup_error != "")
    assert "U盘" in signed_window.backup_error
    (stick / "backups").mkdir(parents=True)  # plugged in again: the exit's backup goes there
    with qtbot.waitSignal(signed_window.backed_up):
        signed_window.close()


def press_enter_on_boxes(qtbot: QtBot, seen: list[str]) -> QTimer:
    """Answer each message box with its default button, noting its text (modal boxes run
    their own loop; this timer runs inside it)."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append(box.text())
            qtbot.keyClick(box, Qt.Key.Key_Return)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    timer.start()
    return timer


def test_a_database_replaced_by_garbage_offers_the_latest_good_backup(
    qtbot: QtBot, demo_db_path: Path, chinese_ui: None, signed: accounts.SignedIn
) -> None:
    good = create_backup(demo_db_path, key=signed.data_key)
    demo_db_path.write_bytes(b"\x07" * 65536)
    seen: list[str] = []
    timer = press_enter_on_boxes(qtbot, seen)
    try:
        workspace = open_checked(demo_db_path, None, signed)
    finally:
        timer.stop()
    assert workspace is not None
    try:
        assert workspace.demo == "lengshi"
    finally:
        workspace.close()
    assert "数据库已损坏" in seen[0] and str(good) in seen[0]
    assert list(demo_db_path.parent.glob("demo.db.before-restore-*"))  # the garbage is kept


def test_the_menus_reach_progress_and_past_closes(qtbot: QtBot, signed_window: MainWindow) -> None:
    signed_window.activateWindow()
    qtbot.waitUntil(signed_window.isActiveWindow)
    qtbot.keyClick(signed_window.search_box, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    progress = signed_window.progress_dialog
    assert progress is not None
    qtbot.waitExposed(progress)
    with qtbot.waitSignal(progress.finished):
        progress.reject()
    qtbot.waitUntil(signed_window.isActiveWindow)
    qtbot.keyClick(
        signed_window.search_box,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = signed_window.remittances_page
    assert page is not None
    qtbot.waitExposed(page)
    page.reject()


def test_f6_shows_one_full_id_number_and_records_who_looked(
    qtbot: QtBot, signed_window: MainWindow
) -> None:
    from desk_driver import DeskDriver, household_where

    from app.access import reveals
    from app.identity import mask

    agent = DeskDriver(qtbot, signed_window)
    signed_window.activateWindow()
    qtbot.waitUntil(signed_window.isActiveWindow)
    agent.open(household_where(signed_window.workspace))
    member = signed_window.desk.model.member(0)
    assert member is not None
    model = signed_window.desk.model
    shown_id = model.data(model.index(0, model.ID_NUMBER))
    assert shown_id == mask(member.id_number) != member.id_number  # masked until asked
    with qtbot.waitSignal(signed_window.desk.revealed) as revealed:
        agent.key(Qt.Key.Key_F6)
    assert revealed.args == [member.id_number]
    assert member.id_number in signed_window.desk.note.text()
    (logged,) = reveals(signed_window.workspace.db)
    assert logged["person_ids"] == [member.person_id]
    assert logged["agent"] == "张主任" and logged["where"] == "收费台"
