"""The receipt's QR code, built once from `qr_text` so the PDF and the thermal print agree."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from PIL import Image

# M (15 %) survives a creased or smudged thermal receipt; H would make the code too dense
# for a 58 mm roll at a size a phone reads from a hand's distance.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def _new(text: str) -> qrcode.QRCode:
    if not text:
        # Every receipt carries its signed payload; a receipt without one is a bug upstream.
        raise ValueError("二维码内容不能为空")
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(text.encode("utf-8"))
    return code


@lru_cache(maxsize=32)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules (True is dark), without the quiet zone."""
    code = _new(text)
    # Mask choice is most of the cost (about 20 ms), but it is what keeps the code readable.
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def qr_modules(text: str) -> int:
    """Modules per side of the code for `text`, without building it (for sizing a print)."""
    return 17 + 4 * int(_new(text).best_fit())


def qr_image(text: str, box: int = 4, border: int = QUIET_ZONE) -> Image.Image:
    """The code as a black-and-white image: `box` pixels per module, `border` modules of white."""
    if box < 1:
        raise ValueError("box must be at least 1 pixel")
    matrix = qr_matrix(text)
    side = len(matrix) + 2 * border
    blank = b"\xff" * side
    rows = [blank] * border
    pad = b"\xff" * border
    rows += [pad + bytes(0 if dark else 255 for dark in row) + pad for row in matrix]
    rows += [blank] * border
    small = Image.frombytes("L", (side, side), b"".join(rows))
    # Nearest-neighbour scaling keeps every module a crisp square of exactly box x box pixels.
    return small.resize((side * box, side * box), Image.Resampling.NEAREST).convert("1")


def qr_png(text: str, box: int = 4) -> bytes:
    """The QR code of `text` as PNG bytes (error correction M, 4-module quiet zone)."""
    out = io.BytesIO()
    qr_image(text, box).save(out, format="PNG", optimize=False)
    return out.getvalue()
