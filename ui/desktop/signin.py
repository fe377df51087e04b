"""登录: the first account on a new device, signing in at start, and unlocking a locked desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Slot
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
from app.accounts import SignedIn

ERROR_STYLE = "color: #b00020; font-weight: bold;"


class SignInDialog(QDialog):
    """Name and password/PIN; `signed` holds who signed in once the dialog is accepted.

    Three uses: the first run (name, secret twice: makes the first account and encrypts the
    data), the start of a day, and unlocking a desk the idle timer locked."""

    def __init__(
        self,
        db_path: Path,
        *,
        first_run: bool = False,
        locked_for: str | None = None,
        approval: str | None = None,
        clock: Callable[[], datetime] = datetime.now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.first_run = first_run
        self.locked_for = locked_for
        self.approval = approval  # what a supervisor is asked to approve
        self.clock = clock
        self.signed: SignedIn | None = None
        self.approved: accounts.Account | None = None
        self.setObjectName("sign-in")
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self._intro())
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if not first_run:
            names = [a.name for a in _accounts(db_path) if not a.disabled]
            self.name.addItems(names)
        self.name.setCurrentText(locked_for or (self.name.itemText(0) if not first_run else ""))
        form.addRow(self.tr("&Account"), self.name)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Password or PIN"), self.secret)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        if first_run:
            form.addRow(self.tr("&Again"), self.again)
        else:
            self.again.hide()
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("sign-in-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        ok = self.tr("Create and encrypt") if first_run else self.tr("Sign in")
        self.ok_button = self.buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        if approval is not None:
            self.ok_button.setText(self.tr("Approve"))
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            self.name.setCurrentText(next((a.name for a in _supervisors(db_path)), ""))
        elif locked_for is None:
            self.buttons.addButton(self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self._title())
        focus = self.secret if self.name.currentText() else self.name
        focus.setFocus()

    def _title(self) -> str:
        if self.approval is not None:
            return self.tr("Supervisor approval")
        if self.first_run:
            return self.tr("First run: create the supervisor account")
        if self.locked_for is not None:
            return self.tr("Locked")
        return self.tr("Sign in")

    def _intro(self) -> str:
        if self.approval is not None:
            return self.approval
        if self.first_run:
            return self.tr(
                "This device has no account yet. The first account is a supervisor, who adds "
                "the agents. Its password protects the data on this laptop: it will be "
                "encrypted now. A PIN needs at least 6 digits, a password at least 8 characters."
            )
        if self.locked_for is not None:
            return self.tr(
                "The desk was locked ({name}). Type the password to go on where you left off; "
                "another agent may sign in instead."
            ).format(name=self.locked_for)
        return self.tr("Sign in to collect.")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def reject(self) -> None:
        if self.locked_for is not None:  # a locked desk is left only by unlocking
            return
        super().reject()

    @Slot()
    def submit(self) -> None:
        name = self.name.currentText().strip()
        secret = self.secret.text()
        if not name:
            self.show_message(self.tr("Type the account name."))
            self.name.setFocus()
            return
        if self.first_run and secret != self.again.text():
            self.show_message(self.tr("The two passwords differ."))
            self.again.clear()
            self.again.setFocus()
            return
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.first_run:
                self.signed = accounts.create_first_account(
                    self.db_path, name, secret, self.clock()
                )
            elif self.approval is not None:
                self.approved = accounts.approve(self.db_path, name, secret, self.clock())
            else:
                self.signed = accounts.sign_in(self.db_path, name, secret, self.clock())
        except accounts.KeyringError as exc:
            self.show_message(str(exc))
            self.secret.clear()
            self.again.clear()
            self.secret.setFocus()
            return
        finally:
            self.unsetCursor()
        self.secret.clear()  # the secret does not stay in a widget
        self.again.clear()
        self.accept()


def _supervisors(db_path: Path) -> list[accounts.Account]:
    return [a for a in _accounts(db_path) if a.is_supervisor and not a.disabled]


def _accounts(db_path: Path) -> list[accounts.Account]:
    try:
        return accounts.accounts(db_path)
    except accounts.KeyringError:
        return []  # the sign-in itself shows what is wrong with the key file
