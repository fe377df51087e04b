"""The receipt's QR code: a compact payload signed by the device, verifiable offline."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from app.keys import verify
from app.ledger import canonical

PREFIX = "VC1"  # format version: lets a later format coexist with printed receipts


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class ReceiptCode:
    """What the QR says: receipt no., date, total, persons (name, masked ID, fen), device."""

    receipt_no: str
    date: str
    total_fen: int
    persons: tuple[tuple[str, str, int], ...]
    device_id: str

    def payload(self) -> bytes:
        return canonical(
            {
                "n": self.receipt_no,
                "d": self.date,
                "t": self.total_fen,
                "p": [list(p) for p in self.persons],
                "v": self.device_id,
            }
        ).encode()


def encode(code: ReceiptCode, signature: bytes) -> str:
    return f"{PREFIX}.{_b64(code.payload())}.{_b64(signature)}"


class CodeError(ValueError):
    """A QR text that is not a receipt code or whose signature fails; str() is Chinese."""


def decode(text: str) -> tuple[ReceiptCode, bytes, bytes]:
    """(the code, its signed bytes, the signature) of a QR text, unverified."""
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CodeError("这不是本系统的收据二维码")
    try:
        payload, signature = _unb64(parts[1]), _unb64(parts[2])
        data: dict[str, Any] = json.loads(payload)
        code = ReceiptCode(
            str(data["n"]), str(data["d"]), int(data["t"]),
            tuple((str(n), str(i), int(a)) for n, i, a in data["p"]), str(data["v"]),
        )  # fmt: skip
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise CodeError("收据二维码内容已损坏") from None
    return code, payload, signature


def verify_code(text: str, public_keys: dict[str, bytes]) -> ReceiptCode:
    """The receipt code if its device's signature holds; CodeError saying why not."""
    code, payload, signature = decode(text)
    key = public_keys.get(code.device_id)
    if key is None:
        raise CodeError(f"不认识开具设备 {code.device_id}，无法核验")
    if not verify(key, payload, signature):
        raise CodeError("签名不符：收据内容被改动或不是该设备开具")
    return code
