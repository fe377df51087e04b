"""The 进度 screen opened to its table filled and painted, on a season's roster, for `python -m
bench` (and alone: `python -m ui.desktop.bench_progress --db SEASON.db`)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

OPENS = 5
GIVE_UP_MS = 30_000


def progress_open_latency(db_path: Path, today: str, opens: int = OPENS) -> dict[str, Any]:
    """Open the dialog `opens` times and time until its table, charts and special list are
    filled and painted (the event loop idle after the first paint that follows); beside it,
    `app.reports.workspace_progress` alone in the same process.

    Needs a QApplication (offscreen is fine); makes one if there is none."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.reports import workspace_progress
    from app.workspace import open_workspace
    from ui.desktop.bootstrap import install_translators, register_cjk_font
    from ui.desktop.progress_page import ProgressDialog
    from ui.desktop.tasks import TaskRunner

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    register_cjk_font()
    translators = install_translators(app)
    workspace = open_workspace(db_path, today=today)
    runner = TaskRunner()
    core: list[float] = []
    villages = special = 0
    try:

        def open_once() -> float:
            loop = QEventLoop()
            give_up = QTimer()
            give_up.setSingleShot(True)
            give_up.timeout.connect(loop.quit)
            filled = {"at": 0.0}
            started = time.perf_counter()
            dialog = ProgressDialog(workspace, runner)

            def painted(_progress: object) -> None:
                dialog.repaint()  # the table, charts and list with the figures, painted now
                filled["at"] = time.perf_counter()
                loop.quit()

            dialog.loaded.connect(painted)
            dialog.show()
            if not filled["at"]:
                give_up.start(GIVE_UP_MS)
                loop.exec()
            nonlocal villages, special
            villages = dialog.model.rowCount() - 1
            special = dialog.special_model.rowCount()
            dialog.close()
            dialog.deleteLater()
            if not filled["at"]:
                raise RuntimeError(f"the progress screen did not fill within {GIVE_UP_MS} ms")
            return (filled["at"] - started) * 1000

        opened = [open_once() for _ in range(opens)]
        for _ in range(opens):
            started = time.perf_counter()
            workspace_progress(workspace)
            core.append((time.perf_counter() - started) * 1000)
    finally:
        runner.shutdown()
        workspace.close()
        for translator in translators:
            app.removeTranslator(translator)
    return {
        "villages": villages,
        "special_unpaid": special,
        "opens": len(opened),
        "open_median_ms": round(statistics.median(opened)),
        "open_max_ms": round(max(opened)),
        "report_only_median_ms": round(statistics.median(core)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="进度界面的打开时间")
    parser.add_argument("--db", required=True, help="有一季收据的名册数据库")
    parser.add_argument("--today", default="2023-10-15", help="业务日期")
    parser.add_argument("--opens", type=int, default=OPENS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = progress_open_latency(Path(args.db), args.today, args.opens)
    print(" ".join(f"{key}={value}" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
