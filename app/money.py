"""Money as integer fen: exact parsing of yuan amounts and formatting with ¥."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    """An amount that is not a whole number of fen; str() is the Chinese message."""


def yuan_to_fen(value: int | str | Decimal) -> int:
    """Exact yuan -> fen: 380 -> 38000, "0.5" -> 50; refuses fractions of a fen and floats."""
    if isinstance(value, bool | float):
        raise MoneyError(f'金额“{value}”请写成整数或带引号的小数（如 "0.50"），不用浮点数')
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise MoneyError(f"金额“{value}”不是数字") from None
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"金额“{value}”精确到分以下，无法收取")
    return int(fen)


def yuan(fen: int) -> str:
    """Fen as yuan for sentences: 38000 -> "380", 31050 -> "310.50"."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:02d}"


def format_yuan(fen: int) -> str:
    """Fen with the currency sign and two decimals, for receipts and tables: ¥380.00."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}¥{whole:,}.{part:02d}"


def percent_of(fen: int, percent: int) -> int:
    """`percent`% of an amount in fen, rounded half up to the fen."""
    return (fen * percent * 2 + 100) // 200
