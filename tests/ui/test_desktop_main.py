"""The village-collect entry point: start-up errors in Chinese, the ready line, the bug hook."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.desktop import errors, main

Shown = list[tuple[str, str]]
NOW = datetime(2024, 10, 15, 9, 0)


@pytest.fixture
def critical(monkeypatch: pytest.MonkeyPatch) -> Shown:
    """QMessageBox.critical, recorded instead of shown: (title, text) per call."""
    shown: Shown = []

    def record(_parent: Any, title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", record)
    return shown


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() adds a file handler in this test's tmp dir; later tests must not write there."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_missing_database_is_a_chinese_message_and_exit_code(
    qapp: QApplication, critical: Shown, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = sys.excepthook
    code = main.main(["--db", str(tmp_path / "没有.db")])
    assert code != 0
    assert len(critical) == 1
    title, text = critical[0]
    assert title == "无法打开数据库"
    assert text.startswith("数据库文件不存在")
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert sys.excepthook is hook  # put back for whatever runs next in this process
    assert not (tmp_path / "没有.db").exists()


def test_corrupt_database_is_a_chinese_message(
    qapp: QApplication, critical: Shown, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "坏的.db"
    path.write_bytes(b"this is not a database, just some text\n" * 200)
    assert main.main(["--db", str(path)]) != 0
    assert [title for title, _ in critical] == ["无法打开数据库"]
    assert "已损坏" in critical[0][1]
    assert "Traceback" not in capsys.readouterr().err


def test_bad_business_date_is_a_chinese_message(
    qapp: QApplication, critical: Shown, demo_db_path: Path
) -> None:
    assert main.main(["--db", str(demo_db_path), "--today", "2023-13-45"]) != 0
    assert "日期" in critical[0][1]


def test_quit_after_ready_prints_the_start_up_time(
    qapp: QApplication, critical: Shown, demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["--db", str(demo_db_path), "--quit-after-ready"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and re.fullmatch(r"ready_ms=\d+\.\d", lines[0])
    assert critical == []
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_quit_after_ready_counts_from_the_launchers_timestamp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(main.ENV_STARTED, "12.5")
    assert main.started_at() == 12.5
    monkeypatch.setenv(main.ENV_STARTED, "not a number")
    assert main.started_at() == main._IMPORTED


def test_bad_option_is_a_chinese_usage_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main.main(["--no-such-option"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("命令参数错误")


def test_a_bug_is_logged_with_its_trace_and_shown_in_chinese(
    chinese_ui: None, critical: Shown, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    log_file = tmp_path / "village-collect.log"
    previous = errors.install_excepthook(log_file)
    try:
        try:
            raise ZeroDivisionError("division by zero in a slot")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    record = next(r for r in caplog.records if r.exc_info)
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError
    assert "division by zero in a slot" in caplog.text and "Traceback" in caplog.text
    assert len(critical) == 1
    title, text = critical[0]
    assert title == "程序错误"
    assert text.startswith("程序出错了") and str(log_file) in text
    assert "ZeroDivisionError" not in text  # the user gets words, the log gets the trace


def test_the_bug_hook_leaves_ctrl_c_alone(monkeypatch: pytest.MonkeyPatch, critical: Shown) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, v, tb: seen.append(t))
    previous = errors.install_excepthook(None)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        sys.excepthook = previous
    assert seen == [KeyboardInterrupt] and critical == []


def test_a_new_laptop_starts_with_the_first_run_wizard(
    qapp: QApplication, critical: Shown, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Installed, never started: no database in the user's data folder yet. It is made, and
    the first thing shown is the wizard (start-up ends when its first page can be typed in)."""
    monkeypatch.delenv("VCOLLECT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main.main(["--quit-after-ready"]) == 0
    assert critical == []
    assert re.fullmatch(r"ready_ms=\d+\.\d", capsys.readouterr().out.strip())
    assert (tmp_path / "data" / "village-collect" / "village-collect.db").stat().st_size > 0
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_ending_practice_reopens_the_desk_empty_and_asks_to_register(
    qapp: QApplication, critical: Shown, demo_db_path: Path, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path, cheap_kdf: None, chinese_ui: None,
) -> None:  # fmt: skip
    from PySide6.QtCore import QTimer

    from app import accounts
    from ui.desktop import main_window
    from ui.desktop.main_window import MainWindow

    signed = accounts.create_first_account(demo_db_path, "张丽", "lengshi-2024", NOW)
    told: Shown = []
    monkeypatch.setattr(main_window, "ask_end_practice", lambda _parent: True)
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text, *_a: told.append((title, text))
    )
    seen: list[tuple[str | None, bool]] = []

    def drive() -> None:
        """Acts as the agent: ends practice on the first desk, closes the second."""
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible() and w not in done), None)
        if window is None:
            return
        done.append(window)
        seen.append((window.workspace.demo, window.enroll_dialog is not None))
        if window.workspace.demo:
            assert window.menus.end_practice_action.isVisible()
            window.menus.end_practice_action.trigger()
        else:
            assert not window.menus.end_practice_action.isVisible()
            timer.stop()
            window.close()

    done: list[MainWindow] = []
    timer = QTimer()
    timer.timeout.connect(drive)
    timer.start(20)
    code = main.run_desk(qapp, demo_db_path, None, signed, tmp_path / "log.txt")
    timer.stop()
    assert code == 0 and critical == []
    assert seen == [("lengshi", False), (None, True)]  # the second opens registration
    assert len(told) == 1 and told[0][0] == "练习已结束"
    aside = next(demo_db_path.parent.glob(f"{demo_db_path.stem}.practice-*{demo_db_path.suffix}"))
    assert str(aside) in told[0][1]
