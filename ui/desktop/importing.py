"""Importing a roster file from the window: the worker, a progress dialog with Cancel, a summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.roster.importer import ImportReport
from app.roster.reader import RosterFileError
from app.workspace import Workspace
from ui.desktop.errors import report_bug
from ui.desktop.tasks import Task, TaskControl, TaskRunner

STEPS = 1000  # progress bar resolution: per mille of the file read
SHOWN_REJECTIONS = 10  # in the box itself; the rest are behind "Show Details..."
DETAILED_REJECTIONS = 500  # more than this belongs in the CLI's --json output, not a dialog


class ImportProgressDialog(QDialog):
    """Progress of one import; Cancel (or Esc, or closing it) asks the worker to stop."""

    cancel_requested = Signal()

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Importing roster"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(480)
        self.message = QLabel(self.tr("Importing {file}…").format(file=file_name))
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.rows = QLabel(self.tr("Reading the file…"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addWidget(self.rows)
        layout.addWidget(self.buttons)
        self._cancelling = False

    @property
    def cancel_button(self) -> QWidget:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert button is not None
        return button

    @Slot(float, int)
    def set_progress(self, fraction: float, rows: int) -> None:
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * STEPS))
        if not self._cancelling:
            self.rows.setText(self.tr("{rows} rows processed").format(rows=rows))

    def reject(self) -> None:
        # The dialog stays until the worker has stopped: the summary says what was kept.
        if self._cancelling:
            return
        self._cancelling = True
        self.cancel_button.setEnabled(False)
        self.rows.setText(self.tr("Cancelling… rows already imported are kept."))
        self.cancel_requested.emit()

    def finish(self) -> None:
        self.done(QDialog.DialogCode.Accepted)


class RosterImport(QObject):
    """One import of `path` on the runner; `finished` carries the report (None if it failed)."""

    finished = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        path: Path,
        parent: QWidget,
        log_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._runner = runner
        self._path = path
        self._window = parent
        self._log_path = log_path
        self._control: TaskControl | None = None
        self._report: ImportReport | None = None
        self.progress_dialog = ImportProgressDialog(path.name, parent)
        self.message_box: QMessageBox | None = None

    def start(self) -> None:
        workspace, path = self._workspace, self._path

        def work(control: TaskControl) -> ImportReport:
            return workspace.import_roster(path, control.progress, control.cancelled)

        task = Task(work)
        self._control = task.control
        task.signals.progressed.connect(self.progress_dialog.set_progress)
        task.signals.succeeded.connect(self._succeeded)
        task.signals.failed.connect(self._failed)
        task.signals.finished.connect(self._finished)
        self.progress_dialog.cancel_requested.connect(self.cancel)
        self.progress_dialog.open()
        self._runner.start(task)

    @Slot()
    def cancel(self) -> None:
        if self._control is not None:
            self._control.cancel()

    @Slot(object)
    def _succeeded(self, report: ImportReport) -> None:
        self._report = report
        self.progress_dialog.finish()
        if not self._window.isVisible():
            return  # the window was closed mid-import: nobody is there to read a summary
        title = self.tr("Import cancelled") if report.cancelled else self.tr("Import finished")
        icon = QMessageBox.Icon.Warning if report.rejected else QMessageBox.Icon.Information
        box = self._box(icon, title, report.summary())
        if report.rejected:
            lines = [
                self.tr("Row {row}: {reason}").format(row=r.row, reason=r.reason)
                for r in report.rejected[:DETAILED_REJECTIONS]
            ]
            shown = "\n".join(lines[:SHOWN_REJECTIONS])
            rest = len(report.rejected) - SHOWN_REJECTIONS
            if rest > 0:
                shown += "\n" + self.tr("… and {count} more rejected rows.").format(count=rest)
            box.setInformativeText(
                self.tr("Rejected rows (fix them in the file and import it again):") + "\n" + shown
            )
            if rest > 0:
                box.setDetailedText("\n".join(lines))
        box.open()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self.progress_dialog.finish()
        if isinstance(exc, RosterFileError):
            if not self._window.isVisible():
                return
            self._box(
                QMessageBox.Icon.Warning, self.tr("Cannot import the roster"), str(exc)
            ).open()
        else:
            report_bug(type(exc), exc, exc.__traceback__, self._log_path, self._window)

    @Slot()
    def _finished(self) -> None:
        self.finished.emit(self._report)

    def _box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._window)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        return box
