"""设置 → 修改密码: the signed-in agent changes their own password or PIN (the data stays)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import accounts

ERROR_STYLE = "color: #b00020; font-weight: bold;"


class PasswordDialog(QDialog):
    """Old secret, new one twice. Only the key file's wrap of the data key changes: the
    database is not re-encrypted, and a failure leaves the old password working."""

    def __init__(
        self,
        db_path: Path,
        name: str,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.name = name
        self.clock = clock
        self.setObjectName("change-password")
        self.setWindowTitle(self.tr("Change password"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr(
                "Account {name}. A PIN needs at least 6 digits, a password at least 8 characters."
            ).format(name=name)
        )
        intro.setWordWrap(True)
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for field in (self.old, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("&Current password"), self.old)
        form.addRow(self.tr("&New password"), self.new)
        form.addRow(self.tr("&Again"), self.again)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.old.setFocus()

    def _say(self, text: str, field: QLineEdit) -> None:
        self.message.setText(text)
        self.message.show()
        field.setFocus()
        field.selectAll()

    @Slot()
    def submit(self) -> None:
        if self.new.text() != self.again.text():
            self.again.clear()
            self._say(self.tr("The two new passwords differ."), self.again)
            return
        try:
            accounts.change_secret(
                self.db_path, self.name, self.old.text(), self.new.text(), self.clock()
            )
        except accounts.KeyringError as exc:
            wrong = isinstance(exc, accounts.WrongSecret | accounts.LockedOut)
            self._say(str(exc), self.old if wrong else self.new)
            return
        for field in (self.old, self.new, self.again):
            field.clear()  # secrets do not stay in widgets
        self.accept()
