"""The sync part of the status bar (online, waiting, last sync, problems, 同步) and the problems."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.desktop.syncing import Link, SyncController, last_sync_text

_COLOURS = {
    Link.ONLINE: "#1b7f3b",
    Link.OFFLINE: "#8a6d00",
    Link.ERROR: "#b00020",
}


class SyncStatusArea(QWidget):
    """在线/离线 · 待上传 N 条 · 上次同步 HH:MM · 问题 N 条 · 同步; follows the controller."""

    sync_requested = Signal()
    problems_requested = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.link_label = QLabel()
        self.link_label.setObjectName("sync-link")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("sync-waiting")
        self.last_label = QLabel()
        self.last_label.setObjectName("sync-last")
        self.problems_button = QPushButton()
        self.problems_button.setObjectName("sync-problems")
        self.problems_button.setFlat(True)
        self.problems_button.setStyleSheet("color: #b00020;")
        self.problems_button.setToolTip(self.tr("Show the problems of the last sync"))
        self.problems_button.clicked.connect(self.problems_requested)
        self.sync_button = QPushButton(self.tr("Sync"))
        self.sync_button.setObjectName("sync-now")
        self.sync_button.setToolTip(
            self.tr("Send the records to the county and fetch its changes now (Ctrl+Shift+S)")
        )
        self.sync_button.clicked.connect(self.sync_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        for widget in (
            self.link_label,
            self.waiting_label,
            self.last_label,
            self.problems_button,
            self.sync_button,
        ):
            layout.addWidget(widget)
        controller.changed.connect(self.update_view)
        self.update_view()

    def link_text(self) -> str:
        texts = {
            Link.UNENROLLED: self.tr("Not registered"),
            Link.UNKNOWN: self.tr("Not connected yet"),
            Link.SYNCING: self.tr("Syncing…"),
            Link.ONLINE: self.tr("● Online"),
            Link.OFFLINE: self.tr("● Offline"),
            Link.ERROR: self.tr("● Sync failed"),
        }
        return texts[self.controller.link]

    @Slot()
    def update_view(self) -> None:
        controller = self.controller
        state = controller.status
        link = controller.link
        self.link_label.setText(self.link_text())
        colour = _COLOURS.get(link)
        self.link_label.setStyleSheet(f"color: {colour};" if colour else "")
        if link is Link.UNENROLLED:
            tip = self.tr(
                "This computer is not registered with the county yet: Settings → Register "
                "with the county…, with the code the county gave you."
            )
        elif link in (Link.OFFLINE, Link.ERROR):
            tip = controller.last_error
        else:
            tip = self.tr("County server: {server}").format(server=state.server or "")
        self.link_label.setToolTip(tip)
        self.waiting_label.setText(self.tr("{count} waiting to upload").format(count=state.waiting))
        self.waiting_label.setToolTip(
            self.tr("Records on this computer the county has not confirmed yet")
        )
        when = last_sync_text(state.last_ok)
        self.last_label.setText(
            self.tr("Last sync {time}").format(time=when) if when else self.tr("Never synced")
        )
        self.last_label.setToolTip(state.last_ok or "")
        problems = controller.problems()
        self.problems_button.setText(self.tr("{count} problems").format(count=len(problems)))
        self.problems_button.setVisible(bool(problems))
        # The button stays enabled while a sync runs (a press then asks for one more right
        # after it): disabling it would throw the keyboard focus elsewhere.


class SyncProblemsDialog(QDialog):
    """The last sync's problems, each in the Chinese the client or the county wrote."""

    def __init__(self, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync problems"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumSize(560, 320)
        if problems:
            text = self.tr(
                "The last sync reported these problems. The records stay on this computer; "
                "call the county's medical insurance office about any that do not clear."
            )
        else:
            text = self.tr("The last sync reported no problems.")
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.addItems(problems)
        if problems:
            self.list.setCurrentRow(0)
        self.message.setBuddy(self.list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)

    def texts(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]
