"""Chinese financial capitals (大写) read back by an independent parser, and known values."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.capitals import chinese_capitals

NONZERO = "壹贰叁肆伍陆柒捌玖"
DIGIT = {c: n for n, c in enumerate("零" + NONZERO)}
PLACE = {"拾": 10, "佰": 100, "仟": 1000}
FRACTION = re.compile(f"(?:([{NONZERO}])角)?(?:零?([{NONZERO}])分)?")


def _section(text: str) -> int:
    total = digit = 0
    for char in text:
        if char in DIGIT:
            digit = DIGIT[char]
        else:
            assert digit, f"a place without a digit in {text!r}"
            total += digit * PLACE[char]
            digit = 0
    return total + digit


def _whole(text: str) -> int:
    if "亿" in text:
        high, low = text.rsplit("亿", 1)
        return _whole(high) * 10**8 + _whole(low)
    high, _, low = text.rpartition("万")
    return _section(high) * 10**4 + _section(low) if high else _section(low)


def parse(text: str) -> int:
    """Capitals back to fen, written from the reading rules, not from the generator."""
    if text == "零元整":
        return 0
    body = text.removesuffix("整")
    whole, sep, fraction = body.rpartition("元")
    fen = _whole(whole) * 100 if sep else 0
    match = FRACTION.fullmatch(fraction)
    assert match, f"bad fraction {fraction!r} in {text!r}"
    jiao, fen_digit = match.groups()
    return fen + DIGIT.get(jiao or "零") * 10 + DIGIT.get(fen_digit or "零")


KNOWN = [
    (38000, "叁佰捌拾元整"),
    (31050, "叁佰壹拾元伍角"),
    (102000, "壹仟零贰拾元整"),
    (5, "伍分"),
    (0, "零元整"),
    (100000000, "壹佰万元整"),
    (1000, "壹拾元整"),  # 壹 is never dropped before 拾 in capitals
    (50, "伍角"),
    (1234, "壹拾贰元叁角肆分"),
    (10005, "壹佰元零伍分"),
    # The examples of 《支付结算办法》附件一 where the rules allow one form only; where
    # they allow a 零 or none (¥1,680.32; ¥107,000.53), the shorter form is used.
    (140950, "壹仟肆佰零玖元伍角"),
    (600714, "陆仟零柒元壹角肆分"),
    (32504, "叁佰贰拾伍元零肆分"),
    (168032, "壹仟陆佰捌拾元叁角贰分"),
    (10700053, "壹拾万柒仟元伍角叁分"),
    (10010000, "壹拾万零壹佰元整"),
    (1000000100, "壹仟万零壹元整"),
    (10000000100, "壹亿零壹元整"),
    (10100000000, "壹亿零壹佰万元整"),
    (11000000000, "壹亿壹仟万元整"),
    (100010000000000, "壹万零壹亿元整"),
    (100000000000000, "壹万亿元整"),
    (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (1000000005, "壹仟万元零伍分"),
]


@pytest.mark.parametrize(("fen", "text"), KNOWN)
def test_known_values(fen: int, text: str) -> None:
    assert chinese_capitals(fen) == text
    assert parse(text) == fen


@given(st.integers(0, 10**18))
def test_capitals_read_back_to_the_same_amount(fen: int) -> None:
    assert parse(chinese_capitals(fen)) == fen


@given(st.integers(0, 10**18))
def test_each_nonzero_digit_is_written_once_in_order(fen: int) -> None:
    text = chinese_capitals(fen)
    written = [char for char in text if char in NONZERO]
    assert written == [NONZERO[int(d) - 1] for d in str(fen) if d != "0"]


@given(st.integers(1, 10**18))
def test_zero_rules(fen: int) -> None:
    text = chinese_capitals(fen)
    assert "零零" not in text
    assert not text.startswith("零")
    # A 零 always stands between two written digits, never before a unit or at the end.
    assert all(text[i + 1] in NONZERO for i, char in enumerate(text) if char == "零")
    assert text.endswith("整") == (fen % 100 == 0)
    assert text.endswith("分") == (fen % 10 != 0)
    assert ("元" in text) == (fen >= 100)


@pytest.mark.parametrize("bad", [-1, -38000])
def test_negative_amounts_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="负数"):
        chinese_capitals(bad)


@pytest.mark.parametrize("bad", [True, 1.5, "100"])
def test_only_integer_fen(bad: object) -> None:
    with pytest.raises(TypeError):
        chinese_capitals(bad)  # type: ignore[arg-type]
