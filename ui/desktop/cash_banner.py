"""限期限额: the banner over the collect screen when cash held nears or passes the limits."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.dayclose import CashHeld, cash_held
from app.policy import Policy
from app.workspace import Workspace

NEAR_STYLE = "background: #ffc83d; color: #3a2a00; border: 1px solid #c99700;"
OVER_STYLE = "background: #b00020; color: #ffffff; border: 1px solid #7a0016;"
_BOX = " padding: 6px 10px; font-weight: bold; border-radius: 3px;"


class CashBanner(QLabel):
    """Hidden while the cash held is within the limits; amber as a limit nears, red past it.

    The limits are the region policy's (deposit days and amount), else the county defaults."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.held: CashHeld | None = None
        self.setObjectName("cash-banner")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    @property
    def level(self) -> str:
        return self.held.level if self.held is not None else "ok"

    def refresh(self, policy: Policy | None, today: date) -> CashHeld:
        """Measure the cash held on `today` against `policy`'s limits and show what it means."""
        days = policy.deposit_days if policy is not None else None
        cash = policy.deposit_cash_fen if policy is not None else None
        held = cash_held(self.workspace.db, days, cash, today)
        self.held = held
        if held.level == "ok":
            self.hide()
            self.clear()
            return held
        self.setStyleSheet((OVER_STYLE if held.level == "over" else NEAR_STYLE) + _BOX)
        self.setText(self.tr("{message} · Close the day: Ctrl+D").format(message=held.message))
        self.show()
        return held
