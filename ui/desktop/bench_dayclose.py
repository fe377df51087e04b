"""Ctrl+D to the day close screen painted, with many receipts not yet remitted, for
`python -m bench`."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RECEIPTS = 500
OPENS = 20
GIVE_UP_MS = 10_000
WECHAT_EVERY = 5  # every fifth payment by WeChat, the rest in cash
VOID_EVERY = 50  # and one in fifty voided: the screen lists voids too


def ensure_receipts(db_path: Path, count: int) -> int:
    """Record payments (1-2 members each) until `count` receipts are waiting for a close; the
    number waiting."""
    from sqlalchemy import select

    from app.collection import quote_household, record_payment, void_receipt
    from app.dayclose import preview
    from app.workspace import open_workspace
    from db.models import Household

    workspace = open_workspace(db_path)
    try:
        seen = preview(workspace.db)
        waiting = len(seen.receipts) + len(seen.voided)
        policy = workspace.policy()
        with workspace.db.sessions() as session:
            households = list(session.scalars(select(Household.id).order_by(Household.id)))
        for household_id in households:
            if waiting >= count:
                break
            with workspace.db.sessions() as session:
                quotes = quote_household(session, household_id, policy, workspace.today)
            payable = [q.person_id for q in quotes if q.payable]
            if not payable:
                continue
            wechat = waiting % WECHAT_EVERY == WECHAT_EVERY - 1
            paid = record_payment(
                workspace.db, policy, household_id, payable[:2],
                method="wechat" if wechat else "cash", paid_on=workspace.today,
                reference=f"BENCH{waiting:08d}" if wechat else "",
            )  # fmt: skip
            if waiting % VOID_EVERY == VOID_EVERY - 1:
                void_receipt(workspace.db, paid.receipt_no, "基准测试作废")
            waiting += 1
        return waiting
    finally:
        workspace.close()


def dayclose_open_latency(db_path: Path, opens: int = OPENS) -> dict[str, Any]:
    """Press Ctrl+D in a real main window and time until the day close dialog has painted
    (the event loop idle again after its first paint); then 核对 likewise.

    Needs a QApplication (offscreen is fine); makes one if there is none."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from app.dayclose import preview
    from app.workspace import open_workspace
    from ui.desktop.bootstrap import install_translators, register_cjk_font
    from ui.desktop.dayclose import DayCloseDialog
    from ui.desktop.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    register_cjk_font()
    translators = install_translators(app)
    workspace = open_workspace(db_path)
    window = MainWindow(workspace)
    opened: list[float] = []
    checked: list[float] = []
    receipts = 0
    try:
        window.show()
        QTest.qWaitForWindowExposed(window)
        loop = QEventLoop()
        state = {"armed": False, "done": 0.0}

        def idle_after_paint() -> None:
            if not state["done"]:
                state["done"] = time.perf_counter()
                loop.quit()

        class PaintWatch(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if (
                    state["armed"]
                    and event.type() == QEvent.Type.Paint
                    and isinstance(watched, QWidget)
                    and isinstance(watched.window(), DayCloseDialog)
                ):
                    state["armed"] = False
                    QTimer.singleShot(0, idle_after_paint)  # behind the paint and the flush
                return False

        def timed(action: Any) -> float:
            state.update(armed=True, done=0.0)
            started = time.perf_counter()
            action()
            if not state["done"]:
                give_up.start()
                loop.exec()
                give_up.stop()
            if not state["done"]:
                raise RuntimeError(f"the day close screen did not paint within {GIVE_UP_MS} ms")
            return (state["done"] - started) * 1000

        watch = PaintWatch()
        app.installEventFilter(watch)
        give_up = QTimer()
        give_up.setSingleShot(True)
        give_up.setInterval(GIVE_UP_MS)
        give_up.timeout.connect(loop.quit)
        for _ in range(opens):
            window.activateWindow()
            QTest.qWaitForWindowActive(window)  # the shortcut needs the window active
            window.search_box.setFocus()
            opened.append(
                timed(
                    lambda: QTest.keyClick(
                        window.search_box, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                    )
                )
            )
            dialog = window.dayclose_dialog
            assert dialog is not None and not dialog.preview.empty
            receipts = len(dialog.preview.receipts) + len(dialog.preview.voided)
            checked.append(timed(dialog.check))
            dialog.reject()
            QTest.qWait(20)  # the dialog is deleted before the next open
        app.removeEventFilter(watch)
        core = []
        for _ in range(opens):
            started = time.perf_counter()
            preview(workspace.db)
            core.append((time.perf_counter() - started) * 1000)
    finally:
        window.close()
        workspace.close()
        for translator in translators:
            app.removeTranslator(translator)
    return {
        "receipts": receipts,
        "opens": len(opened),
        "open_median_ms": round(statistics.median(opened), 1),
        "open_max_ms": round(max(opened), 1),
        "check_median_ms": round(statistics.median(checked), 1),
        "preview_only_median_ms": round(statistics.median(core), 1),
        "target_ms": 300,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="日结界面的打开时间")
    parser.add_argument("--db", required=True, help="演示数据库（会在其中记录待上解的收据）")
    parser.add_argument("--receipts", type=int, default=RECEIPTS, help="待上解的收据张数")
    parser.add_argument("--opens", type=int, default=OPENS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ensure_receipts(Path(args.db), args.receipts)
    result = dayclose_open_latency(Path(args.db), args.opens)
    print(" ".join(f"{key}={value}" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
