"""Who is at the desk: the signed-in agent's name, the idle lock and Ctrl+L, and unlocking."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QWidget

from app.accounts import SignedIn, idle_minutes
from app.workspace import Workspace
from ui.desktop.idle_lock import IdleWatch
from ui.desktop.signin import SignInDialog


class LockController(QObject):
    """Locks the window behind the sign-in dialog and gives it to whoever unlocks it.

    The same agent finds the desk as they left it; another agent gets an empty desk and their
    own name on receipts. Without a signed-in agent (an unencrypted training database) there is
    nothing to lock."""

    agent_switched = Signal()  # another agent unlocked: the last one's desk is not theirs
    message = Signal(str)  # for the window's status bar

    def __init__(
        self,
        workspace: Workspace,
        window: QMainWindow,
        signed: SignedIn | None,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.workspace = workspace
        self.window = window
        self.signed = signed  # None: an unencrypted training database, no sign-in
        if signed is not None:
            workspace.sign_in_as(signed)  # their name on receipts, voids and closes
        self.unlock_dialog: SignInDialog | None = None
        self._hidden_while_locked: list[QWidget] = []
        # The window puts the label in its status bar, then calls show_agent().
        self.agent_label = QLabel()
        self.agent_label.setObjectName("signed-in-agent")
        self.idle: IdleWatch | None = None
        if signed is not None:
            self.idle = IdleWatch(idle_minutes(workspace.db), idle_clock, self)
            self.idle.idle.connect(self.lock)

    @property
    def locked(self) -> bool:
        return self.unlock_dialog is not None

    def show_agent(self) -> None:
        signed = self.signed
        if signed is None:
            self.agent_label.hide()
            return
        self.agent_label.setText(
            self.tr("{role}: {name}").format(role=signed.account.role_label, name=signed.name)
        )
        self.agent_label.show()

    @Slot()
    def lock(self) -> SignInDialog | None:
        """Hide everything with personal data and ask for a password; the desk's state (the
        open household, ticked members, open dialogs) comes back when the same agent unlocks."""
        if self.signed is None or self.workspace.db.path is None:
            return None
        if self.unlock_dialog is not None:
            return self.unlock_dialog
        window = self.window
        self._hidden_while_locked = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not window and isinstance(w, QDialog) and w.isVisible()
        ]
        for widget in self._hidden_while_locked:
            widget.hide()
        self._central().hide()
        window.menuBar().setEnabled(False)
        if self.idle is not None:
            self.idle.paused = True
        dialog = SignInDialog(self.workspace.db.path, locked_for=self.signed.name, parent=window)
        dialog.accepted.connect(self._unlocked)
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def _central(self) -> QWidget:
        central = self.window.centralWidget()
        assert central is not None
        return central

    @Slot()
    def _unlocked(self) -> None:
        dialog = self.unlock_dialog
        assert dialog is not None and dialog.signed is not None and self.signed is not None
        self.unlock_dialog = None
        dialog.deleteLater()
        same = dialog.signed.name == self.signed.name
        self.signed = dialog.signed
        self._central().show()
        self.window.menuBar().setEnabled(True)
        if same:
            for widget in self._hidden_while_locked:
                widget.show()
        else:
            # Another agent's receipts carry their own name; the last agent's half-done
            # household and open dialogs are not theirs to finish.
            for widget in self._hidden_while_locked:
                widget.close()
            self.workspace.sign_in_as(self.signed)
            self.agent_switched.emit()
            self.message.emit(self.tr("Signed in as {name}").format(name=self.signed.name))
        self._hidden_while_locked = []
        self.show_agent()
        if self.idle is not None:
            self.idle.resume()

    def stop(self) -> None:
        """The window is closing: no more idle checks."""
        if self.idle is not None:
            self.idle.stop()
