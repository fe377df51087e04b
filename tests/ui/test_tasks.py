"""The background worker: results, errors and progress come back to the GUI thread, in order."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Slot
from pytestqt.qtbot import QtBot

from ui.desktop.tasks import Task, TaskControl, TaskRunner


class Recorder(QObject):
    """Collects what a task reports, and on which thread each report arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []
        self.threads: set[QThread] = set()

    def watch(self, task: Task) -> None:
        task.signals.progressed.connect(self.progressed)
        task.signals.succeeded.connect(self.succeeded)
        task.signals.failed.connect(self.failed)
        task.signals.finished.connect(self.finished)

    def _note(self, name: str, value: object) -> None:
        self.events.append((name, value))
        self.threads.add(QThread.currentThread())

    @Slot(float, int)
    def progressed(self, fraction: float, done: int) -> None:
        self._note("progressed", (fraction, done))

    @Slot(object)
    def succeeded(self, result: object) -> None:
        self._note("succeeded", result)

    @Slot(object)
    def failed(self, exc: object) -> None:
        self._note("failed", exc)

    @Slot()
    def finished(self) -> None:
        self._note("finished", None)


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    recorder = Recorder()
    workers: list[threading.Thread] = []

    def work(control: TaskControl) -> str:
        workers.append(threading.current_thread())
        control.progress(0.5, 10)
        return "done"

    task = Task(work)
    recorder.watch(task)
    with qtbot.waitSignal(task.signals.finished):
        runner.start(task)
        assert runner.busy
    assert recorder.events == [("progressed", (0.5, 10)), ("succeeded", "done"), ("finished", None)]
    assert workers and workers[0] is not threading.main_thread()
    assert recorder.threads == {QThread.currentThread()}
    qtbot.waitUntil(lambda: not runner.busy)


def test_an_error_is_handed_over_not_raised(qtbot: QtBot) -> None:
    runner = TaskRunner()
    recorder = Recorder()

    def work(_control: TaskControl) -> None:
        raise LookupError("no such roster")

    task = Task(work)
    recorder.watch(task)
    with qtbot.waitSignal(task.signals.finished):
        runner.start(task)
    (name, exc), last = recorder.events
    assert name == "failed" and isinstance(exc, LookupError) and str(exc) == "no such roster"
    assert last == ("finished", None)


def test_shutdown_cancels_and_waits(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    stopped: list[bool] = []

    def work(control: TaskControl) -> None:
        started.set()
        while not control.cancelled():
            pass  # a real task does a chunk of work between checks
        stopped.append(True)

    task = Task(work)
    with qtbot.waitSignal(task.signals.finished):
        runner.start(task)
        assert started.wait(10)
        runner.shutdown()
        assert stopped == [True]  # shutdown returned only after the work function did
