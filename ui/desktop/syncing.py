"""Sync from the desktop: in the background, one at a time, periodic with backoff, never blocking.

The controller owns its own single-thread task runner: a sync waits on the network (seconds
when a link is slow or a host does not answer), and a payment queued behind it on the desk's
runner would wait with it. SQLite's busy timeout serialises the two writers instead; sync's
writes are short transactions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any

import httpx
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.workspace import Workspace
from sync.client import SyncError, SyncReport, SyncStatus, TransportLayer, enroll, status, sync
from ui.desktop.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger("village_collect.desktop")

PERIOD_S = 5 * 60  # between syncs while they work
FIRST_DELAY_S = 3  # after start-up: the window first, then the network
BACKOFF_FIRST_S = 30  # after a failure: 30 s, 1 min, 2 min, … up to BACKOFF_MAX_S
BACKOFF_MAX_S = 30 * 60

# The transport argument is a layer: the client builds its own transport (the one holding
# the county's pinned TLS certificate) and hands it to the layer to wrap.
SyncFunction = Callable[[Workspace, TransportLayer | None], SyncReport]
EnrollFunction = Callable[[Workspace, str, str, TransportLayer | None], dict[str, Any]]


class Backoff:
    """Seconds until the next periodic sync: the period after a success; after n failures in a
    row `first`·2^(n-1), never more than `ceiling`."""

    def __init__(
        self, period: int = PERIOD_S, first: int = BACKOFF_FIRST_S, ceiling: int = BACKOFF_MAX_S
    ) -> None:
        self.period = period
        self.first = first
        self.ceiling = ceiling
        self.failures = 0

    def succeeded(self) -> int:
        self.failures = 0
        return self.period

    def failed(self) -> int:
        self.failures += 1
        delay = self.first
        for _ in range(self.failures - 1):  # no 2**n of a huge n after days offline
            delay *= 2
            if delay >= self.ceiling:
                return self.ceiling
        return min(delay, self.ceiling)


class Link(Enum):
    """What the status area says about the county server."""

    UNENROLLED = "unenrolled"
    UNKNOWN = "unknown"  # enrolled, not tried since start-up
    SYNCING = "syncing"
    ONLINE = "online"  # the last sync finished
    OFFLINE = "offline"  # the last sync could not reach the server
    ERROR = "error"  # the server answered but the sync did not finish (refused, 500, …)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """One finished sync: the report, or the Chinese reason it stopped."""

    report: SyncReport | None
    error: str = ""
    offline: bool = False  # the server could not be reached at all
    bug: bool = False  # not a SyncError: logged with its trace
    cancelled: bool = False  # the window closed under it

    @property
    def ok(self) -> bool:
        return self.report is not None


@dataclass(frozen=True, slots=True)
class EnrollOutcome:
    answer: dict[str, Any] | None
    error: str = ""
    offline: bool = False  # the server never answered (as opposed to refusing the code)


class StopAwareTransport(httpx.BaseTransport):
    """Around the client's own transport (pinned to the county's TLS certificate once enrolled
    over https): refuses to start a request once the task is cancelled, so a closing window
    waits for one request at most, not a whole first download. Used as a layer,
    `sync(workspace, partial(StopAwareTransport, control))`; the client closes it."""

    def __init__(self, control: TaskControl, inner: httpx.BaseTransport) -> None:
        self._control = control
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._control.cancelled():
            raise httpx.ConnectError("the program is closing", request=request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def _unreachable(exc: SyncError) -> bool:
    """The server never answered (refused, timed out, no route), as opposed to answering no."""
    return isinstance(exc.__cause__, httpx.TransportError)


class SyncController(QObject):
    """Runs sync off the GUI thread, never two at once: on a timer while enrolled, after each
    payment or void, and when the agent asks (同步). Failures back off; a success resets.

    `timer` is injectable (tests pass one that records instead of waiting), as are the sync
    and enroll functions."""

    changed = Signal()  # the status to show changed: read `status`, `link`, `last_error`
    started = Signal()
    finished = Signal(object)  # SyncOutcome
    enroll_finished = Signal(object)  # EnrollOutcome

    def __init__(
        self,
        workspace: Workspace,
        parent: QObject | None = None,
        *,
        timer: QTimer | None = None,
        runner: TaskRunner | None = None,
        sync_fn: SyncFunction = sync,
        enroll_fn: EnrollFunction = enroll,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.runner = runner or TaskRunner(self)
        self.timer = timer or QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)
        self.backoff = backoff or Backoff()
        self._sync_fn = sync_fn
        self._enroll_fn = enroll_fn
        self.running = False
        self.enrolling = False
        self._again = False
        self._closing = False
        self.link = Link.UNENROLLED
        self.last_error = ""
        self.status = status(workspace)
        self.link = Link.UNKNOWN if self.enrolled else Link.UNENROLLED

    @property
    def enrolled(self) -> bool:
        return bool(self.status.server)

    def start(self) -> None:
        """At start-up: the first sync shortly after the window shows, if enrolled."""
        if self.enrolled:
            self._schedule(FIRST_DELAY_S)

    # --- status -----------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> SyncStatus:
        """Read what waits and when it last worked (two indexed reads on the GUI thread)."""
        self.status = status(self.workspace)
        if not self.enrolled:
            self.link = Link.UNENROLLED
        elif self.link is Link.UNENROLLED:
            self.link = Link.UNKNOWN
        self.changed.emit()
        return self.status

    def problems(self) -> list[str]:
        """What the agent should know: why the last sync stopped, then the per-event answers."""
        found = [self.last_error] if self.last_error else []
        return found + list(self.status.problems)

    # --- syncing ----------------------------------------------------------------------------

    @Slot()
    def request(self, *_args: object) -> bool:
        """Sync now, or right after the running one; False when not enrolled."""
        self.refresh()  # the waiting count includes what was just recorded
        if not self.enrolled or self._closing:
            return False
        if self.running:
            self._again = True
            return True
        self._run()
        return True

    @Slot()
    def _tick(self) -> None:
        if self.enrolled and not self.running and not self._closing:
            self._run()

    def _schedule(self, seconds: int) -> None:
        self.timer.start(seconds * 1000)

    def _run(self) -> None:
        self.timer.stop()
        self.running = True
        self._again = False
        self.link = Link.SYNCING
        workspace, sync_fn = self.workspace, self._sync_fn

        def work(control: TaskControl) -> SyncOutcome:
            try:
                report = sync_fn(workspace, partial(StopAwareTransport, control))
            except SyncError as exc:
                if control.cancelled():
                    return SyncOutcome(None, str(exc), cancelled=True)
                return SyncOutcome(None, str(exc), offline=_unreachable(exc))
            except Exception as exc:
                log.exception("Sync failed")
                return SyncOutcome(None, f"{type(exc).__name__}: {exc}", bug=True)
            return SyncOutcome(report)

        task = Task(work)
        task.signals.succeeded.connect(self._done)
        self.runner.start(task)
        self.started.emit()
        self.changed.emit()

    @Slot(object)
    def _done(self, outcome: SyncOutcome) -> None:
        self.running = False
        if outcome.cancelled or self._closing:
            return
        if outcome.ok:
            self.link = Link.ONLINE
            self.last_error = ""
            self._schedule(self.backoff.succeeded())
        else:
            self.link = Link.OFFLINE if outcome.offline else Link.ERROR
            if outcome.bug:
                self.last_error = self.tr(
                    "Sync stopped on an unexpected error ({error}); the details are in the log. "
                    "Records are kept on this computer."
                ).format(error=outcome.error)
            else:
                self.last_error = outcome.error
            log.warning("Sync did not finish: %s", outcome.error)
            self._schedule(self.backoff.failed())
        self.refresh()
        self.finished.emit(outcome)
        if self._again and outcome.ok:
            self._run()  # something was recorded while it ran: send it now, not in 5 minutes

    # --- enrolling --------------------------------------------------------------------------

    def enroll(self, server: str, code: str) -> bool:
        """Register with the county on the worker; `enroll_finished` says how it went."""
        if self.enrolling or self._closing:
            return False
        self.enrolling = True
        workspace, enroll_fn = self.workspace, self._enroll_fn

        def work(control: TaskControl) -> EnrollOutcome:
            return try_enroll(enroll_fn, workspace, server, code, control)

        task = Task(work)
        task.signals.succeeded.connect(self._enrolled)
        self.runner.start(task)
        return True

    @Slot(object)
    def _enrolled(self, outcome: EnrollOutcome) -> None:
        self.enrolling = False
        if self._closing:
            return
        if outcome.answer is not None:
            self.backoff.succeeded()
            self.last_error = ""
            self.link = Link.UNKNOWN
            self.refresh()
            self.enroll_finished.emit(outcome)
            self.request()  # the first sync brings the villages' roster
        else:
            self.enroll_finished.emit(outcome)

    # --- closing ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the timer, let a running sync stop after its current request, wait for it."""
        self._closing = True
        self.timer.stop()
        self.runner.shutdown()


def try_enroll(
    enroll_fn: EnrollFunction, workspace: Workspace, server: str, code: str, control: TaskControl
) -> EnrollOutcome:
    """Enroll on a worker thread: the county's answer, or why not (never an exception)."""
    try:
        layer = partial(StopAwareTransport, control)
        return EnrollOutcome(enroll_fn(workspace, server, code, layer))
    except SyncError as exc:
        return EnrollOutcome(None, str(exc), offline=_unreachable(exc))
    except Exception as exc:
        log.exception("Enrollment failed")
        return EnrollOutcome(None, f"{type(exc).__name__}: {exc}")


def last_sync_text(last_ok: str | None, now: datetime | None = None) -> str:
    """When the last sync worked, in local time: HH:MM today, else MM-DD HH:MM; '' if never."""
    if not last_ok:
        return ""
    try:
        when = datetime.fromisoformat(last_ok).astimezone()
    except ValueError:
        return last_ok
    now = now or datetime.now().astimezone()
    if when.date() == now.date():
        return when.strftime("%H:%M")
    return when.strftime("%m-%d %H:%M")
