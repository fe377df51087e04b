"""Importing a roster from the window: off the GUI thread, with a summary, a Cancel, errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.demo.counties import LENGSHI
from app.demo.generator import HEADER, write_csv
from app.identity import check_character
from app.roster.importer import ImportReport
from app.roster.reader import RosterFileError
from app.workspace import Workspace
from ui.desktop.main_window import MainWindow

NEW_NAME = "覃新来"
NEW_ID_BODY = "43092319850317123"  # 17 digits: Anhua county, born 1985-03-17
NEW_HOUSEHOLD = "4309231012019999"


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def person_row(name: str, id_number: str, relation: str) -> list[str]:
    return [
        NEW_HOUSEHOLD, name, "01", id_number, "男", "", relation, "430923101201",
        "湖南省益阳市安化县冷市镇南华村", "", "", "",
    ]  # fmt: skip


def press_ctrl_i(
    qtbot: QtBot, window: MainWindow, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(window, "choose_roster_file", lambda: path)
    qtbot.keyClick(window.search_box, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)


def shown_box(window: MainWindow) -> QMessageBox:
    job = window.current_import
    assert job is not None and job.message_box is not None
    box = job.message_box
    assert box.isVisible()
    return box


def test_import_summarises_and_names_the_rejected_row(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good_id = NEW_ID_BODY + check_character(NEW_ID_BODY)
    other = "43092319900101456"
    bad_id = other + ("0" if check_character(other) != "0" else "1")  # wrong check character
    path = write_roster(
        tmp_path / "新增人员.csv",
        [person_row(NEW_NAME, good_id, "02"), person_row("覃坏号", bad_id, "10")],
    )
    with qtbot.waitSignal(window.import_finished, timeout=20_000) as finished:
        press_ctrl_i(qtbot, window, path, monkeypatch)
        assert not window.menus.import_action.isEnabled()  # one import at a time
    report: ImportReport = finished.args[0]
    assert report.imported == 1 and [r.row for r in report.rejected] == [3]

    job = window.current_import
    assert job is not None and not job.progress_dialog.isVisible()
    box = shown_box(window)
    assert box.windowTitle() == "导入完成"
    assert box.text() == "共 2 行：新增 1，更新 0，无变化 0，拒绝 1"
    reason = report.rejected[0].reason
    assert reason and "证件" in reason
    assert f"第 3 行：{reason}" in box.informativeText()
    assert box.informativeText().startswith("被拒绝的行")
    assert window.menus.import_action.isEnabled()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())

    # The new person is at the counter straight away, by name and by ID suffix.
    window.search_box.setFocus()
    with qtbot.waitSignal(window.searched, check_params_cb=lambda q, n: q == NEW_NAME and n == 1):
        event = QInputMethodEvent()
        event.setCommitString(NEW_NAME)
        QApplication.sendEvent(window.search_box, event)
    assert window.households.household(0).number == NEW_HOUSEHOLD  # type: ignore[union-attr]
    window.search_box.clear()
    suffix = good_id[-6:]
    with qtbot.waitSignal(window.searched, check_params_cb=lambda q, n: q == suffix):
        qtbot.keyClicks(window.search_box, suffix)
    households = [window.households.household(r) for r in range(window.households.rowCount())]
    assert NEW_HOUSEHOLD in [h.number for h in households if h is not None]
    assert window.statusBar().currentMessage() == "花名册导入：" + report.summary()


def test_cancel_stops_the_import_and_keeps_what_was_done(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "lengshi.csv"
    rows = write_csv(LENGSHI, path)
    job = window.import_file(path)
    dialog = job.progress_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "导入花名册"
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as finished:
        qtbot.waitUntil(lambda: dialog.bar.value() > 0, timeout=30_000)
        assert dialog.rows.text().startswith("已处理")
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert not dialog.cancel_button.isEnabled()
        assert dialog.rows.text().startswith("正在取消")
    report: ImportReport = finished.args[0]
    assert report.cancelled
    assert 0 < report.rows < rows
    box = shown_box(window)
    assert box.windowTitle() == "导入已取消"
    assert box.text().endswith("（已取消，其余行未导入）")
    assert not dialog.isVisible()


def test_escape_in_the_progress_dialog_cancels_too(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "lengshi.csv"
    rows = write_csv(LENGSHI, path)
    job = window.import_file(path)
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as finished:
        qtbot.keyClick(job.progress_dialog, Qt.Key.Key_Escape)
        assert job.progress_dialog.isVisible()  # until the worker has actually stopped
    assert finished.args[0].cancelled and finished.args[0].rows < rows


def test_closing_the_window_stops_the_import_first(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "lengshi.csv"
    rows = write_csv(LENGSHI, path)
    job = window.import_file(path)
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as finished:
        qtbot.waitUntil(lambda: job.progress_dialog.bar.value() > 0, timeout=30_000)
        window.close()  # returns once the worker has stopped, so the database can close
    assert finished.args[0].cancelled and finished.args[0].rows < rows
    assert job.message_box is None


def test_a_file_that_is_not_a_roster_gets_its_message(
    qtbot: QtBot,
    window: MainWindow,
    demo_workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "账本.csv"
    path.write_text("日期,金额\n2023-10-01,400\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as expected:
        demo_workspace.import_roster(path)
    with qtbot.waitSignal(window.import_finished, timeout=20_000) as finished:
        press_ctrl_i(qtbot, window, path, monkeypatch)
    assert finished.args[0] is None
    box = shown_box(window)
    assert box.windowTitle() == "无法导入花名册"
    assert box.text() == str(expected.value)
    assert window.menus.import_action.isEnabled()


def test_choosing_no_file_does_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(window, "choose_roster_file", lambda: None)
    qtbot.keyClick(window.search_box, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window.current_import is None
    assert window.menus.import_action.isEnabled()
