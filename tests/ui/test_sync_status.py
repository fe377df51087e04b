"""Sync from the desktop against a real county server: register by keyboard, the status area,
payments sent on their own, offline without a stalled desk, back online with 同步."""

from __future__ import annotations

import re
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from desk_driver import WAIT_MS, DeskDriver, household_where, set_printer
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.collection import quote_household, record_payment
from app.settings import set_setting
from app.workspace import Workspace, open_workspace
from db.models import Household
from sync.client import SERVER_KEY, SyncError, SyncReport, enroll, sync
from sync.server.county import CountyDatabase, add_device
from sync.server.schema import CountyPayment
from tests.county_server import (
    TODAY,
    ServerProcess,
    village_codes,
)
from ui.desktop.main_window import MainWindow
from ui.desktop.sync_status import SyncProblemsDialog
from ui.desktop.syncing import (
    FIRST_DELAY_S,
    PERIOD_S,
    Backoff,
    Link,
    SyncController,
    SyncOutcome,
    last_sync_text,
)

ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CLOCK = re.compile(r"上次同步 \d\d:\d\d")
# A menu opened by Alt+letter asks the platform to raise it and grab the keyboard; the
# offscreen platform says it cannot (the menu works all the same).
MENU_BY_KEYBOARD = pytest.mark.qt_log_ignore(
    "does not support raise", "does not support grabbing", extend=True
)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Workspace]:
    """A new laptop: an empty database; the roster comes with the first sync."""
    workspace = open_workspace(tmp_path / "device.db", today=TODAY, create=True)
    set_printer(workspace, f"pdf-folder:{tmp_path / '收据'}")
    yield workspace
    workspace.close()


def show(qtbot: QtBot, main: MainWindow) -> MainWindow:
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    return main


@pytest.fixture
def device_window(qtbot: QtBot, device: Workspace, chinese_ui: None) -> Iterator[MainWindow]:
    main = show(qtbot, MainWindow(device))
    yield main
    main.close()


def menu(qtbot: QtBot, window: MainWindow, title: Qt.Key, item: Qt.Key) -> None:
    """Alt+letter opens a menu, the item's letter triggers it."""
    qtbot.keyClick(window.search_box, title, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    assert popup is not None
    qtbot.keyClick(popup, item)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def back_to(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def area_texts(window: MainWindow) -> tuple[str, str, str]:
    area = window.sync_status
    return area.link_label.text(), area.waiting_label.text(), area.last_label.text()


def county_receipts(county: CountyDatabase) -> set[str]:
    with county.reading() as conn:
        return set(conn.scalars(select(CountyPayment.receipt_no)))


def pay(qtbot: QtBot, window: MainWindow, agent: DeskDriver, number: str) -> str:
    """Open the household, tick the first member, take cash, record; the receipt number.
    Returns once the sync that the payment started has finished."""
    agent.open(number)
    agent.tick(0)
    agent.key(Qt.Key.Key_1)  # cash: the cursor goes to the tendered field
    agent.type("1000")
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS),
    ):
        agent.ctrl_enter()
    return str(recorded.args[0].receipt_no)


# --- against the county server ------------------------------------------------------------------


