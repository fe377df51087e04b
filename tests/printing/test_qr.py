"""The QR code image: same text in, the same text read back by zbar, crisp modules; and the
very modules the qrcode library makes (printing.qr does qrcode's work faster, not its own)."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import qrcode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from app.receipt_view import ReceiptView
from printing.qr import QUIET_ZONE, qr_bitmap, qr_image, qr_matrix, qr_modules, qr_png
from tests.printing.conftest import module_picture, signed_household


def _zbar(png: bytes, tmp_path: Path) -> str:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: install Debian's zbar-tools (make sysdeps does)")
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", str(path)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-300:]
    return done.stdout.decode("utf-8")  # in binary mode zbar adds no newline


@pytest.mark.parametrize(
    "text",
    ["VC1|4117280007000123|111000|AbC-_x", "http://example.invalid/r?n=1", "代收凭证 ¥380.00"],
)
def test_the_png_scans_back(text: str, tmp_path: Path) -> None:
    assert _zbar(qr_png(text), tmp_path) == text


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1))
def test_any_text_scans_back(text: str, tmp_path: Path) -> None:
    assert _zbar(qr_png(text, box=3), tmp_path) == text


@pytest.mark.parametrize("box", [1, 4, 6])
def test_modules_are_whole_pixels_with_a_quiet_zone(box: int) -> None:
    text = "VC1|" + "A1" * 80
    image = Image.open(io.BytesIO(qr_png(text, box)))
    side = (qr_modules(text) + 2 * QUIET_ZONE) * box
    assert image.size == (side, side)
    matrix = qr_matrix(text)
    pixels = image.convert("L").load()
    assert pixels is not None
    for row in range(len(matrix)):
        for col in range(len(matrix)):
            y, x = (row + QUIET_ZONE) * box, (col + QUIET_ZONE) * box
            assert (pixels[x, y] == 0) == matrix[row][col]
            assert pixels[x + box - 1, y + box - 1] == pixels[x, y]
    assert all(pixels[x, 0] == 255 for x in range(side)), "white quiet zone"


@pytest.mark.parametrize("people", [1, 3, 5, 8, 12])
def test_a_signed_receipt_code_scans_back(
    cash_view: ReceiptView, people: int, tmp_path: Path
) -> None:
    # The picture the PDF embeds, for the payloads the app really prints (versions 11 to 24).
    text = signed_household(cash_view, people).qr_text
    assert _zbar(qr_png(text, box=4), tmp_path) == text


def reference(text: str) -> tuple[tuple[bool, ...], ...]:
    """The modules the qrcode library makes, as printing.qr used to make them."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


@pytest.mark.parametrize("version", range(1, 41))
def test_every_version_has_the_modules_qrcode_makes(version: int) -> None:
    # The longest base64 text (bytes mode, like a receipt code) that fits in this version.
    capacity = qrcode.util.BIT_LIMIT_TABLE[qrcode.constants.ERROR_CORRECT_M][version]
    longest = (capacity - 4 - (8 if version < 10 else 16)) // 8
    noise = hashlib.shake_256(f"version {version}".encode()).digest(longest)
    text = base64.urlsafe_b64encode(noise).decode()[:longest]
    assert qr_modules(text) == 17 + 4 * version
    if version < 40:
        assert qr_modules(text + "x") == 17 + 4 * (version + 1)
    assert qr_matrix(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "7",
        "4117280007000123",  # all digits: the numeric mode
        "VC1-4117280007000123 $%*+./:",  # alphanumeric only
        "VC1|" + "4117280007000123" * 3 + "|x",  # a run of 48 digits inside bytes
        "vc1|" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "|" + "7" * 19 + "|代收",  # 26 alphanumeric
        "1" * 300 + "x",  # digits across the version 9 / 10 boundary of the count field
        "A" * 1000 + "1" * 1000,
    ],
)
def test_mixed_modes_have_the_modules_qrcode_makes(text: str) -> None:
    assert qr_matrix(text) == reference(text)
    assert qr_modules(text) == len(reference(text))


runs = st.one_of(
    st.text("0123456789", min_size=1, max_size=60),
    st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", min_size=1, max_size=60),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40),
)


@settings(max_examples=40, deadline=None)
@given(parts=st.lists(runs, min_size=1, max_size=8))
def test_any_text_has_the_modules_qrcode_makes(parts: list[str]) -> None:
    text = "".join(parts)
    assert qr_matrix(text) == reference(text)


@pytest.mark.parametrize(("box", "border", "width"), [(1, 4, None), (3, 4, 384), (5, 0, 203)])
def test_the_bitmap_is_the_image_centred_in_its_width(
    box: int, border: int, width: int | None
) -> None:
    text = "VC1|4117280007000123|111000|AbC-_x"
    row_bytes, rows, bits = qr_bitmap(text, box, border, width)
    side = (qr_modules(text) + 2 * border) * box
    assert (
        rows == side and row_bytes == ((width or side) + 7) // 8 and len(bits) == row_bytes * rows
    )
    bitmap = Image.frombytes("1", (8 * row_bytes, rows), bits, "raw", "1;I")
    left = ((width or side) - side) // 2
    expected = Image.new("1", bitmap.size, 1)
    expected.paste(module_picture(text, box, border), (left, 0))
    assert bitmap.tobytes() == expected.tobytes()


@pytest.mark.parametrize("box", [1, 3, 4])
def test_the_image_is_the_module_matrix_scaled(box: int) -> None:
    text = "VC1|4117280007000123|111000|AbC-_x"
    assert qr_image(text, box).tobytes() == module_picture(text, box).tobytes()


def test_a_code_wider_than_the_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="超过了"):
        qr_bitmap("VC1|4117280007000123", box=8, width=200)


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValueError, match="不能为空"):
        qr_png("")
    with pytest.raises(ValueError, match="不能为空"):
        qr_modules("")
    with pytest.raises(ValueError, match="不能为空"):
        qr_bitmap("", box=3)
