"""The main window: search a household as you type, collect at the desk, receipts, import,
and identity corrections for whoever the roster cannot match."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.accounts import SignedIn
from app.collection import RecordedPayment
from app.corrections import CorrectionForm, FollowUp, QueuedRequest, follow_ups
from app.dayclose import CashHeld
from app.money import format_yuan
from app.policy import Policy, PolicyError, QuoteError
from app.roster.importer import ImportReport
from app.roster.search import (
    DEFAULT_LIMIT,
    HouseholdMatch,
    Member,
    classify,
    find_households,
    load_households,
)
from app.workspace import Workspace
from printing.targets import Printed
from ui.desktop.accounts_page import AccountsDialog
from ui.desktop.backups import BackupController
from ui.desktop.cash_banner import CashBanner
from ui.desktop.correction_form import CorrectionFormDialog, OpenHousehold, blank_form
from ui.desktop.corrections_page import CorrectionsPage
from ui.desktop.dayclose import ClosedDay, DayCloseDialog
from ui.desktop.desk import CollectDesk
from ui.desktop.enrollment import EnrollDialog
from ui.desktop.idle_lock import IdleWatch
from ui.desktop.importing import RosterImport
from ui.desktop.lock_controller import LockController
from ui.desktop.menus import WindowMenus
from ui.desktop.models import HouseholdTableModel
from ui.desktop.password_dialog import PasswordDialog
from ui.desktop.practice import ask_end_practice
from ui.desktop.printer import ReceiptPrinter, where_text
from ui.desktop.printer_settings import PrinterSettingsDialog
from ui.desktop.progress_page import ProgressDialog
from ui.desktop.receipts import ReceiptsDialog
from ui.desktop.remittances_page import RemittancesPage
from ui.desktop.search_box import SearchBox
from ui.desktop.signin import SignInDialog
from ui.desktop.sync_status import SyncProblemsDialog, SyncStatusArea
from ui.desktop.syncing import SyncController, SyncOutcome
from ui.desktop.tables import setup_table
from ui.desktop.tasks import TaskRunner

# Long enough that a burst of typed digits makes one query, short enough to feel instant.
SEARCH_DELAY_MS = 150
# A search this fast runs on every keystroke: results follow the typing with no wait at all.
# Slower ones (a huge roster on an old laptop) fall back to the debounce above.
INSTANT_SEARCH_MS = 25.0
SEARCH_POINT_SIZE = 20
STATUS_MESSAGE_MS = 15_000
# How often the business date is looked at: the cash banner counts days held (限期).
DAY_CHECK_MS = 60_000
PREFERRED_SIZE = QSize(1280, 760)


def _table(model: HouseholdTableModel) -> QTableView:
    return setup_table(QTableView(), model)


class MainWindow(QMainWindow):
    """The counter screen; everything is reachable from the keyboard."""

    searched = Signal(str, int)  # query, households found
    household_opened = Signal(object)  # HouseholdMatch
    import_finished = Signal(object)  # ImportReport, or None when the import failed
    payment_recorded = Signal(object)  # RecordedPayment, after the desk was reset
    correction_queued = Signal(object)  # QueuedRequest
    day_closed = Signal(object)  # ClosedDay
    business_date_changed = Signal(object)  # date
    backed_up = Signal(object)  # Path of the new backup

    def __init__(
        self,
        workspace: Workspace,
        log_path: Path | None = None,
        parent: QWidget | None = None,
        *,
        signed: SignedIn | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        # Who is at the desk (signs them in first: their name on receipts); tests put a clock
        # of their own in the idle lock.
        self.lock_controller = LockController(workspace, self, signed, idle_clock)
        self.lock_controller.agent_switched.connect(self.ready_for_next)
        self.lock_controller.message.connect(self._say)
        self.log_path = log_path
        self.runner = TaskRunner(self)
        self.backups = BackupController(
            workspace, self.runner, self, log_path, enabled=signed is not None
        )
        self.backups.backed_up.connect(self.backed_up)
        self.backups.message.connect(self._say)
        self.printer = ReceiptPrinter(workspace, self.runner, self)
        self.printer.printed.connect(self._printed)
        # Sync has its own worker: a slow network never holds up a payment or a print.
        self.sync = SyncController(workspace, self)
        self.sync.finished.connect(self._synced)
        self.sync.finished.connect(self._refresh_corrections)  # decisions come in the pull
        self.current_import: RosterImport | None = None
        self.receipts_dialog: ReceiptsDialog | None = None
        self.enroll_dialog: EnrollDialog | None = None
        self.problems_dialog: SyncProblemsDialog | None = None
        self.correction_form: CorrectionFormDialog | None = None
        self.corrections_page: CorrectionsPage | None = None
        self.dayclose_dialog: DayCloseDialog | None = None
        self.remittances_page: RemittancesPage | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.practice_ending = False  # closed to end practice: the desk reopens (main.py)
        self._sync_asked = False
        self.last_receipt: str | None = None
        self._last_query: str | None = None
        self._last_dir = Path.home()

        self.setWindowTitle(self.window_title())
        self._build_search()
        self._build_tables()
        self._build_layout()
        self.menus = WindowMenus(self)
        self._build_status_bar()
        self.resize(PREFERRED_SIZE)
        self.search_box.setFocus()
        # The business date as time goes by (tests put a clock of their own here).
        self.business_clock: Callable[[], date] = self._business_date_now
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(DAY_CHECK_MS)
        self.day_timer.timeout.connect(self.check_business_date)
        self.day_timer.start()
        self.refresh_cash_banner()
        self.sync.start()

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
        self.not_found_button = QPushButton(self.tr("Cannot find the person? (F4)"))
        self.not_found_button.setToolTip(
            self.tr("Ask the county to correct the roster: not found, name or ID differs, …")
        )
        self.not_found_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F4 is the keyboard's way
        self.not_found_button.clicked.connect(self.new_correction)
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

        self.desk = CollectDesk(self.workspace, self.runner, self.log_path)
        self.desk.paid.connect(self._paid)
        self.desk.paid.connect(self.sync.request)  # after _paid: the print is queued first
        # The desk's table is the members table the search fills.
        self.members = self.desk.model
        self.member_view = self.desk.table
        self.members_label = self.desk.title

    def _build_layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.households_label)
        left_layout.addWidget(self.household_view)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.desk)
        # The desk holds the money and eight columns that must show without scrolling on a
        # 1366-pixel laptop; the result list needs only the household number and the head.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([PREFERRED_SIZE.width() // 3, 2 * PREFERRED_SIZE.width() // 3])
        splitter.setChildrenCollapsible(False)

        self.cash_banner = CashBanner(self.workspace)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.cash_banner)
        layout.addWidget(self.search_label)
        layout.addWidget(self.search_box)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.hint, 1)
        hint_row.addWidget(self.not_found_button)
        layout.addLayout(hint_row)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.search_box, self.household_view)
        self.setTabOrder(self.household_view, self.member_view)

        for keys in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(QKeySequence.StandardKey.Find)):
            shortcut = QShortcut(keys, self)
            shortcut.activated.connect(self.focus_search)

    def _build_status_bar(self) -> None:
        self.date_label = QLabel(self.date_text())
        if self.workspace.db.path is not None:
            self.date_label.setToolTip(str(self.workspace.db.path))
        self.follow_up_label = QLabel()
        self.follow_up_label.setObjectName("follow-up-count")
        self.statusBar().addPermanentWidget(self.follow_up_label)
        self.count_follow_ups()
        self.sync_status = SyncStatusArea(self.sync)
        self.sync_status.sync_requested.connect(self.sync_now)
        self.sync_status.problems_requested.connect(self.show_sync_problems)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.agent_label = self.lock_controller.agent_label
        self.statusBar().addPermanentWidget(self.agent_label)
        self.lock_controller.show_agent()
        self.statusBar().addPermanentWidget(self.date_label)

    def date_text(self) -> str:
        return self.tr("Business date {date} · benefit year {year}").format(
            date=self.workspace.today.isoformat(), year=self.workspace.benefit_year
        )

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
        started = time.perf_counter()
        if query:
            with self.workspace.db.sessions() as session:
                found = find_households(session, query, self.workspace.benefit_year)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.search_timer.setInterval(0 if elapsed_ms <= INSTANT_SEARCH_MS else SEARCH_DELAY_MS)
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
        if household is not self.desk.household:
            self._show_members(household)
        self.desk.focus_members()
        self.household_opened.emit(household)

    def _show_members(self, household: HouseholdMatch | None) -> None:
        self.desk.show_household(household)

    def open_household(self, household_id: int, person: str = "") -> bool:
        """Open a household by id on the desk, as if searched for by its number; the cursor
        goes to the member whose ID number or name is `person` (else the first who owes)."""
        with self.workspace.db.sessions() as session:
            found = load_households(session, {household_id: None}, self.workspace.benefit_year)
        if not found:
            return False
        household = found[0]
        self.search_box.setText(household.number)
        self.search_timer.stop()  # the household is shown below: no search needed
        self._last_query = household.number
        self.households.set_households(found)
        self._select_row(0)  # shows the members
        self._show_hint(household.number, 1)
        self.desk.focus_members()
        if person:
            rows = [self.members.member(r) for r in range(self.members.rowCount())]
            row = next((r for r, m in enumerate(rows) if m and _is(m, person)), None)
            if row is not None:
                self.member_view.setCurrentIndex(self.members.index(row, self.members.NAME))
        self.household_opened.emit(household)
        return True

    @Slot()
    def focus_search(self) -> None:
        """Esc / Ctrl+F: back to the search box, its text selected so typing replaces it."""
        if self.search_box.hasFocus() and self.search_box.text():
            self.search_box.clear()
            return
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def ready_for_next(self) -> None:
        """After a payment: empty search, empty desk, the cursor in the search box."""
        self.search_box.clear()
        self.search_timer.stop()  # the clear's own search would only empty what is empty
        self._last_query = ""
        self.households.set_households(())
        self._show_members(None)
        self._show_hint()
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- collecting and receipts --------------------------------------------------------

    @Slot(object)
    def _paid(self, payment: RecordedPayment) -> None:
        self.last_receipt = payment.receipt_no
        self.menus.reprint_last_action.setEnabled(True)
        text = self.tr("Receipt {receipt} recorded: {total}, {count} people").format(
            receipt=payment.receipt_no,
            total=format_yuan(payment.total_fen),
            count=len(payment.lines),
        )
        if payment.change_fen:
            text += self.tr(", change {change}").format(change=format_yuan(payment.change_fen))
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)
        # Recorded and committed; the print is queued behind it on the same worker.
        self.printer.print_receipt(payment.receipt_no)
        self.ready_for_next()
        self.count_follow_ups()
        self.refresh_cash_banner()
        self.payment_recorded.emit(payment)

    @Slot(object)
    def _printed(self, printed: Printed) -> None:
        if printed.copy_no:
            text = self.tr("Receipt {receipt} reprinted (copy {copy}) to {where}")
        else:
            text = self.tr("Receipt {receipt} printed to {where}")
        where = where_text(printed)
        self.statusBar().showMessage(
            text.format(receipt=printed.receipt_no, copy=printed.copy_no, where=where),
            STATUS_MESSAGE_MS,
        )

    @Slot()
    def reprint_last(self) -> None:
        """Ctrl+P: the paper jammed, the villager wants another copy."""
        if self.last_receipt is not None:
            self.printer.print_receipt(self.last_receipt)

    @Slot()
    def show_receipts(self) -> ReceiptsDialog:
        """收据 → the day's receipts (reprint, void)."""
        dialog = ReceiptsDialog(self.workspace, self.runner, self.printer, self.log_path, self)
        dialog.voided.connect(self._voided)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._receipts_closed)
        self.receipts_dialog = dialog
        dialog.open()
        dialog.table.setFocus()
        return dialog

    @Slot()
    def _receipts_closed(self) -> None:
        self.receipts_dialog = None

    @Slot(str)
    def _voided(self, receipt_no: str) -> None:
        self.statusBar().showMessage(
            self.tr("Receipt {receipt} voided").format(receipt=receipt_no), STATUS_MESSAGE_MS
        )
        self.desk.refresh()  # its members may be due again
        self.refresh_cash_banner()
        self.sync.request()  # the void is a ledger event the county needs too

    # --- day close and the cash held ------------------------------------------------------

    @Slot()
    def show_day_close(self) -> DayCloseDialog:
        """收据 → 日结 (Ctrl+D): count, check, remit, print the 上解单."""
        if self.dayclose_dialog is not None:
            self.dayclose_dialog.raise_()
            return self.dayclose_dialog
        dialog = DayCloseDialog(self.workspace, self.runner, self.log_path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.closed_day.connect(self._day_closed)
        dialog.finished.connect(self._day_close_closed)
        self.dayclose_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _day_close_closed(self) -> None:
        self.dayclose_dialog = None

    @Slot(object)
    def _day_closed(self, closed: ClosedDay) -> None:
        done = closed.remittance
        self.statusBar().showMessage(
            self.tr("Day closed: {count} receipts remitted, reference {reference}").format(
                count=len(done.preview.receipts), reference=done.reference
            ),
            STATUS_MESSAGE_MS,
        )
        self.refresh_cash_banner()
        self.sync.request()  # the remittance is a ledger event the county needs
        self.back_up()
        self.day_closed.emit(closed)

    def _policy_or_none(self) -> Policy | None:
        try:
            return self.desk.policy()
        except PolicyError:
            return None  # the default limits; the desk says why it cannot quote

    def refresh_cash_banner(self) -> CashHeld:
        """限期限额: the banner from the cash held now against the policy's limits, and the
        desk's note when the region stops cash past them."""
        self.desk.check_cash()
        return self.cash_banner.refresh(self._policy_or_none(), self.workspace.today)

    @Slot()
    def show_remittances(self) -> RemittancesPage:
        """收据 → 上解记录 (Ctrl+Shift+D): past closes, the county's confirmations, reprints."""
        if self.remittances_page is not None:
            self.remittances_page.raise_()
            return self.remittances_page
        page = RemittancesPage(self.workspace, self.runner, self.log_path, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.finished.connect(self._remittances_closed)
        self.remittances_page = page
        page.open()
        return page

    @Slot()
    def _remittances_closed(self) -> None:
        self.remittances_page = None

    @Slot()
    def show_progress(self) -> ProgressDialog:
        """报表 → 进度 (Ctrl+G): each village against its task, the charts, the 催缴清单."""
        if self.progress_dialog is not None:
            self.progress_dialog.raise_()
            return self.progress_dialog
        dialog = ProgressDialog(self.workspace, self.runner, self, log_path=self.log_path)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._progress_closed)
        self.progress_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _progress_closed(self) -> None:
        self.progress_dialog = None

    def _business_date_now(self) -> date:
        # A fixed date (demo, training) stays put; the system's moves on at midnight.
        return self.workspace.today if self.workspace.date_fixed else date.today()

    @Slot()
    def check_business_date(self) -> None:
        """On the timer: a new business date shows everywhere, and the banner counts the days."""
        day = self.business_clock()
        if day != self.workspace.today:
            self.workspace.today = day
            self.setWindowTitle(self.window_title())
            self.date_label.setText(self.date_text())
            self.count_follow_ups()
            self.business_date_changed.emit(day)
        self.refresh_cash_banner()

    @Slot()
    def printer_settings(self) -> PrinterSettingsDialog:
        dialog = PrinterSettingsDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- corrections ----------------------------------------------------------------------

    def correction_prefill(self) -> CorrectionForm:
        """What the collect screen already knows: the search text (an ID number or a name) and
        the open household, if any."""
        self._flush_search()
        kind, text = classify(self.search_box.text())
        household = self.desk.household
        return blank_form(
            id_number=text if kind == "id" else "",
            name=text if kind == "name" else "",
            household=household.number if household is not None else "",
            village=household.village_code if household is not None else "",
        )

    @Slot()
    def new_correction(self, prefill: CorrectionForm | None = None) -> CorrectionFormDialog:
        """找不到此人？ / F4 / 修正 → 新建更正申请…: the form, filled from the collect screen."""
        if self.correction_form is not None:
            self.correction_form.raise_()
            self.correction_form.activateWindow()
            return self.correction_form
        if not isinstance(prefill, CorrectionForm):  # clicked(bool) passes a bool
            prefill = self.correction_prefill()
        parent = self.corrections_page or self
        dialog = CorrectionFormDialog(self.workspace, self.runner, prefill, self.log_path, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.queued.connect(self._correction_queued)
        dialog.open_household.connect(self._open_roster_person)
        dialog.finished.connect(self._correction_form_closed)
        self.correction_form = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _correction_form_closed(self, result: int) -> None:
        self.correction_form = None
        # Back where the agent came from; after a queued request, ready for the next villager.
        if self.corrections_page is not None:
            self.corrections_page.activateWindow()
            return
        self.activateWindow()
        if result == QDialog.DialogCode.Accepted:
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            self.search_box.selectAll()

    @Slot(object)
    def _correction_queued(self, request: QueuedRequest) -> None:
        text = self.tr("Correction request for {name} saved: {state}").format(
            name=request.name, state=request.state_label
        )
        if request.merges:
            text += self.tr(" (added to the pending request)")
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)
        self.desk.refresh()  # a member of the open household may be on hold now
        self._refresh_corrections()
        self.sync.request()  # the request is a ledger event the county needs
        self.correction_queued.emit(request)

    @Slot(object)
    def _open_roster_person(self, chosen: OpenHousehold) -> None:
        self._close_corrections()
        self.activateWindow()
        self.open_household(chosen.household_id, chosen.id_number)

    @Slot()
    def show_corrections(self) -> CorrectionsPage:
        """修正 → 更正申请与待回访…"""
        if self.corrections_page is not None:
            self.corrections_page.raise_()
            return self.corrections_page
        page = CorrectionsPage(self.workspace, self)
        page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        page.new_request.connect(self.new_correction)
        page.edit_request.connect(self._edit_correction)
        page.open_follow_up.connect(self._open_follow_up)
        page.finished.connect(self._corrections_closed)
        self.corrections_page = page
        page.open()
        return page

    @Slot()
    def _corrections_closed(self) -> None:
        self.corrections_page = None

    def _close_corrections(self) -> None:
        if self.correction_form is not None:
            self.correction_form.reject()
        if self.corrections_page is not None:
            self.corrections_page.reject()

    @Slot(object)
    def _edit_correction(self, request: QueuedRequest) -> None:
        again = CorrectionForm(
            id_type=request.id_type, id_number=request.id_number, name=request.name,
            hukou_place=request.hukou_place, village=request.village_code,
            problem=request.problem, phone=request.phone, household=request.household,
            note=request.note,
        )  # fmt: skip
        self.new_correction(again)

    @Slot(object)
    def _open_follow_up(self, follow_up: FollowUp) -> None:
        self._close_corrections()
        self.activateWindow()
        self.open_household(follow_up.household_id, follow_up.name)

    @Slot()
    def _refresh_corrections(self, *_args: object) -> None:
        if self.corrections_page is not None:
            self.corrections_page.reload()
        self.count_follow_ups()

    def count_follow_ups(self) -> int:
        """待回访 N in the status bar: people the county accepted who can pay now."""
        try:
            count = len(follow_ups(self.workspace.db, self.desk.policy(), self.workspace.today))
        except (PolicyError, QuoteError):
            count = 0  # the desk says why it cannot quote
        self.follow_up_label.setText(
            self.tr("To follow up: {count} (Shift+F4)").format(count=count)
        )
        self.follow_up_label.setVisible(count > 0)
        return count

    # --- sync -----------------------------------------------------------------------------

    @Slot()
    def sync_now(self) -> None:
        """同步 / Ctrl+Shift+S: sync now; an unregistered computer is offered registration."""
        if self.sync.request():
            self._sync_asked = True
        else:
            self.show_enrollment()

    @Slot(object)
    def _synced(self, outcome: SyncOutcome) -> None:
        if self.remittances_page is not None:  # confirmations come in the pull
            self.remittances_page.reload()
        # Only a sync the agent asked for is reported here: a background one must not push a
        # payment's change amount out of the status bar. The status area shows every one.
        if not self._sync_asked:
            return
        self._sync_asked = False
        report = outcome.report
        if report is None:
            reason = self.sync.last_error or outcome.error
            text = self.tr("Sync did not finish: {reason}").format(reason=reason)
            self.statusBar().showMessage(text, STATUS_MESSAGE_MS)
            return
        text = self.tr("Synced: {sent} records sent, {changes} changes from the county").format(
            sent=report.pushed, changes=report.pulled
        )
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    @Slot()
    def show_sync_problems(self) -> SyncProblemsDialog:
        dialog = SyncProblemsDialog(self.sync.problems(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._problems_closed)
        self.problems_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _problems_closed(self) -> None:
        self.problems_dialog = None

    @Slot()
    def show_enrollment(self) -> EnrollDialog:
        """设置 → 向县医保局注册…"""
        if self.enroll_dialog is not None:
            self.enroll_dialog.raise_()
            return self.enroll_dialog
        dialog = EnrollDialog(self.sync, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._enrollment_closed)
        self.enroll_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def change_password(self) -> PasswordDialog | None:
        """设置 → 修改密码: the signed-in agent's own."""
        path = self.workspace.db.path
        if self.signed is None or path is None:
            return None
        dialog = PasswordDialog(path, self.signed.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(self.tr("Password changed."), 10_000)
        )
        dialog.open()
        return dialog

    @Slot()
    def show_accounts(self) -> AccountsDialog | None:
        """设置 → 账户管理: the supervisor's; an agent is told who may."""
        path = self.workspace.db.path
        if self.signed is None or path is None:
            return None
        if not self.signed.is_supervisor:
            self._say(self.tr("Only a supervisor manages the accounts: ask them to sign in."))
            return None
        dialog = AccountsDialog(path, self.signed, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    @Slot()
    def end_practice(self) -> bool:
        """设置 → 结束练习: after a yes, the window closes and main.py puts the demo aside."""
        if not ask_end_practice(self):
            return False
        self.practice_ending = True
        self.close()
        return True

    @Slot()
    def _enrollment_closed(self) -> None:
        self.enroll_dialog = None

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
        self.menus.import_action.setEnabled(False)
        job = RosterImport(self.workspace, self.runner, path, self, self.log_path)
        job.finished.connect(self._import_done)
        self.current_import = job
        job.start()
        return job

    @Slot(object)
    def _import_done(self, report: ImportReport | None) -> None:
        self.menus.import_action.setEnabled(True)
        if report is not None:
            self.statusBar().showMessage(
                self.tr("Roster import: {summary}").format(summary=report.summary()),
                STATUS_MESSAGE_MS,
            )
            self.refresh()
        self.import_finished.emit(report)

    # --- who is at the desk (lock_controller.py), backups (backups.py) ---------------------

    @property
    def signed(self) -> SignedIn | None:
        """The agent at the desk (None: an unencrypted training database, no sign-in)."""
        return self.lock_controller.signed

    @Slot()
    def lock(self) -> SignInDialog | None:
        """File → Lock (Ctrl+L), as the idle lock does: None when there is no one to sign in."""
        return self.lock_controller.lock()

    @property
    def locked(self) -> bool:
        return self.lock_controller.locked

    @property
    def unlock_dialog(self) -> SignInDialog | None:
        return self.lock_controller.unlock_dialog

    @unlock_dialog.setter
    def unlock_dialog(self, dialog: SignInDialog | None) -> None:
        # Tests drop a dialog they left open, so that the window closes without an unlock.
        self.lock_controller.unlock_dialog = dialog

    @property
    def idle(self) -> IdleWatch | None:
        return self.lock_controller.idle

    def back_up(self) -> None:
        """After a day close: an encrypted backup on the worker; `backed_up` when written."""
        self.backups.back_up()

    @property
    def backup_error(self) -> str:
        return self.backups.error

    @Slot(str)
    def _say(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    # --- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # An import stops at its next chunk, a sync after its current request; waiting keeps
        # the database closed cleanly.
        if self.locked:  # quitting needs the password too: the close waits for the unlock
            event.ignore()
            return
        self.lock_controller.stop()
        self.sync.shutdown()
        self.runner.shutdown()
        self.backups.back_up_on_exit()  # after the workers stopped: the copy is of settled data
        super().closeEvent(event)


def _is(member: Member, person: str) -> bool:
    return person in (member.id_number, member.name)
