"""village-collect: the desktop entry point (the window, or a start-up measurement)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.accounts import SignedIn

# Taken before Qt and SQLAlchemy load (they are imported inside main), so the start-up
# measurement includes them.
_IMPORTED = time.perf_counter()
# A launcher may pass its own time.perf_counter() here to include interpreter start-up; the
# clock (CLOCK_MONOTONIC, QueryPerformanceCounter) is system-wide on Linux, Windows and macOS.
ENV_STARTED = "VCOLLECT_STARTED"
READY_TIMEOUT_MS = 30_000
READY, NOT_READY = 0, 1  # exit codes of --quit-after-ready
QUIT_BASE = 100  # the sign-in dialog's result for them: beyond Accepted and Rejected


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own messages are English
        self.exit(2, f"命令参数错误：{message}\n用法：{self.format_usage().strip()}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="village-collect", description="村医保代收")
    parser.add_argument("--db", help="数据库文件 (或 VCOLLECT_DB)")
    parser.add_argument("--today", help="业务日期 YYYY-MM-DD (或 VCOLLECT_TODAY)")
    parser.add_argument(
        "--quit-after-ready",
        action="store_true",
        help="窗口可用时打印 ready_ms=<毫秒> 并退出 (测量启动时间)",
    )
    return parser


def started_at() -> float:
    """When the process started, as time.perf_counter() reads it."""
    try:
        return float(os.environ[ENV_STARTED])
    except (KeyError, ValueError):
        return _IMPORTED


def _report_ready(
    window: QWidget, started: float, finish: Callable[[int], None] | None = None
) -> None:
    """Print `ready_ms=` once the window has painted and the event loop is idle, then quit.

    Exits with 1 instead if the window has not painted within READY_TIMEOUT_MS (no display)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    give_up = QTimer(window)
    give_up.setSingleShot(True)
    give_up.setInterval(READY_TIMEOUT_MS)
    # The sign-in dialog runs its own loop: it is ended with done(), since exit() would leave
    # the application quitting and every later event loop would return at once.
    end = finish or QCoreApplication.exit
    give_up.timeout.connect(lambda: end(NOT_READY))

    def ready() -> None:
        give_up.stop()
        if sys.stdout is not None:  # a Windows GUI process has no console
            print(f"ready_ms={(time.perf_counter() - started) * 1000:.1f}", flush=True)
        # exit(), not quit(): quit() would mark the whole application as closing.
        end(READY)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                # Queued behind the paint and its flush: the agent can see and type now.
                QTimer.singleShot(0, ready)
            return False

    window.installEventFilter(FirstPaint(window))
    give_up.start()


def run_desk(
    app: QApplication, path: Path, today: str | None, signed: SignedIn, log_path: Path
) -> int:
    """The window on the signed-in data until it closes; the process exit code.

    Ending practice (Settings) closes the window: the demo data is put aside, and the desk
    opens again at once on the empty database with the county's registration open."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from app.clock import BusinessDateError
    from app.practice import PracticeError, end_practice
    from db.engine import DatabaseError
    from ui.desktop.main_window import MainWindow
    from ui.desktop.recovery import open_checked

    title = QCoreApplication.translate("main", "Cannot open the database")
    register = False
    while True:
        try:
            workspace = open_checked(path, today, signed)
        except (DatabaseError, BusinessDateError) as exc:
            QMessageBox.critical(None, title, str(exc))
            return 1
        if workspace is None:
            return 1
        try:
            window = MainWindow(workspace, log_path, signed=signed)
            window.show_for_screen()
            if register:
                window.show_enrollment()
            code = app.exec()
            window.close()
        finally:
            workspace.close()
        if not window.practice_ending:
            return code
        try:
            aside = end_practice(path, signed.data_key, datetime.now())
        except (PracticeError, DatabaseError, OSError) as exc:
            QMessageBox.critical(None, title, str(exc))  # the practice data is still in place
            continue
        QMessageBox.information(
            None,
            QCoreApplication.translate("main", "Practice ended"),
            QCoreApplication.translate(
                "main",
                "The practice data is kept in {file}. This laptop now starts empty: register "
                "with the county to receive your villages' roster.",
            ).format(file=aside),
        )
        register = True


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the process exit code (non-zero when it cannot start)."""
    args = build_parser().parse_args(argv)
    started = started_at()

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from app.accounts import has_accounts
    from app.clock import BusinessDateError
    from app.logs import setup_logging
    from app.paths import ENV_DB, default_db_path
    from app.workspace import open_workspace
    from db.engine import DatabaseError
    from ui.desktop.bootstrap import install_translators, register_cjk_font
    from ui.desktop.errors import install_excepthook
    from ui.desktop.first_run import FirstRunWizard
    from ui.desktop.signin import SignInDialog

    log_path = setup_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("village-collect")
    register_cjk_font()
    translators = install_translators(app)
    previous_hook = install_excepthook(log_path)
    try:
        path = default_db_path(args.db)
        try:
            first_run = not has_accounts(path)
            if first_run:  # make (or check and migrate) the plain file before asking anything
                # A new laptop has no database yet; a path given by hand that does not exist
                # is more likely a typo or an unplugged stick, and is said so.
                fresh = not (args.db or os.environ.get(ENV_DB))
                open_workspace(path, today=args.today, create=fresh).close()
        except (DatabaseError, BusinessDateError) as exc:
            title = QCoreApplication.translate("main", "Cannot open the database")
            QMessageBox.critical(None, title, str(exc))
            return 1
        gate: SignInDialog | FirstRunWizard = (
            FirstRunWizard(path, args.today) if first_run else SignInDialog(path)
        )
        if args.quit_after_ready:  # start-up ends when the agent can type their name
            # QDialog's done: QWizard's own would first validate the page shown (empty).
            _report_ready(gate, started, lambda code: QDialog.done(gate, QUIT_BASE + code))
        gate.show()
        answer = gate.exec()
        signed = gate.signed
        gate.hide()
        gate.deleteLater()
        if answer >= QUIT_BASE:
            return int(answer) - QUIT_BASE
        # Quit before signing in, or before the first account was made. A first run left
        # after that still has its account and opens the desk: the rest lives in Settings.
        if signed is None:
            return 0
        return run_desk(app, path, args.today, signed, log_path)
    finally:
        sys.excepthook = previous_hook
        for translator in translators:
            app.removeTranslator(translator)


if __name__ == "__main__":
    sys.exit(main())
