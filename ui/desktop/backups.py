"""Encrypted backups from the desktop: on the worker after each day close, and on exit."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.backup import BackupError, create_backup
from app.workspace import Workspace
from ui.desktop.errors import report_bug
from ui.desktop.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger(__name__)


class BackupController(QObject):
    """Writes the desk's backups (`app/backup.py`); a failure is said and the desk goes on.

    Only a desk with a signed-in agent is backed up: a training database without accounts
    is not."""

    backed_up = Signal(object)  # Path of the new backup
    message = Signal(str)  # for the window's status bar

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        window: QWidget,
        log_path: Path | None,
        *,
        enabled: bool,
    ) -> None:
        super().__init__(window)
        self.workspace = workspace
        self.runner = runner
        self.window = window
        self.log_path = log_path
        self.enabled = enabled
        self.error = ""  # the last failure's reason, said in a message box

    def back_up(self) -> None:
        """After a day close: an encrypted backup on the worker (a USB stick may be slow)."""
        if not self.enabled:
            return
        workspace = self.workspace

        def work(_control: TaskControl) -> Path:
            return create_backup(workspace)

        task = Task(work)
        task.signals.succeeded.connect(self._backed_up)
        task.signals.failed.connect(self._failed)
        self.runner.start(task)

    @Slot(object)
    def _backed_up(self, path: Path) -> None:
        self.backed_up.emit(path)
        self.message.emit(self.tr("Backed up: {path}").format(path=path))

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, BackupError):
            report_bug(type(exc), exc, exc.__traceback__, self.log_path, self.window)
            return
        self.error = str(exc)
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Backup failed"), str(exc),
            QMessageBox.StandardButton.Ok, self.window,
        )  # fmt: skip
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def back_up_on_exit(self) -> None:
        """On the GUI thread: the window calls it once its workers stopped."""
        if not self.enabled:
            return
        try:
            path = create_backup(self.workspace)
        except BackupError as exc:
            log.warning("backup on exit failed: %s", exc)
            QMessageBox.warning(self.window, self.tr("Backup failed"), str(exc))
            return
        self.backed_up.emit(path)