@MENU_BY_KEYBOARD
def test_register_sync_pay_go_offline_and_come_back(
    qtbot: QtBot, device_window: MainWindow, device: Workspace, county: CountyDatabase,
    server: ServerProcess,
) -> None:  # fmt: skip
    window = device_window
    area = window.sync_status
    assert area_texts(window) == ("未注册", "待上传 0 条", "尚未同步")
    assert not area.problems_button.isVisible()
    slot = add_device(county, "张三", [village_codes(county)[0]])

    # 设置 → 向县医保局注册…, all by keyboard.
    menu(qtbot, window, Qt.Key.Key_E, Qt.Key.Key_R)
    dialog = window.enroll_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert focused() is dialog.server
    qtbot.keyClicks(dialog.server, server.url.removeprefix("http://"))  # http:// is implied
    qtbot.keyClick(focused(), Qt.Key.Key_C, ALT)
    assert focused() is dialog.code
    qtbot.keyClicks(dialog.code, "ABCDEFGHJKMN")
    with qtbot.waitSignal(window.sync.enroll_finished, timeout=WAIT_MS):
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    # Refused: the county's reason in Chinese, the dialog still open, the code ready to retype.
    assert dialog.isVisible()
    assert dialog.error.text() == "注册码无效，请向县医保局核对注册码"
    assert focused() is dialog.code and dialog.code.selectedText() == "ABCDEFGHJKMN"
    assert area_texts(window)[0] == "未注册"

    qtbot.keyClicks(dialog.code, slot.code)
    with (
        qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS) as first,
        qtbot.waitSignal(window.sync.enroll_finished, timeout=WAIT_MS),
    ):
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    summary = dialog.summary.text()
    assert slot.receipt_prefix in summary and "张三" in summary
    assert slot.villages[0] in summary and device.region == "lengshi-2024"
    # The first sync brought the village's roster down.
    report = first.args[0].report
    assert report is not None and report.pulled > 0
    link, waiting, last = area_texts(window)
    assert (link, waiting) == ("● 在线", "待上传 0 条")
    assert CLOCK.fullmatch(last), last
    assert focused() is dialog.close_button
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    back_to(qtbot, window)

    # A payment goes to the county on its own.
    agent = DeskDriver(qtbot, window)
    first_receipt = pay(qtbot, window, agent, household_where(device, size=2))
    assert first_receipt.startswith(slot.receipt_prefix + "-")
    assert area_texts(window)[:2] == ("● 在线", "待上传 0 条")
    assert county_receipts(county) == {first_receipt}

    # The server goes away: 同步 says offline, the desk carries on, records wait.
    server.stop()
    with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS) as failed:
        qtbot.keyClick(window.search_box, Qt.Key.Key_S, CTRL_SHIFT)
    assert failed.args[0].offline
    assert area_texts(window)[:2] == ("● 离线", "待上传 0 条")
    assert window.statusBar().currentMessage().startswith("同步未完成：无法连接县级服务器")
    assert "无法连接县级服务器" in area.link_label.toolTip()
    assert area.problems_button.isVisible() and area.problems_button.text() == "问题 1 条"
    second_receipt = pay(qtbot, window, agent, household_where(device, size=2, nth=1))
    assert area_texts(window)[:2] == ("● 离线", "待上传 1 条")
    assert window.sync.backoff.failures == 2

    # The problems, by keyboard from the status bar.
    area.problems_button.setFocus()
    qtbot.keyClick(area.problems_button, Qt.Key.Key_Space)
    problems = window.problems_dialog
    assert isinstance(problems, SyncProblemsDialog)
    qtbot.waitUntil(problems.isActiveWindow)
    assert len(problems.texts()) == 1 and "无法连接县级服务器" in problems.texts()[0]
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert not problems.isVisible()
    back_to(qtbot, window)

    # Back again: the 同步 button sends what waited.
    server.start()
    area.sync_button.setFocus()
    with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS) as back:
        qtbot.keyClick(area.sync_button, Qt.Key.Key_Space)
    assert back.args[0].ok
    assert area_texts(window)[:2] == ("● 在线", "待上传 0 条")
    assert window.statusBar().currentMessage() == "同步完成：上传 1 条记录，下载 0 条变更"
    assert not area.problems_button.isVisible()
    assert window.sync.backoff.failures == 0
    assert county_receipts(county) == {first_receipt, second_receipt}


def test_a_server_that_never_answers_does_not_hold_up_the_desk(
    qtbot: QtBot, device_window: MainWindow, device: Workspace, county: CountyDatabase,
    server: ServerProcess,
) -> None:  # fmt: skip
    window = device_window
    slot = add_device(county, "李四", [village_codes(county)[1]])
    with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS):
        window.sync.enroll(server.url, slot.code)
    agent = DeskDriver(qtbot, window)
    # The county's address now leads to a host that takes the connection and never answers:
    # the sync waits on the network (30 s before httpx gives up) while the agent works.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        with device.db.sessions.begin() as session:
            set_setting(session, SERVER_KEY, f"http://127.0.0.1:{silent.getsockname()[1]}")
        window.sync_now()
        assert window.sync.running and area_texts(window)[0] == "正在同步…"
        agent.open(household_where(device, size=2))
        agent.tick(0)
        agent.key(Qt.Key.Key_1)
        agent.type("1000")
        with qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS):
            agent.ctrl_enter()
        assert window.sync.running  # still waiting on the county; the payment did not
        assert area_texts(window)[1] == "待上传 1 条"
        with qtbot.waitSignal(window.sync.finished, timeout=WAIT_MS) as failed:
            silent.close()  # the waiting connection is reset
    assert failed.args[0].offline and area_texts(window)[:2] == ("● 离线", "待上传 1 条")


