"""Amounts in Chinese financial capitals (大写金额), as written on receipts."""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")  # within a four-digit section, lowest first
_WAN = 10**4
_YI = 10**8


def _section(value: int) -> str:
    """0 < value < 10,000 without leading zeros: 1020 -> 壹仟零贰拾."""
    out: list[str] = []
    pending_zero = False
    for place in range(3, -1, -1):
        digit = value // 10**place % 10
        if digit == 0:
            # A zero only matters once something was written and a non-zero digit follows.
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + _PLACES[place])
    return "".join(out)


def _integer(value: int) -> str:
    """0 < value: whole yuan in capitals without the 元."""
    if value >= _YI:
        high, low = divmod(value, _YI)
        # Splitting at 亿 first keeps 万亿 right: 1_0001_0000_0000 is 壹万零壹亿, not 壹万亿零壹亿.
        text = _integer(high) + "亿"
        if low:
            text += ("零" if low < _YI // 10 else "") + _integer(low)
        return text
    high, low = divmod(value, _WAN)
    if not high:
        return _section(low)
    text = _section(high) + "万"
    if low:
        text += ("零" if low < _WAN // 10 else "") + _section(low)
    return text


def chinese_capitals(fen: int) -> str:
    """Fen as 大写: 38000 -> 叁佰捌拾元整, 31050 -> 叁佰壹拾元伍角, 5 -> 伍分, 0 -> 零元整.

    The zero rules are those of receipts and cheques: one 零 stands for any run of zeros
    between non-zero digits (also across 万 and 亿), none at the end; 整 closes an amount
    without 分; a missing 角 before 分 is written 零 when there are yuan (壹佰元零伍分).
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("金额须为整数分")
    if fen < 0:
        # A receipt states money received; a refund is a separate document, never a negative.
        raise ValueError(f"大写金额不能为负数：{fen}")
    whole, part = divmod(fen, 100)
    jiao, fen_digit = divmod(part, 10)
    if fen == 0:
        return "零元整"
    text = _integer(whole) + "元" if whole else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen_digit and whole:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    elif not jiao:
        text += "整"
    return text
