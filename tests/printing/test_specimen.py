"""The printer test page, as a receipt printer decodes it, and the USB printers offered."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from printing.devices import PrintError, UsbPrinter, usb_printers
from printing.specimen import SPECIMEN_QR, print_specimen, specimen_for, specimen_view
from printing.targets import ESCPOS_FILE, ESCPOS_NET, PrintTarget
from tests.printing.test_receipt_escpos import decode

NOW = datetime(2024, 10, 15, 9, 0)


def test_the_test_page_is_marked_void_and_carries_a_scannable_code(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    view = specimen_view(NOW, "张丽", "DEV1")
    where = print_specimen(view, PrintTarget(ESCPOS_FILE, str(device)), "58", qr="native")
    assert where == str(device)
    printed = decode(device.read_bytes())
    assert "作废原因：打印机测试页，不是收据" in printed.text and "张丽" in printed.text
    assert dict(printed.qr_commands)[0x50] == b"0" + SPECIMEN_QR.encode("ascii")
    assert view.total_fen == 0  # an amount on it is never money anyone paid


def test_the_test_page_names_the_signed_in_agent(demo_workspace: Any) -> None:
    view = specimen_for(demo_workspace.db, NOW)
    assert view.agent == "演示代收员" and view.voided


def test_a_printer_that_is_not_there_is_a_print_error() -> None:
    view = specimen_view(NOW, "张丽", "DEV1")
    with pytest.raises(PrintError, match=r"127\.0\.0\.1"):
        print_specimen(view, PrintTarget(ESCPOS_NET, "127.0.0.1", 9), "80")


def usb_device(vendor: int, product: int, device_class: int, interfaces: list[int]) -> Any:
    """A stand-in for a pyusb device: iterating gives configurations, then interfaces."""
    config = [SimpleNamespace(bInterfaceClass=c) for c in interfaces]

    class Device(SimpleNamespace):
        def __iter__(self) -> Any:
            return iter([config])

    return Device(idVendor=vendor, idProduct=product, bDeviceClass=device_class, iProduct=0)


def test_usb_printers_are_those_with_a_printer_interface() -> None:
    found = [
        usb_device(0x046D, 0xC077, 0, [3]),  # a mouse
        usb_device(0x0416, 0x5011, 0, [7]),  # a receipt printer
        usb_device(0x1FC9, 0x2016, 7, []),  # a printer by its device class
    ]
    printers = usb_printers(lambda **_kw: found)
    assert printers == [UsbPrinter(0x0416, 0x5011, ""), UsbPrinter(0x1FC9, 0x2016, "")]
    assert printers[0].ids == "0416:5011"


def test_no_usb_backend_offers_nothing() -> None:
    def missing(**_kw: Any) -> Any:
        raise RuntimeError("No backend available")

    assert usb_printers(missing) == []