@MENU_BY_KEYBOARD
def test_the_countys_answer_about_an_event_is_listed_in_chinese(
    qtbot: QtBot, county: CountyDatabase, server: ServerProcess, tmp_path: Path,
    chinese_ui: None,
) -> None:  # fmt: skip
    """A laptop restored from a copy keeps collecting where the copy already did: the county
    keeps the first chain and says why it refuses the other, and the desk shows it."""
    slot = add_device(county, "王五", [village_codes(county)[0]])
    laptop, copy = tmp_path / "laptop.db", tmp_path / "copy.db"
    workspace = open_workspace(laptop, today=TODAY, create=True)
    set_printer(workspace, f"pdf-folder:{tmp_path / '收据'}")
    enroll(workspace, server.url, slot.code)
    sync(workspace)
    workspace.close()
    shutil.copyfile(laptop, copy)
    other = open_workspace(copy, today=TODAY)
    try:
        pay_first_due(other, household_where(other, size=2, nth=1))
        assert sync(other).acknowledged == 1
    finally:
        other.close()

    workspace = open_workspace(laptop, today=TODAY)
    window = show(qtbot, MainWindow(workspace))
    try:
        pay(qtbot, window, DeskDriver(qtbot, window), household_where(workspace, size=2))
        # The server answered, so the sync finished; the event it refused comes with its reason.
        assert area_texts(window)[0] == "● 在线"
        button = window.sync_status.problems_button
        assert button.isVisible() and button.text() == "问题 1 条"
        menu(qtbot, window, Qt.Key.Key_Y, Qt.Key.Key_P)  # 同步 → 同步问题…
        problems = window.problems_dialog
        assert problems is not None
        qtbot.waitUntil(problems.isActiveWindow)
        [text] = problems.texts()
        assert text.startswith("第1号事件：第1号事件已是另一条记录") and "链条分叉" in text
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    finally:
        window.close()
        workspace.close()


def pay_first_due(workspace: Workspace, number: str) -> None:
    """Record a cash payment for the household's first payable member, without the desk."""
    policy = workspace.policy()
    with workspace.db.sessions() as session:
        household = session.scalar(select(Household.id).where(Household.number == number))
        assert household is not None
        quotes = quote_household(session, household, policy, workspace.today)
    member = next(q.person_id for q in quotes if q.payable)
    record_payment(
        workspace.db, policy, household, [member], method="cash", paid_on=workspace.today
    )


def test_last_sync_time_is_local_and_dated_when_not_today() -> None:
    now = datetime(2023, 10, 15, 18, 0).astimezone()
    earlier = now.replace(hour=9, minute=5)
    assert last_sync_text(earlier.astimezone(UTC).isoformat()) != ""
    assert last_sync_text(earlier.astimezone(UTC).isoformat(), now) == "09:05"
    assert last_sync_text((earlier - timedelta(days=1)).isoformat(), now) == "10-14 09:05"
    assert last_sync_text(None, now) == ""


# --- the registration dialog without a county ---------------------------------------------------


