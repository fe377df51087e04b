"""A new password typed twice: one's own (设置 → 修改密码), and the accounts page's dialogs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from app.keyring import ROLES
from ui.desktop.signin import ERROR_STYLE


class SecretDialog(QDialog):
    """A new secret typed twice; with `current`, the one in use first; with `new_account`,
    a name and a role too. `submit` does the change and raises KeyringError to refuse it:
    the dialog stays open with the reason, and nothing changed."""

    def __init__(
        self,
        title: str,
        parent: QWidget | None,
        *,
        new_account: bool = False,
        current: bool = False,
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(440)
        self.name = QLineEdit()
        self.role = QComboBox()
        for role, label in ROLES.items():
            self.role.addItem(label, role)
        self.old = QLineEdit()
        self.secret = QLineEdit()
        self.again = QLineEdit()
        for field in (self.old, self.secret, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if new_account:
            form.addRow(self.tr("&Name"), self.name)
            form.addRow(self.tr("&Role"), self.role)
        if current:
            form.addRow(self.tr("&Current password"), self.old)
            form.addRow(self.tr("&New password"), self.secret)
        else:
            form.addRow(self.tr("&Password or PIN"), self.secret)
        form.addRow(self.tr("&Again"), self.again)
        hint = QLabel(
            (intro + " " if intro else "")
            + self.tr("A PIN needs at least 6 digits, a password at least 8 characters.")
        )
        hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.new_account, self.current = new_account, current
        self.submit: Callable[[SecretDialog], None] | None = None
        (self.name if new_account else self.old if current else self.secret).setFocus()

    def say(self, text: str, field: QLineEdit) -> None:
        self.message.setText(text)
        self.message.show()
        field.setFocus()
        field.selectAll()

    def accept(self) -> None:
        if self.secret.text() != self.again.text():
            self.again.clear()
            self.say(self.tr("The two passwords differ."), self.again)
            return
        try:
            accounts.check_secret(self.secret.text())
        except accounts.KeyringError as exc:
            self.say(str(exc), self.secret)
            return
        assert self.submit is not None
        try:
            self.submit(self)
        except accounts.KeyringError as exc:
            wrong = isinstance(exc, accounts.WrongSecret | accounts.LockedOut)
            field = (
                self.old
                if self.current and wrong
                else self.name
                if self.new_account
                else self.secret
            )
            self.say(str(exc), field)
            return
        for field in (self.old, self.secret, self.again):
            field.clear()  # secrets do not stay in widgets
        super().accept()


class PasswordDialog(SecretDialog):
    """设置 → 修改密码: the signed-in agent's own. Only the key file's wrap of the data key
    changes: the database is not re-encrypted, and a refusal leaves the old password working."""

    def __init__(
        self,
        db_path: Path,
        name: str,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        # Before the QDialog exists, so not self.tr: the same context, named.
        super().__init__(
            QCoreApplication.translate("PasswordDialog", "Change password"),
            parent,
            current=True,
            intro=QCoreApplication.translate("PasswordDialog", "Account {name}.").format(name=name),
        )
        self.setObjectName("change-password")

        def change(dialog: SecretDialog) -> None:
            accounts.change_secret(db_path, name, dialog.old.text(), dialog.secret.text(), clock())

        self.submit = change
