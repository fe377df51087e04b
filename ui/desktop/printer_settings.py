"""The printer setting: a PDF folder, a system printer, or an ESC/POS receipt printer."""

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
from printing.devices import serial_ports
from printing.targets import (
    ESCPOS_FILE,
    ESCPOS_KINDS,
    ESCPOS_NET,
    ESCPOS_PAPERS,
    ESCPOS_SERIAL,
    ESCPOS_USB,
    KINDS,
    PAPER_KEY,
    PAPERS,
    PDF_FOLDER,
    PRINTER_KEY,
    QR_IMAGE,
    QR_KEY,
    QR_MODES,
    QR_NATIVE,
    SYSTEM,
    PrintError,
    PrintTarget,
    load_paper,
    load_qr,
    load_target,
    parse_target,
)
from ui.desktop.system_printer import printer_names


def location_text(target: PrintTarget) -> str:
    """What the Where field shows for a target (its setting without the kind)."""
    return target.setting.partition(":")[2]


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
            SYSTEM: self.tr("System printer (through its driver)"),
            ESCPOS_FILE: self.tr("Receipt printer (ESC/POS) as a file or device"),
            ESCPOS_NET: self.tr("Network receipt printer (ESC/POS, raw port 9100)"),
            ESCPOS_SERIAL: self.tr("Serial receipt printer (ESC/POS, COM port)"),
            ESCPOS_USB: self.tr("USB receipt printer (ESC/POS, raw USB)"),
        }
        for kind in KINDS:
            self.kind.addItem(labels[kind], kind)
        self.system_printer = QComboBox()
        self.system_printer.addItem(self.tr("The default printer"), "")
        for name in printer_names():
            self.system_printer.addItem(name, name)
        self.location = QLineEdit()
        self.browse = QPushButton(self.tr("&Browse…"))
        self.browse.clicked.connect(self._browse)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.paper = QComboBox()
        paper_labels = {"58": self.tr("58 mm roll"), "80": self.tr("80 mm roll"), "a5": "A5"}
        for paper in PAPERS:
            self.paper.addItem(paper_labels[paper], paper)
        self.qr = QComboBox()
        qr_labels = {
            QR_NATIVE: self.tr("The printer's QR command"),
            QR_IMAGE: self.tr("An image (older printers)"),
        }
        for mode in QR_MODES:
            self.qr.addItem(qr_labels[mode], mode)
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
        self.form = QFormLayout()
        kind_label = QLabel(self.tr("&Print to:"))
        kind_label.setBuddy(self.kind)
        system_label = QLabel(self.tr("S&ystem printer:"))
        system_label.setBuddy(self.system_printer)
        self.location_label = QLabel(self.tr("&Where:"))
        self.location_label.setBuddy(self.location)
        paper_label = QLabel(self.tr("&Paper:"))
        paper_label.setBuddy(self.paper)
        qr_label = QLabel(self.tr("&QR code:"))
        qr_label.setBuddy(self.qr)
        self.form.addRow(kind_label, self.kind)
        self.form.addRow(system_label, self.system_printer)
        self.form.addRow(self.location_label, where)
        self.form.addRow("", self.hint)
        self.form.addRow(paper_label, self.paper)
        self.form.addRow(qr_label, self.qr)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        with workspace.db.sessions() as session:
            try:
                current = load_target(session, workspace.db.path)
            except PrintError as exc:
                self.error.setText(str(exc))
                current = PrintTarget(PDF_FOLDER, "")
            paper = load_paper(session)
            qr = load_qr(session)
        self.kind.setCurrentIndex(KINDS.index(current.kind))
        if current.kind == SYSTEM:
            self._choose_system_printer(current.location)
        else:
            self.location.setText(location_text(current))
        self.paper.setCurrentIndex(PAPERS.index(paper))
        self.qr.setCurrentIndex(QR_MODES.index(qr))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _choose_system_printer(self, name: str) -> None:
        index = self.system_printer.findData(name)
        if index < 0:
            # Set up once but not installed now (unplugged, another laptop): keep it listed.
            self.system_printer.addItem(self.tr("{name} (not found)").format(name=name), name)
            index = self.system_printer.count() - 1
        self.system_printer.setCurrentIndex(index)

    @property
    def kind_key(self) -> str:
        return str(self.kind.currentData())

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.kind_key
        system = kind == SYSTEM
        # A hidden row's fields drop out of the Tab order, so the keyboard sees only these.
        self.form.setRowVisible(self.system_printer, system)
        self.form.setRowVisible(self.location_label, not system)
        self.browse.setEnabled(kind in (PDF_FOLDER, ESCPOS_FILE))
        self.qr.setEnabled(kind in ESCPOS_KINDS)
        placeholders = {
            PDF_FOLDER: self.tr("A folder, e.g. D:\\receipts"),
            SYSTEM: "",
            ESCPOS_FILE: self.tr("A file or device, e.g. /dev/usb/lp0"),
            ESCPOS_NET: self.tr("Address:port, e.g. 192.168.1.50:9100"),
            ESCPOS_SERIAL: self.tr("Port:baud rate, e.g. COM3:9600 or /dev/ttyUSB0:9600"),
            ESCPOS_USB: self.tr("Vendor id:product id in hex, e.g. 0416:5011"),
        }
        self.location.setPlaceholderText(placeholders[kind])
        hint = ""
        if kind == ESCPOS_SERIAL:
            ports = serial_ports()
            hint = (
                self.tr("Serial ports on this computer: {ports}").format(ports=", ".join(ports))
                if ports
                else self.tr("No serial port found on this computer.")
            )
        elif kind == ESCPOS_USB:
            hint = self.tr(
                "The ids are shown by lsusb on Linux, or in Device Manager's hardware ids "
                "(VID_0416&PID_5011) on Windows."
            )
        self.hint.setText(hint)
        self.form.setRowVisible(self.hint, bool(hint))

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
        if self.kind_key == SYSTEM:
            return PrintTarget(SYSTEM, str(self.system_printer.currentData()))
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
            set_setting(session, QR_KEY, str(self.qr.currentData()))
        super().accept()
