"""进度 on the desktop: the hand-counted figures in the table and the charts, the XLSX and PDF
exports by keyboard, the 催缴清单 read back with pdftotext, and the screenshot in docs/."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from desk_driver import CTRL, WAIT_MS, pdf_text
from openpyxl import load_workbook
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.collection import quote_household, record_payment
from app.workspace import Workspace, open_workspace
from db.models import Household
from tests.report_roster import (
    EXPECTED_DAILY,
    EXPECTED_SPECIAL_UNPAID,
    SENSITIVE_WORDS,
    TODAY,
    season_db,
)
from ui.desktop.progress_chart import Bar
from ui.desktop.progress_page import ProgressDialog, ProgressTableModel
from ui.desktop.tasks import TaskRunner

ALT = Qt.KeyboardModifier.AltModifier
# Every category the small roster has; none may show on this screen or in its files.
CATEGORIES = (*SENSITIVE_WORDS, "低保", "特困")

# The table by hand (tests/report_roster.py): 序号, 村名, 实际人数, 任务数, 缴款人数, 缴款金额,
# 完成率, 参保率, 特殊人群参保率, 工作经费 (3 yuan a person collected).
HAND_COUNTED = [
    ["1", "甲村", "10", "8", "3", "¥950.00", "50.0%", "40.0%", "50.0%", "¥9.00"],
    ["2", "乙村", "4", "—", "1", "¥380.00", "—", "25.0%", "0.0%", "¥3.00"],
    ["3", "丙村", "0", "—", "0", "¥0.00", "—", "—", "—", "¥0.00"],
    ["", "合计", "14", "8", "4", "¥1,330.00", "50.0%", "35.7%", "33.3%", "¥12.00"],
]


def texts(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [str(model.data(model.index(r, c)) or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


@pytest.fixture
def season(tmp_path: Path) -> Iterator[Workspace]:
    """The hand-counted roster with its season of payments (one voided)."""
    path = tmp_path / "进度.db"
    season_db(path)
    workspace = open_workspace(path, today=TODAY)
    yield workspace
    workspace.close()


def open_dialog(qtbot: QtBot, workspace: Workspace) -> tuple[ProgressDialog, TaskRunner]:
    runner = TaskRunner()
    dialog = ProgressDialog(workspace, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.progress is not None and not dialog.busy, timeout=WAIT_MS)
    return dialog, runner


@pytest.fixture
def dialog(qtbot: QtBot, season: Workspace, chinese_ui: None) -> Iterator[ProgressDialog]:
    shown, runner = open_dialog(qtbot, season)
    yield shown
    runner.shutdown()  # before the workspace closes: no task may still be reading


@pytest.fixture
def opened(dialog: ProgressDialog) -> list[QUrl]:
    """The files the dialog opened in the system viewer (recorded, not opened)."""
    calls: list[QUrl] = []
    dialog.open_url = calls.append
    return calls


def save_to(dialog: ProgressDialog, monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Answer every save dialog with `path`; the kinds asked for."""
    asked: list[str] = []

    def choose(kind: str) -> Path:
        asked.append(kind)
        return path

    monkeypatch.setattr(dialog, "choose_path", choose)
    return asked


def test_table_has_the_hand_counted_figures(dialog: ProgressDialog) -> None:
    rows = texts(dialog.model)
    assert [r[: ProgressTableModel.NOTE] for r in rows] == HAND_COUNTED
    notes = [r[ProgressTableModel.NOTE] for r in rows]
    assert "任务数未下达" in notes[1] and "特殊人群未缴1人" in notes[1]
    assert "他处已缴1人" in notes[0]
    assert dialog.model.headerData(0, Qt.Orientation.Horizontal) == "序号"
    headers = [
        dialog.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(dialog.model.columnCount())
    ]
    assert headers == ["序号", "村名", "实际人数", "任务数", "缴款人数", "缴款金额", "完成率",
                       "参保率", "特殊人群参保率", "工作经费", "备注"]  # fmt: skip
    assert "工作经费 ¥12.00（每人 ¥3.00 × 4 人）" in dialog.summary.text()
    assert "特殊人群未参保 2 人（2 户）" in dialog.summary.text()
    assert dialog.windowTitle() == "2024年度进度"


def test_charts_get_the_days_and_the_villages(dialog: ProgressDialog) -> None:
    chart = dialog.daily_chart
    assert chart.days == [day for day, _, _ in EXPECTED_DAILY]
    assert chart.collected == [n for _, n, _ in EXPECTED_DAILY]
    assert chart.cumulative == [total for _, _, total in EXPECTED_DAILY]
    assert chart.target == 8  # 甲村's task, the only one set
    assert chart.span == (date(2023, 10, 10), TODAY)  # flat on to the business date
    bars = dialog.village_bars
    assert bars.bars == [
        Bar("甲村", 50.0, "completion"),  # 4 enrolled of a task of 8
        Bar("乙村", 25.0, "participation"),  # no task: 1 of 4 eligible
        Bar("丙村", None, "participation"),  # nobody on the roster
    ]


