"""Closing the day: totals by method, a blind count with a shortfall, the slip, then no voids."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.collection import CollectionError, void_receipt
from app.dayclose import DayCloseError, close_day, parse_count, preview
from app.workspace import Workspace
from db.models import LedgerEvent
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
