"""The printer setting: a PDF folder, an ESC/POS file or device, or a network receipt printer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.settings import set_setting
from app.workspace import Workspace
from printing.targets import (
    ESCPOS_FILE,
    ESCPOS_NET,
    ESCPOS_PAPERS,
    KINDS,
    PAPER_KEY,
    PAPERS,
    PDF_FOLDER,
    PRINTER_KEY,
    PrintError,
    PrintTarget,
    load_paper,
    load_target,
    parse_target,
)


class PrinterSettingsDialog(QDialog):
    """Choose where receipts print; stored in the database, so it travels with the device's data."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(self.tr("Printer"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(640)
        self.kind = QComboBox()
        labels = {
            PDF_FOLDER: self.tr("PDF files in a folder"),
            ESCPOS_FILE: self.tr("Receipt printer (ESC/POS) as a file or device"),
            ESCPOS_NET: self.tr("Network receipt printer (ESC/POS, raw port 9100)"),
        }
        for kind in KINDS:
            self.kind.addItem(labels[kind], kind)
        self.location = QLineEdit()
        self.browse = QPushButton(self.tr("&Browse…"))
        self.browse.clicked.connect(self._browse)
        self.paper = QComboBox()
        paper_labels = {"58": self.tr("58 mm roll"), "80": self.tr("80 mm roll"), "a5": "A5"}
        for paper in PAPERS:
            self.paper.addItem(paper_labels[paper], paper)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        where = QHBoxLayout()
        where.addWidget(self.location, 1)
        where.addWidget(self.browse)
        form = QFormLayout()
        kind_label = QLabel(self.tr("&Print to:"))
        kind_label.setBuddy(self.kind)
        self.location_label = QLabel(self.tr("&Where:"))
        self.location_label.setBuddy(self.location)
        paper_label = QLabel(self.tr("&Paper:"))
        paper_label.setBuddy(self.paper)
        form.addRow(kind_label, self.kind)
        form.addRow(self.location_label, where)
        form.addRow(paper_label, self.paper)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        with workspace.db.sessions() as session:
            try:
                current = load_target(session, workspace.db.path)
            except PrintError as exc:
                self.error.setText(str(exc))
                current = PrintTarget(PDF_FOLDER, "")
            paper = load_paper(session)
        self.kind.setCurrentIndex(KINDS.index(current.kind))
        self.location.setText(
            f"{current.location}:{current.port}" if current.kind == ESCPOS_NET else current.location
        )
        self.paper.setCurrentIndex(PAPERS.index(paper))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    @property
    def kind_key(self) -> str:
        return str(self.kind.currentData())

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.kind_key
        self.browse.setEnabled(kind != ESCPOS_NET)
        self.location.setPlaceholderText(
            {
                PDF_FOLDER: self.tr("A folder, e.g. D:\\receipts"),
                ESCPOS_FILE: self.tr("A file or device, e.g. /dev/usb/lp0"),
                ESCPOS_NET: self.tr("Address:port, e.g. 192.168.1.50:9100"),
            }[kind]
        )

    @Slot()
    def _browse(self) -> None:
        start = self.location.text() or str(Path.home())
        if self.kind_key == PDF_FOLDER:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Receipt folder"), start)
        else:
            chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Printer file"), start)
        if chosen:
            self.location.setText(chosen)

    def target(self) -> PrintTarget:
        """The target the fields describe; PrintError with the reason when they make no sense."""
        location = self.location.text().strip()
        if not location:
            raise PrintError(self.tr("Say where the receipts should go."))
        target = parse_target(f"{self.kind_key}:{location}")
        if target.escpos and self.paper.currentData() not in ESCPOS_PAPERS:
            raise PrintError(self.tr("A receipt printer takes 58 mm or 80 mm rolls, not A5."))
        return target

    def accept(self) -> None:
        try:
            target = self.target()
        except PrintError as exc:
            self.error.setText(str(exc))
            return
        with self.workspace.db.sessions.begin() as session:
            set_setting(session, PRINTER_KEY, target.setting)
            set_setting(session, PAPER_KEY, str(self.paper.currentData()))
        super().accept()
