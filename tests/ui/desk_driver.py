"""Driving the collect desk by keyboard in tests: find a household, tick, pay, read what shows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.collection import receipt_view
from app.receipt_view import ReceiptView
from app.settings import set_setting
from app.workspace import Workspace
from db.models import Enrolment, Household, Payment, Person, SpecialGroup
from printing.targets import PRINTER_KEY
from ui.desktop.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
W = TypeVar("W", bound=QWidget)
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
WAIT_MS = 20_000  # a generous ceiling for the worker; tests finish as soon as it signals


def set_printer(workspace: Workspace, target: str) -> None:
    with workspace.db.sessions.begin() as session:
        set_setting(session, PRINTER_KEY, target)


def payments(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Payment)) or 0)


def view_of(workspace: Workspace, receipt_no: str, copy_no: int = 0) -> ReceiptView:
    with workspace.db.sessions() as session:
        return receipt_view(session, receipt_no, copy_no)


def household_where(
    workspace: Workspace, *, size: int = 3, employee: bool = False, nth: int = 0
) -> str:
    """The `nth` household of at least `size` with no special group, everyone due (or, with
    `employee`, exactly one member in the employees' scheme)."""
    year = workspace.benefit_year
    with workspace.db.sessions() as session:
        settled = (
            select(Person.household_id, func.count().label("n"))
            .join(Enrolment, Enrolment.person_id == Person.id)
            .where(Enrolment.benefit_year == year, Enrolment.status != "due")
            .group_by(Person.household_id)
            .subquery()
        )
        employees = (
            select(Person.household_id)
            .join(Enrolment, Enrolment.person_id == Person.id)
            .where(Enrolment.benefit_year == year, Enrolment.status == "employee")
        )
        special = select(Person.household_id).join(
            SpecialGroup, SpecialGroup.person_id == Person.id
        )
        stmt = (
            select(Household.number)
            .join(Person, Person.household_id == Household.id)
            .outerjoin(settled, settled.c.household_id == Household.id)
            .where(Household.id.not_in(special))
            .group_by(Household.id)
            .having(func.count() >= size)
            .order_by(Household.id)
            .offset(nth)
            .limit(1)
        )
        if employee:
            stmt = stmt.where(Household.id.in_(employees)).having(func.max(settled.c.n) == 1)
        else:
            stmt = stmt.where(settled.c.n.is_(None))
        return str(session.scalar(stmt))


def commit_text(widget: QWidget, text: str) -> None:
    """Chinese arrives from the input method as a committed string, not as key presses."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def pdf_text(path: Path) -> str:
    """The PDF's text as an independent reader sees it (poppler's pdftotext)."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext (poppler-utils) is needed: make sysdeps"
    out = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


class DeskDriver:
    """The agent's hands on the keyboard of one window."""

    def __init__(self, qtbot: QtBot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window
        self.desk = window.desk

    def open(self, query: str) -> None:
        """Type `query` in the search box and open the first household with Enter."""
        box = self.window.search_box
        box.setFocus()
        self.qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
        self.qtbot.keyClick(box, Qt.Key.Key_Backspace)
        with self.qtbot.waitSignal(self.window.household_opened):
            self.qtbot.keyClicks(box, query)
            self.qtbot.keyClick(box, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is self.desk.table

    def go_to(self, row: int) -> None:
        table = self.desk.table
        table.setCurrentIndex(self.desk.model.index(row, self.desk.model.NAME))

    def tick(self, *rows: int) -> None:
        """Space on each row, reaching it with the arrow keys as the agent would."""
        table = self.desk.table
        for row in rows:
            while table.currentIndex().row() < row:
                self.qtbot.keyClick(table, Qt.Key.Key_Down)
            while table.currentIndex().row() > row:
                self.qtbot.keyClick(table, Qt.Key.Key_Up)
            self.qtbot.keyClick(table, Qt.Key.Key_Space)

    def key(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        widget = QApplication.focusWidget()
        assert widget is not None
        self.qtbot.keyClick(widget, key, modifier)

    def type(self, text: str) -> None:
        widget = QApplication.focusWidget()
        assert widget is not None
        self.qtbot.keyClicks(widget, text)

    def ctrl_enter(self, keypad: bool = False) -> None:
        if keypad:  # the Enter key of the number pad, where the agent's hand already is
            self.key(Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)
        else:
            self.key(Qt.Key.Key_Return, CTRL)

    def statuses(self) -> list[str]:
        model = self.desk.model
        return [model.data(model.index(r, model.STATUS)) for r in range(model.rowCount())]

    def ticked(self) -> list[int]:
        return [r for r in range(self.desk.model.rowCount()) if self.desk.model.is_ticked(r)]

    def refusal(self) -> QMessageBox:
        box = self.desk.message_box
        assert box is not None and box.isVisible()
        return box

    def dismiss(self, box: QMessageBox) -> None:
        """Close a message box with Enter; the offscreen platform needs the window re-activated."""
        self.qtbot.keyClick(box, Qt.Key.Key_Return)
        assert not box.isVisible()
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow)


def run_tool(tool: str, *args: str) -> str:
    path = shutil.which(tool)
    assert path is not None, f"{tool} is missing: make sysdeps installs it"
    return subprocess.run([path, *args], capture_output=True, text=True, check=True).stdout


def scan_qr(pdf: Path, page: int = 1) -> str:
    """Rasterise one page at 200 dpi and read its QR code with zbar, not with our own code."""
    prefix = pdf.with_suffix("")
    run_tool("pdftoppm", "-r", "200", "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(prefix))  # fmt: skip
    return run_tool(
        "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"
    ).strip()


def focused() -> QWidget:
    """The widget the keyboard is in now."""
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def type_here(qtbot: QtBot, text: str) -> None:
    """Type into the focused widget; Chinese comes from the input method, not as key presses."""
    if text.isascii():
        qtbot.keyClicks(focused(), text)
    else:
        commit_text(focused(), text)


def press(qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
    """One key (with a modifier) to the focused widget."""
    qtbot.keyClick(focused(), which, modifier)


def show_active(qtbot: QtBot, widget: W) -> W:
    """Show a top-level widget and wait until it has the keyboard, as the agent would see it."""
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget
