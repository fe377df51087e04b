"""Receipts of the day: this device's receipts, reprinting one and voiding one with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.collection import CollectionError, needs_approval, void_receipt
from app.day_receipts import DayReceipt, day_receipts
from app.money import format_yuan
from app.receipt_view import METHOD_LABELS
from app.workspace import Workspace
from ui.desktop.errors import report_bug
from ui.desktop.models import GREY, RowTableModel
from ui.desktop.printer import ReceiptPrinter
from ui.desktop.signin import SignInDialog
from ui.desktop.tables import select_row, setup_table
from ui.desktop.tasks import Task, TaskControl, TaskRunner

MAX_REASON = 200  # the void table's column


class ReceiptTableModel(RowTableModel[DayReceipt]):
    """The day's receipts: number, time, household, payer, total, method, prints, state."""

    NUMBER, TIME, HOUSEHOLD, PAYER, PEOPLE, TOTAL, METHOD, PRINTS, STATE = range(9)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Receipt no."),
                self.tr("Time"),
                self.tr("Household no."),
                self.tr("Payer"),
                self.tr("People"),
                self.tr("Total"),
                self.tr("Method"),
                self.tr("Prints"),
                self.tr("State"),
            ),
            parent,
        )

    def set_receipts(self, receipts: Sequence[DayReceipt]) -> None:
        self.set_rows(receipts)

    def receipt(self, row: int) -> DayReceipt | None:
        return self.row_at(row)

    def state_text(self, receipt: DayReceipt) -> str:
        if receipt.voided:
            return self.tr("Voided")
        return self.tr("Valid, remitted") if receipt.remitted else self.tr("Valid")

    def cell(self, receipt: DayReceipt, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NUMBER:
                return receipt.receipt_no
            if column == self.TIME:
                return receipt.issued_at.strftime("%H:%M:%S")
            if column == self.HOUSEHOLD:
                return receipt.household_no
            if column == self.PAYER:
                return receipt.payer
            if column == self.PEOPLE:
                return str(receipt.people)
            if column == self.TOTAL:
                return format_yuan(receipt.total_fen)
            if column == self.METHOD:
                return METHOD_LABELS.get(receipt.method, receipt.method)
            if column == self.PRINTS:
                return str(receipt.prints)
            if column == self.STATE:
                return self.state_text(receipt)
        elif role == Qt.ItemDataRole.ToolTipRole:
            if receipt.voided:
                return self.tr("Voided: {reason}").format(reason=receipt.void_reason)
            if receipt.reference:
                return self.tr("Transaction no. {reference}").format(reference=receipt.reference)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.TOTAL,
            self.PEOPLE,
            self.PRINTS,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ForegroundRole and receipt.voided:
            return GREY
        return None


class VoidDialog(QDialog):
    """Asks why a receipt is voided; it will not close with an empty reason."""

    def __init__(self, receipt: DayReceipt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.receipt_no = receipt.receipt_no
        self.setWindowTitle(self.tr("Void receipt {receipt}").format(receipt=receipt.receipt_no))
        self.setMinimumWidth(520)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        explain = QLabel(
            self.tr(
                "Receipt {receipt}, household {household}, {payer}, {total}. "
                "The receipt stays in the sequence marked voided, and its members become "
                "due again."
            ).format(
                receipt=receipt.receipt_no,
                household=receipt.household_no,
                payer=receipt.payer,
                total=format_yuan(receipt.total_fen),
            )
        )
        explain.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText(self.tr("e.g. wrong member ticked, payment refunded"))
        label = QLabel(self.tr("&Reason (required):"))
        label.setBuddy(self.reason)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText(self.tr("&Void"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def accept(self) -> None:
        if not self.reason_text():
            self.error.setText(self.tr("A void needs a reason: type why this receipt is voided."))
            self.reason.setFocus()
            return
        super().accept()


class ReceiptsDialog(QDialog):
    """收据: the day's receipts from this device; Reprint and Void act on the highlighted one."""

    voided = Signal(str)  # receipt no.
    void_failed = Signal(str)  # the message shown

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        printer: ReceiptPrinter,
        log_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.runner = runner
        self.printer = printer
        self.log_path = log_path
        self.void_dialog: VoidDialog | None = None
        self.approval_dialog: SignInDialog | None = None
        self.message_box: QMessageBox | None = None
        self.setWindowTitle(self.tr("Receipts of {date}").format(date=workspace.today.isoformat()))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1100, 560)

        self.model = ReceiptTableModel(self)
        self.table = setup_table(QTableView(), self.model)
        self.table.setObjectName("receipts")
        self.summary = QLabel()
        self.reprint_button = QPushButton(self.tr("&Reprint"))
        self.reprint_button.clicked.connect(self.reprint_current)
        self.void_button = QPushButton(self.tr("&Void…"))
        self.void_button.clicked.connect(self.void_current)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.reprint_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.void_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.activated.connect(self.void_current)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        printer.printed.connect(self._printed)
        self.reload()

    def reload(self) -> None:
        """Read the day's receipts again, keeping the highlighted one highlighted."""
        current = self.current()
        with self.workspace.db.sessions() as session:
            receipts = day_receipts(session, self.workspace.today)
        self.model.set_receipts(receipts)
        valid = [r for r in receipts if not r.voided]
        self.summary.setText(
            self.tr("{count} receipts, {voided} voided · collected {total}").format(
                count=len(receipts),
                voided=len(receipts) - len(valid),
                total=format_yuan(sum(r.total_fen for r in valid)),
            )
        )
        numbers = [r.receipt_no for r in receipts]
        if receipts:
            keep = current is not None and current.receipt_no in numbers
            self.select(numbers.index(current.receipt_no) if current and keep else 0)
        self._update_buttons()

    def select(self, row: int) -> None:
        select_row(self.table, row)

    def current(self) -> DayReceipt | None:
        return self.model.receipt(self.table.currentIndex().row())

    @Slot()
    def _update_buttons(self) -> None:
        receipt = self.current()
        self.reprint_button.setEnabled(receipt is not None)
        self.void_button.setEnabled(receipt is not None and not receipt.voided)

    @Slot()
    def reprint_current(self) -> None:
        receipt = self.current()
        if receipt is not None:
            self.printer.print_receipt(receipt.receipt_no)

    @Slot(object)
    def _printed(self, _printed: object) -> None:
        self.reload()  # the print count changed

    @Slot()
    def void_current(self) -> None:
        """Ask for a reason, then void the highlighted receipt on the worker."""
        receipt = self.current()
        if receipt is None or receipt.voided:
            return
        dialog = VoidDialog(receipt, self)
        dialog.accepted.connect(self._void_confirmed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.void_dialog = dialog
        dialog.open()

    @Slot()
    def _void_confirmed(self) -> None:
        dialog = self.void_dialog
        if dialog is None:
            return
        receipt_no, reason = dialog.receipt_no, dialog.reason_text()
        limit = needs_approval(self.workspace.db, receipt_no)
        signed = self.workspace.signed
        if limit is None or signed is None or signed.is_supervisor:
            self._void(receipt_no, reason, signed.name if limit and signed else "")
            return
        assert self.workspace.db.path is not None
        ask = SignInDialog(
            self.workspace.db.path,
            approval=self.tr(
                "Receipt {receipt} is over {limit}: voiding it needs a supervisor's account "
                "and password."
            ).format(receipt=receipt_no, limit=format_yuan(limit)),
            parent=self,
        )
        ask.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ask.accepted.connect(lambda: self._approved(ask, receipt_no, reason))
        self.approval_dialog = ask
        ask.open()

    def _approved(self, ask: SignInDialog, receipt_no: str, reason: str) -> None:
        self.approval_dialog = None
        if ask.approved is not None:
            self._void(receipt_no, reason, ask.approved.name)

    def _void(self, receipt_no: str, reason: str, approved_by: str) -> None:
        db = self.workspace.db

        def work(_control: TaskControl) -> str:
            void_receipt(db, receipt_no, reason, approved_by=approved_by)
            return receipt_no

        task = Task(work)
        task.signals.succeeded.connect(self._void_done)
        task.signals.failed.connect(self._void_refused)
        self.runner.start(task)

    @Slot(object)
    def _void_done(self, receipt_no: str) -> None:
        self.reload()
        self.voided.emit(receipt_no)

    @Slot(object)
    def _void_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, CollectionError):
            report_bug(type(exc), exc, exc.__traceback__, self.log_path, self)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Receipt not voided"),
            str(exc),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()
        self.void_failed.emit(str(exc))
