"""The printer fields (kind, where, paper, QR) with a test page: in Settings and the first run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.receipt_view import ReceiptView
from app.settings import set_setting
from app.workspace import Workspace
from printing.devices import serial_ports, usb_printers
from printing.specimen import print_specimen
from printing.targets import (
    DEFAULT_RENDERERS,
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
    Renderer,
    Sender,
    load_paper,
    load_qr,
    load_target,
    parse_target,
)
from ui.desktop.receipt_painter import register_receipt_fonts
from ui.desktop.system_printer import SystemPrinter, printer_names
from ui.desktop.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger("village_collect.desktop")

ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "color: #1b5e20;"


def location_text(target: PrintTarget) -> str:
    """What the Where field shows for a target (its setting without the kind)."""
    return target.setting.partition(":")[2]


class PrinterForm(QWidget):
    """Where receipts print, read from and saved to the database (it travels with the data).

    `specimen` makes the test page's content (who and which device print it); the test page
    goes out on the form's own worker, since a network printer that does not answer takes
    seconds to say so. `senders` and `renderers` are what printing uses: tests swap them."""

    tested = Signal(bool, str)  # whether the test page went out, the message shown

    def __init__(
        self,
        workspace: Workspace,
        specimen: Callable[[], ReceiptView],
        parent: QWidget | None = None,
        *,
        senders: Mapping[str, Sender] | None = None,
        renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.specimen = specimen
        self.senders: dict[str, Sender] = (
            dict(senders) if senders is not None else {SYSTEM: SystemPrinter()}
        )
        self.renderers = renderers
        self.runner = TaskRunner(self)
        self.testing = False
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
        self.system_names = printer_names()
        for name in self.system_names:
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
        self.test_button = QPushButton(self.tr("Print a &test page"))
        self.test_button.setAutoDefault(False)  # Enter in a field saves; it does not print
        self.test_button.clicked.connect(self.test_print)
        self.result = QLabel()  # the test page's outcome
        self.result.setObjectName("printer-test-result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

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
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addLayout(test_row)
        layout.addWidget(self.result)
        layout.addWidget(self.error)

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
        # What Where held for each kind: a folder is no USB id, and switching back finds it.
        self._shown_kind = self.kind_key
        self._locations = {self._shown_kind: self.location.text()}
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
        if kind != self._shown_kind:
            self._locations[self._shown_kind] = self.location.text()
            self.location.setText(self._locations.get(kind, ""))
            self._shown_kind = kind
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
        if kind == SYSTEM and not self.system_names:
            hint = self.tr(
                "No printer is installed on this computer. Install the printer's driver, or "
                "choose a receipt printer or PDF files."
            )
        elif kind == ESCPOS_SERIAL:
            ports = serial_ports()
            hint = (
                self.tr("Serial ports on this computer: {ports}").format(ports=", ".join(ports))
                if ports
                else self.tr("No serial port found on this computer.")
            )
        elif kind == ESCPOS_USB:
            hint = self._usb_hint()
        self.hint.setText(hint)
        self.form.setRowVisible(self.hint, bool(hint))

    def _usb_hint(self) -> str:
        found = usb_printers()
        where = self.tr(
            "The ids are shown by lsusb on Linux, or in Device Manager's hardware ids "
            "(VID_0416&PID_5011) on Windows."
        )
        if not found:
            return (
                self.tr(
                    "No USB printer found: check that it is on and its cable is plugged in, "
                    "or choose the system printer."
                )
                + " "
                + where
            )
        if not self.location.text().strip():
            self.location.setText(found[0].ids)  # the one plugged in is the one meant
        unnamed = self.tr("printer")  # a device that gives no product name
        names = ", ".join(f"{p.name or unnamed} ({p.ids})" for p in found)
        return self.tr("USB printers found: {names}").format(names=names)

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

    def describe(self) -> str:
        """The choice in words, as the fields show it: kind, then where."""
        where = (
            self.system_printer.currentText() if self.kind_key == SYSTEM else self.location.text()
        )
        return f"{self.kind.currentText()}：{where.strip()}"

    def save(self) -> bool:
        """Store the fields; False (with the reason shown) when they make no sense."""
        try:
            target = self.target()
        except PrintError as exc:
            self.error.setText(str(exc))
            return False
        with self.workspace.db.sessions.begin() as session:
            set_setting(session, PRINTER_KEY, target.setting)
            set_setting(session, PAPER_KEY, str(self.paper.currentData()))
            set_setting(session, QR_KEY, str(self.qr.currentData()))
        self.error.clear()
        return True

    @Slot()
    def test_print(self) -> bool:
        """Send the test page to the printer the fields describe (saved or not)."""
        if self.testing:
            return False
        try:
            target = self.target()
        except PrintError as exc:
            self._show_result(False, str(exc))
            return False
        self.error.clear()
        view = self.specimen()
        paper, qr = str(self.paper.currentData()), str(self.qr.currentData())
        senders, renderers = dict(self.senders), self.renderers
        if SYSTEM in senders:
            register_receipt_fonts()  # on the GUI thread: the worker only paints

        def work(_control: TaskControl) -> tuple[bool, str]:
            try:
                where = print_specimen(view, target, paper, renderers, qr=qr, senders=senders)
            except PrintError as exc:
                return False, str(exc)
            except Exception as exc:  # a driver's own failure: said, logged, never a crash
                log.exception("The test page failed")
                return False, str(exc) or type(exc).__name__
            return True, where

        self.testing = True
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(self.tr("Printing the test page…"))
        self.result.show()
        task = Task(work)
        task.signals.succeeded.connect(self._tested)
        self.runner.start(task)
        return True

    @Slot(object)
    def _tested(self, outcome: tuple[bool, str]) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        ok, detail = outcome
        if ok:
            message = self.tr(
                "The test page went to {where}. Check the paper: the Chinese text, the amounts "
                "and the QR code must be clear (a phone should scan the code)."
            ).format(where=detail)
        else:
            message = self.tr(
                "The test page did not print: {reason}\nCheck the printer and try again, "
                "choose another printer, or keep PDF files for now and set the printer later "
                "in Settings."
            ).format(reason=detail)
        self._show_result(ok, message)

    def _show_result(self, ok: bool, message: str) -> None:
        self.result.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        self.result.setText(message)
        self.result.show()
        self.tested.emit(ok, message)

    def shutdown(self) -> None:
        """Wait for a test page still going out (the dialog or wizard is closing)."""
        self.runner.shutdown()
