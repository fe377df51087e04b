"""Long work off the GUI thread: one serialised database worker with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class TaskSignals(QObject):
    """What a task reports; created on the GUI thread, so every slot runs there (queued)."""

    progressed = Signal(float, int)  # fraction done, items done
    succeeded = Signal(object)  # the work function's result
    failed = Signal(object)  # the exception it raised
    finished = Signal()  # always last, after succeeded or failed


class TaskControl:
    """The Qt-free handle a work function gets: report progress, ask whether to stop."""

    def __init__(self, signals: TaskSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, fraction: float, done: int) -> None:
        self._signals.progressed.emit(fraction, done)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Task(QRunnable):
    """One piece of work; `fn` runs on the worker thread and must not touch widgets."""

    def __init__(self, fn: Callable[[TaskControl], Any]) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self.control = TaskControl(self.signals)
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn(self.control)
        except BaseException as exc:  # reported to the GUI, which decides: message or bug
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class TaskRunner(QObject):
    """Runs tasks one at a time: SQLite has one writer, so a queue beats lock contention."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Signals objects stay referenced until `finished` arrives, so no emit hits a dead object.
        self._active: dict[TaskSignals, TaskControl] = {}

    def start(self, task: Task) -> None:
        """Queue `task`; connect to its signals first, since a fast task can finish at once."""
        signals = task.signals
        self._active[signals] = task.control
        # A bound slot of this QObject (not a lambda) makes the connection queued to our thread.
        signals.finished.connect(self._forget)
        self._pool.start(task)

    @Slot()
    def _forget(self) -> None:
        self._active.pop(self.sender(), None)  # type: ignore[call-overload]

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def shutdown(self) -> None:
        """Ask every task to stop and wait for them, so none writes to a closed database."""
        for control in list(self._active.values()):
            control.cancel()
        self._pool.waitForDone()
