"""上解记录 by keyboard: every close with the county's confirmation, and an old 上解单 reprinted."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from desk_driver import WAIT_MS, pdf_text, set_printer
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_dayclose_ui import pay_behind

from app.dayclose import close_day, preview
from app.workspace import Workspace
from sync.client import apply_page
from ui.desktop.main_window import MainWindow
from ui.desktop.remittances_page import RemittancesPage, RemittanceTableModel


def confirm_by_sync(workspace: Workspace, event_id: str, at: str, by: str) -> None:
    """The county's confirmation as a pull brings it (sync.client's own apply path)."""
    body = {"event_id": event_id, "device_id": "county", "confirmed_at": at, "confirmed_by": by}
    apply_page(workspace, [{"kind": "confirmation", "body": body}], 1)


def rows(page: RemittancesPage) -> list[list[str]]:
    model = page.model
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def open_page(qtbot: QtBot, window: MainWindow) -> RemittancesPage:
    page = RemittancesPage(window.workspace, window.runner, window.log_path, window)
    page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    page.open()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def test_closes_show_the_countys_confirmation_and_an_old_slip_is_reprinted(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, receipts_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    day: date = demo_workspace.today
    first, second = pay_behind(demo_workspace), pay_behind(demo_workspace)
    expected = preview(demo_workspace.db).expected_cash_fen
    old = close_day(demo_workspace.db, counted_fen=expected - 1000, reference="YH20231015-0042",
                    today=day, reason="找零多找 10 元")  # fmt: skip
    confirm_by_sync(demo_workspace, old.event_id, "2023-10-17T10:00:00", "县医保局财务股")
    pay_behind(demo_workspace)
    close_day(demo_workspace.db, counted_fen=76000, reference="POS-7788", today=day + timedelta(1))

    page = open_page(qtbot, window)
    assert page.summary.isVisible()
    # Newest first; the county confirmed the older one (a local date), the newer waits.
    model = RemittanceTableModel
    table = rows(page)
    assert [r[model.DAY] for r in table] == ["2023-10-16", "2023-10-15"]
    assert table[1][model.RECEIPTS :] == [
        "2", "¥1,520.00", "¥1,520.00", "¥1,510.00", "短款 ¥10.00", "YH20231015-0042",
        "已确认 2023-10-17",
    ]  # fmt: skip
    assert table[0][model.DIFFERENCE :] == ["无差额", "POS-7788", "待确认"]
    assert page.reprint_button.isEnabled()

    # ↓ to the older close: its details, then Enter reprints its slip.
    assert QApplication.focusWidget() is page.table
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.current() is not None and page.current().event_id == old.event_id  # type: ignore[union-attr]
    assert f"{first.receipt_no} – {second.receipt_no}" in page.details.text()
    assert "找零多找 10 元" in page.details.text() and "县医保局财务股" in page.details.text()
    with qtbot.waitSignal(page.slip_reprinted, timeout=WAIT_MS) as reprinted:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    closed = reprinted.args[0]
    assert closed.remittance.event_id == old.event_id and closed.slip_error == ""
    slip = closed.slip
    assert slip is not None and slip.parent == tmp_path / "上解单" and slip.exists()
    text = pdf_text(slip)
    assert "上解单" in text and "YH20231015-0042" in text and "找零多找 10 元" in text
    assert f"{first.receipt_no} 至 {second.receipt_no}" in text
    assert "2023-10-15" in text and "短款" in text
    assert str(slip) in page.outcome.text()

    # Enter again opens it in the system's viewer, to look at or print.
    opened: list[QUrl] = []
    page.open_url = opened.append
    assert QApplication.focusWidget() is page.open_button
    qtbot.keyClick(page.open_button, Qt.Key.Key_Return)
    assert opened == [QUrl.fromLocalFile(str(slip))]
    # Back in the table (Shift+Tab past the buttons), Enter reprints again: not 打开.
    for _ in range(3):
        if QApplication.focusWidget() is page.table:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is page.table
    with qtbot.waitSignal(page.slip_reprinted, timeout=WAIT_MS):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert len(opened) == 1

    # A confirmation that comes with a later sync shows once the list is read again.
    newer = page.model.remittance(0)
    assert newer is not None
    confirm_by_sync(demo_workspace, newer.event_id, "2023-10-18T10:00:00", "财务股")
    page.reload()
    assert page.current() is not None and page.current().event_id == old.event_id  # type: ignore[union-attr]
    assert [r[model.CONFIRMED] for r in rows(page)] == ["已确认 2023-10-18", "已确认 2023-10-17"]
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not page.isVisible())


def test_with_no_close_yet_there_is_nothing_to_reprint(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    page = open_page(qtbot, window)
    assert page.model.rowCount() == 0 and not page.reprint_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # nothing happens, nothing breaks
    assert page.reprinted is None and page.isVisible()
    page.reject()


def test_a_slip_that_cannot_be_saved_is_said_and_the_list_stays(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, tmp_path: Path
) -> None:
    pay_behind(demo_workspace)
    close_day(demo_workspace.db, counted_fen=76000, reference="R-1", today=demo_workspace.today)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    set_printer(demo_workspace, f"pdf-folder:{blocker / 'receipts'}")
    page = open_page(qtbot, window)
    with qtbot.waitSignal(page.slip_reprinted, timeout=WAIT_MS) as reprinted:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert reprinted.args[0].slip is None
    assert "无法保存上解单" in page.outcome.text() and not page.open_button.isVisible()
    assert QApplication.focusWidget() is page.table and page.isVisible()
    page.reject()
