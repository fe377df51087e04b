"""Idle lock: no key or mouse for N minutes locks the desk; the lock keeps the desk's state."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

CHECK_MS = 5_000  # how often idleness is looked at: a lock comes at most 5 s late
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatch(QObject):
    """Watches the whole application's input; emits `idle` once per quiet spell.

    The clock is injectable so tests move time instead of waiting for it."""

    idle = Signal()

    def __init__(
        self,
        minutes: float,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self.clock = clock
        self.last_activity = clock()
        self.paused = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        if minutes > 0:  # 0 turns the lock off (a county may decide so for a kiosk)
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.last_activity = self.clock()
        return False

    def touch(self) -> None:
        self.last_activity = self.clock()

    def check(self) -> None:
        if self.paused or self.minutes <= 0:
            return
        if self.clock() - self.last_activity >= self.minutes * 60:
            self.paused = True  # until resume(): one lock per quiet spell
            self.idle.emit()

    def resume(self) -> None:
        self.paused = False
        self.touch()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
