"""The collect desk by keyboard: tick, take cash, see the change, record, print, never twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_driver import (
    WAIT_MS,
    DeskDriver,
    household_where,
    payments,
    pdf_text,
    set_printer,
    view_of,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.collection import record_payment
from app.receipt_view import ReceiptView
from app.workspace import Workspace
from db.models import Household, ReceiptPrint
from ui.desktop.main_window import MainWindow
from ui.desktop.printer import PrintFailedBox


def test_cash_payment_by_keyboard_prints_and_marks_the_members_paid(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    number = household_where(demo_workspace, size=3)
    agent.open(number)
    desk = window.desk
    assert number in window.members_label.text()
    assert agent.statuses()[:3] == ["应缴"] * 3
    assert desk.total.text() == "合计 ¥0.00"

    agent.tick(0, 1)
    assert agent.ticked() == [0, 1]
    assert desk.total.text() == "合计 ¥760.00"
    agent.key(Qt.Key.Key_1)  # cash; the cursor goes to the tendered field
    assert QApplication.focusWidget() is desk.tendered
    agent.type("800")
    assert desk.change.text() == "找零 ¥40.00"
    agent.key(Qt.Key.Key_Backspace)
    agent.key(Qt.Key.Key_Backspace)
    assert desk.change.text() == "还差 ¥752.00"
    agent.type("00")

    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as printed,
    ):
        agent.ctrl_enter()
    payment = recorded.args[0]
    assert (payment.total_fen, payment.change_fen) == (76000, 4000)
    assert printed.args[0].copy_no == 0
    # Ready for the next villager: empty search, empty desk, cursor in the search box.
    assert QApplication.focusWidget() is window.search_box
    assert window.search_box.text() == "" and window.members.rowCount() == 0
    assert payment.receipt_no in window.statusBar().currentMessage()

    pdf = receipts_dir / f"{payment.receipt_no}.pdf"
    assert pdf.exists()
    text = pdf_text(pdf)
    assert payment.receipt_no in text
    assert "760.00" in text

    agent.open(number)
    assert agent.statuses()[:3] == [f"已缴 · {payment.receipt_no}"] * 2 + ["应缴"]
    assert "本年度已在本处缴费" in desk.model.data(desk.model.index(0, desk.model.NAME), 3)
    agent.tick(0)  # already paid: Space does nothing but say why
    assert agent.ticked() == []
    assert desk.note.text() == (
        f"{desk.model.member(0).name} 不能勾选：本年度已缴费，收据号 {payment.receipt_no}"  # type: ignore[union-attr]
    )
    assert not desk.model.setData(
        desk.model.index(0, desk.model.PAY),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )


def test_the_same_people_cannot_be_charged_twice(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    number = household_where(demo_workspace, size=2)
    agent.open(number)
    agent.tick(0)
    # Behind the desk's back (a second window, the command line) the same person is paid.
    with demo_workspace.db.sessions() as session:
        household_id = session.scalar(select(Household.id).where(Household.number == number))
    person = window.desk.model.member(0)
    assert household_id is not None and person is not None
    first = record_payment(
        demo_workspace.db, demo_workspace.policy(), household_id, [person.person_id],
        method="cash", paid_on=demo_workspace.today,
    )  # fmt: skip
    before = payments(demo_workspace)
    with qtbot.waitSignal(window.desk.payment_failed, timeout=WAIT_MS) as failed:
        agent.ctrl_enter()
    assert failed.args[0] == (
        f"{person.name} 本年度已缴费（收据号 {first.receipt_no}），不能重复收费"
    )
    box = agent.refusal()
    assert box.text() == failed.args[0]
    assert box.informativeText() == "未记录任何内容。请更正后再次确认。"
    assert payments(demo_workspace) == before
    assert agent.ticked() == [0]  # nothing changed on the desk either
    agent.dismiss(box)


def test_wechat_without_a_reference_records_nothing(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    agent.key(Qt.Key.Key_2)  # 微信: the cursor goes to the transaction number
    desk = window.desk
    assert desk.method.currentText().endswith("微信")
    assert QApplication.focusWidget() is desk.reference
    assert not desk.tendered.isEnabled() and desk.change.text() == ""
    before = payments(demo_workspace)
    with qtbot.waitSignal(desk.payment_failed, timeout=WAIT_MS) as failed:
        agent.ctrl_enter()
    assert failed.args[0] == "微信缴费须填写交易单号（参考号）"
    assert agent.refusal().windowTitle() == "未收款"
    assert payments(demo_workspace) == before
    agent.dismiss(agent.refusal())
    assert QApplication.focusWidget() is desk.reference  # where the agent was typing

    agent.type("4200002023101512345678")
    with qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded:
        agent.ctrl_enter()
    assert payments(demo_workspace) == before + 1
    view = view_of(demo_workspace, recorded.args[0].receipt_no)
    assert (view.method_label, view.reference) == ("微信", "4200002023101512345678")


@pytest.mark.parametrize(
    ("tendered", "message"),
    [
        ("abc", "金额“abc”不是数字"),
        ("0.001", "金额“0.001”精确到分以下，无法收取"),
        ("300", "实收现金300.00元少于应收380.00元，本次缴费未记录"),
    ],
)
def test_bad_cash_amounts_are_refused(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    tendered: str, message: str,
) -> None:  # fmt: skip
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    agent.key(Qt.Key.Key_1)
    agent.type(tendered)
    before = payments(demo_workspace)
    with qtbot.waitSignal(window.desk.payment_failed, timeout=WAIT_MS) as failed:
        agent.ctrl_enter(keypad=True)
    assert failed.args[0] == message
    assert payments(demo_workspace) == before
    agent.dismiss(agent.refusal())


def test_nothing_ticked_is_refused_with_the_key_to_press(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    agent.open(household_where(demo_workspace, size=2))
    with qtbot.waitSignal(window.desk.payment_failed) as failed:
        agent.ctrl_enter()
    assert failed.args[0] == "请先勾选要缴费的人员（在该行按空格）。"
    agent.dismiss(agent.refusal())


def test_not_due_members_cannot_be_ticked_and_tick_all_skips_them(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    agent.open(household_where(demo_workspace, size=3, employee=True))
    model = window.desk.model
    statuses = agent.statuses()
    row = statuses.index("参加职工医保")
    assert not model.flags(model.index(row, model.PAY)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(model.index(row, model.PAY), Qt.ItemDataRole.CheckStateRole) is None
    assert model.data(model.index(row, model.DUE_NOW)) == ""
    agent.tick(row)
    assert agent.ticked() == []
    assert "不能勾选：不需缴费：参加职工医保" in window.desk.note.text()

    agent.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # 全选应缴
    due = [r for r, s in enumerate(statuses) if s == "应缴"]
    assert agent.ticked() == due
    assert window.desk.total.text() == f"合计 ¥{380 * len(due):,}.00"
    assert window.desk.count.text() == f"应缴 {len(due)} 人，已勾选 {len(due)} 人"
    agent.tick(due[0])  # Space again unticks
    assert agent.ticked() == due[1:]


def test_a_failing_printer_leaves_the_payment_recorded_and_offers_reprint(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    tmp_path: Path,
) -> None:  # fmt: skip
    not_a_folder = tmp_path / "receipts.txt"
    not_a_folder.write_text("a file where the folder should be")
    set_printer(demo_workspace, f"pdf-folder:{not_a_folder}")
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    before = payments(demo_workspace)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.failed, timeout=WAIT_MS) as failed,
    ):
        agent.ctrl_enter()
    receipt_no = recorded.args[0].receipt_no
    assert payments(demo_workspace) == before + 1
    assert failed.args == [receipt_no, f"无法把收据写入文件夹 {not_a_folder}：路径不是文件夹"]
    box = window.printer.message_box
    assert isinstance(box, PrintFailedBox) and box.isVisible()
    assert box.windowTitle() == "收据未打印"
    assert box.text() == f"收据 {receipt_no} 已记录，缴费有效。只是打印没有成功。"
    assert box.reprint_button.text() == "重打(&R)"

    # The agent fixes the printer setting and presses 重打: a reprint, since one was counted.
    good = tmp_path / "fixed"
    set_printer(demo_workspace, f"pdf-folder:{good}")
    with qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS) as printed:
        box.reprint_button.click()
    assert printed.args[0].copy_no == 1
    assert (good / f"{receipt_no}-reprint-1.pdf").exists()


def test_a_renderer_that_breaks_is_a_print_failure_not_a_lost_payment(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    def broken(_view: ReceiptView, _paper: str, _qr: str) -> bytes:
        raise RuntimeError("font missing")

    window.printer.renderers = {"pdf": broken, "escpos": broken}
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.failed, timeout=WAIT_MS) as failed,
    ):
        agent.ctrl_enter()
    receipt_no = recorded.args[0].receipt_no
    assert failed.args[1] == f"生成收据 {receipt_no} 的打印内容失败：font missing"
    assert view_of(demo_workspace, receipt_no).total_fen == 38000
    window.printer.message_box.reject()  # type: ignore[union-attr]


def test_escpos_file_target_gets_the_printer_bytes(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    tmp_path: Path,
) -> None:  # fmt: skip
    device = tmp_path / "lp0"
    set_printer(demo_workspace, f"escpos-file:{device}")
    agent.open(household_where(demo_workspace, size=2))
    agent.tick(0)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS),
    ):
        agent.ctrl_enter()
    data = device.read_bytes()
    assert data.startswith(b"\x1b@")  # ESC @: initialise the printer
    assert recorded.args[0].receipt_no.encode() in data
    with demo_workspace.db.sessions() as session:
        targets = session.scalars(select(ReceiptPrint.target)).all()
    assert targets == ["escpos-file"]


def test_desk_model_passes_the_qt_model_tester(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    qtmodeltester: ModelTester,
) -> None:  # fmt: skip
    agent.open(household_where(demo_workspace, size=3, employee=True))
    agent.tick(0)
    qtmodeltester.check(window.desk.model)


def test_desk_labels_and_keys_are_in_chinese(window: MainWindow) -> None:
    desk = window.desk
    assert desk.confirm_button.text() == "确认收款并打印 (Ctrl+Enter)"
    assert desk.tick_all_button.text() == "全选应缴(&A)"
    assert [desk.method.itemText(i) for i in range(desk.method.count())] == [
        "1  现金", "2  微信", "3  支付宝", "4  银行卡", "5  医保个人账户共济",
    ]  # fmt: skip
    model = desk.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "缴费",
        "姓名",
        "证件号码",
        "与户主关系",
        "本年度状态",
        "缴费标准",
        "资助",
        "本次应缴",
    ]
    assert [a.text() for a in window.menus.receipts_menu.actions() if a.text()] == [
        "今日收据(&D)…", "重打上一张(&L)", "日结(&C)…", "上解记录(&R)…", "打印机(&P)…",
    ]  # fmt: skip


def test_without_a_policy_the_desk_says_why_and_nothing_can_be_ticked(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace
) -> None:
    demo_workspace.region = None  # a device nobody has set a region on yet
    agent.open(household_where(demo_workspace, size=2))
    assert window.desk.note.text().startswith("无法计算本户应缴金额：本设备尚未设定地区政策")
    assert agent.statuses()[:2] == ["应缴", "应缴"]  # the roster's word, not a quote
    agent.tick(0)
    agent.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert agent.ticked() == []
