"""The counter window driven by keys: title, search as you type, opening a household, masking."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.pinyin import initials
from app.roster.search import HouseholdMatch
from app.special_groups import SENSITIVE
from app.workspace import Workspace
from db.models import Household, Person, SpecialGroup
from ui.desktop.main_window import MainWindow

FULL_ID = re.compile(r"\d{17}[\dX]")
ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole)


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type `text` into an emptied search box and wait for the debounced search to run."""
    box = window.search_box
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(window.searched, check_params_cb=lambda query, _n: query == text):
        if text.isascii():
            qtbot.keyClicks(box, text)
        else:
            commit_input_method(box, text)


def commit_input_method(widget: QWidget, text: str) -> None:
    """Chinese arrives from the input method as a committed string, not as key presses."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def cells(model: QAbstractItemModel, column: int | None = None) -> list[str]:
    """Every non-empty text the model gives the view (display, tooltip, edit roles)."""
    texts = []
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            if column is not None and col != column:
                continue
            for role in ROLES:
                value = model.data(model.index(row, col), role)
                if value:
                    texts.append(str(value))
    return texts


def shown(model: QAbstractItemModel, column: int) -> list[str]:
    """The column's text as the table draws it (no tooltips)."""
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def household_numbers(window: MainWindow) -> list[str]:
    return cells(window.households, column=window.households.NUMBER)


def a_person(
    workspace: Workspace, *, special: bool = False, category: str | None = None
) -> tuple[str, str, str]:
    """(name, ID number, household number) of someone whose name no one else has."""
    with workspace.db.sessions() as session:
        unique = (
            select(Person.name).group_by(Person.name).having(func.count() == 1).scalar_subquery()
        )
        stmt = (
            select(Person.name, Person.id_number, Household.number)
            .join(Household, Person.household_id == Household.id)
            .where(Person.name.in_(unique))
            .order_by(Person.id)
        )
        if special or category:
            groups = select(SpecialGroup.person_id)
            if category:
                groups = groups.where(SpecialGroup.category == category)
            stmt = stmt.where(Person.id.in_(groups))
        name, number, household = session.execute(stmt.limit(1)).one()
    return name, number, household


def test_title_status_and_focus_say_what_day_and_data_this_is(window: MainWindow) -> None:
    assert window.windowTitle() == "村医保代收 — 演示 2023-10-15"
    assert window.date_label.text() == "业务日期 2023-10-15 · 2024年度"
    assert QApplication.focusWidget() is window.search_box
    assert "证件号码" in window.hint.text()
    menu = window.menus.file_menu
    assert menu.title() == "文件(&F)"
    assert [a.text() for a in menu.actions() if a.text()] == [
        "导入花名册(&I)…",
        "锁定(&L)",
        "退出(&X)",
    ]
    assert window.menus.import_action.shortcut().toString() == "Ctrl+I"


@pytest.mark.parametrize("kind", ["id_suffix", "name", "household", "full_id"])
def test_typing_finds_the_household(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, kind: str
) -> None:
    name, id_number, household = a_person(demo_workspace)
    query = {
        "id_suffix": id_number[-6:],
        "name": name,
        "household": household,
        "full_id": id_number,
    }[kind]
    search(qtbot, window, query)
    assert household in household_numbers(window)
    assert "找到" in window.hint.text() or "前 20 户" in window.hint.text()


def test_pinyin_initials_find_people_whose_names_start_so(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "zs")
    assert window.households.rowCount() > 0
    for row in range(window.households.rowCount()):
        household = window.households.household(row)
        assert household is not None
        matched = [m.name for m in household.members if m.matched]
        assert matched and initials(matched[0]).startswith("zs")


def test_nothing_found_says_so(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "没有这个人")
    assert window.households.rowCount() == 0
    assert window.hint.text() == "没有找到“没有这个人”。"


