"""Money is integer fen: exact parsing of yuan, formatting, and rounding of percentages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.money import MoneyError, format_yuan, percent_of, yuan, yuan_to_fen


def test_parsing_is_exact() -> None:
    assert yuan_to_fen(380) == 38000
    assert yuan_to_fen("0.5") == 50
    assert yuan_to_fen(" 1,020.00 ") == 102000
    assert yuan_to_fen(Decimal("99")) == 9900


@pytest.mark.parametrize(
    ("value", "message"),
    [(0.1, "浮点数"), ("1.005", "分以下"), ("abc", "不是数字"), (True, "浮点数")],
)
def test_bad_amounts_are_refused(value: object, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        yuan_to_fen(value)  # type: ignore[arg-type]


def test_formatting() -> None:
    assert (yuan(38000), yuan(31050), yuan(5)) == ("380", "310.50", "0.05")
    assert format_yuan(123456789) == "¥1,234,567.89"
    assert format_yuan(-50) == "-¥0.50"


@given(st.integers(0, 10**9))
def test_yuan_text_round_trips(fen: int) -> None:
    assert yuan_to_fen(yuan(fen)) == fen


@given(st.integers(0, 10**7), st.integers(0, 100))
def test_percentages_round_half_up_within_the_amount(fen: int, percent: int) -> None:
    share = percent_of(fen, percent)
    assert 0 <= share <= fen
    assert abs(share * 100 - fen * percent) <= 50
