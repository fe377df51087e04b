"""日结: close the day at the counter.

A blind cash count comes first: one field per denomination and a running total, and nothing
of what the drawer should hold is shown until the agent presses 核对. Then the receipts by
method, the expected cash and the difference (长款/短款, which needs a reason), the ranges, voids
and gaps, and the deposit reference and time. 确认日结 records the signed remittance on the
desk's worker and saves the 上解单 PDF beside the receipts. Enter moves on, Ctrl+Enter takes the
next step; every refusal is the app's Chinese message, shown in place with nothing typed lost."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.dayclose import (
    DENOMINATIONS_FEN,
    MAX_REASON,
    MAX_REFERENCE,
    Count,
    DayCloseError,
    Preview,
    Remittance,
    close_day,
    denomination_label,
    parse_count,
    preview,
    remittances,
)
from app.money import format_yuan
from app.workspace import Workspace
from db.database import Database
from printing.devices import PrintError
from printing.slips import save_slip, slip_name, write_slip
from ui.desktop.errors import report_bug
from ui.desktop.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger("village_collect.desktop")

_RED = "color: #b00020;"
_AMBER = "color: #9a6700;"
_GREEN = "color: #1b7f2a;"
_GREY = "color: #666666;"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
TOTAL_POINT_SIZE = 18
DEPOSIT_FORMAT = "yyyy-MM-dd HH:mm"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class ClosedDay:
    """A close recorded, and where its slip went (`slip` None with `slip_error` if it failed:
    the close stands either way)."""

    remittance: Remittance
    slip: Path | None
    slip_error: str = ""


def save_slip_of(db: Database, done: Remittance) -> ClosedDay:
    """Save the 上解单 of a recorded close beside the receipts (on the worker); a failure is
    told in `slip_error`, not raised: the close stands either way. A close's dialog and a
    reprint from the list of closes both print through this."""
    try:
        return ClosedDay(done, save_slip(db, done))
    except PrintError as exc:
        return ClosedDay(done, None, str(exc))
    except Exception as exc:  # say the slip failed, log why
        log.exception("Saving the remittance slip of %s failed", done.event_id)
        return ClosedDay(done, None, str(exc) or type(exc).__name__)


class CountEdit(QLineEdit):
    """张数 of one denomination; ↑ and ↓ move between the rows (Enter moves down too)."""

    step = Signal(int)  # -1 up, +1 down

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.step.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        super().keyPressEvent(event)


def _sized(font: QFont, points: int) -> QFont:
    font = QFont(font)
    font.setPointSize(points)
    font.setBold(True)
    return font


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first} – {last}"


class DayCloseDialog(QDialog):
    """日结 of everything on this computer not yet remitted."""

    checked = Signal()  # the count was accepted and the expected figures are showing
    refused = Signal(str)  # a message shown; nothing was written
    closed_day = Signal(object)  # ClosedDay
    slip_saved = Signal(str)  # where "Save slip as…" wrote it

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        log_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.runner = runner
        self.log_path = log_path
        self.today = workspace.today
        self.count: Count | None = None  # set by 核对
        self.closed: ClosedDay | None = None
        self._busy = False
        # Opening a file in the system viewer; tests record the call instead.
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.setWindowTitle(self.tr("Close the day {date}").format(date=self.today.isoformat()))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview: Preview = preview(workspace.db)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_RED)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if self.preview.empty:
            self._build_empty()
        else:
            self._build()

    # --- construction -------------------------------------------------------------------

    def _build_empty(self) -> None:
        self.fields: dict[int, CountEdit] = {}
        self.nothing = QLabel(
            self.tr("Nothing to close: every receipt on this computer has been remitted.")
        )
        self.nothing.setObjectName("nothing")
        self.nothing.setWordWrap(True)
        last = remittances(self.workspace.db)[:1]
        self.last_close = QLabel()
        if last:
            self.last_close.setText(
                self.tr("Last close: {date}, {count} receipts, deposit reference {reference}.")
                .format(
                    date=last[0].business_day.isoformat(),
                    count=len(last[0].preview.receipts),
                    reference=last[0].reference,
                )
            )  # fmt: skip
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.nothing)
        layout.addWidget(self.last_close)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)
        self.close_button.setFocus()

    def _build(self) -> None:
        self._build_count()
        self._build_expected()
        self._build_deposit()
        self._build_buttons()
        self.placeholder = QLabel(
            self.tr(
                "The receipts by method, the expected cash and the difference appear here "
                "after Check."
            )
        )
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet(_GREY)
        right = QVBoxLayout()
        right.addWidget(self.placeholder, 1)
        right.addWidget(self.expected_box)
        right.addWidget(self.deposit_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(self.count_box, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addLayout(self.button_row)
        order: list[QWidget] = [
            *self.fields.values(), self.check_button, self.reason, self.reference,
            self.deposited_at, self.confirm_button, self.open_button, self.save_button,
            self.close_button,
        ]  # fmt: skip
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.next_step)
        self.resize(1000, 620)
        self.fields[DENOMINATIONS_FEN[0]].setFocus()

    def _build_count(self) -> None:
        self.count_box = QGroupBox(self.tr("1 · Count the cash (blind)"))
        intro = QLabel(
            self.tr(
                "Count the cash in the drawer and type how many notes and coins of each kind. "
                "What the drawer should hold is shown only after Check."
            )
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Denomination")), 0, 0)
        grid.addWidget(QLabel(self.tr("Pieces")), 0, 1)
        grid.addWidget(QLabel(self.tr("Amount")), 0, 2)
        self.fields = {}
        self.subtotals: dict[int, QLabel] = {}
        for row, fen in enumerate(DENOMINATIONS_FEN, start=1):
            field = CountEdit()
            field.setObjectName(f"count-{fen}")
            field.setMaxLength(7)
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.textChanged.connect(self._update_count)
            field.step.connect(self._step)
            label = QLabel(denomination_label(fen))
            label.setBuddy(field)
            subtotal = QLabel()
            subtotal.setAlignment(_RIGHT)
            grid.addWidget(label, row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(subtotal, row, 2)
            self.fields[fen] = field
            self.subtotals[fen] = subtotal
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.counted = QLabel()
        self.counted.setObjectName("counted")
        self.counted.setFont(_sized(self.counted.font(), TOTAL_POINT_SIZE))
        self.count_problem = QLabel()
        self.count_problem.setWordWrap(True)
        self.count_problem.setStyleSheet(_RED)
        self.check_button = QPushButton(self.tr("&Check"))
        self.check_button.setToolTip(
            self.tr("Fix the count and show the expected figures (Ctrl+Enter)")
        )
        self.check_button.clicked.connect(self.check)
        layout = QVBoxLayout(self.count_box)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.counted)
        layout.addWidget(self.count_problem)
        layout.addWidget(self.check_button)
        layout.addStretch(1)
        self._update_count()

    def _build_expected(self) -> None:
        self.expected_box = QGroupBox(self.tr("2 · Expected and the difference"))
        self.methods = QTableWidget(0, 3)
        self.methods.setObjectName("methods")
        self.methods.setHorizontalHeaderLabels(
            [self.tr("Method"), self.tr("Receipts"), self.tr("Amount")]
        )
        self.methods.verticalHeader().hide()
        self.methods.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.methods.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.methods.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.methods.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.expected_cash = QLabel()
        self.expected_cash.setObjectName("expected-cash")
        self.counted_cash = QLabel()
        self.difference = QLabel()
        self.difference.setObjectName("difference")
        self.difference.setFont(_sized(self.difference.font(), TOTAL_POINT_SIZE))
        self.ranges = QLabel()
        self.voids = QLabel()
        self.gaps = QLabel()
        for label in (self.ranges, self.voids, self.gaps):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText(self.tr("e.g. change given wrongly to a household"))
        self.reason_label = QLabel(self.tr("&Reason for the difference (required):"))
        self.reason_label.setBuddy(self.reason)
        form = QFormLayout()
        form.addRow(self.tr("Expected cash:"), self.expected_cash)
        form.addRow(self.tr("Counted cash:"), self.counted_cash)
        form.addRow(self.tr("Difference:"), self.difference)
        form.addRow(self.tr("Receipt numbers:"), self.ranges)
        form.addRow(self.tr("Voided:"), self.voids)
        form.addRow(self.tr("Missing numbers:"), self.gaps)
        form.addRow(self.reason_label, self.reason)
        layout = QVBoxLayout(self.expected_box)
        layout.addWidget(self.methods)
        layout.addLayout(form)
        self.expected_box.hide()

    def _build_deposit(self) -> None:
        self.deposit_box = QGroupBox(self.tr("3 · Deposit"))
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setMaxLength(MAX_REFERENCE)
        self.reference.setPlaceholderText(self.tr("Bank slip no. or POS reference"))
        reference_label = QLabel(self.tr("Deposit re&ference:"))
        reference_label.setBuddy(self.reference)
        self.deposited_at = QDateTimeEdit(
            QDateTime(QDate(self.today.year, self.today.month, self.today.day), QTime.currentTime())
        )
        self.deposited_at.setDisplayFormat(DEPOSIT_FORMAT)
        deposited_label = QLabel(self.tr("Deposited &at:"))
        deposited_label.setBuddy(self.deposited_at)
        form = QFormLayout(self.deposit_box)
        form.addRow(reference_label, self.reference)
        form.addRow(deposited_label, self.deposited_at)
        self.deposit_box.hide()

    def _build_buttons(self) -> None:
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.hide()
        self.confirm_button = QPushButton(self.tr("Confirm day close (Ctrl+Enter)"))
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.confirm)
        self.open_button = QPushButton(self.tr("&Open slip"))
        self.open_button.clicked.connect(self.open_slip)
        self.save_button = QPushButton(self.tr("&Save slip as…"))
        self.save_button.clicked.connect(self.save_slip_as)
        self.close_button = QPushButton(self.tr("Cancel"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.open_button, self.save_button):
            button.hide()
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        for button in (self.confirm_button, self.open_button, self.save_button):
            self.button_row.addWidget(button)
        self.button_row.addWidget(self.close_button)

    # --- the count ----------------------------------------------------------------------

    def texts(self) -> dict[int, str]:
        return {fen: field.text() for fen, field in self.fields.items()}

    @Slot()
    def _update_count(self) -> None:
        """The running total of what is typed so far; a bad row is named, not counted."""
        total, problem = 0, ""
        for fen, field in self.fields.items():
            try:
                pieces = parse_count({fen: field.text()}).pieces.get(fen, 0)
            except DayCloseError as exc:
                problem = problem or str(exc)
                self.subtotals[fen].setText("")
                continue
            total += fen * pieces
            self.subtotals[fen].setText(format_yuan(fen * pieces) if pieces else "")
        self.counted.setText(self.tr("Counted {amount}").format(amount=format_yuan(total)))
        self.count_problem.setText(problem)

    @Slot(int)
    def _step(self, step: int) -> None:
        fields = list(self.fields.values())
        sender = self.sender()
        if sender in fields:
            index = fields.index(sender) + step
            if 0 <= index < len(fields):
                fields[index].setFocus(Qt.FocusReason.TabFocusReason)
                fields[index].selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter moves on (a field, or the next button), never presses a button by surprise.
        if event.key() in _ENTER and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    @Slot()
    def next_step(self) -> None:
        """Ctrl+Enter: 核对 while counting, 确认日结 after."""
        if self.closed is not None or self.preview.empty:
            return
        if self.count is None:
            self.check()
        else:
            self.confirm()

    @Slot()
    def check(self) -> None:
        """核对: fix the count, then show what the drawer should hold and the difference."""
        if self.count is not None or self.preview.empty:
            return
        try:
            count = parse_count(self.texts())
        except DayCloseError as exc:
            self._refuse(str(exc), self._bad_field())
            return
        self.preview = preview(self.workspace.db)  # the latest, in case a sync came in
        if self.preview.empty:
            self._refuse(self.tr("Nothing to close: every receipt has been remitted."), None)
            return
        self.count = count
        for field in self.fields.values():
            field.setReadOnly(True)
        self.check_button.setEnabled(False)
        self.error.clear()
        self._show_expected()
        self.confirm_button.setEnabled(True)
        (self.reason if self.difference_fen else self.reference).setFocus(
            Qt.FocusReason.OtherFocusReason
        )
        self.checked.emit()

    def _bad_field(self) -> CountEdit | None:
        for fen, field in self.fields.items():
            try:
                parse_count({fen: field.text()})
            except DayCloseError:
                return field
        return None

    @property
    def difference_fen(self) -> int:
        counted = self.count.total_fen if self.count is not None else 0
        return counted - self.preview.expected_cash_fen

    def _show_expected(self) -> None:
        seen = self.preview
        rows = [(m.label, m.receipts, m.total_fen) for m in seen.by_method]
        rows.append((self.tr("Total"), len(seen.receipts), seen.total_fen))
        self.methods.setRowCount(len(rows))
        for row, (label, receipts, fen) in enumerate(rows):
            for column, text in enumerate((label, str(receipts), format_yuan(fen))):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(_RIGHT)
                self.methods.setItem(row, column, item)
        height = self.methods.horizontalHeader().height() + 2 * self.methods.frameWidth()
        height += sum(self.methods.rowHeight(r) for r in range(len(rows)))
        self.methods.setFixedHeight(height)
        self.expected_cash.setText(format_yuan(seen.expected_cash_fen))
        counted = self.count.total_fen if self.count is not None else 0
        self.counted_cash.setText(format_yuan(counted))
        difference = self.difference_fen
        if difference < 0:
            text, style = self.tr("Short {amount}"), _RED
        elif difference > 0:
            text, style = self.tr("Over {amount}"), _AMBER
        else:
            text, style = self.tr("No difference"), _GREEN
        self.difference.setText(text.format(amount=format_yuan(abs(difference))))
        self.difference.setStyleSheet(style)
        none = self.tr("None")
        self.ranges.setText("; ".join(_span(a, b) for a, b in seen.ranges) or none)
        self.voids.setText(
            "; ".join(
                self.tr("{receipt} ({reason})").format(receipt=r, reason=why)
                for r, why in seen.voided
            )
            or none
        )
        self.gaps.setText(", ".join(seen.gaps) or none)
        self.gaps.setStyleSheet(_RED if seen.gaps else "")
        self.reason.setVisible(bool(difference))
        self.reason_label.setVisible(bool(difference))
        self.placeholder.hide()
        self.expected_box.show()
        self.deposit_box.show()

    # --- closing ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def confirm(self) -> None:
        """确认日结: the remittance event on the worker, then the slip beside the receipts."""
        if self._busy or self.count is None or self.closed is not None:
            return
        db, count, today = self.workspace.db, self.count, self.today
        reference, reason = self.reference.text(), self.reason.text()
        deposited_at = self.deposited_at.dateTime().toString(DEPOSIT_FORMAT)

        def work(_control: TaskControl) -> ClosedDay:
            done = close_day(
                db, count=count, reference=reference, today=today, reason=reason,
                deposited_at=deposited_at,
            )  # fmt: skip
            return save_slip_of(db, done)

        task = Task(work)
        task.signals.succeeded.connect(self._closed)
        task.signals.failed.connect(self._not_closed)
        self._set_busy(True)
        self.runner.start(task)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.confirm_button.setEnabled(not busy and self.closed is None)
        self.close_button.setEnabled(not busy)

    @Slot(object)
    def _not_closed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, DayCloseError):
            report_bug(type(exc), exc, exc.__traceback__, self.log_path, self)
            return
        message = str(exc)
        blamed: QWidget | None = None
        if "原因" in message:
            blamed = self.reason
        elif "参考号" in message:
            blamed = self.reference
        self._refuse(message, blamed)

    def _refuse(self, message: str, blamed: QWidget | None) -> None:
        self.error.setText(message)
        if blamed is not None:
            blamed.setFocus(Qt.FocusReason.OtherFocusReason)
        self.refused.emit(message)

    @Slot(object)
    def _closed(self, closed: ClosedDay) -> None:
        self.closed = closed
        self._set_busy(False)
        done = closed.remittance
        for field in (self.reason, self.reference):
            field.setReadOnly(True)
        self.deposited_at.setReadOnly(True)
        self.confirm_button.hide()
        self.error.clear()
        text = self.tr(
            "The day is closed: {count} receipts, {total}; cash counted {counted}. "
            "These receipts can no longer be voided."
        ).format(
            count=len(done.preview.receipts),
            total=format_yuan(done.preview.total_fen),
            counted=format_yuan(done.counted_fen),
        )
        if closed.slip is not None:
            text += "\n" + self.tr("Remittance slip saved: {path}").format(path=closed.slip)
            self.open_button.show()
        else:
            text += "\n" + self.tr(
                "The remittance slip was not saved: {reason}. Use Save slip as… to try again."
            ).format(reason=closed.slip_error)
        self.outcome.setText(text)
        self.outcome.show()
        self.save_button.show()
        self.close_button.setText(self.tr("Close"))
        (self.open_button if closed.slip is not None else self.save_button).setFocus()
        self.closed_day.emit(closed)

    # --- the slip -----------------------------------------------------------------------

    @Slot()
    def open_slip(self) -> None:
        """Open the saved slip in the system's PDF viewer, to look at or print."""
        if self.closed is not None and self.closed.slip is not None:
            self.open_url(QUrl.fromLocalFile(str(self.closed.slip)))

    def choose_slip_file(self, suggested: Path) -> Path | None:
        """Ask where to save the slip (tests replace this to avoid a real file dialog)."""
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save remittance slip"), str(suggested), self.tr("PDF files (*.pdf)")
        )
        return Path(name) if name else None

    @Slot()
    def save_slip_as(self) -> None:
        if self.closed is None or self._busy:
            return
        done = self.closed.remittance
        folder = self.closed.slip.parent if self.closed.slip is not None else Path.home()
        path = self.choose_slip_file(folder / slip_name(done))
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        db = self.workspace.db

        def work(_control: TaskControl) -> Path:
            return write_slip(db, done, path)

        task = Task(work)
        task.signals.succeeded.connect(self._saved_as)
        task.signals.failed.connect(self._not_saved)
        self._set_busy(True)
        self.runner.start(task)

    @Slot(object)
    def _saved_as(self, path: Path) -> None:
        self._set_busy(False)
        assert self.closed is not None
        self.closed = ClosedDay(self.closed.remittance, path)
        self.error.clear()
        self.outcome.setText(
            self.outcome.text().split("\n")[0]
            + "\n"
            + self.tr("Remittance slip saved: {path}").format(path=path)
        )
        self.open_button.show()
        self.open_button.setFocus()
        self.slip_saved.emit(str(path))

    @Slot(object)
    def _not_saved(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, PrintError):
            report_bug(type(exc), exc, exc.__traceback__, self.log_path, self)
            return
        self._refuse(str(exc), None)

    def reject(self) -> None:
        # Not while the close is being written: its answer must reach the window.
        if not self._busy:
            super().reject()
