"""修正: the correction requests this device queued, and 待回访, the people now payable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.corrections import (
    PROBLEMS,
    STATE_LABELS,
    FollowUp,
    QueuedRequest,
    follow_ups,
    queue,
    refunds_due,
)
from app.money import format_yuan
from app.policy import PolicyError
from app.workspace import Workspace
from ui.desktop.models import RowTableModel
from ui.desktop.tables import setup_table

_REJECTED = QBrush(QColor(176, 0, 32))
_ACCEPTED = QBrush(QColor(0, 110, 40))


class QueueTableModel(RowTableModel[QueuedRequest]):
    """Every request, newest first: state, who, what is wrong, where, how old, why rejected."""

    STATE, NAME, ID_NUMBER, PROBLEM, VILLAGE, HOUSEHOLD, AGE, REASON = range(8)

    def __init__(self, today: date, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("State"),
                self.tr("Name"),
                self.tr("ID number"),
                self.tr("Problem"),
                self.tr("Village"),
                self.tr("Household no."),
                self.tr("Days"),
                self.tr("County's reason"),
            ),
            parent,
        )
        self.today = today

    def request(self, row: int) -> QueuedRequest | None:
        return self.row_at(row)

    def cell(self, request: QueuedRequest, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.STATE:
                return request.state_label
            if column == self.NAME:
                return request.name
            if column == self.ID_NUMBER:
                return request.masked_id  # the full number stays off the screen
            if column == self.PROBLEM:
                return PROBLEMS.get(request.problem, request.problem)
            if column == self.VILLAGE:
                return request.village or request.village_code
            if column == self.HOUSEHOLD:
                return request.household or self.tr("New household")
            if column == self.AGE:
                # Queued on the wall clock; a fixed business date (practice) may lie before it.
                return str(max(request.age_days(self.today), 0))
            if column == self.REASON:
                return request.reason if request.state == "rejected" else ""
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.REASON and request.reason:
                return request.reason  # long ones do not fit the column
            parts = [request.hukou_place]
            if request.phone:
                parts.append(self.tr("Phone {phone}").format(phone=request.phone))
            if request.note:
                parts.append(request.note)
            if request.merges:
                parts.append(self.tr("Asked {count} times").format(count=request.merges + 1))
            return " · ".join(parts)
        elif role == Qt.ItemDataRole.ForegroundRole:
            if request.state == "rejected":
                return _REJECTED
            if request.state == "accepted":
                return _ACCEPTED
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == self.AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class FollowUpTableModel(RowTableModel[FollowUp]):
    """待回访: accepted by the county and payable now; Enter opens the household to collect."""

    NAME, ID_NUMBER, PHONE, VILLAGE, HOUSEHOLD = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Name"),
                self.tr("ID number"),
                self.tr("Phone"),
                self.tr("Village"),
                self.tr("Household no."),
            ),
            parent,
        )

    def follow_up(self, row: int) -> FollowUp | None:
        return self.row_at(row)

    def cell(self, follow_up: FollowUp, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return follow_up.name
            if column == self.ID_NUMBER:
                return follow_up.masked_id
            if column == self.PHONE:
                return follow_up.phone
            if column == self.VILLAGE:
                return follow_up.village
            if column == self.HOUSEHOLD:
                return follow_up.household
        return None


class CorrectionsPage(QDialog):
    """修正 → the queue and 待回访. Enter on a 待回访 row opens its household on the desk;
    Enter on a request not yet accepted opens the form with it, to add to it or ask again."""

    open_follow_up = Signal(object)  # FollowUp
    new_request = Signal()
    edit_request = Signal(object)  # QueuedRequest

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Identity corrections"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1100, 620)

        self.queue_model = QueueTableModel(workspace.today, self)
        self.queue_table = setup_table(QTableView(), self.queue_model)
        self.queue_table.setObjectName("correction-queue")
        self.queue_table.activated.connect(self._request_activated)
        self.queue_label = QLabel(self.tr("Correction &requests"))
        self.queue_label.setBuddy(self.queue_table)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.follow_model = FollowUpTableModel(self)
        self.follow_table = setup_table(QTableView(), self.follow_model)
        self.follow_table.setObjectName("follow-ups")
        self.follow_table.activated.connect(self._follow_up_activated)
        self.follow_label = QLabel(
            self.tr("&Follow up: accepted and payable now (Enter opens the household to collect)")
        )
        self.follow_label.setBuddy(self.follow_table)
        self.follow_note = QLabel()
        self.follow_note.setWordWrap(True)
        # 先行收费 for people whose correction was rejected: the money goes back.
        self.refunds = QLabel()
        self.refunds.setObjectName("refunds-due")
        self.refunds.setWordWrap(True)
        self.refunds.setStyleSheet("color: #b00020; font-weight: bold;")

        self.new_button = QPushButton(self.tr("&New request… (F4)"))
        self.new_button.clicked.connect(self.new_request)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(Qt.Key.Key_F4), self).activated.connect(self.new_request)

        layout = QVBoxLayout(self)
        layout.addWidget(self.follow_label)
        layout.addWidget(self.follow_table, 2)
        layout.addWidget(self.follow_note)
        layout.addWidget(self.refunds)
        layout.addWidget(self.queue_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.queue_table, 3)
        layout.addWidget(self.buttons)
        self.reload()
        (self.follow_table if self.follow_model.rowCount() else self.queue_table).setFocus()

    def reload(self) -> None:
        """Read the queue and 待回访 again (after a sync, after a new request)."""
        requests = queue(self.workspace.db)
        self._keep_row(self.queue_table, lambda: self.queue_model.set_rows(requests))
        states = {state: 0 for state in STATE_LABELS}  # in the order a request moves through
        for request in requests:
            states[request.state] += 1
        if requests:
            counts = " · ".join(
                f"{STATE_LABELS[state]} {count}" for state, count in states.items() if count
            )
            self.summary.setText(
                self.tr("{count} requests: {counts}").format(count=len(requests), counts=counts)
            )
        else:
            self.summary.setText(self.tr("No requests yet. F4 starts one."))
        found: Sequence[FollowUp] = ()
        self.follow_note.clear()
        try:
            found = follow_ups(self.workspace.db, self.workspace.policy(), self.workspace.today)
        except PolicyError as exc:
            self.follow_note.setText(str(exc))
        self._keep_row(self.follow_table, lambda: self.follow_model.set_rows(found))
        if not found and not self.follow_note.text():
            self.follow_note.setText(self.tr("No one to visit now."))
        due = refunds_due(self.workspace.db)
        self.refunds.setVisible(bool(due))
        self.refunds.setText(
            self.tr("Refunds to make (collected before a correction the county rejected): ")
            + "; ".join(
                f"{r.receipt_no} {r.name} {format_yuan(r.amount_fen)}（{r.reason}）" for r in due
            )
        )

    @staticmethod
    def _keep_row(table: QTableView, refill: Any) -> None:
        row = max(table.currentIndex().row(), 0)
        refill()
        model = table.model()
        if model.rowCount():
            table.selectionModel().setCurrentIndex(
                model.index(min(row, model.rowCount() - 1), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    @Slot(QModelIndex)
    def _follow_up_activated(self, index: QModelIndex) -> None:
        found = self.follow_model.follow_up(index.row())
        if found is not None:
            self.accept()
            self.open_follow_up.emit(found)

    @Slot(QModelIndex)
    def _request_activated(self, index: QModelIndex) -> None:
        found = self.queue_model.request(index.row())
        if found is not None and found.state != "accepted":
            self.edit_request.emit(found)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The tables act on Enter themselves; the dialog must not also press a button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
            self.focusWidget(), QTableView
        ):
            event.accept()
            return
        super().keyPressEvent(event)
