"""Printing receipts from the desktop: off the GUI thread, and a reprint offer when one fails."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.workspace import Workspace
from printing.targets import (
    DEFAULT_RENDERERS,
    SYSTEM,
    Printed,
    PrintError,
    Renderer,
    Sender,
    load_paper,
    load_qr,
    load_target,
    print_receipt,
)
from ui.desktop.receipt_painter import register_receipt_fonts
from ui.desktop.system_printer import SystemPrinter
from ui.desktop.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger("village_collect.desktop")


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """What happened to one print job: `printed`, or `error` (the Chinese reason)."""

    receipt_no: str
    printed: Printed | None
    error: str = ""


class PrintFailedBox(QMessageBox):
    """ "Recorded but not printed", with a Reprint button that asks for the same receipt again."""

    reprint_requested = Signal(str)

    def __init__(self, receipt_no: str, reason: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.receipt_no = receipt_no
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Receipt not printed"))
        self.setText(
            self.tr(
                "Receipt {receipt} is recorded: the payment is safe and counts. "
                "Only the printing failed."
            ).format(receipt=receipt_no)
        )
        self.setInformativeText(
            reason
            + "\n"
            + self.tr("Fix the printer and press Reprint, or reprint later from Receipts.")
        )
        self.reprint_button: QPushButton = self.addButton(
            self.tr("&Reprint"), QMessageBox.ButtonRole.AcceptRole
        )
        self.addButton(QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.reprint_button)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reprint_button.clicked.connect(self._reprint)

    @Slot()
    def _reprint(self) -> None:
        self.reprint_requested.emit(self.receipt_no)


class ReceiptPrinter(QObject):
    """Counts, renders and sends receipts on the task runner, one job after another.

    A failure never touches the payment: the agent is told it is recorded and offered 重打."""

    printed = Signal(object)  # Printed
    failed = Signal(str, str)  # receipt no., the reason shown

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        window: QWidget,
        renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
    ) -> None:
        super().__init__(window)
        self.workspace = workspace
        self.runner = runner
        self.window = window
        self.renderers = renderers  # tests put fakes here
        # What printing/ cannot reach without Qt; tests point the system printer at a PDF.
        self.senders: dict[str, Sender] = {SYSTEM: SystemPrinter()}
        self.message_box: PrintFailedBox | None = None
        register_receipt_fonts()  # here, on the GUI thread: the worker only paints

    @Slot(str)
    def print_receipt(self, receipt_no: str) -> None:
        """Queue one print of `receipt_no` (the first, or a reprint: the database counts)."""
        workspace, renderers, senders = self.workspace, self.renderers, dict(self.senders)

        def work(_control: TaskControl) -> PrintOutcome:
            try:
                with workspace.db.sessions() as session:
                    target = load_target(session, workspace.db.path)
                    paper = load_paper(session)
                    qr = load_qr(session)
                printed = print_receipt(
                    workspace.db, receipt_no, target, paper, renderers, qr=qr, senders=senders
                )
            except PrintError as exc:
                return PrintOutcome(receipt_no, None, str(exc))
            except Exception as exc:
                # The payment is committed whatever went wrong here: say so, log the trace.
                log.exception("Printing receipt %s failed", receipt_no)
                return PrintOutcome(receipt_no, None, str(exc) or type(exc).__name__)
            return PrintOutcome(receipt_no, printed)

        task = Task(work)
        task.signals.succeeded.connect(self._done)
        self.runner.start(task)

    @Slot(object)
    def _done(self, outcome: PrintOutcome) -> None:
        if outcome.printed is not None:
            self.printed.emit(outcome.printed)
            return
        box = PrintFailedBox(outcome.receipt_no, outcome.error, self.window)
        box.reprint_requested.connect(self.print_receipt)
        self.message_box = box
        box.open()
        self.failed.emit(outcome.receipt_no, outcome.error)


def where_text(printed: Printed) -> str:
    """Where a receipt went, short enough for the status bar (a PDF by its file name)."""
    path = Path(printed.where)
    return path.name if path.suffix == ".pdf" else printed.where
