"""The collect desk: a household's members and quotes, who pays, how, the change, and confirming."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from app.access import reveal_ids
from app.collection import CollectionError, RecordedPayment, quote_household, record_payment
from app.dayclose import cash_refusal
from app.money import MoneyError, format_yuan, yuan_to_fen
from app.policy import Policy, PolicyError, QuoteError
from app.receipt_view import METHOD_LABELS
from app.roster.search import HouseholdMatch
from app.workspace import Workspace
from db.models import LedgerEvent
from ui.desktop.errors import report_bug
from ui.desktop.models import MemberTableModel
from ui.desktop.tables import setup_table
from ui.desktop.tasks import Task, TaskControl, TaskRunner

# Mistakes the agent can make or the data can hold: a message, and nothing written.
USER_ERRORS = (CollectionError, MoneyError, PolicyError, QuoteError)
METHODS = tuple(METHOD_LABELS)  # keys 1-5 follow this order: cash first, the everyday case
TOTAL_POINT_SIZE = 28
CHANGE_POINT_SIZE = 18
_RED = "color: #b00020;"


class DeskTable(QTableView):
    """The members table: Space ticks the current row wherever the cursor is in it."""

    refused = Signal(int)  # a row that cannot be ticked (not due, already paid)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        if (
            event.key() == Qt.Key.Key_Space
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and isinstance(model, MemberTableModel)
        ):
            row = self.currentIndex().row()
            if row >= 0 and not model.toggle(row):
                self.refused.emit(row)
            event.accept()
            return
        super().keyPressEvent(event)


class CollectDesk(QWidget):
    """One household at the counter, from ticking members to a recorded payment.

    Recording runs on the task runner (the one database writer); `paid` carries the
    RecordedPayment, after which the caller prints and gets ready for the next household."""

    paid = Signal(object)  # RecordedPayment
    payment_failed = Signal(str)  # the message the agent was shown; nothing was written
    revealed = Signal(str)  # a full ID number shown on demand (F6), recorded first

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
        self.household: HouseholdMatch | None = None
        self.message_box: QMessageBox | None = None
        self._busy = False
        self._focus_before: QWidget | None = None
        self._policy: Policy | None = None
        # Why the region refuses cash now ("" when it does not), and what it was worked out
        # from: the policy, the day and the ledger's last event (cash held changes only with one).
        self.cash_block = ""
        self._cash_checked: tuple[str, object, int] | None = None
        self._build_table()
        self._build_payment()
        self._build_layout()
        self._build_shortcuts()
        self.show_household(None)

    # --- construction -------------------------------------------------------------------

    def _build_table(self) -> None:
        self.model = MemberTableModel(self)
        self.table = view = DeskTable()
        view.setObjectName("members")
        setup_table(view, self.model)  # Tab goes on to the payment fields
        view.refused.connect(self._refused)
        self.model.ticked_changed.connect(self._update_totals)
        self.title = QLabel()
        self.title.setBuddy(view)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(_RED)

    def _build_payment(self) -> None:
        self.tick_all_button = QPushButton(self.tr("Tick &all due"))
        self.tick_all_button.setToolTip(self.tr("Tick every member who still owes (Ctrl+A)"))
        self.tick_all_button.clicked.connect(self.tick_all)
        self.keys_hint = QLabel(
            self.tr("Space ticks a member · 1–5 choose the method · Ctrl+Enter collects")
        )
        self.method = QComboBox()
        for number, key in enumerate(METHODS, start=1):
            self.method.addItem(f"{number}  {METHOD_LABELS[key]}", key)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.method_label = QLabel(self.tr("Payment me&thod:"))
        self.method_label.setBuddy(self.method)
        self.reference = QLineEdit()
        self.reference.setMaxLength(64)
        self.reference.setPlaceholderText(self.tr("Required unless cash"))
        self.reference_label = QLabel(self.tr("Tra&nsaction no.:"))
        self.reference_label.setBuddy(self.reference)
        self.tendered = QLineEdit()
        self.tendered.setPlaceholderText(self.tr("Yuan; empty means the exact amount"))
        self.tendered.textChanged.connect(self._update_totals)
        self.tendered_label = QLabel(self.tr("&Cash tendered:"))
        self.tendered_label.setBuddy(self.tendered)
        self.change = QLabel()
        self.change.setObjectName("change")
        self.change.setFont(_sized(self.change.font(), CHANGE_POINT_SIZE, bold=True))
        self.total = QLabel()
        self.total.setObjectName("total")
        self.total.setFont(_sized(self.total.font(), TOTAL_POINT_SIZE, bold=True))
        self.count = QLabel()
        self.cash_note = QLabel()
        self.cash_note.setObjectName("cash-blocked")
        self.cash_note.setWordWrap(True)
        self.cash_note.setStyleSheet(_RED + " font-weight: bold;")
        self.cash_note.hide()
        self.confirm_button = QPushButton(self.tr("Collect and print (Ctrl+Enter)"))
        self.confirm_button.setFont(_sized(self.confirm_button.font(), CHANGE_POINT_SIZE))
        self.confirm_button.setMinimumHeight(self.confirm_button.sizeHint().height() * 3 // 2)
        self.confirm_button.clicked.connect(self.confirm)

    def _build_layout(self) -> None:
        ticks = QHBoxLayout()
        ticks.addWidget(self.tick_all_button)
        ticks.addWidget(self.keys_hint, 1)
        form = QGridLayout()
        form.addWidget(self.method_label, 0, 0)
        form.addWidget(self.method, 0, 1)
        form.addWidget(self.reference_label, 0, 2)
        form.addWidget(self.reference, 0, 3)
        form.addWidget(self.tendered_label, 1, 0)
        form.addWidget(self.tendered, 1, 1)
        form.addWidget(self.change, 1, 2, 1, 2)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 2)
        totals = QHBoxLayout()
        total_box = QVBoxLayout()
        total_box.addWidget(self.total)
        total_box.addWidget(self.count)
        totals.addLayout(total_box, 1)
        totals.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addLayout(ticks)
        layout.addWidget(self.cash_note)
        layout.addLayout(form)
        layout.addLayout(totals)
        QWidget.setTabOrder(self.table, self.tick_all_button)
        QWidget.setTabOrder(self.tick_all_button, self.method)
        QWidget.setTabOrder(self.method, self.reference)
        QWidget.setTabOrder(self.reference, self.tendered)
        QWidget.setTabOrder(self.tendered, self.confirm_button)

    def _build_shortcuts(self) -> None:
        inside = Qt.ShortcutContext.WidgetWithChildrenShortcut
        # Text fields take digits and Ctrl+A for themselves (Qt's shortcut override), so
        # these only act in the table, the buttons and the method box.
        for number in range(1, len(METHODS) + 1):
            shortcut = QShortcut(QKeySequence(str(number)), self, context=inside)
            shortcut.activated.connect(self._method_key)
            shortcut.setObjectName(f"method-{number}")
        tick_all = QShortcut(QKeySequence("Ctrl+A"), self, context=inside)
        tick_all.activated.connect(self.tick_all)
        reveal = QShortcut(QKeySequence(Qt.Key.Key_F6), self, context=inside)
        reveal.activated.connect(self.reveal_current)
        # Both Enter keys, from anywhere in the window: the agent's hand is on the keypad.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            confirm = QShortcut(QKeySequence(keys), self, context=Qt.ShortcutContext.WindowShortcut)
            confirm.activated.connect(self.confirm)

    # --- the full ID number, on demand -------------------------------------------------

    @Slot()
    def reveal_current(self) -> str:
        """F6 on a member: the whole ID number, to compare with a card or type into the tax
        app. The only place the desk shows it; each reveal is a signed event (app/access.py)."""
        member = self.model.member(self.table.currentIndex().row())
        if member is None:
            return ""
        shown = reveal_ids(self.workspace.db, [member.person_id], "收费台")
        number = shown.get(member.person_id, "")
        self.note.setText(
            self.tr("{name}'s ID number: {number} (this look is recorded)").format(
                name=member.name, number=number
            )
        )
        self.revealed.emit(number)
        return number

    # --- the household ------------------------------------------------------------------

    def show_household(self, household: HouseholdMatch | None) -> None:
        """Show `household` with today's quotes (or nothing); ticks and payment fields reset."""
        self.household = household
        self.note.clear()
        self.reference.clear()
        self.tendered.clear()
        self.method.setCurrentIndex(0)
        self.check_cash()
        if household is None:
            self.model.set_members(())
            self.title.setText(self.tr("&Members"))
            self._update_totals()
            return
        quotes = None
        try:
            policy = self.policy()
            with self.workspace.db.sessions() as session:
                found = quote_household(
                    session, household.household_id, policy, self.workspace.today
                )
            quotes = {q.person_id: q for q in found}
        except (PolicyError, QuoteError) as exc:
            # The members still show: the agent can see who is there and call the county.
            self.note.setText(self.tr("Cannot quote this household: {reason}").format(reason=exc))
        self.model.set_members(household.members, quotes)
        self.title.setText(
            self.tr(
                "&Members of household {number} · {township} {village} · {count} people"
            ).format(
                number=household.number,
                township=household.township_name,
                village=household.village_name,
                count=len(household.members),
            )
        )
        self._update_totals()

    def policy(self) -> Policy:
        """The device's policy, read once: every arrow key in the results re-quotes."""
        if self._policy is None or self._policy.key != self.workspace.region:
            self._policy = self.workspace.policy()
        return self._policy

    def check_cash(self) -> str:
        """Whether the region refuses new cash now (`[deposit] block_cash`, past the limits):
        said on the desk before any money changes hands, with the cash field off. Returns the
        message ("" when cash is taken). Cheap when nothing changed: one indexed lookup."""
        try:
            policy: Policy | None = self.policy()
        except PolicyError:
            policy = None
        message = ""
        if policy is not None and policy.block_cash:
            today = self.workspace.today
            with self.workspace.db.sessions() as session:
                last = int(session.scalar(select(func.max(LedgerEvent.seq))) or 0)
                key = (policy.key, today, last)
                if key == self._cash_checked:
                    return self.cash_block
                message = cash_refusal(session, policy, today) or ""
            self._cash_checked = key
        else:
            self._cash_checked = None
        self.cash_block = message
        self.cash_note.setText(message)
        self.cash_note.setVisible(bool(message))
        self._method_changed(self.method.currentIndex())
        return message

    def refresh(self) -> None:
        """Quote the shown household again (after a void, a payment elsewhere)."""
        if self.household is not None:
            self.show_household(self.household)

    def focus_members(self) -> None:
        """Put the cursor on the first member who can still be ticked (else the first)."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        rows = range(self.model.rowCount())
        first = next((r for r in rows if (row := self.model.desk_row(r)) and row.payable), 0)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(first, MemberTableModel.NAME))

    # --- ticking and the method ------------------------------------------------------------

    @Slot()
    def tick_all(self) -> None:
        """全选应缴: tick every member who can be charged."""
        if self.model.tick_all_payable() == 0 and self.household is not None:
            self.note.setText(self.tr("No one in this household has anything to pay."))

    @Slot(int)
    def _refused(self, row: int) -> None:
        found = self.model.desk_row(row)
        if found is None:
            return
        why = found.quote.quote.explanation if found.quote else self.note.text()
        if found.quote is not None and found.quote.receipt_no is not None:
            why = self.tr("already paid for the year, receipt {receipt}").format(
                receipt=found.quote.receipt_no
            )
        self.note.setText(
            self.tr("{name} cannot be ticked: {why}").format(name=found.member.name, why=why)
        )

    @Slot()
    def _method_key(self) -> None:
        shortcut = self.sender()
        assert isinstance(shortcut, QShortcut)
        self.choose_method(int(shortcut.key().toString()) - 1, move_on=True)

    def choose_method(self, index: int, move_on: bool = False) -> None:
        """Select the method by position; with `move_on` the cursor goes where to type next."""
        self.method.setCurrentIndex(index)
        if move_on:
            field = self.tendered if self.method_key == "cash" else self.reference
            field.setFocus(Qt.FocusReason.ShortcutFocusReason)
            field.selectAll()

    @property
    def method_key(self) -> str:
        return str(self.method.currentData())

    @Slot(int)
    def _method_changed(self, _index: int) -> None:
        cash = self.method_key == "cash"
        # A disabled field drops out of the Tab chain: only what this method needs is visited.
        self.reference.setEnabled(not cash)
        self.reference_label.setEnabled(not cash)
        # Past the limits with block_cash, there is no cash to take: the note says why.
        self.tendered.setEnabled(cash and not self.cash_block)
        self.tendered_label.setEnabled(cash and not self.cash_block)
        self._update_totals()

    # --- totals -------------------------------------------------------------------------

    def tendered_fen(self) -> int | None:
        """The cash handed over, or None for "the exact amount"; MoneyError if unreadable."""
        text = self.tendered.text().strip().removeprefix("¥").removesuffix("元").strip()
        return yuan_to_fen(text) if text else None

    @Slot()
    def _update_totals(self) -> None:
        total = self.model.ticked_total()
        ticked = len(self.model.ticked_ids())
        self.total.setText(self.tr("Total {amount}").format(amount=format_yuan(total)))
        self.count.setText(
            self.tr("{ticked} of {payable} members who owe are ticked").format(
                ticked=ticked, payable=self.model.payable_count()
            )
        )
        self.change.setStyleSheet("")
        if self.method_key != "cash":
            self.change.clear()
            return
        try:
            tendered = self.tendered_fen()
        except MoneyError as exc:
            self.change.setStyleSheet(_RED)
            self.change.setText(str(exc))
            return
        if tendered is None or not ticked:
            self.change.clear()
        elif tendered < total:
            self.change.setStyleSheet(_RED)
            self.change.setText(
                self.tr("Short by {amount}").format(amount=format_yuan(total - tendered))
            )
        else:
            self.change.setText(
                self.tr("Change {amount}").format(amount=format_yuan(tendered - total))
            )

    # --- confirming ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def confirm(self) -> None:
        """Ctrl+Enter: record the ticked members' payment on the worker; nothing if refused."""
        if self._busy or self.household is None:
            return
        person_ids = self.model.ticked_ids()
        if not person_ids:
            self._refuse(self.tr("Tick at least one member to pay (Space on the row)."))
            return
        method = self.method_key
        try:
            tendered = self.tendered_fen() if method == "cash" else None
        except MoneyError as exc:
            self._refuse(str(exc))
            return
        reference = "" if method == "cash" else self.reference.text()
        try:
            policy = self.policy()
        except PolicyError as exc:
            self._refuse(str(exc))
            return
        workspace, household_id = self.workspace, self.household.household_id

        def work(_control: TaskControl) -> RecordedPayment:
            return record_payment(
                workspace.db, policy, household_id, person_ids,
                method=method, paid_on=workspace.today, reference=reference,
                tendered_fen=tendered,
            )  # fmt: skip

        task = Task(work)
        task.signals.succeeded.connect(self._recorded)
        task.signals.failed.connect(self._not_recorded)
        self._set_busy(True)
        self.runner.start(task)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        if busy:
            self._focus_before = self.focusWidget()
        self.setEnabled(not busy)
        if not busy and self._focus_before is not None:
            self._focus_before.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(object)
    def _recorded(self, payment: RecordedPayment) -> None:
        self._focus_before = None
        self._set_busy(False)
        self.paid.emit(payment)

    @Slot(object)
    def _not_recorded(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, USER_ERRORS):
            self.check_cash()  # the refusal may be the cash limit, reached since it opened
            self._refuse(str(exc))
        else:
            report_bug(type(exc), exc, exc.__traceback__, self.log_path, self.window())

    def _refuse(self, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Payment not recorded"),
            message,
            QMessageBox.StandardButton.Ok,
            self.window(),
        )
        box.setInformativeText(self.tr("Nothing was recorded. Correct it and confirm again."))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()
        self.payment_failed.emit(message)


def _sized(font: QFont, points: int, bold: bool = False) -> QFont:
    font = QFont(font)
    font.setPointSize(points)
    font.setBold(bold)
    return font
