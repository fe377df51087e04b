"""ESC/POS receipts decoded as a printer would: the words, the widths, the QR code, the cut."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from PIL import Image

from app.receipt_view import RECEIPT_TITLE, ReceiptLine, ReceiptView
from printing import receipt_escpos
from printing.qr import qr_modules
from printing.receipt_escpos import render_escpos
from tests.printing.conftest import module_picture, signed_household

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
COLUMNS = {"58": 32, "80": 48}
DOTS = {"58": 384, "80": 576}


@dataclass
class Printed:
    """What a Chinese-mode ESC/POS printer would do with the bytes."""

    lines: list[str] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # columns used, size multiplier included
    qr_commands: list[tuple[int, bytes]] = field(default_factory=list)  # (fn, parameters)
    rasters: list[Image.Image] = field(default_factory=list)
    commands: list[bytes] = field(default_factory=list)  # every command, in order
    chinese: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def decode(data: bytes) -> Printed:
    """A small ESC/POS interpreter for the commands a receipt may use; anything else fails."""
    out = Printed()
    scale = 1
    line = bytearray()
    width = 0
    i = 0

    def end_line() -> None:
        nonlocal width
        out.lines.append(line.decode("gb18030"))
        out.widths.append(width)
        line.clear()
        width = 0

    while i < len(data):
        byte = data[i]
        if byte == 0x0A:
            end_line()
            i += 1
            continue
        if byte >= 0x20 and byte != 0x7F:
            if byte < 0x80:
                line.append(byte)
                width += scale
                i += 1
                continue
            assert out.chinese, "double-byte text sent before FS & (Chinese mode)"
            size = 4 if 0x30 <= data[i + 1] <= 0x39 else 2
            line += data[i : i + size]
            width += 2 * scale
            i += size
            continue
        head = data[i : i + 2]
        if head in (b"\x1b@",):
            scale, size = 1, 2
        elif head == b"\x1c&":
            out.chinese, size = True, 2
        elif head == b"\x1c.":
            out.chinese, size = False, 2
        elif head in (b"\x1ba", b"\x1bE", b"\x1d" + b"B", b"\x1b-", b"\x1bM", b"\x1bt"):
            size = 3
        elif head == b"\x1d!":
            scale = (data[i + 2] >> 4) + 1  # width multiplier; height does not take columns
            size = 3
        elif head == b"\x1bd":
            if line:
                end_line()
            out.lines += [""] * data[i + 2]
            out.widths += [0] * data[i + 2]
            size = 3
        elif head == b"\x1dV":
            size = 4 if data[i + 2] in (65, 66) else 3
        elif head == b"\x1d(" and data[i + 2 : i + 3] == b"k":
            length = data[i + 3] + 256 * data[i + 4]
            body = data[i + 5 : i + 5 + length]
            assert body[0:1] == b"1", "2D code other than QR"
            out.qr_commands.append((body[1], body[2:]))
            size = 5 + length
        elif head == b"\x1dv" and data[i + 2 : i + 3] == b"0":
            row_bytes = data[i + 4] + 256 * data[i + 5]
            rows = data[i + 6] + 256 * data[i + 7]
            bits = data[i + 8 : i + 8 + row_bytes * rows]
            # In the raster a 1 bit is a printed (black) dot; PIL's mode "1" has 1 as white.
            image = Image.frombytes("1", (row_bytes * 8, rows), bytes(b ^ 0xFF for b in bits))
            out.rasters.append(image)
            size = 8 + row_bytes * rows
        else:
            raise AssertionError(f"unexpected control byte {data[i : i + 3]!r} at {i}")
        out.commands.append(data[i : i + size])
        i += size
    if line:
        end_line()
    return out


@pytest.mark.parametrize("paper", ["58", "80"])
def test_the_receipt_says_what_was_paid(wechat_view: ReceiptView, paper: str) -> None:
    printed = decode(render_escpos(wechat_view, paper))
    text = printed.text
    assert printed.commands[:2] == [b"\x1b@", b"\x1c&"], "initialise, then Chinese mode"
    assert RECEIPT_TITLE in text
    for needle in (
        "遂平县玉山镇东刘庄村",
        "4117280007000123",
        "2024-10-15 10:32:05",
        "411728100203045",
        "缴费人",
        "2025年度",
        "400.00",
        "90.00",
        "310.00",
        "￥1,110.00",
        "人民币壹仟壹佰壹拾元整",
        "微信",
        "4200002024101512345678901234",
        "刘桂芳",
        "VC-411728-0007",
    ):
        assert needle in text, needle
    for line in wechat_view.lines:
        assert line.name in text and line.masked_id in text
    # Order as on the paper form: unit, number, time, household, people, total, method, agent.
    order = ["代收单位", "收据号", "缴费时间", "户号", "张建国", "合计", "大写", "缴费方式"]
    positions = [text.index(word) for word in [*order, "代收员", "设备"]]
    assert positions == sorted(positions)
    assert "重打" not in text and "作废" not in text


@pytest.mark.parametrize("paper", ["58", "80"])
def test_names_and_amounts_line_up_in_columns(cash_view: ReceiptView, paper: str) -> None:
    printed = decode(render_escpos(cash_view, paper))
    rows = [line for line in printed.lines if line.startswith(("姓名", "张", "李"))]
    assert len(rows) == 4
    ends = {len(line.encode("gb18030")) for line in rows}
    assert ends == {COLUMNS[paper]}, "amount columns end at the right edge"
    # Each amount ends in the same column in every row, Chinese names counted double.
    for row in rows[1:]:
        cells = [m.end() for m in re.finditer(r"\d+\.\d\d", row)]
        offsets = [len(row[:end].encode("gb18030")) for end in cells]
        assert offsets == [COLUMNS[paper] - 14, COLUMNS[paper] - 7, COLUMNS[paper]]


@pytest.mark.parametrize("paper", ["58", "80"])
@pytest.mark.parametrize("qr", ["native", "image"])
def test_every_line_fits_the_paper(
    voided_view: ReceiptView, reprint_view: ReceiptView, paper: str, qr: str
) -> None:
    long_name = ReceiptLine("阿卜杜热合曼·买买提依明", "653101********0012", 2025, 40000, 0, 40000)
    crowded = replace(
        reprint_view,
        lines=(*reprint_view.lines, long_name),
        village="东刘庄村民委员会第三村民小组集中收缴点",
        void_reason="缴费人姓名与证件号码不一致，已按医保部门核对结果重新收取并另开凭证",
        voided=True,
    )
    for view in (voided_view, reprint_view, crowded):
        printed = decode(render_escpos(view, paper, qr))
        too_wide = [
            (line, width)
            for line, width in zip(printed.lines, printed.widths, strict=True)
            if width > COLUMNS[paper]
        ]
        assert not too_wide
    assert "阿卜杜热合曼·买买提依明" in printed.text


def test_reprint_and_void_are_marked(reprint_view: ReceiptView, voided_view: ReceiptView) -> None:
    reprinted = decode(render_escpos(reprint_view)).text
    assert reprinted.count("重打 (第2次)") == 2, "under the title and at the end"
    voided = decode(render_escpos(voided_view))
    assert "作废原因：金额录错，重新收取" in voided.text
    assert b"\x1d!\x33" in voided.commands, "the end mark is printed at four times the size"
    assert b"\x1dB\x01" in voided.commands, "white on black"


@pytest.mark.parametrize("paper", ["58", "80"])
def test_native_qr_carries_the_signed_text(wechat_view: ReceiptView, paper: str) -> None:
    printed = decode(render_escpos(wechat_view, paper, qr="native"))
    commands = dict(printed.qr_commands)
    assert commands[0x41] == b"\x32\x00", "model 2"
    assert commands[0x45] == b"\x31", "error correction M, as in the PDF"
    assert commands[0x50] == b"0" + wechat_view.qr_text.encode("ascii")
    assert 0x51 in commands, "the print command follows the data"
    dot = commands[0x43][0]
    assert 3 <= dot <= 8
    assert dot * (49 + 8) <= DOTS[paper], "the code and its quiet zone fit the paper"
    assert not printed.rasters


def _zbar(image: Path) -> str:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: install Debian's zbar-tools (make sysdeps does)")
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"no QR code found: {done.stderr[-300:]}"
    return done.stdout.rstrip("\n")


@pytest.mark.parametrize("paper", ["58", "80"])
def test_image_qr_scans_back_to_the_signed_text(
    wechat_view: ReceiptView, paper: str, tmp_path: Path
) -> None:
    printed = decode(render_escpos(wechat_view, paper, qr="image"))
    assert not printed.qr_commands
    (raster,) = printed.rasters
    assert raster.width == DOTS[paper], "centred across the printable width"
    raster.save(tmp_path / "qr.png")
    assert _zbar(tmp_path / "qr.png") == wechat_view.qr_text


@pytest.mark.parametrize("paper", ["58", "80"])
@pytest.mark.parametrize("people", [1, 3, 5, 8, 12])
def test_image_qr_of_a_signed_receipt_scans_back(
    cash_view: ReceiptView, people: int, paper: str, tmp_path: Path
) -> None:
    # The payloads the app prints (versions 11 to 24), read from the GS v 0 raster alone.
    view = signed_household(cash_view, people)
    printed = decode(render_escpos(view, paper, qr="image"))
    (raster,) = printed.rasters
    assert raster.width == DOTS[paper]
    raster.save(tmp_path / "qr.png")
    assert _zbar(tmp_path / "qr.png") == view.qr_text


@pytest.mark.parametrize("paper", ["58", "80"])
@pytest.mark.parametrize("people", [1, 5, 12])
def test_image_qr_is_the_raster_python_escpos_would_send(
    cash_view: ReceiptView, people: int, paper: str
) -> None:
    # The raster is packed from the modules directly; python-escpos's image() with the
    # code drawn by PIL, centred on the paper, sends the very same bytes.
    view = signed_household(cash_view, people)
    dot = min(8, DOTS[paper] // (qr_modules(view.qr_text) + 8))
    printer = receipt_escpos._printer.Dummy()
    media = {"width": {"mm": DOTS[paper] / 8, "pixels": DOTS[paper]}, "dpi": 203}
    printer.profile.profile_data = {**printer.profile.profile_data, "media": media}
    printer.image(module_picture(view.qr_text, dot), center=True, impl="bitImageRaster")
    assert bytes(printer.output).startswith(b"\x1dv0\x00")
    assert bytes(printer.output) in render_escpos(view, paper, qr="image")


@pytest.mark.parametrize("qr", ["native", "image"])
def test_the_job_ends_with_a_feed_and_a_cut(cash_view: ReceiptView, qr: str) -> None:
    printed = decode(render_escpos(cash_view, qr=qr))
    assert printed.commands[-2][:2] == b"\x1bd", "feed past the cutter first"
    assert printed.commands[-1] in (b"\x1dV\x00", b"\x1dV\x01"), "then cut"
    assert render_escpos(cash_view, qr=qr).endswith(printed.commands[-1])


def test_no_full_id_number_is_printed(wechat_view: ReceiptView, full_ids: list[str]) -> None:
    for paper in ("58", "80"):
        text = decode(render_escpos(wechat_view, paper)).text
        assert not ID_NUMBER.search(text)
        assert not any(number in text for number in full_ids)
        assert not any(number[6:14] in text for number in full_ids), "birth dates hidden"


def test_yen_sign_is_sent_as_a_gbk_character(cash_view: ReceiptView) -> None:
    data = render_escpos(cash_view)
    # U+00A5 would be a four-byte GB18030 sequence that GBK printer fonts do not have.
    assert "¥".encode("gb18030") not in data
    assert "￥".encode("gb18030") in data


def test_same_view_same_bytes(cash_view: ReceiptView) -> None:
    assert render_escpos(cash_view) == render_escpos(cash_view)


@pytest.mark.parametrize(
    ("paper", "qr", "message"),
    [("a5", "native", "58或80"), ("57", "native", "不支持"), ("58", "svg", "native 或 image")],
)
def test_bad_options_are_refused(cash_view: ReceiptView, paper: str, qr: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_escpos(cash_view, paper, qr)


def test_image_qr_prints_nothing_to_the_console(
    cash_view: ReceiptView, capsys: pytest.CaptureFixture[str]
) -> None:
    render_escpos(cash_view, "80", qr="image")
    assert capsys.readouterr() == ("", "")


def test_importing_leaves_logging_alone() -> None:
    # python-escpos calls logging.basicConfig() on import; the app's log set-up must win.
    code = (
        "import logging, printing.receipt_escpos;"
        "assert not logging.getLogger().handlers, logging.getLogger().handlers"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stderr[-500:]


def test_a_receipt_without_its_signed_qr_text_is_refused(cash_view: ReceiptView) -> None:
    with pytest.raises(ValueError, match="二维码"):
        render_escpos(replace(cash_view, qr_text=""))
