"""Desktop test fixtures: offscreen Qt in Chinese, and a main window on the demo database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_driver import DeskDriver, set_printer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.workspace import Workspace
from sync.server.county import CountyDatabase
from tests.county_server import TODAY, ServerProcess, make_county, write_roster
from ui.desktop.bootstrap import install_translators, register_cjk_font
from ui.desktop.main_window import MainWindow

# Before any QApplication exists: tests must not need (or pop up on) a real display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A Qt warning fails a test (pyproject: qt_log_level_fail), as in qutebrowser; only the
# offscreen plugin's note that it cannot propagate size hints is ignored there.


@pytest.fixture(scope="session")
def chinese_ui(qapp: QApplication) -> Iterator[None]:
    """The app as users get it: Simplified Chinese and the bundled CJK font."""
    register_cjk_font()
    translators = install_translators(qapp)
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


@pytest.fixture
def window(qtbot: QtBot, demo_workspace: Workspace, chinese_ui: None) -> Iterator[MainWindow]:
    """The main window on a private demo database, shown and waiting for keys."""
    main = MainWindow(demo_workspace)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    yield main
    # Before the workspace fixture closes the database: no worker may still be writing.
    main.close()


@pytest.fixture
def agent(qtbot: QtBot, window: MainWindow) -> DeskDriver:
    """Drives the desk by keyboard, as the agent does."""
    return DeskDriver(qtbot, window)


@pytest.fixture
def receipts_dir(demo_workspace: Workspace, tmp_path: Path) -> Path:
    """Receipts print as PDFs into a private folder (a non-ASCII name, as on agents' laptops)."""
    folder = tmp_path / "收据"
    set_printer(demo_workspace, f"pdf-folder:{folder}")
    return folder


@pytest.fixture(scope="module")
def roster_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The county's roster: 60 people in whole households."""
    return write_roster(tmp_path_factory.mktemp("roster") / "county.csv", 60)


@pytest.fixture
def county(
    roster_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CountyDatabase]:
    """A county database (SQLite here: the desktop tests test the desk, tests/sync the server
    on PostgreSQL)."""
    monkeypatch.setenv("VCOLLECT_TODAY", TODAY)
    db = make_county(f"sqlite:///{tmp_path / 'county.db'}", roster_file)
    yield db
    db.close()


@pytest.fixture
def server(county: CountyDatabase) -> Iterator[ServerProcess]:
    """The county server, a real process on a free port."""
    process = ServerProcess(county.url)
    process.start()
    yield process
    process.stop()