def test_registration_checks_the_address_and_names_an_unreachable_server(
    qtbot: QtBot, device_window: MainWindow
) -> None:
    window = device_window
    dialog = window.show_enrollment()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.server, Qt.Key.Key_Return)
    assert dialog.error.text() == "请填写县级服务器地址。"
    assert focused() is dialog.server
    qtbot.keyClicks(dialog.server, "http://")
    qtbot.keyClick(dialog.server, Qt.Key.Key_Return)
    assert "不是服务器地址" in dialog.error.text()
    qtbot.keyClick(dialog.server, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    closed_port = ServerProcess("unused").url  # nothing listens there
    qtbot.keyClicks(dialog.server, closed_port)
    qtbot.keyClick(dialog.server, Qt.Key.Key_Return)
    assert dialog.error.text() == "请填写注册码。" and focused() is dialog.code
    qtbot.keyClicks(dialog.code, "ABCDEFGHJKMN")
    with qtbot.waitSignal(window.sync.enroll_finished, timeout=WAIT_MS):
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text().startswith("无法连接县级服务器")
    assert window.sync.link is Link.UNENROLLED
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_sync_when_not_registered_offers_registration(
    qtbot: QtBot, device_window: MainWindow
) -> None:
    window = device_window
    qtbot.keyClick(window.search_box, Qt.Key.Key_S, CTRL_SHIFT)
    assert window.enroll_dialog is not None and window.enroll_dialog.isVisible()
    assert not window.sync.running and not window.sync.timer.isActive()


# --- the schedule, with a fake timer and a fake sync -------------------------------------------


def test_backoff_doubles_from_30_seconds_to_30_minutes_and_a_success_resets_it() -> None:
    backoff = Backoff()
    assert [backoff.failed() for _ in range(9)] == [
        30, 60, 120, 240, 480, 960, 1800, 1800, 1800,
    ]  # fmt: skip
    assert backoff.succeeded() == PERIOD_S == 300
    assert backoff.failed() == 30
    many = Backoff()
    many.failures = 10_000  # days offline: no huge power of two
    assert many.failed() == 1800


class FakeTimer(QTimer):
    """Records each start instead of counting down; the test fires it."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[int] = []
        self.armed = False

    def start(self, msec: int | None = None) -> None:  # type: ignore[override]
        assert msec is not None
        self.starts.append(msec)
        self.armed = True

    def stop(self) -> None:
        self.armed = False

    def isActive(self) -> bool:
        return self.armed

    def fire(self) -> None:
        self.armed = False
        self.timeout.emit()


class FakeSync:
    """Fails while `down`, the way a stopped server does; can hold a sync open."""

    def __init__(self) -> None:
        self.down = False
        self.refused = False
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, _workspace: Workspace, _transport: httpx.BaseTransport | None) -> SyncReport:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.entered.set()
        try:
            assert self.hold.wait(WAIT_MS / 1000)
            if self.down:
                raise SyncError("无法连接县级服务器") from httpx.ConnectError("refused")
            if self.refused:
                raise SyncError("设备已被县医保局停用")
            return SyncReport(pushed=1, acknowledged=1)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def enrolled(device: Workspace) -> Workspace:
    with device.db.sessions.begin() as session:
        set_setting(session, SERVER_KEY, "http://county.invalid:8750")
    return device


def run_tick(qtbot: QtBot, controller: SyncController, timer: FakeTimer) -> SyncOutcome:
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS) as done:
        timer.fire()
    outcome: SyncOutcome = done.args[0]
    return outcome


def test_the_timer_backs_off_on_failures_and_resets_on_success(
    qtbot: QtBot, enrolled: Workspace
) -> None:
    timer, fake = FakeTimer(), FakeSync()
    controller = SyncController(enrolled, timer=timer, sync_fn=fake)
    assert controller.link is Link.UNKNOWN
    controller.start()
    assert timer.starts == [FIRST_DELAY_S * 1000]
    fake.down = True
    for _ in range(8):
        outcome = run_tick(qtbot, controller, timer)
        assert outcome.offline and controller.link is Link.OFFLINE
    assert timer.starts[1:] == [s * 1000 for s in (30, 60, 120, 240, 480, 960, 1800, 1800)]
    assert controller.problems() == ["无法连接县级服务器"]
    fake.down = False
    assert run_tick(qtbot, controller, timer).ok
    assert timer.starts[-1] == PERIOD_S * 1000 and controller.link is Link.ONLINE
    assert controller.problems() == []
    # The server answers but refuses: not "offline", and it backs off all the same.
    fake.refused = True
    outcome = run_tick(qtbot, controller, timer)
    assert not outcome.offline and controller.link is Link.ERROR
    assert timer.starts[-1] == 30_000
    controller.shutdown()


def test_never_two_syncs_at_once_and_a_payment_during_one_is_sent_right_after(
    qtbot: QtBot, enrolled: Workspace
) -> None:
    timer, fake = FakeTimer(), FakeSync()
    controller = SyncController(enrolled, timer=timer, sync_fn=fake)
    fake.hold.clear()
    assert controller.request()
    assert fake.entered.wait(WAIT_MS / 1000)
    assert not timer.isActive()  # no periodic sync while one runs
    assert controller.request() and controller.request()  # two payments meanwhile
    timer.fire()  # and the timer, had it been armed
    finished: list[SyncOutcome] = []
    controller.finished.connect(finished.append)
    fake.hold.set()
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=WAIT_MS)
    assert fake.calls == 2 and fake.most_at_once == 1
    assert timer.isActive() and timer.starts[-1] == PERIOD_S * 1000
    controller.shutdown()


def test_an_unregistered_computer_does_not_sync(qtbot: QtBot, device: Workspace) -> None:
    timer, fake = FakeTimer(), FakeSync()
    controller = SyncController(device, timer=timer, sync_fn=fake)
    controller.start()
    assert not controller.request()
    assert timer.starts == [] and fake.calls == 0 and controller.link is Link.UNENROLLED
    controller.shutdown()
