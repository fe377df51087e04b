"""上解记录: every day close on this computer, whether the county confirmed it, its slip again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.dayclose import Remittance, remittances
from app.money import format_yuan
from app.workspace import Workspace
from ui.desktop.dayclose import ClosedDay, save_slip_of
from ui.desktop.errors import report_bug
from ui.desktop.models import GREY, RowTableModel
from ui.desktop.tables import select_row, setup_table
from ui.desktop.tasks import Task, TaskControl, TaskRunner

_SHORT = QBrush(QColor(176, 0, 32))
_OVER = QBrush(QColor(154, 103, 0))
_CONFIRMED = QBrush(QColor(0, 110, 40))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first} – {last}"


class RemittanceTableModel(RowTableModel[Remittance]):
    """One close a row, newest first: the day, the money, the count, the deposit, the county."""

    DAY, RECEIPTS, TOTAL, CASH, COUNTED, DIFFERENCE, REFERENCE, CONFIRMED = range(8)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Business day"),
                self.tr("Receipts"),
                self.tr("Total due"),
                self.tr("Cash expected"),
                self.tr("Counted"),
                self.tr("Difference"),
                self.tr("Deposit reference"),
                self.tr("County confirmation"),
            ),
            parent,
        )

    def remittance(self, row: int) -> Remittance | None:
        return self.row_at(row)

    def cell(self, done: Remittance, column: int, role: int) -> Any:
        seen = done.preview
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.DAY:
                return done.business_day.isoformat()
            if column == self.RECEIPTS:
                return str(len(seen.receipts))
            if column == self.TOTAL:
                return format_yuan(seen.total_fen)
            if column == self.CASH:
                return format_yuan(seen.expected_cash_fen)
            if column == self.COUNTED:
                return format_yuan(done.counted_fen)
            if column == self.DIFFERENCE:
                return done.difference_text
            if column == self.REFERENCE:
                return done.reference
            if column == self.CONFIRMED:
                return done.confirmation_text
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.DIFFERENCE and done.reason:
                return done.reason
            if column == self.CONFIRMED and done.confirmation and done.confirmation.confirmed_by:
                return done.confirmation.confirmed_by
        elif role == Qt.ItemDataRole.ForegroundRole:
            if column == self.DIFFERENCE and done.difference_fen:
                return _SHORT if done.difference_fen < 0 else _OVER
            if column == self.CONFIRMED:
                return _CONFIRMED if done.confirmation is not None else GREY
        elif role == Qt.ItemDataRole.TextAlignmentRole and self.RECEIPTS <= column <= self.COUNTED:
            return _RIGHT
        return None


class RemittancesPage(QDialog):
    """收据 → 上解记录: the closes, newest first. Enter (or 重打上解单) saves the highlighted
    close's slip again beside the receipts, through the same code as the day close."""

    slip_reprinted = Signal(object)  # ClosedDay: the slip's path, or why it was not saved

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
        self.reprinted: ClosedDay | None = None
        self._busy = False
        # Opening a file in the system viewer; tests record the call instead.
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.setWindowTitle(self.tr("Day closes and remittances"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1100, 560)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = RemittanceTableModel(self)
        self.table = setup_table(QTableView(), self.model)
        self.table.setObjectName("remittances")
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.reprint_button = QPushButton(self.tr("&Reprint remittance slip"))
        self.reprint_button.setToolTip(self.tr("Save the highlighted close's slip again (Enter)"))
        self.reprint_button.clicked.connect(self.reprint_current)
        self.open_button = QPushButton(self.tr("&Open slip"))
        self.open_button.clicked.connect(self.open_slip)
        self.open_button.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.reprint_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        # The default button (once it is inside the dialog): Enter on the table, which passes
        # Enter on, reprints.
        self.reprint_button.setDefault(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        """Read the closes again (after a sync brought a confirmation), keeping the
        highlighted one highlighted."""
        current = self.current()
        found = remittances(self.workspace.db)
        self.model.set_rows(found)
        pending = sum(1 for r in found if r.confirmation is None)
        if found:
            self.summary.setText(
                self.tr("{count} day closes · {pending} awaiting the county's confirmation")
                .format(count=len(found), pending=pending)
            )  # fmt: skip
        else:
            self.summary.setText(self.tr("No day has been closed on this computer yet."))
        ids = [r.event_id for r in found]
        if found:
            keep = current is not None and current.event_id in ids
            self.select(ids.index(current.event_id) if current is not None and keep else 0)
        self._current_changed()

    def select(self, row: int) -> None:
        select_row(self.table, row)

    def current(self) -> Remittance | None:
        return self.model.remittance(self.table.currentIndex().row())

    @Slot()
    def _current_changed(self) -> None:
        done = self.current()
        self.reprint_button.setEnabled(done is not None and not self._busy)
        if done is None:
            self.details.clear()
            return
        seen, none = done.preview, self.tr("None")
        lines = [
            self.tr("Receipt numbers: {ranges}").format(
                ranges="; ".join(_span(a, b) for a, b in seen.ranges) or none
            ),
            self.tr("Voided: {voided}").format(
                voided="; ".join(f"{r}（{why}）" for r, why in seen.voided) or none
            ),
        ]
        if done.reason:
            lines.append(self.tr("Reason for the difference: {reason}").format(reason=done.reason))
        if done.deposited_at:
            lines.append(self.tr("Deposited at: {time}").format(time=done.deposited_at))
        if done.confirmation is not None and done.confirmation.confirmed_by:
            lines.append(self.tr("Confirmed by: {who}").format(who=done.confirmation.confirmed_by))
        self.details.setText("\n".join(lines))

    # --- the slip -----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def reprint_current(self) -> None:
        """重打上解单: the highlighted close's slip, saved again on the desk's worker."""
        done = self.current()
        if done is None or self._busy:
            return
        db = self.workspace.db

        def work(_control: TaskControl) -> ClosedDay:
            return save_slip_of(db, done)

        task = Task(work)
        task.signals.succeeded.connect(self._reprinted)
        task.signals.failed.connect(self._failed)
        self._set_busy(True)
        self.runner.start(task)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.reprint_button.setEnabled(not busy and self.current() is not None)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(not busy)

    @Slot(object)
    def _reprinted(self, closed: ClosedDay) -> None:
        self._set_busy(False)
        self.reprinted = closed
        day = closed.remittance.business_day.isoformat()
        if closed.slip is not None:
            self.outcome.setStyleSheet("")
            self.outcome.setText(
                self.tr("Remittance slip of {date} saved: {path}").format(
                    date=day, path=closed.slip
                )
            )
            self.open_button.show()
            self.open_button.setFocus()
        else:
            self.outcome.setStyleSheet("color: #b00020;")
            self.outcome.setText(
                self.tr("The remittance slip of {date} was not saved: {reason}").format(
                    date=day, reason=closed.slip_error
                )
            )
            self.open_button.hide()
            self.table.setFocus()
        self.slip_reprinted.emit(closed)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        report_bug(type(exc), exc, exc.__traceback__, self.log_path, self)

    @Slot()
    def open_slip(self) -> None:
        """Open the slip just saved in the system's PDF viewer, to look at or print."""
        if self.reprinted is not None and self.reprinted.slip is not None:
            self.open_url(QUrl.fromLocalFile(str(self.reprinted.slip)))

    def reject(self) -> None:
        # Not while a slip is being written: its answer must reach the dialog.
        if not self._busy:
            super().reject()
