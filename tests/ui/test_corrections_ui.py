"""Identity corrections at the counter, by keyboard: F4 on a search that found nobody, the form,
the queue (待上报 … 已驳回 with the county's reason) and 待回访 (accepted, payable: collect)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from desk_driver import WAIT_MS, DeskDriver, commit_text
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from app.corrections import CorrectionForm, queue, request_correction
from app.demo.generator import HEADER
from app.identity import check_character
from app.workspace import Workspace
from db.models import CorrectionRequest, Household, LedgerEvent, Person
from ui.desktop.correction_form import CorrectionFormDialog
from ui.desktop.corrections_page import CorrectionsPage
from ui.desktop.main_window import MainWindow
from ui.desktop.syncing import SyncOutcome

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
VILLAGE = "430923101201"  # 南华村, pinyin initials nhc
HUKOU = "湖南省益阳市安化县冷市镇南华村"  # what most of 南华村 has on the roster

# The figure to reach: a practised agent fills and queues the form in under 30 seconds.
# At a steady two keys a second (a practised agent types faster; pinyin is counted letter
# by letter plus one key to choose the characters), 30 s is 60 keys. The test below counts
# every key from F4 to the queued request, and also the search typed before it.
FORM_KEY_BUDGET = 60
SEARCH_AND_FORM_KEY_BUDGET = 60


def new_id(serial: int, born: str = "19900101") -> str:
    """A valid resident ID number of Anhua county that the demo roster does not hold."""
    body = f"430923{born}{serial:03d}"
    return body + check_character(body)


class Keys:
    """The agent's keyboard: every key goes to the focused widget, and every key is counted
    (a character typed is one key; a chord such as Ctrl+Enter is one)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    @staticmethod
    def focus() -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(self.focus(), key, modifier)
        self.count += 1

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)
        self.count += len(text)

    def pinyin(self, text: str, spelled: str) -> None:
        """Chinese through the input method: the pinyin's letters, then Space to choose."""
        commit_text(self.focus(), text)
        self.count += len(spelled) + 1


def ledger_events(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEvent)) or 0)


def open_form(qtbot: QtBot, window: MainWindow, keys: Keys | None = None) -> CorrectionFormDialog:
    """F4, from wherever the cursor is on the collect screen."""
    if keys is None:
        keys = Keys(qtbot)
    keys.press(Qt.Key.Key_F4)
    form = window.correction_form
    assert form is not None
    qtbot.waitUntil(form.isActiveWindow)
    return form


def open_page(qtbot: QtBot, window: MainWindow) -> CorrectionsPage:
    Keys(qtbot).press(Qt.Key.Key_F4, SHIFT)
    page = window.corrections_page
    assert page is not None
    qtbot.waitUntil(page.isActiveWindow)
    return page


def row_of(model: QAbstractItemModel, row: int = 0) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def queue_a_request(workspace: Workspace, id_number: str, name: str = "石小满") -> str:
    form = CorrectionForm(
        id_type="01", id_number=id_number, name=name, hukou_place=HUKOU, village=VILLAGE,
        problem="not_found", phone="13800001111",
    )  # fmt: skip
    return request_correction(workspace.db, form, workspace.today).request_id


def decide(workspace: Workspace, request_id: str, state: str, reason: str = "") -> None:
    """The county's decision as sync applies it on the device (sync.client._decision)."""
    with workspace.db.sessions.begin() as session:
        session.execute(
            update(CorrectionRequest)
            .where(CorrectionRequest.request_id == request_id)
            .values(state=state, reason=reason, decided_at=datetime.now(UTC).replace(tzinfo=None))
        )


