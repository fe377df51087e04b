"""Bugs become a log entry with the trace and a short Chinese message, never a traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("village_collect.desktop")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def report_bug(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    log_path: Path | None = None,
    parent: QWidget | None = None,
) -> None:
    """Log the trace; tell the user in words that something went wrong and where it is logged."""
    log.error("Unhandled error", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is None:
        return  # nothing to show a box with: the log has it
    text = QCoreApplication.translate(
        "errors", "Something went wrong and the last action may not have finished."
    )
    if log_path is not None:
        details = QCoreApplication.translate(
            "errors", "The details were written to the log file:\n{path}"
        )
        text += "\n" + details.format(path=log_path)
    title = QCoreApplication.translate("errors", "Program error")
    QMessageBox.critical(parent or QApplication.activeWindow(), title, text)


def install_excepthook(log_path: Path | None) -> ExceptHook:
    """Route uncaught exceptions (also those raised in Qt slots) to `report_bug`; returns the
    previous hook so the caller can put it back."""
    previous = sys.excepthook
    reporting = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal reporting
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        if reporting:
            # A failure while the box is up (a repaint, a timer) must not stack boxes forever.
            log.error("Unhandled error while reporting one", exc_info=(exc_type, exc, tb))
            return
        reporting = True
        try:
            report_bug(exc_type, exc, tb, log_path)
        finally:
            reporting = False

    sys.excepthook = hook
    return previous
