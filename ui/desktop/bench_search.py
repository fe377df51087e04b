"""Keystroke-to-results latency of the real search box on a roster, for `python -m bench`."""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

KEYSTROKES = 50
GIVE_UP_MS = 5_000  # a keystroke whose results never paint is a failure, not a long wait


def sample_queries(db_path: Path, keystrokes: int, seed: int = 7) -> list[str]:
    """What agents type, until `keystrokes` keys: the last 6 ID digits, or pinyin initials."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM person").fetchone()[0]
        queries: list[str] = []
        typed = 0
        while typed < keystrokes:
            row = conn.execute(
                "SELECT id_number, initials FROM person WHERE id >= ? ORDER BY id LIMIT 1",
                (rng.randint(1, top),),
            ).fetchone()
            text = row[0][-6:] if len(queries) % 2 == 0 else row[1][:3]
            text = text[: keystrokes - typed]
            queries.append(text)
            typed += len(text)
    finally:
        conn.close()
    return queries


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def search_latency(db_path: Path, keystrokes: int = KEYSTROKES, seed: int = 7) -> dict[str, Any]:
    """Type into the search box of a real main window and time each key until its results
    have painted (the event loop idle again after the results view's paint).

    Needs a QApplication (offscreen is fine); makes one if there is none."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.roster.search import find_households
    from app.workspace import open_workspace
    from ui.desktop.bootstrap import install_translators, register_cjk_font
    from ui.desktop.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    register_cjk_font()
    translators = install_translators(app)
    workspace = open_workspace(db_path)
    window = MainWindow(workspace)
    queries = sample_queries(db_path, keystrokes, seed)
    timings: list[float] = []
    try:
        window.show()
        QTest.qWaitForWindowExposed(window)
        viewport = window.household_view.viewport()
        loop = QEventLoop()
        state: dict[str, Any] = {"expect": None, "searched": False, "done": 0.0}

        def idle_after_paint() -> None:
            if not state["done"]:
                state["done"] = time.perf_counter()
                loop.quit()

        class PaintWatch(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and state["searched"]:
                    state["searched"] = False
                    # Queued behind this paint and the flush to the screen.
                    QTimer.singleShot(0, idle_after_paint)
                return False

        def on_searched(query: str, _count: int) -> None:
            # Only the search for what was just typed counts, not a late one for older text.
            if query == state["expect"]:
                state["searched"] = True

        watch = PaintWatch()
        viewport.installEventFilter(watch)
        window.searched.connect(on_searched)
        give_up = QTimer()
        give_up.setSingleShot(True)
        give_up.setInterval(GIVE_UP_MS)
        give_up.timeout.connect(loop.quit)
        box = window.search_box
        for query in queries:
            state["expect"] = None
            box.clear()
            window.run_search()
            QTest.qWait(20)  # let the emptied list paint before timing the first key
            for end, char in enumerate(query, start=1):
                state.update(expect=query[:end], searched=False, done=0.0)
                started = time.perf_counter()
                QTest.keyClicks(box, char)
                give_up.start()
                loop.exec()
                give_up.stop()
                if not state["done"]:
                    raise RuntimeError(f"no results painted within {GIVE_UP_MS} ms for {char!r}")
                timings.append((state["done"] - started) * 1000)
        viewport.removeEventFilter(watch)
        # The same searches without Qt: what the database part costs on its own.
        core: list[float] = []
        with workspace.db.sessions() as session:
            for query in queries:
                for end in range(1, len(query) + 1):
                    started = time.perf_counter()
                    find_households(session, query[:end], workspace.benefit_year)
                    core.append((time.perf_counter() - started) * 1000)
    finally:
        window.close()
        workspace.close()
        for translator in translators:
            app.removeTranslator(translator)
    return {
        "keystrokes": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(_percentile(timings, 0.9), 1),
        "max_ms": round(max(timings), 1),
        "search_only_median_ms": round(statistics.median(core), 1),
        "target_ms": 50,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="搜索框按键到结果显示的延迟")
    parser.add_argument("--db", required=True, help="花名册数据库（如洪湖规模演示库）")
    parser.add_argument("--keystrokes", type=int, default=KEYSTROKES)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = search_latency(Path(args.db), args.keystrokes)
    print(" ".join(f"{key}={value}" for key, value in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
