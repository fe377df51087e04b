"""Emitting from Python never wears down True's reference count: PySide6 6.12.0 did, and
aborted the interpreter after ~1,000 emits; pyproject pins PySide6 below 6.12 for it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Sender(QObject):
    ping = Signal(int)


def test_many_emits_leave_true_alone() -> None:
    sender = Sender()
    received: list[int] = []
    sender.ping.connect(received.append)
    before = sys.getrefcount(True)
    # More than True's whole reference count at start-up: enough to abort on the bug.
    for n in range(20_000):
        sender.ping.emit(n)
    assert len(received) == 20_000
    assert abs(sys.getrefcount(True) - before) < 50
