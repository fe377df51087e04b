"""Receipt numbers: PREFIX-NNNNNNN-C, per device, sequential without gaps, with a check character.

PREFIX is the device's receipt prefix (4 letters/digits, assigned at enrollment; before that,
from the device key's fingerprint), NNNNNNN the device's receipt sequence from 1, and C an
ISO 7064 MOD 37,36 check character over PREFIX+NNNNNNN, so a mistyped number is caught.
"""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_37_36

from app.identity import normalize

_FORMAT = re.compile(r"([0-9A-Z]{4})-?(\d{7})-?([0-9A-Z])")


class ReceiptNumberError(ValueError):
    """A receipt number that is malformed or fails its check; str() is the Chinese message."""


def format_receipt_no(prefix: str, seq: int) -> str:
    body = f"{prefix}{seq:07d}"
    return f"{prefix}-{seq:07d}-{mod_37_36.calc_check_digit(body)}"


def parse_receipt_no(text: str) -> tuple[str, int]:
    """(prefix, sequence) of a typed receipt number; dashes and case do not matter."""
    match = _FORMAT.fullmatch(normalize(text))
    if not match:
        raise ReceiptNumberError(f"收据号“{text}”格式不正确，应如 AB12-0000123-X")
    prefix, digits, check = match.groups()
    if mod_37_36.calc_check_digit(prefix + digits) != check:
        raise ReceiptNumberError(f"收据号“{text}”校验位不对，请核对")
    return prefix, int(digits)
