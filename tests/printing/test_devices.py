"""Receipt printers on a serial port (a pseudo-terminal stands in) and on USB."""

from __future__ import annotations

import errno
import os
import select
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import usb.core
from sqlalchemy import select as sql_select

from app.collection import record_payment
from app.workspace import Workspace
from db.models import Household, Person, ReceiptPrint
from printing.devices import PrintError, send_serial, send_usb
from printing.targets import parse_target, print_receipt

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

CUT = b"\x1dV\x00"  # the last command of every ESC/POS receipt (GS V 0)


class SerialPrinter:
    """The far end of a pseudo-terminal: pyserial opens `path` as it would /dev/ttyUSB0, and
    a reader thread collects what arrives, as the printer's buffer would."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self.data = bytearray()
        self.enough = threading.Event()
        self.until: bytes | int = CUT
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _done(self) -> bool:
        if isinstance(self.until, int):
            return len(self.data) >= self.until
        return self.data.endswith(self.until)

    def _read(self) -> None:
        while not self.enough.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                continue  # wake up now and then to see whether the test has finished
            try:
                chunk = os.read(self.master, 65536)
            except OSError as exc:
                if exc.errno == errno.EIO:  # every slave end closed
                    return
                raise
            self.data += chunk
            if self._done():
                self.enough.set()

    def received(self) -> bytes:
        assert self.enough.wait(timeout=20), f"the printer got only {len(self.data)} bytes"
        return bytes(self.data)

    def close(self) -> None:
        self.enough.set()
        self.thread.join(timeout=5)
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def serial_printer() -> Iterator[SerialPrinter]:
    printer = SerialPrinter()
    yield printer
    printer.close()


def test_the_serial_port_gets_every_byte_unchanged(serial_printer: SerialPrinter) -> None:
    # Every byte value: no \n turned into \r\n, no XON/XOFF (0x11, 0x13) taken as flow control.
    data = bytes(range(256)) * 40
    serial_printer.until = len(data)
    send_serial(serial_printer.path, 9600, data)
    assert serial_printer.received() == data


def test_a_receipt_prints_on_a_serial_printer(
    demo_workspace: Workspace, serial_printer: SerialPrinter
) -> None:
    with demo_workspace.db.sessions() as session:
        household = session.scalars(sql_select(Household.id).order_by(Household.id)).first()
        person = session.scalar(sql_select(Person.id).where(Person.household_id == household))
    assert household is not None and person is not None
    paid = record_payment(
        demo_workspace.db, demo_workspace.policy(), household, [person], method="cash",
        paid_on=demo_workspace.today,
    )  # fmt: skip
    target = parse_target(f"escpos-serial:{serial_printer.path}:19200")
    printed = print_receipt(demo_workspace.db, paid.receipt_no, target, "58")
    data = serial_printer.received()
    assert printed.where == serial_printer.path
    assert data.startswith(b"\x1b@") and paid.receipt_no.encode() in data
    assert b"\x1d(k" in data  # the printer's own QR command: the default
    with demo_workspace.db.sessions() as session:
        assert session.scalars(sql_select(ReceiptPrint.target)).all() == ["escpos-serial"]


def test_a_missing_serial_port_is_named(tmp_path: Path) -> None:
    port = str(tmp_path / "ttyUSB9")
    with pytest.raises(PrintError) as caught:
        send_serial(port, 9600, b"\x1b@")
    assert str(caught.value) == f"无法使用串口打印机 {port}：串口不存在，请检查连线和端口名"


def test_a_file_that_is_no_serial_port_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "not-a-tty"
    plain.write_bytes(b"")
    with pytest.raises(PrintError) as caught:
        send_serial(str(plain), 9600, b"\x1b@")
    assert str(caught.value) == f"无法使用串口打印机 {plain}：这不是串口设备"


def test_a_usb_printer_that_is_not_plugged_in_is_named() -> None:
    # No such device on any machine (vendor 0xfffe is reserved): libusb finds nothing.
    with pytest.raises(PrintError) as caught:
        send_usb(0xFFFE, 0x0BAD, b"\x1b@")
    assert str(caught.value) == (
        "找不到 USB 打印机 fffe:0bad。请检查打印机电源、纸张和连线，确认 USB 线已插好、"
        "厂商和产品 ID 正确"
    )


def test_usb_without_libusb_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_backend(**_ids: int) -> None:
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    with pytest.raises(PrintError) as caught:
        send_usb(0x0416, 0x5011, b"\x1b@")
    assert str(caught.value) == (
        "无法使用 USB 打印机 0416:5011：这台电脑缺少 libusb（Linux 请安装 libusb-1.0-0），"
        "或改用“系统打印机”"
    )
