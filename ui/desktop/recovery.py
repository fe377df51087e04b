"""Start-up check after sign-in: a damaged database is named, and its latest good backup offered."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.accounts import SignedIn
from app.backup import BackupError, restore_backup
from app.health import HealthReport, check_database
from app.workspace import Workspace, open_workspace
from db.engine import DatabaseError

log = logging.getLogger(__name__)


def open_checked(
    path: Path, today: str | None, signed: SignedIn, parent: QWidget | None = None
) -> Workspace | None:
    """The workspace, checked (quick_check and the ledger since the last check); when the
    database is damaged, the agent may restore the latest good backup. None: do not start."""
    try:
        workspace = open_workspace(path, today=today, key=signed.data_key)
    except DatabaseError as exc:
        report = check_database(path, signed.data_key)
        if report.ok:  # not damage: a message of its own (a newer app's file, permissions)
            raise
        log.warning("database did not open: %s", exc)
    else:
        report = check_database(workspace.db)
        if report.ok:
            workspace.sign_in_as(signed)
            return workspace
        workspace.close()  # a restore renames files: nothing may hold the old one open
    if not offer_restore(report, path, signed, parent):
        return None
    workspace = open_workspace(path, today=today, key=signed.data_key)
    workspace.sign_in_as(signed)
    return workspace


def offer_restore(
    report: HealthReport, path: Path, signed: SignedIn, parent: QWidget | None
) -> bool:
    """Show what is wrong; restore the latest good backup if the agent says so."""
    box = QMessageBox(parent)
    box.setObjectName("damaged-database")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("recovery", "The database is damaged"))
    box.setText(report.message)
    restore = None
    if report.latest_backup is not None:
        restore = box.addButton(
            QCoreApplication.translate("recovery", "Restore this backup"),
            QMessageBox.ButtonRole.AcceptRole,
        )
        box.setDefaultButton(restore)
    box.addButton(QCoreApplication.translate("recovery", "Quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if restore is None or box.clickedButton() is not restore:
        return False
    assert report.latest_backup is not None
    try:
        done = restore_backup(
            report.latest_backup, path, key=signed.data_key, current_key=signed.data_key,
            replace=True,
        )  # fmt: skip
    except BackupError as exc:
        QMessageBox.critical(
            parent, QCoreApplication.translate("recovery", "The backup was not restored"), str(exc)
        )
        return False
    QMessageBox.information(
        parent, QCoreApplication.translate("recovery", "Backup restored"), done.summary()
    )
    return True
