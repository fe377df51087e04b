"""设置 → 账户管理: a supervisor adds agents, resets a password, unlocks or stops an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from app.accounts import SignedIn
from app.keyring import Account
from ui.desktop.password_dialog import SecretDialog
from ui.desktop.signin import ERROR_STYLE

DONE_STYLE = "color: #1b5e20;"


class AccountsDialog(QDialog):
    """The laptop's accounts, for its supervisor. Every change is one rewrite of the key file
    (app/accounts.py); the database is never re-encrypted, and a refusal changes nothing."""

    def __init__(
        self,
        db_path: Path,
        by: SignedIn,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.by = by
        self.clock = clock
        self.secret_dialog: SecretDialog | None = None
        self.setObjectName("accounts")
        self.setWindowTitle(self.tr("Accounts"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumSize(640, 360)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Account"), self.tr("Role"), self.tr("State"), self.tr("Created")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(self.tr("&Add…"))
        self.reset_button = QPushButton(self.tr("&Reset password…"))
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.disable_button = QPushButton(self.tr("&Stop using"))
        self.add_button.clicked.connect(self.add)
        self.reset_button.clicked.connect(self.reset)
        self.unlock_button.clicked.connect(self.unlock)
        self.disable_button.clicked.connect(self.toggle_disabled)
        for button in (self.add_button, self.reset_button, self.unlock_button):
            button.setAutoDefault(False)
        self.disable_button.setAutoDefault(False)
        self.message = QLabel()
        self.message.setObjectName("accounts-message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.unlock_button, self.disable_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.rows: list[Account] = []
        self.refresh()
        self.table.setFocus()

    # --- the list ---------------------------------------------------------------------------

    def state_text(self, account: Account) -> str:
        if account.disabled:
            return self.tr("Stopped")
        if account.locked_until:
            until = datetime.fromisoformat(account.locked_until)
            if until > self.clock():
                return self.tr("Locked until {time}").format(time=until.strftime("%H:%M"))
        return self.tr("In use")

    def refresh(self, select: str | None = None) -> None:
        """Read the key file again and show it, keeping (or moving to) the account `select`."""
        current = select or self.selected_name()
        self.rows = accounts.accounts(self.db_path)
        self.table.setRowCount(len(self.rows))
        for row, account in enumerate(self.rows):
            created = account.created_at[:10]
            cells = (account.name, account.role_label, self.state_text(account), created)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        names = [a.name for a in self.rows]
        self.table.selectRow(names.index(current) if current in names else 0)
        self._selection_changed()

    def selected(self) -> Account | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def selected_name(self) -> str | None:
        account = self.selected()
        return account.name if account is not None else None

    @Slot()
    def _selection_changed(self) -> None:
        account = self.selected()
        self.reset_button.setEnabled(account is not None)
        self.unlock_button.setEnabled(account is not None and account.locked_until is not None)
        self.disable_button.setEnabled(account is not None and account.name != self.by.name)
        self.disable_button.setText(
            self.tr("Use a&gain")
            if account is not None and account.disabled
            else self.tr("&Stop using")
        )

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setText(text)

    # --- actions ----------------------------------------------------------------------------

    def _ask(
        self, title: str, new_account: bool, submit: Callable[[SecretDialog], None]
    ) -> SecretDialog:
        dialog = SecretDialog(title, self, new_account=new_account)
        dialog.submit = submit
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._asked)
        self.secret_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _asked(self) -> None:
        self.secret_dialog = None
        self.table.setFocus()

    @Slot()
    def add(self) -> SecretDialog:
        """添加: a name, a role (an agent unless said), the first password."""

        def submit(dialog: SecretDialog) -> None:
            name = dialog.name.text().strip()
            if not name:
                raise accounts.AccountError(self.tr("Type the account's name."))
            role = str(dialog.role.currentData())
            account = accounts.add_account(
                self.db_path, self.by, name, role, dialog.secret.text(), self.clock()
            )
            self.refresh(select=account.name)
            self.say(
                self.tr("Account {name} added ({role}).").format(
                    name=account.name, role=account.role_label
                )
            )

        return self._ask(self.tr("Add an account"), True, submit)

    @Slot()
    def reset(self) -> SecretDialog | None:
        """重设密码: for an agent who forgot theirs (they change it themselves afterwards)."""
        name = self.selected_name()
        if name is None:
            return None

        def submit(dialog: SecretDialog) -> None:
            accounts.reset_secret(self.db_path, self.by, name, dialog.secret.text())
            self.refresh(select=name)
            self.say(self.tr("The password of {name} was reset.").format(name=name))

        return self._ask(self.tr("New password for {name}").format(name=name), False, submit)

    @Slot()
    def unlock(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        self._apply(lambda: accounts.unlock_account(self.db_path, self.by, name), name,
                    self.tr("{name} may sign in again."))  # fmt: skip

    @Slot()
    def toggle_disabled(self) -> None:
        account = self.selected()
        if account is None:
            return
        stop = not account.disabled
        done = (
            self.tr("{name} can no longer sign in.")
            if stop
            else self.tr("{name} may sign in again.")
        )
        self._apply(
            lambda: accounts.disable_account(self.db_path, self.by, account.name, stop),
            account.name,
            done,
        )

    def _apply(self, change: Callable[[], Account], name: str, done: str) -> None:
        try:
            change()
        except accounts.KeyringError as exc:
            self.say(str(exc), error=True)
            return
        self.refresh(select=name)
        self.say(done.format(name=name))
