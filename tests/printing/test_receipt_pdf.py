"""PDF receipts read back with poppler and zbar, as a county clerk or a phone would read them."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from app.receipt_view import RECEIPT_TITLE, ReceiptLine, ReceiptView
from printing.receipt_pdf import render_pdf

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PAPERS = ["58", "80", "a5"]


def _run(tool: str, package: str, *args: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install Debian's {package} (make sysdeps does)")
    done = subprocess.run([path, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{tool} failed: {done.stderr[-500:]}"
    return done.stdout


def _write(tmp_path: Path, view: ReceiptView, paper: str, name: str = "receipt") -> Path:
    target = tmp_path / f"{name}-{paper}.pdf"
    target.write_bytes(render_pdf(view, paper))
    return target


def pdf_text(pdf: Path) -> str:
    return _run("pdftotext", "poppler-utils", "-enc", "UTF-8", "-layout", str(pdf), "-")


def pdf_info(pdf: Path) -> dict[str, str]:
    out = _run("pdfinfo", "poppler-utils", str(pdf))
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    pages = int(pdf_info(pdf)["Pages"])
    out = _run("pdfinfo", "poppler-utils", "-f", "1", "-l", str(pages), str(pdf))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    return [(float(w), float(h)) for w, h in sizes]


def scan_qr(pdf: Path, page: int = 1) -> str:
    """Rasterise one page at 200 dpi and read its QR code with zbar, not with our own code."""
    prefix = pdf.with_suffix("")
    _run("pdftoppm", "poppler-utils", "-r", "200", "-png", "-f", str(page), "-l", str(page),
         "-singlefile", str(pdf), str(prefix))  # fmt: skip
    out = _run("zbarimg", "zbar-tools", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
               f"{prefix}.png")  # fmt: skip
    return out.rstrip("\n")


def flat(text: str) -> str:
    """Text without whitespace: a wrapped title or a right-aligned value reads the same."""
    return "".join(text.split())


@pytest.mark.parametrize("paper", PAPERS)
def test_the_receipt_says_what_was_paid(
    wechat_view: ReceiptView, paper: str, tmp_path: Path
) -> None:
    text = pdf_text(_write(tmp_path, wechat_view, paper))
    joined = flat(text)
    assert RECEIPT_TITLE in joined
    for needle in (
        "遂平县玉山镇东刘庄村",
        "4117280007000123",
        "2024-10-15 10:32:05",
        "411728100203045",
        "2025年度",
        "¥400.00",
        "¥90.00",
        "¥310.00",
        "¥1,110.00",
        "人民币壹仟壹佰壹拾元整",
        "刘桂芳",
        "VC-411728-0007",
    ):
        assert flat(needle) in joined, needle
    assert "微信" in text and "4200002024101512345678901234" in joined
    for line in wechat_view.lines:
        assert line.name in text and line.masked_id in text
    people = [line.name for line in wechat_view.lines]
    order = [
        "代收单位",
        "收据号",
        "缴费时间",
        "户号",
        *people,
        "大写",
        "缴费方式",
        "代收员",
        "设备",
    ]
    positions = [joined.index(word) for word in [*order, "扫码核验"]]
    assert positions == sorted(positions)
    assert "重打" not in text and "作废" not in text


def test_cash_has_no_reference(cash_view: ReceiptView, tmp_path: Path) -> None:
    text = pdf_text(_write(tmp_path, cash_view, "58"))
    assert "现金" in text and "交易单号" not in text


@pytest.mark.parametrize("paper", PAPERS)
def test_reprint_and_void_are_marked(
    reprint_view: ReceiptView, voided_view: ReceiptView, paper: str, tmp_path: Path
) -> None:
    reprinted = pdf_text(_write(tmp_path, reprint_view, paper, "reprint"))
    assert reprinted.count("重打 (第2次)") == 2, "under the title and at the end"
    voided = pdf_text(_write(tmp_path, voided_view, paper, "void"))
    assert flat(voided).count("作废") >= 3, "under the title, the big mark, the reason"
    assert "作废原因：金额录错，重新收取" in flat(voided)
    boxes = _run("pdftotext", "poppler-utils", "-bbox", str(tmp_path / f"void-{paper}.pdf"), "-")
    heights = [
        float(y_max) - float(y_min)
        for y_min, y_max in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">作废<', boxes
        )
    ]
    assert max(heights) >= 25, "the mark is big enough to see across a table"


@pytest.mark.parametrize("paper", PAPERS)
def test_no_full_id_number_is_printed(
    wechat_view: ReceiptView, full_ids: list[str], paper: str, tmp_path: Path
) -> None:
    pdf = _write(tmp_path, wechat_view, paper)
    text = pdf_text(pdf)
    assert not ID_NUMBER.search(text)
    assert not any(number in flat(text) for number in full_ids)
    assert not any(number[6:14] in flat(text) for number in full_ids), "birth dates hidden"
    # Nor in the file itself: metadata, or text that pdftotext might not show.
    raw = pdf.read_bytes()
    assert not any(number.encode() in raw for number in full_ids)


@pytest.mark.parametrize("paper", PAPERS)
def test_the_qr_code_scans_back_to_the_signed_text(
    wechat_view: ReceiptView, paper: str, tmp_path: Path
) -> None:
    assert scan_qr(_write(tmp_path, wechat_view, paper)) == wechat_view.qr_text


@pytest.mark.parametrize("paper", PAPERS)
def test_every_font_is_embedded(cash_view: ReceiptView, paper: str, tmp_path: Path) -> None:
    out = _run("pdffonts", "poppler-utils", str(_write(tmp_path, cash_view, paper)))
    rows = [line.split() for line in out.splitlines()[2:]]
    names = [row[0].split("+")[-1] for row in rows]
    assert "DroidSansFallback" in names
    for row in rows:
        embedded, subset = row[-5], row[-4]
        assert (embedded, subset) == ("yes", "yes"), row


def _household(view: ReceiptView, people: int) -> ReceiptView:
    lines = tuple(
        replace(view.lines[n % len(view.lines)], name=f"成员{n + 1:02d}") for n in range(people)
    )
    return replace(view, lines=lines, total_fen=sum(line.amount_fen for line in lines))


@pytest.mark.parametrize(("paper", "width_mm"), [("58", 58), ("80", 80)])
def test_the_roll_is_one_page_that_grows_with_the_household(
    cash_view: ReceiptView, paper: str, width_mm: int, tmp_path: Path
) -> None:
    small = page_sizes(_write(tmp_path, _household(cash_view, 1), paper, "one"))
    large_pdf = _write(tmp_path, _household(cash_view, 12), paper, "twelve")
    large = page_sizes(large_pdf)
    assert len(small) == len(large) == 1
    assert small[0][0] == large[0][0] == pytest.approx(width_mm / 25.4 * 72, abs=0.01)
    assert large[0][1] > small[0][1] + 11 * 40, "each person adds a block"
    assert "成员12" in pdf_text(large_pdf)
    assert scan_qr(large_pdf) == cash_view.qr_text


def test_a5_continues_on_a_second_sheet(cash_view: ReceiptView, tmp_path: Path) -> None:
    pdf = _write(tmp_path, _household(cash_view, 30), "a5")
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2
    assert all(size == pytest.approx((419.53, 595.28), abs=0.01) for size in sizes)
    text = pdf_text(pdf)
    assert "成员01" in text and "成员30" in text
    pages = text.split("\f")
    assert "（续）" in pages[1] and "证件号码" in pages[1], "the column heads are repeated"
    assert scan_qr(pdf, page=len(sizes)) == cash_view.qr_text


def test_long_words_stay_on_the_58mm_paper(cash_view: ReceiptView, tmp_path: Path) -> None:
    crowded = replace(
        cash_view,
        lines=(
            *cash_view.lines,
            ReceiptLine("阿卜杜热合曼·买买提依明", "653101********0012", 2025, 40000, 0, 40000),
        ),
        village="东刘庄村民委员会第三村民小组集中收缴点",
        voided=True,
        void_reason="缴费人姓名与证件号码不一致，已按医保部门核对结果重新收取并另开凭证",
    )
    pdf = _write(tmp_path, crowded, "58")
    out = _run("pdftotext", "poppler-utils", "-bbox", str(pdf), "-")
    (width,) = {float(w) for w in re.findall(r'<page width="([\d.]+)"', out)}
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', out)]
    left_edges = [float(x) for x in re.findall(r'xMin="([\d.]+)"', out)]
    margin = 5 / 25.4 * 72 - 0.5  # the 58 mm roll prints 48 mm: 5 mm each side
    assert min(left_edges) >= margin
    assert max(right_edges) <= width - margin
    assert "阿卜杜热合曼·买买提依明" in flat(pdf_text(pdf))


def test_same_view_same_bytes(voided_view: ReceiptView) -> None:
    assert render_pdf(voided_view, "58") == render_pdf(voided_view, "58")


def test_unknown_paper_is_refused(cash_view: ReceiptView) -> None:
    with pytest.raises(ValueError, match="58、80、a5"):
        render_pdf(cash_view, "a4")


def test_a_receipt_without_its_signed_qr_text_is_refused(cash_view: ReceiptView) -> None:
    with pytest.raises(ValueError, match="二维码"):
        render_pdf(replace(cash_view, qr_text=""))
