"""The QR code image: same text in, the same text read back by zbar, crisp modules."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from printing.qr import QUIET_ZONE, qr_matrix, qr_modules, qr_png


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


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValueError, match="不能为空"):
        qr_png("")
    with pytest.raises(ValueError, match="不能为空"):
        qr_modules("")