def test_down_enter_opens_a_household_with_masked_ids(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "zs")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.household_view.currentIndex().row() == 1
    with qtbot.waitSignal(window.household_opened) as opened:
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    household: HouseholdMatch = opened.args[0]
    assert household is window.households.household(1)
    assert QApplication.focusWidget() is window.member_view

    members = window.members
    assert members.rowCount() == len(household.members)
    shown_ids = shown(members, members.ID_NUMBER)
    assert shown_ids == [m.masked_id for m in household.members]
    assert all("*" * 8 in text for text in shown_ids)
    assert shown(members, members.NAME) == [m.name for m in household.members]
    visible = cells(members) + cells(window.households)
    visible += [label.text() for label in window.findChildren(QLabel)]
    for member in household.members:
        assert member.id_number not in " ".join(visible)
    assert not any(FULL_ID.search(text) for text in visible)
    assert household.number in window.members_label.text()


def test_enter_opens_the_first_household_and_esc_comes_back(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    _name, id_number, household = a_person(demo_workspace)
    box = window.search_box
    box.setFocus()
    # Enter before the debounce fires still searches what was typed.
    qtbot.keyClicks(box, id_number)
    with qtbot.waitSignal(window.household_opened) as opened:
        qtbot.keyClick(box, Qt.Key.Key_Enter)
    assert opened.args[0].number == household
    qtbot.keyClick(window.member_view, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is box
    assert box.selectedText() == id_number
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""


def test_arrow_keys_stay_inside_the_results(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "zs")
    count = window.households.rowCount()
    assert count > 6
    box = window.search_box
    qtbot.keyClick(box, Qt.Key.Key_Up)  # from nothing, Up goes to the last row
    assert window.household_view.currentIndex().row() == count - 1
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert window.household_view.currentIndex().row() == count - 1
    qtbot.keyClick(box, Qt.Key.Key_PageUp)
    assert window.household_view.currentIndex().row() == count - 6
    for _ in range(count):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    assert window.household_view.currentIndex().row() == 0
    # The highlighted household is previewed while the agent keeps typing.
    assert window.members.rowCount() == len(window.households.household(0).members)  # type: ignore[union-attr]


def test_tab_walks_search_results_members(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "zs")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.household_view
    qtbot.keyClick(window.household_view, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.household_opened):
        qtbot.keyClick(window.household_view, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.member_view


def test_special_groups_show_their_subsidy_never_a_health_condition(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    name, _id, household = a_person(demo_workspace, category="低保")
    search(qtbot, window, household)
    with qtbot.waitSignal(window.household_opened) as opened:
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    members = window.members
    row = next(r for r in range(members.rowCount()) if members.member(r).name == name)  # type: ignore[union-attr]
    quote = members.desk_row(row).quote.quote  # type: ignore[union-attr]
    assert quote.subsidy_fen == 19000 and quote.due_now_fen == 19000
    assert members.headerData(members.SUBSIDY, Qt.Orientation.Horizontal) == "资助"
    subsidy = members.data(members.index(row, members.SUBSIDY))
    assert subsidy.startswith(f"¥{quote.subsidy_fen // 100}")
    categories = {c for m in opened.args[0].members for c in m.categories}
    assert categories
    # What a category is shows on hover only as the policy words it ("低保对象资助…"); the
    # health conditions (PIPL art. 28) never, and never in a column anyone behind can read.
    on_screen = " ".join(
        text for column in range(members.columnCount()) for text in shown(members, column) if text
    )
    assert not any(category in on_screen for category in categories)
    hover = " ".join(cells(members))
    assert not any(category in hover for category in SENSITIVE)


def test_models_pass_qt_model_tester(
    qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester
) -> None:
    search(qtbot, window, "zs")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    qtmodeltester.check(window.households)
    qtmodeltester.check(window.members)
    assert window.households.rowCount(window.households.index(0, 0)) == 0
    assert window.members.data(QModelIndex()) is None


def test_ctrl_q_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.search_box, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
