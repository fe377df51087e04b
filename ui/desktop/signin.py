"""登录: signing in at start, unlocking a locked desk, and a supervisor's approval."""

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

    Three uses: the start of a day, unlocking a desk the idle timer locked, and a supervisor
    approving a large void. (The first account is made by the first-run wizard.)"""

    def __init__(
        self,
        db_path: Path,
        *,
        locked_for: str | None = None,
        approval: str | None = None,
        clock: Callable[[], datetime] = datetime.now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
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
        self.name.addItems([a.name for a in _accounts(db_path) if not a.disabled])
        self.name.setCurrentText(locked_for or self.name.itemText(0))
        form.addRow(self.tr("&Account"), self.name)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Password or PIN"), self.secret)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("sign-in-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
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
        if self.locked_for is not None:
            return self.tr("Locked")
        return self.tr("Sign in")

    def _intro(self) -> str:
        if self.approval is not None:
            return self.approval
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
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            if self.approval is not None:
                self.approved = accounts.approve(self.db_path, name, secret, self.clock())
            else:
                self.signed = accounts.sign_in(self.db_path, name, secret, self.clock())
        except accounts.KeyringError as exc:
            self.show_message(str(exc))
            self.secret.clear()
            self.secret.setFocus()
            return
        finally:
            self.unsetCursor()
        self.secret.clear()  # the secret does not stay in a widget
        self.accept()


def _supervisors(db_path: Path) -> list[accounts.Account]:
    return [a for a in _accounts(db_path) if a.is_supervisor and not a.disabled]


def _accounts(db_path: Path) -> list[accounts.Account]:
    try:
        return accounts.accounts(db_path)
    except accounts.KeyringError:
        return []  # the sign-in itself shows what is wrong with the key file
