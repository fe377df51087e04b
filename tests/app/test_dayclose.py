"""Closing the day: totals by method, a blind count with a shortfall, the slip, then no voids."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.collection import (
    CollectionError,
    RecordedPayment,
    quote_household,
    record_payment,
    void_receipt,
)
from app.dayclose import DayCloseError, cash_held, close_day, parse_count, preview
from app.money import format_yuan
from app.policy import Policy
from app.workspace import Workspace
from db.models import Household, LedgerEvent, Payment
from tests.sync.helpers import pay_household


def events(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEvent)) or 0)


@pytest.fixture
def day(demo_workspace: Workspace) -> dict[str, str]:
    """Three receipts in cash, one by WeChat, one cash receipt voided."""
    receipts = {}
    for n in range(3):
        receipts[f"cash{n}"], _ = pay_household(demo_workspace, n)
    void_receipt(demo_workspace.db, receipts["cash2"], "户号收错")
    return receipts


def test_the_preview_groups_by_method_and_lists_the_void(
    demo_workspace: Workspace, day: dict[str, str]
) -> None:
    seen = preview(demo_workspace.db)
    assert set(seen.receipts) == {day["cash0"], day["cash1"]}
    assert seen.voided == ((day["cash2"], "户号收错"),)
    assert [m.method for m in seen.by_method] == ["cash"]
    assert seen.ranges == ((day["cash0"], day["cash2"]),) and seen.gaps == ()
    assert seen.expected_cash_fen == seen.total_fen > 0


def test_a_shortfall_needs_a_reason_then_closes_and_nothing_can_be_voided(
    demo_workspace: Workspace, day: dict[str, str], tmp_path: Path
) -> None:
    expected = preview(demo_workspace.db).expected_cash_fen
    before = events(demo_workspace)
    count = parse_count({10000: str(expected // 10000), 50: ""})
    short = count.total_fen - expected
    assert short < 0  # the change below 100 yuan was not counted
    with pytest.raises(DayCloseError, match="短款"):
        close_day(demo_workspace.db, count=count, reference="YH20231015001",
                  today=demo_workspace.today)  # fmt: skip
    assert events(demo_workspace) == before
    done = close_day(
        demo_workspace.db, count=count, reference="YH20231015001", today=demo_workspace.today,
        reason="找零用去零钱，已补记", deposited_at="2023-10-15 16:30",
    )  # fmt: skip
    assert done.difference_fen == short and events(demo_workspace) == before + 1
    with pytest.raises(CollectionError, match="已上解"):
        void_receipt(demo_workspace.db, day["cash0"], "晚了")
    with pytest.raises(DayCloseError, match="没有待上解"):
        close_day(demo_workspace.db, counted_fen=0, reference="X", today=demo_workspace.today)

    from printing.remittance_pdf import render_slip

    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(render_slip(done, "安化县冷市镇"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for words in ("上解单", "YH20231015001", "短款", "找零用去零钱", day["cash0"], "户号收错",
                  "代收员签字", "接收人签字"):  # fmt: skip
        assert words in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counted_fen": -1, "reference": "R"}, "不能为负"),
        ({"counted_fen": 100, "reference": "  "}, "存款凭条号"),
        ({"reference": "R"}, "清点现金"),
    ],
)
def test_bad_closes_write_nothing(
    demo_workspace: Workspace, day: dict[str, str], kwargs: dict[str, object], message: str
) -> None:
    before = events(demo_workspace)
    with pytest.raises(DayCloseError, match=message):
        close_day(demo_workspace.db, today=demo_workspace.today, **kwargs)  # type: ignore[arg-type]
    assert events(demo_workspace) == before


def test_counts_must_be_whole_numbers() -> None:
    with pytest.raises(DayCloseError, match="整数"):
        parse_count({10000: "-3"})
    with pytest.raises(DayCloseError, match="整数"):
        parse_count({5000: "两张"})
    with pytest.raises(DayCloseError, match="面额"):
        parse_count({3000: "1"})
    with pytest.raises(DayCloseError, match="整数"):
        parse_count({100: "②"})  # a digit to str.isdigit, not a count
    assert parse_count({10000: "2", 10: "3"}).total_fen == 20030


def test_a_clock_set_backwards_is_refused(demo_workspace: Workspace, day: dict[str, str]) -> None:
    expected = preview(demo_workspace.db).expected_cash_fen
    close_day(demo_workspace.db, counted_fen=expected, reference="R1", today=demo_workspace.today)
    pay_household(demo_workspace, 3)
    earlier: date = demo_workspace.today - timedelta(days=1)
    with pytest.raises(DayCloseError, match="早于上次日结"):
        close_day(demo_workspace.db, counted_fen=0, reference="R2", today=earlier, reason="x")


def test_cash_held_against_the_limits(demo_workspace: Workspace) -> None:
    from app.dayclose import cash_held

    today = demo_workspace.today
    assert cash_held(demo_workspace.db, None, None, today).level == "ok"
    pay_household(demo_workspace)
    held = cash_held(demo_workspace.db, None, None, today)
    assert held.level == "ok" and held.cash_fen > 0 and held.max_days == 1
    assert cash_held(demo_workspace.db, None, None, today + timedelta(days=1)).level == "near"
    late = cash_held(demo_workspace.db, None, None, today + timedelta(days=2))
    assert late.level == "over" and "请立即上解" in late.message
    assert cash_held(demo_workspace.db, 10, held.cash_fen - 1, today).level == "over"
    assert cash_held(demo_workspace.db, 10, held.cash_fen + 1, today).level == "near"
    close_day(demo_workspace.db, counted_fen=held.cash_fen, reference="R", today=today)
    assert cash_held(demo_workspace.db, None, None, today + timedelta(days=9)).level == "ok"


def _household(workspace: Workspace, policy: Policy, nth: int) -> tuple[int, list[int]]:
    """The `nth` household with someone to pay: its id and its payable members."""
    with workspace.db.sessions() as session:
        for hid in session.scalars(select(Household.id).order_by(Household.id)):
            members = [
                m.person_id
                for m in quote_household(session, hid, policy, workspace.today)
                if m.payable
            ]
            if members and not nth:
                return hid, members
            nth -= bool(members)
    raise AssertionError("no payable household")


def _pay(
    workspace: Workspace, policy: Policy, nth: int, day: date, method: str = "cash"
) -> RecordedPayment:
    hid, members = _household(workspace, policy, nth)
    reference = "" if method == "cash" else f"4200-{nth}"
    return record_payment(
        workspace.db, policy, hid, members, method=method, paid_on=day, reference=reference
    )


def _payments(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Payment)) or 0)


def test_a_region_that_blocks_cash_refuses_it_past_the_limits_and_nothing_else(
    demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    lengshi = demo_workspace.policy()  # cash held at most 1 day; the default 5,000 yuan
    assert not lengshi.block_cash
    blocking = replace(lengshi, block_cash=True)
    today = demo_workspace.today
    first = _pay(demo_workspace, blocking, 0, today)  # nothing held yet: cash is taken
    second = _pay(demo_workspace, blocking, 1, today + timedelta(days=1))  # near: still taken

    # Two days on, past the time limit: cash refused, nothing written.
    late = today + timedelta(days=2)
    before = (_payments(demo_workspace), events(demo_workspace))
    with pytest.raises(CollectionError) as refused:
        _pay(demo_workspace, blocking, 2, late)
    held = format_yuan(first.total_fen + second.total_fen).removeprefix("¥")
    assert str(refused.value) == (
        f"未上解现金已超过限期限额（{held} 元，最早为 2023-10-15 所收，已 2 天；"
        "限期 1 天、限额 5,000 元），按本地政策须先日结上解，才能继续收取现金。"
        "微信、支付宝、银行卡、医保个人账户共济缴费不受影响"
    )
    assert (_payments(demo_workspace), events(demo_workspace)) == before
    # Every other method still goes through; a region that does not block takes cash.
    assert _pay(demo_workspace, blocking, 2, late, method="wechat").total_fen > 0
    assert _pay(demo_workspace, lengshi, 3, late).total_fen > 0

    # The amount limit counts too: under it cash is taken, past it refused.
    now = cash_held(demo_workspace.db, 10, None, late).cash_fen
    roomy = replace(blocking, deposit_days=10, deposit_cash_fen=now)
    assert _pay(demo_workspace, roomy, 4, late).receipt_no
    with pytest.raises(CollectionError, match="限期 10 天、限额"):
        _pay(demo_workspace, roomy, 5, late)

    # Closing the day lifts it.
    expected = preview(demo_workspace.db).expected_cash_fen
    close_day(demo_workspace.db, counted_fen=expected, reference="YH-9", today=late)
    assert _pay(demo_workspace, blocking, 5, late).receipt_no

    # A region that does not block never measures the cash held at all: the fast path.
    def measured(*_args: object) -> None:
        raise AssertionError("cash held measured without block_cash")

    monkeypatch.setattr("app.dayclose.cash_held_in", measured)
    assert _pay(demo_workspace, lengshi, 6, late).receipt_no


def test_nothing_is_dated_before_the_last_close(demo_workspace: Workspace) -> None:
    """Back-dating: once a day is closed, a payment dated before it is refused (a clock set
    back, or an agent slipping a receipt into a remitted day)."""
    from tests.app.test_collection import household_due, pay

    hid, people = household_due(demo_workspace)
    pay(demo_workspace, hid, people[:1])
    close_day(demo_workspace.db, counted_fen=38000, reference="YH1", today=demo_workspace.today)
    before = events(demo_workspace)
    with pytest.raises(CollectionError, match="早于上次日结的日期"):
        record_payment(
            demo_workspace.db, demo_workspace.policy(), hid, people[1:2], method="cash",
            paid_on=demo_workspace.today - timedelta(days=1),
        )  # fmt: skip
    assert events(demo_workspace) == before
    pay(demo_workspace, hid, people[1:2])  # the close's own day stays open for more
