"""Print targets: the setting's text, where a default goes, and files that never half-exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_driver import household_where
from sqlalchemy import select

from app.collection import record_payment
from app.receipt_view import ReceiptView
from app.workspace import Workspace
from db.models import Household, Person, ReceiptPrint
from printing.targets import (
    PrintError,
    PrintTarget,
    default_target,
    file_name,
    parse_target,
    print_receipt,
)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("pdf-folder:/srv/收据", PrintTarget("pdf-folder", "/srv/收据")),
        ("pdf-folder:D:\\receipts", PrintTarget("pdf-folder", "D:\\receipts")),
        ("escpos-file:/dev/usb/lp0", PrintTarget("escpos-file", "/dev/usb/lp0")),
        ("escpos-net:192.168.1.50:9100", PrintTarget("escpos-net", "192.168.1.50", 9100)),
        ("escpos-net:printer.local", PrintTarget("escpos-net", "printer.local", 9100)),
        (" escpos-net:10.0.0.7:4000 ", PrintTarget("escpos-net", "10.0.0.7", 4000)),
        ("system:", PrintTarget("system", "")),  # the default printer
        ("system:默认", PrintTarget("system", "")),
        ("system:EPSON TM-T82 Receipt", PrintTarget("system", "EPSON TM-T82 Receipt")),
        ("escpos-serial:COM3", PrintTarget("escpos-serial", "COM3", baud=9600)),
        (
            "escpos-serial:/dev/ttyUSB0:19200",
            PrintTarget("escpos-serial", "/dev/ttyUSB0", baud=19200),
        ),
        (
            "escpos-serial:/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0",
            PrintTarget("escpos-serial", "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0"),
        ),
        ("escpos-usb:0416:5011", PrintTarget("escpos-usb", "0416:5011")),
        ("escpos-usb:0x4B8:0x202", PrintTarget("escpos-usb", "04b8:0202")),
    ],
)
def test_targets_read_back_from_their_setting(text: str, target: PrintTarget) -> None:
    assert parse_target(text) == target
    assert parse_target(target.setting) == target


@pytest.mark.parametrize(
    "text", ["", "pdf-folder:", "lpt1", "cups:office", "escpos-net::9100", "escpos-net:h:99999"]
)
def test_nonsense_targets_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(PrintError, match=r"打印机设置|网络打印机地址"):
        parse_target(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("escpos-serial:", "打印机设置“escpos-serial:”无法识别"),
        ("escpos-serial:COM3:96000", "串口打印机“COM3:96000”有误，应为 串口:波特率"),
        ("escpos-serial:COM3:fast", "串口打印机“COM3:fast”有误"),
        ("escpos-serial::9600", "串口打印机“:9600”有误"),
        ("escpos-usb:0416", "USB 打印机“0416”有误，应为 厂商ID:产品ID（十六进制）"),
        ("escpos-usb:0416:50g1", "USB 打印机“0416:50g1”有误"),
        ("escpos-usb:0000:5011", "USB 打印机“0000:5011”有误"),
        ("escpos-usb:0416:5011:1", "USB 打印机“0416:5011:1”有误"),
    ],
)
def test_serial_and_usb_printers_are_checked(text: str, message: str) -> None:
    with pytest.raises(PrintError) as caught:
        parse_target(text)
    assert str(caught.value).startswith(message)


def test_the_default_is_a_receipts_folder_beside_the_database(tmp_path: Path) -> None:
    target = default_target(tmp_path / "village-collect.db")
    assert target == PrintTarget("pdf-folder", str(tmp_path / "receipts"))
    assert (file_name("A-1", 0), file_name("A-1", 2)) == ("A-1.pdf", "A-1-reprint-2.pdf")


def test_every_print_is_counted_and_rendered_from_the_stored_record(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    with demo_workspace.db.sessions() as session:
        number = household_where(demo_workspace, size=2)
        household = session.scalar(select(Household.id).where(Household.number == number))
        person = session.scalar(select(Person.id).where(Person.household_id == household))
    assert household is not None and person is not None
    paid = record_payment(
        demo_workspace.db, demo_workspace.policy(), household, [person], method="cash",
        paid_on=demo_workspace.today,
    )  # fmt: skip
    seen: list[tuple[int, str]] = []

    def fake(view: ReceiptView, paper: str, _qr: str) -> bytes:
        seen.append((view.reprint, paper))
        return f"{view.receipt_no} {view.total_fen}".encode()

    folder = tmp_path / "out"
    target = PrintTarget("pdf-folder", str(folder))
    renderers = {"pdf": fake, "escpos": fake}
    first = print_receipt(demo_workspace.db, paid.receipt_no, target, "a5", renderers)
    again = print_receipt(demo_workspace.db, paid.receipt_no, target, "a5", renderers)
    assert (first.copy_no, again.copy_no) == (0, 1)
    assert seen == [(0, "a5"), (1, "a5")]
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{paid.receipt_no}-reprint-1.pdf",
        f"{paid.receipt_no}.pdf",
    ]  # no temporary file left behind
    assert (folder / f"{paid.receipt_no}.pdf").read_bytes() == f"{paid.receipt_no} 38000".encode()

    blocked = tmp_path / "blocked"
    blocked.write_text("")
    with pytest.raises(PrintError, match="路径不是文件夹"):
        print_receipt(
            demo_workspace.db, paid.receipt_no, PrintTarget("pdf-folder", str(blocked)),
            "80", renderers,
        )  # fmt: skip
    with demo_workspace.db.sessions() as session:
        # The failed attempt counts too: whatever came out of a printer is never unmarked.
        assert session.scalars(select(ReceiptPrint.copy_no)).all() == [0, 1, 2]