def test_special_list_has_names_and_phones_but_no_category(dialog: ProgressDialog) -> None:
    rows = texts(dialog.special_model)
    found = [(r[3], r[4], r[1], r[0]) for r in rows]
    expected = [
        (number, head, phone, name)
        for number, head, _, members in EXPECTED_SPECIAL_UNPAID
        for name, phone in members
    ]
    assert found == expected
    assert all("*" in r[6] for r in rows)  # masked ID numbers
    shown = [*(c for r in texts(dialog.model) for c in r), *(c for r in rows for c in r)]
    shown += [dialog.summary.text(), dialog.heading.text()]
    assert not [word for word in CATEGORIES if any(word in text for text in shown)]


def test_the_table_moves_the_highlighted_bar_and_the_dunning_scope(
    qtbot: QtBot, dialog: ProgressDialog
) -> None:
    assert dialog.table.hasFocus()
    assert dialog.village_bars.current == 0 and "甲村" in dialog.dunning_button.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.village_bars.current == 1 and "乙村" in dialog.dunning_button.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_End, CTRL)  # the 合计 row: every village
    assert dialog.village_bars.current == -1 and "全部村" in dialog.dunning_button.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # nothing happens, the dialog stays
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)  # 特殊人群未参保名单(&S)
    assert dialog.special_table.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_V, ALT)  # 各村进度(&V)
    assert dialog.table.hasFocus()


def test_export_xlsx_by_keyboard(
    qtbot: QtBot, dialog: ProgressDialog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked = save_to(dialog, monkeypatch, tmp_path / "交乡镇" / "任务分解表")  # no suffix
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as written:
        qtbot.keyClick(dialog.table, Qt.Key.Key_E, CTRL)
    path = tmp_path / "交乡镇" / "任务分解表.xlsx"
    assert asked == ["xlsx"] and written.args == ["xlsx", str(path)]
    assert str(path) in dialog.status.text()
    sheet = load_workbook(path)["任务分解表"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3, max_row=6)]
    assert [row[:6] for row in cells] == [
        [1, "甲村", 10, 8, 3, 950],
        [2, "乙村", 4, None, 1, 380],
        [3, "丙村", 0, None, 0, 0],
        ["合计", None, 14, 8, 4, 1330],
    ]
    assert sheet["F6"].number_format == "0.00"


def test_export_pdf_by_keyboard(
    qtbot: QtBot, dialog: ProgressDialog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    save_to(dialog, monkeypatch, tmp_path / "任务分解表.pdf")
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_P, ALT)  # 导出 PDF(&P)
    text = pdf_text(tmp_path / "任务分解表.pdf")
    assert "2024年度城乡居民医保征缴任务分解表" in text
    assert "甲村" in text and "1,330.00" in text
    assert "特殊人群未参保名单" in text and "13900000004" in text
    assert not [word for word in CATEGORIES if word in text]


