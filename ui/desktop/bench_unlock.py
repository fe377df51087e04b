"""Password to a usable desk, with the real Argon2id cost, for `python -m bench`."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

RUNS = 5
GIVE_UP_MS = 10_000
NAME, SECRET = "基准", "bench-secret-2024"


def unlock_latency(demo_db: Path, work: Path, runs: int = RUNS) -> dict[str, Any]:
    """Two figures: signing in at the start (key unwrap, database open, window built and
    painted), and unlocking an idle-locked desk (key unwrap, the desk painted again)."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from app import accounts
    from app.workspace import open_workspace
    from ui.desktop.bootstrap import install_translators, register_cjk_font
    from ui.desktop.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    register_cjk_font()
    translators = install_translators(app)
    db = work / "unlock-ui.db"
    shutil.copyfile(demo_db, db)
    accounts.create_first_account(db, NAME, SECRET, datetime.now())

    loop = QEventLoop()
    state: dict[str, Any] = {"target": None, "done": 0.0}

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            target = state["target"]
            if (
                target is not None
                and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
                and watched.window() is target
            ):
                state["target"] = None
                QTimer.singleShot(0, finish)  # behind the paint and its flush
            return False

    def finish() -> None:
        state["done"] = time.perf_counter()
        loop.quit()

    def until_painted(started: float) -> float:
        QTimer.singleShot(GIVE_UP_MS, loop.quit)
        if not state["done"]:
            loop.exec()
        if not state["done"]:
            raise RuntimeError(f"nothing painted within {GIVE_UP_MS} ms")
        return (state["done"] - started) * 1000

    watch = PaintWatch()
    app.installEventFilter(watch)
    sign_ins: list[float] = []
    unlocks: list[float] = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            signed = accounts.sign_in(db, NAME, SECRET, datetime.now())
            workspace = open_workspace(db, key=signed.data_key)
            window = MainWindow(workspace, signed=signed)
            state.update(target=window, done=0.0)
            window.show()
            sign_ins.append(until_painted(started))
            QTest.qWaitForWindowExposed(window)
            dialog = window.lock()
            assert dialog is not None
            QTest.qWaitForWindowExposed(dialog)
            dialog.secret.setText(SECRET)
            state.update(target=window, done=0.0)
            started = time.perf_counter()
            dialog.submit()
            unlocks.append(until_painted(started))
            window.close()
            workspace.close()
    finally:
        app.removeEventFilter(watch)
        for translator in translators:
            app.removeTranslator(translator)
    return {
        "runs": runs,
        "sign_in_to_desk_median_ms": round(statistics.median(sign_ins)),
        "unlock_median_ms": round(statistics.median(unlocks)),
        "target_ms": 1000,
    }


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description="登录、解锁到可用收费台的时间")
    parser.add_argument("--db", required=True, help="演示数据库（会复制一份来加密）")
    parser.add_argument("--work", required=True, help="放加密副本的文件夹")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    figures = unlock_latency(Path(args.db), Path(args.work), args.runs)
    out(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
