"""Settings → Printer: the printer form in a dialog, saved on OK."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.workspace import Workspace
from printing.specimen import specimen_for
from ui.desktop.printer_form import PrinterForm


class PrinterSettingsDialog(QDialog):
    """Choose where receipts print; stored in the database, so it travels with the device's data."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Printer"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(640)
        agent = workspace.signed.name if workspace.signed is not None else None
        self.printer = form = PrinterForm(
            workspace, lambda: specimen_for(workspace.db, datetime.now(), agent), self
        )
        # The fields by their own names: what tests and the keyboard reach.
        self.kind, self.system_printer = form.kind, form.system_printer
        self.location, self.hint = form.location, form.hint
        self.paper, self.qr, self.error = form.paper, form.qr, form.error
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if self.printer.save():
            super().accept()

    def done(self, result: int) -> None:
        self.printer.shutdown()  # a test page still going out finishes before the dialog goes
        super().done(result)
