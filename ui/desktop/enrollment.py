"""Settings → Register with the county: the server's address and the one-time code."""

from __future__ import annotations

import httpx
from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.site_defaults import site_defaults
from ui.desktop.syncing import EnrollOutcome, SyncController

DEFAULT_SCHEME = "http://"


def server_url(typed: str) -> str:
    """The county server's address as typed, with http:// when the scheme was left out;
    ValueError with the reason when it is not an address."""
    text = typed.strip()
    if not text:
        raise ValueError(
            QCoreApplication.translate("EnrollDialog", "Enter the county server's address.")
        )
    if "://" not in text:
        text = DEFAULT_SCHEME + text
    bad = QCoreApplication.translate("EnrollDialog", "“{text}” is not a server address.").format(
        text=text
    )
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise ValueError(bad) from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(bad)
    return text


def answer_summary(answer: dict[str, object]) -> str:
    """What the county assigned this device, one item a line."""
    villages = answer.get("villages")
    village_text = "、".join(str(v) for v in villages) if isinstance(villages, list) else ""
    return QCoreApplication.translate(
        "EnrollDialog",
        "Device {device}\nReceipt prefix {prefix} (new receipts start with it)\n"
        "Agent {agent}\nVillages {villages}",
    ).format(
        device=answer.get("device_id", ""),
        prefix=answer.get("receipt_prefix", ""),
        agent=answer.get("agent", ""),
        villages=village_text,
    )


class EnrollDialog(QDialog):
    """Registers this computer on the sync worker; a refusal keeps the dialog open with the
    county's reason, a success shows what the county assigned and starts the first sync."""

    enrolled = Signal(object)  # the county's answer

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.answer: dict[str, object] | None = None
        self._busy = False
        self.setWindowTitle(self.tr("Register with the county"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        self.intro = QLabel(
            self.tr(
                "Enter the county server's address and the one-time registration code the "
                "county medical insurance office gave you."
            )
        )
        self.intro.setWordWrap(True)
        self.current = QLabel()
        self.current.setWordWrap(True)
        server = controller.status.server
        if server:
            self.current.setText(
                self.tr("This computer is registered with {server}.").format(server=server)
            )
        self.current.setVisible(bool(server))
        # Not registered yet: the address the installation brings, if any.
        self.server = QLineEdit(server or site_defaults().server)
        self.server.setPlaceholderText(self.tr("e.g. http://10.0.0.5:8750"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("12 letters and digits"))
        server_label = QLabel(self.tr("County server &address:"))
        server_label.setBuddy(self.server)
        code_label = QLabel(self.tr("Registration &code:"))
        code_label.setBuddy(self.code)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        self.buttons = QDialogButtonBox()
        self.register_button: QPushButton = self.buttons.addButton(
            self.tr("&Register"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.register_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(server_label, self.server)
        form.addRow(code_label, self.code)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        controller.enroll_finished.connect(self._finished)
        (self.code if self.server.text() else self.server).setFocus()

    @property
    def busy(self) -> bool:
        """The county is being asked: the fields wait for its answer."""
        return self._busy

    def server_url(self) -> str:
        """The address as typed, with http:// when the scheme was left out; ValueError if bad."""
        return server_url(self.server.text())

    def accept(self) -> None:
        """注册: check the fields here, then ask the county on the worker."""
        if self.answer is not None:
            super().accept()
            return
        if self.busy:
            return
        try:
            server = self.server_url()
        except ValueError as exc:
            self._show_error(str(exc), self.server)
            return
        code = self.code.text().strip()
        if not code:
            self._show_error(self.tr("Enter the registration code."), self.code)
            return
        if not self.controller.enroll(server, code):
            self._show_error(self.tr("A registration is already running; wait for it."), self.code)
            return
        self.error.clear()
        self.intro.setText(self.tr("Registering with {server}…").format(server=server))
        self._set_busy(True)

    def reject(self) -> None:
        if self.busy:
            return  # the county is answering: what it says must be shown, not lost
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.server.setEnabled(not busy)
        self.code.setEnabled(not busy)
        self.register_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        if not busy:
            self.register_button.setDefault(True)  # disabling it took that away: Enter retries

    def _show_error(self, message: str, field: QLineEdit) -> None:
        self.error.setText(message)
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        field.selectAll()

    @Slot(object)
    def _finished(self, outcome: EnrollOutcome) -> None:
        if not self.busy:
            return
        self._set_busy(False)
        if outcome.answer is None:
            self.intro.setText(self.tr("Registration failed; correct the fields and try again."))
            self._show_error(outcome.error, self.code)
            return
        self.answer = answer = outcome.answer
        self.intro.setText(self.tr("Registered."))
        self.summary.setText(
            answer_summary(answer)
            + "\n"
            + self.tr("The first sync is fetching the villages' roster now.")
        )
        self.summary.show()
        self.error.clear()
        self.server.setEnabled(False)
        self.code.setEnabled(False)
        self.register_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.enrolled.emit(answer)