def test_f4_after_a_search_that_finds_nobody_queues_a_request_by_keyboard(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, qtmodeltester: ModelTester
) -> None:
    keys = Keys(qtbot)
    person = new_id(901)
    window.search_box.setFocus()
    keys.type(person)  # the agent looks for the villager's ID card number first
    qtbot.waitUntil(lambda: window.hint.text() == f"没有找到“{person}”。")
    search_keys = keys.count
    assert window.not_found_button.text() == "找不到此人？(F4)"

    form = open_form(qtbot, window, keys)
    assert form.windowTitle() == "新建身份更正申请"
    # What the search already knew is in the form; the cursor waits on the name.
    assert form.id_number.text() == person
    assert form.id_type.currentText() == "居民身份证(户口簿)"
    assert form.id_hint.text() == "花名册中没有此人 · 出生 1990-01-01 · 男"
    assert form.problem_group.checkedButton() is form.problems[0]  # 查无此人, the usual case
    assert Keys.focus() is form.name

    keys.pinyin("石小满", "shixiaoman")
    keys.press(Qt.Key.Key_Return)
    assert Keys.focus() is form.household
    assert form.household_hint.text() == "新的一户"
    keys.press(Qt.Key.Key_Return)  # empty: a new household
    assert Keys.focus() is form.village
    keys.type("nh")  # pinyin initials pick the village, as in the search
    assert form.village.code == VILLAGE
    keys.press(Qt.Key.Key_Return)
    assert Keys.focus() is form.hukou
    assert form.hukou.placeholderText() == f"↓ 填入 {HUKOU}"
    keys.press(Qt.Key.Key_Down)  # the village's usual hukou place, one key
    assert form.hukou.text() == HUKOU
    keys.press(Qt.Key.Key_Return)
    assert Keys.focus() is form.phone
    keys.type("13800001111")
    with qtbot.waitSignal(window.correction_queued, timeout=WAIT_MS) as queued:
        keys.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.correction_form is None)
    qtbot.waitUntil(window.isActiveWindow)
    # Ready for the next villager: the search text selected, so typing replaces it.
    assert Keys.focus() is window.search_box and window.search_box.selectedText() == person

    form_keys = keys.count - search_keys
    # F4, 石小满 (10 letters + Space), Enter, Enter, n h, Enter, ↓, Enter, 11 digits, Ctrl+Enter
    assert form_keys == 31
    assert form_keys <= FORM_KEY_BUDGET
    assert keys.count == 49 <= SEARCH_AND_FORM_KEY_BUDGET  # with the 18 digits searched

    request = queued.args[0]
    assert (request.name, request.state_label, request.household) == ("石小满", "待上报", "")
    assert window.statusBar().currentMessage() == "石小满 的身份更正申请已保存：待上报"
    [stored] = queue(demo_workspace.db)
    assert (stored.id_number, stored.village_code, stored.hukou_place, stored.phone) == (
        person, VILLAGE, HUKOU, "13800001111",
    )  # fmt: skip
    assert stored.problem == "not_found"

    page = open_page(qtbot, window)
    assert page.windowTitle() == "身份更正"
    model = page.queue_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "状态",
        "姓名",
        "证件号码",
        "问题",
        "村(社区)",
        "户号",
        "天数",
        "县医保局意见",
    ]
    assert row_of(model) == [
        "待上报", "石小满", stored.masked_id, "查无此人（未查询到参保信息）", "南华村", "新户", "0",
        "",
    ]  # fmt: skip
    assert person not in row_of(model)  # never the full number on the screen
    assert page.summary.text() == "共 1 条申请：待上报 1"
    assert page.follow_model.rowCount() == 0
    assert Keys.focus() is page.queue_table
    qtmodeltester.check(model)
    qtmodeltester.check(page.follow_model)


def test_tab_and_enter_visit_the_same_fields_and_alt_digits_choose_the_problem(
    qtbot: QtBot, window: MainWindow
) -> None:
    form = open_form(qtbot, window)
    assert Keys.focus() is form.id_number
    keys = Keys(qtbot)
    order = []
    for _ in range(len(form.fields()) - 1):
        keys.press(Qt.Key.Key_Tab)
        order.append(Keys.focus())
    assert order == [*form.fields()[2:], form.submit_button]  # the ID type is behind Shift+Tab

    keys.press(Qt.Key.Key_3, ALT)
    assert form.form().problem == "id_differs" and Keys.focus() is form.problems[2]
    keys.press(Qt.Key.Key_5)  # a digit on the problem buttons picks too
    assert form.form().problem == "other" and Keys.focus() is form.problems[4]
    keys.press(Qt.Key.Key_Return)
    assert Keys.focus() is form.note
    keys.press(Qt.Key.Key_T, ALT)  # the labels' mnemonics reach every field
    assert Keys.focus() is form.id_type
    keys.press(Qt.Key.Key_V, ALT)
    assert Keys.focus() is form.village
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.correction_form is None)