def test_dunning_list_of_every_village(
    qtbot: QtBot,
    dialog: ProgressDialog,
    opened: list[QUrl],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "催缴清单.pdf"
    asked = save_to(dialog, monkeypatch, path)
    qtbot.keyClick(dialog.table, Qt.Key.Key_End, CTRL)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        qtbot.keyClick(dialog.table, Qt.Key.Key_P, CTRL)
    assert asked == ["dunning"]
    assert opened == [QUrl.fromLocalFile(str(path))]  # opened to print
    text = pdf_text(path)
    assert "2024年度城乡居民医保催缴清单" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # 孙五 left the household's phone; 孙四 (no phone of his own) is reached on it.
    assert any("孙五" in line and "13500000005" in line for line in lines)
    assert any("孙四" in line and "13500000005" in line for line in lines)
    assert any("王四" in line and "13900000004" in line for line in lines)
    assert "张大" not in text  # paid
    assert not [word for word in CATEGORIES if word in text]


def test_dunning_list_of_the_selected_village(
    qtbot: QtBot,
    dialog: ProgressDialog,
    opened: list[QUrl],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    save_to(dialog, monkeypatch, tmp_path / "甲村.pdf")
    assert dialog.selected_village() is not None
    assert dialog.suggested_path("dunning").name == "2024年度催缴清单-甲村-2023-10-15.pdf"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.dunning_button.click()
    text = pdf_text(tmp_path / "甲村.pdf")
    assert "甲村" in text and "陈七" in text and "13700000007" in text
    assert "孙五" not in text  # 乙村


def test_a_file_that_cannot_be_written_is_said_in_chinese(
    qtbot: QtBot, dialog: ProgressDialog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("")
    save_to(dialog, monkeypatch, blocker / "任务分解表.xlsx")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        qtbot.keyClick(dialog.table, Qt.Key.Key_E, CTRL)
    assert "无法写入" in refused.args[0] and refused.args[0] == dialog.status.text()
    assert dialog.xlsx_button.isEnabled()  # ready to try again


def test_cancelling_the_save_dialog_writes_nothing(
    qtbot: QtBot, dialog: ProgressDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialog, "choose_path", lambda kind: None)
    with qtbot.assertNotEmitted(dialog.exported, wait=50):
        qtbot.keyClick(dialog.table, Qt.Key.Key_E, CTRL)
    assert not dialog.busy


def test_refresh_shows_a_new_payment_and_escape_closes(
    qtbot: QtBot, dialog: ProgressDialog, season: Workspace
) -> None:
    with season.db.sessions() as session:
        household = session.scalar(select(Household.id).where(Household.number == "B002"))
        assert household is not None
        quotes = quote_household(session, household, season.policy(), TODAY)
    record_payment(
        season.db, season.policy(), household, [q.person_id for q in quotes if q.payable],
        method="cash", paid_on=TODAY,
    )  # fmt: skip
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.table, Qt.Key.Key_F5)
    assert texts(dialog.model)[-1][4] == "6"  # 4 + 孙四 and 孙五
    assert dialog.daily_chart.cumulative == [2, 4, 6]  # a new day, the business date
    assert dialog.special_model.rowCount() == 1  # 孙四 paid: only 王四 is left
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def _ink(image: QImage, x0: int, y0: int, x1: int, y1: int) -> set[int]:
    """The colours (as RGB ints) found in a rectangle."""
    return {image.pixelColor(x, y).rgb() for x in range(x0, x1) for y in range(y0, y1)}


def test_the_charts_paint_their_lines(dialog: ProgressDialog) -> None:
    chart = dialog.daily_chart.grab().toImage()
    colours = _ink(chart, 0, 0, chart.width(), chart.height())
    assert QColor(176, 0, 32).rgb() in colours  # the task line
    assert QColor(25, 90, 170).rgb() in colours  # the running count
    bars = dialog.village_bars.grab().toImage()
    assert QColor(25, 90, 170).rgb() in _ink(bars, 0, 0, bars.width(), bars.height())


def season_of_payments(workspace: Workspace, households: int, seed: int = 7) -> int:
    """Pay `households` households in full over the season so far, more on market days and
    fewer at weekends, as a township's weeks look; the people paid."""
    rng = random.Random(seed)
    policy = workspace.policy()
    first = date(2023, 9, 1)
    days = [
        first + timedelta(days=n)
        for n in range((workspace.today - first).days)
        for _ in range(1 if (first + timedelta(days=n)).weekday() >= 5 else 3)
    ]
    with workspace.db.sessions() as session:
        ids = list(session.scalars(select(Household.id).order_by(Household.id)))
    people = 0
    for household in rng.sample(ids, households):
        day = rng.choice(days)
        with workspace.db.sessions() as session:
            quotes = quote_household(session, household, policy, day)
        payable = [q.person_id for q in quotes if q.payable]
        if payable:
            record_payment(workspace.db, policy, household, payable, method="cash", paid_on=day)
            people += len(payable)
    return people


@pytest.mark.skipif(
    not os.environ.get("VCOLLECT_SCREENSHOTS"),
    reason="screenshots are made on request: VCOLLECT_SCREENSHOTS=docs",
)
def test_screenshot(qtbot: QtBot, demo_workspace: Workspace, chinese_ui: None) -> None:
    """docs/screenshot-progress.png: the Lengshi demo county six weeks into the season."""
    season_of_payments(demo_workspace, 2400)
    shown, runner = open_dialog(qtbot, demo_workspace)
    try:
        shown.resize(1366, 860)
        shown.table.selectRow(3)
        image = shown.grab()  # paints the dialog at its new size there and then
        assert not image.isNull()
        folder = Path(os.environ["VCOLLECT_SCREENSHOTS"])
        assert image.save(str(folder / "screenshot-progress.png"))
    finally:
        runner.shutdown()


def test_index_of_nothing_is_no_village(dialog: ProgressDialog) -> None:
    dialog.table.setCurrentIndex(QModelIndex())
    assert dialog.selected_village() is None
