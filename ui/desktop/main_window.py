"""The main window: search a household as you type, see its members, import a roster."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.roster.importer import ImportReport
from app.roster.search import DEFAULT_LIMIT, HouseholdMatch, find_households
from app.workspace import Workspace
from ui.desktop.importing import RosterImport
from ui.desktop.models import HouseholdTableModel, MemberTableModel
from ui.desktop.search_box import SearchBox
from ui.desktop.tasks import TaskRunner

# Long enough that a burst of typed digits makes one query, short enough to feel instant.
SEARCH_DELAY_MS = 150
SEARCH_POINT_SIZE = 20
STATUS_MESSAGE_MS = 15_000
PREFERRED_SIZE = QSize(1280, 760)
ROW_HEIGHT = 1.7  # times the font's line height
CELL_PADDING = 8  # px either side of a cell's text


def _table(model: HouseholdTableModel | MemberTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Tab must leave the table (keyboard-only use); the arrows move between rows.
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setStyleSheet(f"QTableView::item {{ padding: 0 {CELL_PADDING}px; }}")
    rows = view.verticalHeader()
    rows.hide()
    # Taller rows than Qt's default: easier to read and to keep one's place at arm's length.
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(round(view.fontMetrics().height() * ROW_HEIGHT))
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return view


class MainWindow(QMainWindow):
    """The counter screen; everything is reachable from the keyboard."""

    searched = Signal(str, int)  # query, households found
    household_opened = Signal(object)  # HouseholdMatch
    import_finished = Signal(object)  # ImportReport, or None when the import failed

    def __init__(
        self, workspace: Workspace, log_path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.log_path = log_path
        self.runner = TaskRunner(self)
        self.current_import: RosterImport | None = None
        self._last_query: str | None = None
        self._last_dir = Path.home()

        self.setWindowTitle(self.window_title())
        self._build_search()
        self._build_tables()
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self.resize(PREFERRED_SIZE)
        self.search_box.setFocus()

    # --- construction -------------------------------------------------------------------

    def window_title(self) -> str:
        app = self.tr("Village Medical Insurance Collection")
        if self.workspace.demo or self.workspace.date_fixed:
            # A fixed date means practice data: nobody should take it for a real day's work.
            return self.tr("{app} — Demo {date}").format(
                app=app, date=self.workspace.today.isoformat()
            )
        return app

    def _build_search(self) -> None:
        self.search_box = SearchBox()
        self.search_box.setObjectName("search")
        font = QFont(self.search_box.font())
        font.setPointSize(SEARCH_POINT_SIZE)
        self.search_box.setFont(font)
        self.search_box.setPlaceholderText(
            self.tr("ID number / last digits / name / pinyin initials / household no.")
        )
        self.search_label = QLabel(self.tr("&Search:"))
        self.search_label.setBuddy(self.search_box)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(self.search_timer.start)
        self.search_box.navigate.connect(self.move_selection)
        self.search_box.returnPressed.connect(self.open_current)
        self._show_hint()

    def _build_tables(self) -> None:
        self.households = HouseholdTableModel(self)
        self.household_view = _table(self.households)
        self.household_view.setObjectName("households")
        # The village name takes the slack, so the numbers never hide behind a scroll bar.
        header = self.household_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(HouseholdTableModel.VILLAGE, QHeaderView.ResizeMode.Stretch)
        self.household_view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.household_view.activated.connect(self.open_current)
        self.households_label = QLabel(self.tr("&Households"))
        self.households_label.setBuddy(self.household_view)

        self.members = MemberTableModel(self)
        self.member_view = _table(self.members)
        self.member_view.setObjectName("members")
        self.members_label = QLabel()
        self.members_label.setBuddy(self.member_view)
        self._show_members(None)

    def _build_layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.households_label)
        left_layout.addWidget(self.household_view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.members_label)
        right_layout.addWidget(self.member_view)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search_label)
        layout.addWidget(self.search_box)
        layout.addWidget(self.hint)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.search_box, self.household_view)
        self.setTabOrder(self.household_view, self.member_view)

        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Find)):
            shortcut = QShortcut(keys, self)
            shortcut.activated.connect(self.focus_search)

    def _build_menus(self) -> None:
        self.file_menu = file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.import_action = QAction(self.tr("&Import roster…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.import_roster)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        self.quit_action = QAction(self.tr("E&xit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

    def _build_status_bar(self) -> None:
        self.date_label = QLabel(
            self.tr("Business date {date} · benefit year {year}").format(
                date=self.workspace.today.isoformat(), year=self.workspace.benefit_year
            )
        )
        if self.workspace.db.path is not None:
            self.date_label.setToolTip(str(self.workspace.db.path))
        self.statusBar().addPermanentWidget(self.date_label)

    def show_for_screen(self) -> None:
        """Show the window; maximised on the 1366x768 laptops where the preferred size won't fit."""
        screen = self.screen().availableGeometry()
        if screen.width() < PREFERRED_SIZE.width() or screen.height() < PREFERRED_SIZE.height():
            self.showMaximized()
        else:
            self.show()

    # --- search -------------------------------------------------------------------------

    @Slot()
    def run_search(self) -> None:
        """Search for what is in the box now (the debounce timer ends up here)."""
        self.search_timer.stop()
        query = self.search_box.text().strip()
        if query == self._last_query:
            return
        self._last_query = query
        self._search(query)

    def refresh(self) -> None:
        """Search again for the same text, e.g. after an import changed the roster."""
        self._last_query = None
        self.run_search()

    def _search(self, query: str) -> None:
        found: list[HouseholdMatch] = []
        if query:
            with self.workspace.db.sessions() as session:
                found = find_households(session, query, self.workspace.benefit_year)
        self.households.set_households(found)
        self._show_members(None)
        if len(found) == 1:
            # One result: show it at once, Enter opens it.
            self._select_row(0)
        self._show_hint(query, len(found))
        self.searched.emit(query, len(found))

    def _show_hint(self, query: str = "", count: int = 0) -> None:
        if not query:
            text = self.tr(
                "Type an ID number, its last 4–6 digits, a name, pinyin initials (e.g. zs) "
                "or a household number."
            )
        elif count == 0:
            text = self.tr("Nothing found for “{query}”.").format(query=query)
        elif count >= DEFAULT_LIMIT:
            text = self.tr("Showing the first {count} households; type more to narrow down.")
            text = text.format(count=count)
        else:
            text = self.tr("{count} households found. ↑↓ to choose, Enter to open.")
            text = text.format(count=count)
        self.hint.setText(text)

    @Slot(int)
    def move_selection(self, step: int) -> None:
        """Move the highlighted household by `step` rows (the arrows in the search box)."""
        self._flush_search()
        count = self.households.rowCount()
        if not count:
            return
        current = self.household_view.currentIndex().row()
        row = (0 if step > 0 else count - 1) if current < 0 else current + step
        self._select_row(max(0, min(count - 1, row)))

    def _select_row(self, row: int) -> None:
        index = self.households.index(row, 0)
        self.household_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.household_view.scrollTo(index)

    def _flush_search(self) -> None:
        # Keys typed faster than the debounce act on what the agent typed, not on old results.
        if self.search_timer.isActive():
            self.run_search()

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_members(self.households.household(current.row()))

    @Slot()
    def open_current(self) -> None:
        """Open the highlighted household (or the first found): its members get the focus."""
        self._flush_search()
        if not self.households.rowCount():
            return
        if self.household_view.currentIndex().row() < 0:
            self._select_row(0)
        household = self.households.household(self.household_view.currentIndex().row())
        if household is None:
            return
        self._show_members(household)
        self.member_view.setFocus()
        self.member_view.selectRow(0)
        self.household_opened.emit(household)

    def _show_members(self, household: HouseholdMatch | None) -> None:
        if household is None:
            self.members.set_members(())
            self.members_label.setText(self.tr("&Members"))
            return
        self.members.set_members(household.members)
        self.members_label.setText(
            self.tr(
                "&Members of household {number} · {township} {village} · {count} people"
            ).format(
                number=household.number,
                township=household.township_name,
                village=household.village_name,
                count=len(household.members),
            )
        )

    @Slot()
    def focus_search(self) -> None:
        """Esc / Ctrl+F: back to the search box, its text selected so typing replaces it."""
        if self.search_box.hasFocus() and self.search_box.text():
            self.search_box.clear()
            return
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # --- import ---------------------------------------------------------------------------

    def choose_roster_file(self) -> Path | None:
        """Ask for the roster file (tests replace this to avoid a real file dialog)."""
        name, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Import roster"),
            str(self._last_dir),
            self.tr("Roster files (*.csv *.xlsx);;All files (*)"),
        )
        return Path(name) if name else None

    @Slot()
    def import_roster(self) -> None:
        """File → Import roster…: choose a file and import it in the background."""
        if self.runner.busy:
            return
        path = self.choose_roster_file()
        if path is not None:
            self._last_dir = path.parent
            self.import_file(path)

    def import_file(self, path: Path) -> RosterImport:
        self.import_action.setEnabled(False)
        job = RosterImport(self.workspace, self.runner, path, self, self.log_path)
        job.finished.connect(self._import_done)
        self.current_import = job
        job.start()
        return job

    @Slot(object)
    def _import_done(self, report: ImportReport | None) -> None:
        self.import_action.setEnabled(True)
        if report is not None:
            self.statusBar().showMessage(
                self.tr("Roster import: {summary}").format(summary=report.summary()),
                STATUS_MESSAGE_MS,
            )
            self.refresh()
        self.import_finished.emit(report)

    # --- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # An import stops at its next chunk; waiting keeps the database closed cleanly.
        self.runner.shutdown()
        super().closeEvent(event)