def test_bad_input_is_refused_in_place_and_nothing_is_queued(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    good = new_id(902)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # the check character mistyped
    window.search_box.setFocus()
    form = open_form(qtbot, window)
    keys = Keys(qtbot)
    keys.type(bad)
    keys.press(Qt.Key.Key_Return)  # leaving the number checks it at once
    assert form.id_hint.text() == "证件号码校验位不正确，请核对号码"
    assert Keys.focus() is form.name
    keys.pinyin("石小满", "shixiaoman")
    keys.press(Qt.Key.Key_V, ALT)
    keys.type("nh")
    keys.press(Qt.Key.Key_P, ALT)
    assert Keys.focus() is form.hukou
    keys.press(Qt.Key.Key_Down)
    with qtbot.waitSignal(form.refused, timeout=WAIT_MS) as refused:
        keys.press(Qt.Key.Key_Return, CTRL)
    assert refused.args == ["证件号码校验位不正确，请核对号码"]
    assert form.error.text() == "证件号码校验位不正确，请核对号码"
    assert form.isVisible() and Keys.focus() is form.id_number  # the field to correct
    assert (form.id_number.text(), form.name.text(), form.hukou.text()) == (bad, "石小满", HUKOU)

    # The name cleared by mistake: the app's message, the rest kept.
    form.id_number.selectAll()
    keys.type(good)
    form.name.setFocus()
    form.name.clear()
    with qtbot.waitSignal(form.refused, timeout=WAIT_MS) as refused:
        keys.press(Qt.Key.Key_Return, CTRL)
    assert form.error.text() == "姓名不能为空" and Keys.focus() is form.name
    keys.pinyin("石小满", "shixiaoman")

    # The hukou place left blank.
    form.hukou.clear()
    with qtbot.waitSignal(form.refused, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert form.error.text() == "请填写户籍地（身份证上的地址）"
    assert Keys.focus() is form.hukou
    assert form.id_number.text() == good and form.name.text() == "石小满"

    # A household number the device does not know.
    form.household.setText("999999")
    assert form.household_hint.text() == "本机没有户号 999999"
    keys.press(Qt.Key.Key_Down)
    with qtbot.waitSignal(form.refused, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert form.error.text() == "找不到户号 999999；新的一户请留空户号"
    assert Keys.focus() is form.household

    assert queue(demo_workspace.db) == [] and ledger_events(demo_workspace) == 0
    form.household.clear()
    with qtbot.waitSignal(window.correction_queued, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert [r.name for r in queue(demo_workspace.db)] == ["石小满"]
    assert ledger_events(demo_workspace) == 1


def test_someone_on_the_roster_is_offered_their_household_instead(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    with demo_workspace.db.sessions() as session:
        person = session.scalars(select(Person).where(Person.relation != "02").limit(1)).one()
        number, name, household_id = person.id_number, person.name, person.household_id
        household = session.scalar(select(Household.number).where(Household.id == household_id))
    window.search_box.setFocus()
    form = open_form(qtbot, window)
    keys = Keys(qtbot)
    keys.type(number)
    keys.press(Qt.Key.Key_Return)
    # Said at once, before anything else is typed.
    assert form.id_hint.text() == (
        f"花名册中已有此人：{name}，户号 {household}。如果只是没查到，请打开该户（Alt+O）直接收费。"
    )
    assert form.open_button.isVisible() and form.open_button.text() == "打开该户(&O)"
    commit_text(Keys.focus(), name)
    keys.press(Qt.Key.Key_P, ALT)
    keys.press(Qt.Key.Key_Down)
    with qtbot.waitSignal(form.refused, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return, CTRL)
    assert form.error.text() == f"此人已在花名册中（户号 {household}），请直接打开该户缴费"
    assert Keys.focus() is form.open_button
    assert queue(demo_workspace.db) == [] and ledger_events(demo_workspace) == 0

    with qtbot.waitSignal(window.household_opened) as opened:
        keys.press(Qt.Key.Key_Return)  # 打开该户
    assert opened.args[0].household_id == household_id
    qtbot.waitUntil(lambda: window.correction_form is None)
    qtbot.waitUntil(window.isActiveWindow)
    assert window.search_box.text() == household
    assert Keys.focus() is window.member_view
    current = window.members.member(window.member_view.currentIndex().row())
    assert current is not None and current.id_number == number  # the cursor is on the person


def test_a_name_that_differs_is_queued_and_holds_the_member_at_the_desk(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    with demo_workspace.db.sessions() as session:
        person = session.scalars(select(Person).limit(1)).one()
        number, name = person.id_number, person.name
        household = session.scalar(
            select(Household.number).where(Household.id == person.household_id)
        )
    assert household is not None
    agent.open(household)
    form = open_form(qtbot, window)
    # From the desk with a household open: its number and village are filled in.
    assert form.household.text() == household
    assert form.household_hint.text() == "南华村的现有户"
    assert form.village.code == VILLAGE
    keys = Keys(qtbot)
    keys.type(number)
    keys.press(Qt.Key.Key_2, ALT)  # 姓名不符
    keys.press(Qt.Key.Key_A, ALT)
    commit_text(Keys.focus(), name + "华")
    keys.press(Qt.Key.Key_P, ALT)
    keys.press(Qt.Key.Key_Down)
    with qtbot.waitSignal(window.correction_queued, timeout=WAIT_MS):
        keys.press(Qt.Key.Key_Return, CTRL)
    members = [window.members.member(r) for r in range(window.members.rowCount())]
    ids = [m.id_number if m else "" for m in members]
    assert agent.statuses()[ids.index(number)] == "身份更正待审核"


def test_a_rejected_request_shows_the_countys_reason_after_a_sync(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    request_id = queue_a_request(demo_workspace, new_id(903))
    page = open_page(qtbot, window)
    assert row_of(page.queue_model)[0] == "待上报"

    decide(demo_workspace, request_id, "rejected", "经核实已在外省参保，请在参保地缴费")
    window.sync.finished.emit(SyncOutcome(None, "无法连接"))  # the pull brought the decision
    shown = row_of(page.queue_model)
    assert shown[0] == "已驳回" and shown[-1] == "经核实已在外省参保，请在参保地缴费"
    assert page.summary.text() == "共 1 条申请：已驳回 1"

    # Enter on it opens the form with what was asked, to ask again with better details.
    page.queue_table.setFocus()
    Keys(qtbot).press(Qt.Key.Key_Return)
    form = window.correction_form
    assert form is not None
    qtbot.waitUntil(form.isActiveWindow)
    assert (form.name.text(), form.hukou.text(), form.village.code) == ("石小满", HUKOU, VILLAGE)
    assert Keys.focus() is form.note
    Keys(qtbot).press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.correction_form is None)

    # F4 on the page starts a new request over it; Esc comes back to the page.
    qtbot.waitUntil(page.isActiveWindow)
    Keys(qtbot).press(Qt.Key.Key_F4)
    form = window.correction_form
    assert form is not None and form.parent() is page
    qtbot.waitUntil(form.isActiveWindow)
    assert form.name.text() == "" and Keys.focus() is form.id_number
    Keys(qtbot).press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.correction_form is None)
    qtbot.waitUntil(page.isActiveWindow)
    page.new_button.click()
    assert window.correction_form is not None
    window.correction_form.reject()


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_an_accepted_request_is_followed_up_and_collected(
    qtbot: QtBot,
    window: MainWindow,
    agent: DeskDriver,
    demo_workspace: Workspace,
    receipts_dir: Path,
    tmp_path: Path,
) -> None:
    person = new_id(904, born="19851120")
    request_id = queue_a_request(demo_workspace, person, name="石满仓")
    # The county accepted: its corrected record arrives as a roster row, then the decision.
    new_household = "4309231012019904"
    roster = write_roster(
        tmp_path / "更正.csv",
        [[new_household, "石满仓", "01", person, "女", "", "02", VILLAGE, HUKOU, "13800001111",
          "", ""]],
    )  # fmt: skip
    assert demo_workspace.import_roster(roster).imported == 1
    assert not window.follow_up_label.isVisible()
    decide(demo_workspace, request_id, "accepted")
    window.sync.finished.emit(SyncOutcome(None, "无法连接"))  # the pull brought the decision
    assert window.follow_up_label.isVisible()
    assert window.follow_up_label.text() == "待回访 1 人 (Shift+F4)"

    page = open_page(qtbot, window)
    assert row_of(page.queue_model)[0] == "已通过"
    assert [row_of(page.follow_model, r) for r in range(page.follow_model.rowCount())] == [
        ["石满仓", row_of(page.queue_model)[2], "13800001111", "南华村", new_household]
    ]
    assert Keys.focus() is page.follow_table  # what there is to do comes first

    with qtbot.waitSignal(window.household_opened):
        Keys(qtbot).press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.corrections_page is None)
    qtbot.waitUntil(window.isActiveWindow)
    assert window.desk.household is not None
    assert window.desk.household.number == new_household
    assert Keys.focus() is window.member_view
    assert agent.statuses() == ["应缴"]

    agent.tick(0)
    with qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded:
        agent.ctrl_enter()
    assert recorded.args[0].total_fen > 0
    assert not window.follow_up_label.isVisible()

    page = open_page(qtbot, window)
    assert page.follow_model.rowCount() == 0  # paid: nobody left to visit
    assert page.follow_note.text() == "现在没有需要回访的人。"
