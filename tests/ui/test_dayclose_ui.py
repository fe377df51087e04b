"""日结 on the desktop by keyboard: a blind count, the figures only after 核对, a shortfall that
needs its reason, the 上解单 read back, no voids afterwards; and the 限期限额 banner."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from desk_driver import (
    CTRL,
    WAIT_MS,
    DeskDriver,
    commit_text,
    household_where,
    payments,
    pdf_text,
    set_printer,
)
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app import ledger
from app.collection import RecordedPayment, record_payment
from app.dayclose import close_day
from app.workspace import Workspace
from db.models import Household, LedgerEvent, Person, ReceiptVoid
from ui.desktop.cash_banner import NEAR_STYLE, OVER_STYLE
from ui.desktop.dayclose import DayCloseDialog
from ui.desktop.main_window import MainWindow
from ui.desktop.receipts import ReceiptsDialog

ALT = Qt.KeyboardModifier.AltModifier


def pay_at_desk(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, people: int = 2, reference: str = ""
) -> RecordedPayment:
    """The next household with everyone due: tick `people` members, cash (or WeChat with a
    `reference`), Ctrl+Enter; back when recorded and printed."""
    agent.open(household_where(window.workspace, size=max(2, people)))
    agent.tick(*range(people))
    if reference:
        agent.key(Qt.Key.Key_2)  # 微信: the cursor goes to the transaction number
        agent.type(reference)
    with (
        qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded,
        qtbot.waitSignal(window.printer.printed, timeout=WAIT_MS),
    ):
        agent.ctrl_enter()
    payment: RecordedPayment = recorded.args[0]
    return payment


def pay_behind(workspace: Workspace, paid_on: date | None = None) -> RecordedPayment:
    """Two members of the next household pay cash, recorded without the desk (the CLI)."""
    number = household_where(workspace, size=2)
    with workspace.db.sessions() as session:
        household_id = session.scalar(select(Household.id).where(Household.number == number))
        people = list(session.scalars(select(Person.id).where(Person.household_id == household_id)))
    assert household_id is not None
    return record_payment(
        workspace.db, workspace.policy(), household_id, people[:2], method="cash",
        paid_on=paid_on or workspace.today,
    )  # fmt: skip


def open_receipts(qtbot: QtBot, window: MainWindow) -> ReceiptsDialog:
    qtbot.keyClick(window.search_box, Qt.Key.Key_R, CTRL)
    dialog = window.receipts_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def void_highlighted(qtbot: QtBot, dialog: ReceiptsDialog, reason: str) -> None:
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, ALT)
    qtbot.waitUntil(lambda: dialog.void_dialog is not None)
    void = dialog.void_dialog
    assert void is not None
    qtbot.waitUntil(void.isActiveWindow)
    commit_text(void.reason, reason)
    qtbot.keyClick(void.reason, Qt.Key.Key_Return)


def close_receipts(qtbot: QtBot, window: MainWindow, dialog: ReceiptsDialog) -> None:
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.receipts_dialog is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def open_day_close(qtbot: QtBot, window: MainWindow) -> DayCloseDialog:
    """Ctrl+D from the search box, as the agent opens it."""
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_D, CTRL)
    dialog = window.dayclose_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def key(
    qtbot: QtBot, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, k, modifier)


def count_by_keyboard(qtbot: QtBot, dialog: DayCloseDialog, pieces: list[str]) -> None:
    """Type each denomination's 张数 from the top, Enter after each (an empty row too), which
    leaves the cursor on 核对."""
    assert QApplication.focusWidget() is dialog.fields[10000]
    for text in pieces + [""] * (len(dialog.fields) - len(pieces)):
        if text:
            qtbot.keyClicks(QApplication.focusWidget(), text)
        key(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.check_button


def shown_texts(dialog: DayCloseDialog) -> list[str]:
    """Everything the agent can read in the dialog now: visible labels, fields and tables."""
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in dialog.findChildren(QLineEdit) if w.isVisible()]
    if dialog.methods.isVisible():
        model = dialog.methods.model()
        texts += [
            str(model.data(model.index(r, c)))
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        ]
    return texts


def method_rows(dialog: DayCloseDialog) -> list[list[str]]:
    table = dialog.methods
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def remittance_bodies(workspace: Workspace) -> list[dict[str, object]]:
    with workspace.db.sessions() as session:
        events = session.scalars(
            select(LedgerEvent).where(LedgerEvent.kind == "remittance").order_by(LedgerEvent.seq)
        ).all()
        return [ledger.body_of(e) for e in events]


def test_a_day_is_closed_by_keyboard_with_a_counted_shortfall_and_its_reason(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path, tmp_path: Path,
) -> None:  # fmt: skip
    # The day: two members pay cash, one pays by WeChat, one more pays cash and is voided.
    first = pay_at_desk(qtbot, window, agent, people=2)
    second = pay_at_desk(qtbot, window, agent, people=1, reference="4200002023101500001")
    third = pay_at_desk(qtbot, window, agent, people=1)
    receipts = open_receipts(qtbot, window)
    assert receipts.current() is not None and receipts.current().receipt_no == third.receipt_no  # type: ignore[union-attr]
    with qtbot.waitSignal(receipts.voided, timeout=WAIT_MS):
        void_highlighted(qtbot, receipts, "勾错人员")
    close_receipts(qtbot, window, receipts)

    dialog = open_day_close(qtbot, window)
    assert dialog.windowTitle() == "日结 2023-10-15"
    # Blind: nothing of what the drawer should hold is on the screen while counting.
    assert not dialog.expected_box.isVisible() and not dialog.deposit_box.isVisible()
    assert not dialog.confirm_button.isEnabled()
    count_by_keyboard(qtbot, dialog, ["7", "1"])  # 7 × 100 + 1 × 50: ten yuan short
    assert dialog.counted.text() == "已点 ¥750.00"
    assert [dialog.subtotals[f].text() for f in (10000, 5000, 2000)] == ["¥700.00", "¥50.00", ""]
    shown = "\n".join(shown_texts(dialog))
    assert "760" not in shown and "1,140" not in shown and "短款" not in shown
    assert first.receipt_no not in shown

    with qtbot.waitSignal(dialog.checked):
        key(qtbot, Qt.Key.Key_Return)  # 核对
    assert dialog.expected_box.isVisible() and dialog.deposit_box.isVisible()
    assert method_rows(dialog) == [
        ["现金", "1", "¥760.00"],
        ["微信", "1", "¥380.00"],
        ["合计", "2", "¥1,140.00"],
    ]
    assert dialog.expected_cash.text() == "¥760.00"
    assert dialog.counted_cash.text() == "¥750.00"
    assert dialog.difference.text() == "短款 ¥10.00"
    assert dialog.ranges.text() == f"{first.receipt_no} – {third.receipt_no}"
    assert dialog.voids.text() == f"{third.receipt_no}（勾错人员）"
    assert dialog.gaps.text() == "无"
    assert dialog.reason.isVisible() and dialog.reason_label.text() == "差额原因(&R)（必填）："
    assert QApplication.focusWidget() is dialog.reason  # the difference needs explaining
    assert all(field.isReadOnly() for field in dialog.fields.values())  # the count stands

    # Ctrl+Enter with nothing else filled in: the app's reasons, one at a time, nothing lost.
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert refused.args == ["请填写存款凭条号或 POS 交易参考号"]
    assert dialog.error.text() == refused.args[0]
    assert QApplication.focusWidget() is dialog.reference
    qtbot.keyClicks(dialog.reference, "YH20231015-0042")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert refused.args == ["实点现金与应有现金不符（短款 10.00 元），请填写原因"]
    assert QApplication.focusWidget() is dialog.reason
    assert [dialog.fields[f].text() for f in (10000, 5000)] == ["7", "1"]
    assert dialog.reference.text() == "YH20231015-0042"
    assert remittance_bodies(demo_workspace) == []

    commit_text(dialog.reason, "找零多找 10 元")
    key(qtbot, Qt.Key.Key_Return)  # Enter moves on to the reference, then the deposit time
    assert QApplication.focusWidget() is dialog.reference
    with qtbot.waitSignal(dialog.closed_day, timeout=WAIT_MS) as closed:
        key(qtbot, Qt.Key.Key_Return, CTRL | Qt.KeyboardModifier.KeypadModifier)
    done = closed.args[0]
    assert done.remittance.difference_fen == -1000 and done.slip_error == ""
    (body,) = remittance_bodies(demo_workspace)
    assert body["receipts"] == [first.receipt_no, second.receipt_no]
    assert body["voided"] == [{"receipt_no": third.receipt_no, "reason": "勾错人员"}]
    assert (body["counted_fen"], body["difference_fen"]) == (75000, -1000)
    assert body["pieces"] == {"10000": 7, "5000": 1}
    assert body["reference"] == "YH20231015-0042" and body["reason"] == "找零多找 10 元"
    assert str(body["deposited_at"]).startswith("2023-10-15 ")

    # The slip: beside the receipts folder, and its text as any PDF reader sees it.
    slip = done.slip
    assert slip is not None and slip.parent == tmp_path / "上解单" and slip.exists()
    text = pdf_text(slip)
    assert "上解单" in text and "YH20231015-0042" in text and "找零多找 10 元" in text
    assert f"{first.receipt_no} 至 {third.receipt_no}" in text
    assert "短款" in text and f"{third.receipt_no}（勾错人员）" in text
    assert dialog.outcome.text() == (
        "日结完成：收据 2 张，合计 ¥1,140.00；实点现金 ¥750.00。这些收据今后不能作废。\n"
        f"上解单已保存：{slip}"
    )
    assert window.statusBar().currentMessage() == (
        "日结完成：2 张收据已上解，存款参考号 YH20231015-0042"
    )
    opened: list[QUrl] = []
    dialog.open_url = opened.append
    assert QApplication.focusWidget() is dialog.open_button
    key(qtbot, Qt.Key.Key_Return)  # 打开上解单, to look at it or print it
    assert opened == [QUrl.fromLocalFile(str(slip))]
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.dayclose_dialog is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    # Afterwards: a remitted receipt cannot be voided, and the agent is told what to do.
    receipts = open_receipts(qtbot, window)
    rows = [receipts.model.receipt(r) for r in range(receipts.model.rowCount())]
    assert [receipts.model.state_text(r) for r in rows if r is not None] == [
        "作废", "正常（已上解）", "正常（已上解）",
    ]  # fmt: skip
    qtbot.keyClick(receipts.table, Qt.Key.Key_Down)
    qtbot.keyClick(receipts.table, Qt.Key.Key_Down)
    assert receipts.current().receipt_no == first.receipt_no  # type: ignore[union-attr]
    with qtbot.waitSignal(receipts.void_failed, timeout=WAIT_MS) as failed:
        void_highlighted(qtbot, receipts, "多收")
    assert failed.args[0] == (
        f"收据 {first.receipt_no} 的款项已上解，不能作废；如需退费，请向县医保局提交退费申请"
    )
    box = receipts.message_box
    assert box is not None and box.isVisible() and "退费申请" in box.text()
    with demo_workspace.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReceiptVoid)) == 1
    box.accept()
    close_receipts(qtbot, window, receipts)

    # And a second close finds nothing: it says so and offers nothing to do.
    again = open_day_close(qtbot, window)
    assert again.nothing.text() == "没有需要日结的收据：本机所有收据都已上解。"
    assert again.last_close.text() == (
        "上次日结：2023-10-15，收据 2 张，存款参考号 YH20231015-0042。"
    )
    assert again.fields == {} and QApplication.focusWidget() is again.close_button
    key(qtbot, Qt.Key.Key_Return)  # 关闭
    qtbot.waitUntil(lambda: window.dayclose_dialog is None)
    assert len(remittance_bodies(demo_workspace)) == 1


def test_a_bad_count_is_named_and_checking_waits_for_a_good_one(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    pay_behind(demo_workspace)
    dialog = open_day_close(qtbot, window)
    qtbot.keyClicks(dialog.fields[10000], "3a")
    assert dialog.count_problem.text() == "100元的张数“3a”应为不小于 0 的整数"
    assert dialog.counted.text() == "已点 ¥0.00"
    key(qtbot, Qt.Key.Key_Down)
    qtbot.keyClicks(dialog.fields[5000], "-1")
    key(qtbot, Qt.Key.Key_Up)
    assert QApplication.focusWidget() is dialog.fields[10000]
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.refused) as refused:
        key(qtbot, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter while counting is 核对
    assert refused.args == ["100元的张数“3a”应为不小于 0 的整数"]
    assert QApplication.focusWidget() is dialog.fields[10000]  # where the mistake is
    assert not dialog.expected_box.isVisible() and dialog.count is None
    key(qtbot, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(dialog.refused) as refused:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert refused.args == ["50元的张数“-1”应为不小于 0 的整数"]
    assert QApplication.focusWidget() is dialog.fields[5000]
    qtbot.keyClick(dialog.fields[5000], Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.fields[5000], "9")
    assert dialog.counted.text() == "已点 ¥750.00" and dialog.count_problem.text() == ""
    with qtbot.waitSignal(dialog.checked):
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.difference.text() == "短款 ¥10.00"
    dialog.reject()


def test_a_clock_set_back_before_the_last_close_is_refused_and_nothing_is_lost(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace
) -> None:
    pay_behind(demo_workspace)
    day = demo_workspace.today
    close_day(demo_workspace.db, counted_fen=76000, reference="R-1", today=day + timedelta(1))
    pay_behind(demo_workspace, day + timedelta(1))  # the CLI on the right day; the desk is behind
    dialog = open_day_close(qtbot, window)
    count_by_keyboard(qtbot, dialog, ["7", "1", "", "1"])
    with qtbot.waitSignal(dialog.checked):
        key(qtbot, Qt.Key.Key_Return)
    assert dialog.difference.text() == "无差额" and not dialog.reason.isVisible()
    assert QApplication.focusWidget() is dialog.reference
    qtbot.keyClicks(dialog.reference, "R-2")
    with qtbot.waitSignal(dialog.refused, timeout=WAIT_MS) as refused:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert refused.args == [
        "业务日期 2023-10-15 早于上次日结的日期 2023-10-16，请检查电脑日期后再日结"
    ]
    assert dialog.isVisible() and dialog.reference.text() == "R-2"
    assert dialog.fields[10000].text() == "7"
    assert len(remittance_bodies(demo_workspace)) == 1
    dialog.reject()


def test_a_slip_that_cannot_be_saved_leaves_the_close_done_and_can_be_saved_elsewhere(
    qtbot: QtBot, window: MainWindow, demo_workspace: Workspace, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    set_printer(demo_workspace, f"pdf-folder:{blocker / 'receipts'}")
    pay_behind(demo_workspace)
    dialog = open_day_close(qtbot, window)
    count_by_keyboard(qtbot, dialog, ["7", "1", "", "1"])
    with qtbot.waitSignal(dialog.checked):
        key(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.reference, "POS-889900")
    with qtbot.waitSignal(dialog.closed_day, timeout=WAIT_MS) as closed:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert closed.args[0].slip is None
    assert "上解单未能保存：无法保存上解单" in dialog.outcome.text()
    assert not dialog.open_button.isVisible()
    assert QApplication.focusWidget() is dialog.save_button
    assert len(remittance_bodies(demo_workspace)) == 1  # the close stands

    chosen = tmp_path / "存档" / "上解单-今天"
    dialog.choose_slip_file = lambda suggested: chosen  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.slip_saved, timeout=WAIT_MS) as saved:
        key(qtbot, Qt.Key.Key_Return)
    path = Path(saved.args[0])
    assert path == chosen.with_name("上解单-今天.pdf") and "POS-889900" in pdf_text(path)
    assert dialog.outcome.text().endswith(f"上解单已保存：{path}")
    assert QApplication.focusWidget() is dialog.open_button
    dialog.reject()


def test_the_banner_warns_as_the_limits_near_and_turns_red_past_them(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    # Lengshi's policy: cash held at most 1 day; no amount set, so the default 5,000 yuan.
    day = demo_workspace.today
    clock = [day]
    window.business_clock = lambda: clock[0]
    banner = window.cash_banner
    assert banner.level == "ok" and not banner.isVisible()

    pay_at_desk(qtbot, window, agent, people=2)  # ¥760 on the day: fine
    assert banner.level == "ok" and not banner.isVisible()

    clock[0] = day + timedelta(days=1)  # the timer finds the next business day
    with qtbot.waitSignal(window.business_date_changed) as changed:
        window.check_business_date()
    assert changed.args == [day + timedelta(days=1)]
    assert window.date_label.text().startswith("业务日期 2023-10-16")
    assert "2023-10-16" in window.windowTitle()
    assert banner.level == "near" and banner.isVisible()
    assert banner.styleSheet().startswith(NEAR_STYLE)
    assert banner.text() == (
        "未上解现金 760.00 元（最早为 2023-10-15 所收，已 1 天），"
        "接近限期 1 天、限额 5,000 元：请尽快上解并日结 · 日结：Ctrl+D"
    )

    clock[0] = day + timedelta(days=2)
    window.check_business_date()
    assert banner.level == "over" and banner.isVisible()
    assert banner.styleSheet().startswith(OVER_STYLE)
    assert banner.text().startswith(
        "未上解现金 760.00 元（最早为 2023-10-15 所收，已 2 天），已超过"
    )

    # Closing the day puts it away.
    dialog = open_day_close(qtbot, window)
    count_by_keyboard(qtbot, dialog, ["7", "1", "", "1"])
    with qtbot.waitSignal(dialog.checked):
        key(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.reference, "YH-1")
    with qtbot.waitSignal(window.day_closed, timeout=WAIT_MS):
        key(qtbot, Qt.Key.Key_Return, CTRL)
    assert banner.level == "ok" and not banner.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: window.dayclose_dialog is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    # The amount: from 80 % of 5,000 yuan amber the same day, past it red; after each payment.
    for _ in range(5):
        pay_behind(demo_workspace)  # 5 × ¥760 = ¥3,800: under 80 %
    pay_at_desk(qtbot, window, agent, people=1)  # ¥4,180
    assert banner.level == "near"
    assert banner.text().startswith(
        "未上解现金 4,180.00 元（最早为 2023-10-17 所收，已 0 天），接近"
    )
    pay_behind(demo_workspace)
    pay_at_desk(qtbot, window, agent, people=1)  # ¥5,320
    assert banner.level == "over" and banner.styleSheet().startswith(OVER_STYLE)

    # A void brings it back under the limit at once.
    receipts = open_receipts(qtbot, window)
    with qtbot.waitSignal(receipts.voided, timeout=WAIT_MS):
        void_highlighted(qtbot, receipts, "收错户")
    assert banner.level == "near"
    close_receipts(qtbot, window, receipts)


def test_a_region_that_blocks_cash_past_the_limits_says_so_and_records_nothing(
    qtbot: QtBot, window: MainWindow, agent: DeskDriver, demo_workspace: Workspace,
    receipts_dir: Path,
) -> None:  # fmt: skip
    # The county's own file: Lengshi's rules, and no new cash past the limits until remitted.
    folder = demo_workspace.policy_folder
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lengshi-2024-block.toml").write_text(
        'extends = "lengshi-2024"\nkey = "lengshi-2024-block"\n[deposit]\nblock_cash = true\n',
        encoding="utf-8",
    )
    demo_workspace.set_region("lengshi-2024-block")
    day = demo_workspace.today
    clock = [day]
    window.business_clock = lambda: clock[0]
    desk = window.desk
    held = pay_at_desk(qtbot, window, agent, people=2).total_fen  # within the limits: taken

    # The next day (near the limit) a household opens and cash is still taken ... until the
    # clock passes the limit while it is open: the app refuses, and nothing is written.
    clock[0] = day + timedelta(days=1)
    window.check_business_date()
    agent.open(household_where(demo_workspace, size=2))
    assert not desk.cash_note.isVisible() and desk.tendered.isEnabled()
    agent.tick(0)
    clock[0] = day + timedelta(days=2)
    window.check_business_date()
    assert window.cash_banner.level == "over"
    before = payments(demo_workspace)
    with qtbot.waitSignal(desk.payment_failed, timeout=WAIT_MS) as failed:
        agent.ctrl_enter()
    message = (
        f"未上解现金已超过限期限额（{held // 100}.00 元，最早为 2023-10-15 所收，已 2 天；"
        "限期 1 天、限额 5,000 元），按本地政策须先日结上解，才能继续收取现金。"
        "微信、支付宝、银行卡、医保个人账户共济缴费不受影响"
    )
    assert failed.args == [message]
    assert agent.refusal().text() == message and payments(demo_workspace) == before
    agent.dismiss(agent.refusal())
    # From then on the desk says it as soon as a household opens, before money changes hands.
    assert desk.cash_note.isVisible() and desk.cash_note.text() == message
    assert not desk.tendered.isEnabled()
    agent.open(household_where(demo_workspace, size=2, nth=1))
    assert desk.cash_note.isVisible() and desk.cash_note.text() == message
    agent.tick(0)
    with qtbot.waitSignal(desk.payment_failed, timeout=WAIT_MS):
        agent.ctrl_enter()
    assert payments(demo_workspace) == before
    agent.dismiss(agent.refusal())

    # WeChat still goes through.
    agent.key(Qt.Key.Key_2)
    agent.type("4200002023101700001")
    with qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS) as recorded:
        agent.ctrl_enter()
    assert recorded.args[0].total_fen > 0 and payments(demo_workspace) == before + 1

    # After the day is closed, cash is taken again.
    close_day(demo_workspace.db, counted_fen=held, reference="YH-2", today=clock[0])
    agent.open(household_where(demo_workspace, size=2, nth=2))
    assert not desk.cash_note.isVisible() and desk.tendered.isEnabled()
    agent.tick(0)
    with qtbot.waitSignal(window.payment_recorded, timeout=WAIT_MS):
        agent.ctrl_enter()
    assert payments(demo_workspace) == before + 2
