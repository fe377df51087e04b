"""Where receipts go (a PDF folder, an ESC/POS device, a system printer) and printing one there."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.orm import Session

from app.collection import receipt_view, record_print
from app.receipt_view import ReceiptView
from app.settings import get_setting
from db.database import Database
from printing import devices
from printing.devices import PrintError

# Qt-free on purpose: the desktop runs this off the GUI thread, and a system printer (which
# only Qt can reach) comes in as a Sender for its kind rather than as an import from here.

log = logging.getLogger("village_collect.printing")

PRINTER_KEY = "printer"
PAPER_KEY = "printer_paper"
QR_KEY = "printer_qr"
DEFAULT_PAPER = "80"
PAPERS = ("58", "80", "a5")
ESCPOS_PAPERS = ("58", "80")
QR_NATIVE, QR_IMAGE = "native", "image"  # the printer's QR command (GS ( k), or a raster image
QR_MODES = (QR_NATIVE, QR_IMAGE)
RAW_PORT = 9100  # the raw "JetDirect" port every network receipt printer listens on
DEFAULT_BAUD = 9600  # what Chinese serial receipt printers ship set to
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
SYSTEM_NEEDS_DESKTOP = "系统打印机只能在桌面程序中使用；命令行请用 receipt render 生成文件"
DEFAULT_PRINTER_WORDS = ("默认", "默认打印机", "default")

PDF_FOLDER, SYSTEM = "pdf-folder", "system"
ESCPOS_FILE, ESCPOS_NET = "escpos-file", "escpos-net"
ESCPOS_SERIAL, ESCPOS_USB = "escpos-serial", "escpos-usb"
KINDS = (PDF_FOLDER, SYSTEM, ESCPOS_FILE, ESCPOS_NET, ESCPOS_SERIAL, ESCPOS_USB)
ESCPOS_KINDS = (ESCPOS_FILE, ESCPOS_NET, ESCPOS_SERIAL, ESCPOS_USB)

_USB_ID = re.compile(r"(?:0x)?([0-9a-f]{1,4})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PrintTarget:
    """One configured printer: `kind` is one of KINDS; `location` a folder, a file, a host, a
    serial port, "vvvv:pppp" USB ids or a system printer's name ("" for the default one)."""

    kind: str
    location: str
    port: int = RAW_PORT  # escpos-net only
    baud: int = DEFAULT_BAUD  # escpos-serial only

    @property
    def setting(self) -> str:
        """The text stored in the settings table."""
        if self.kind == ESCPOS_NET:
            return f"{self.kind}:{self.location}:{self.port}"
        if self.kind == ESCPOS_SERIAL:
            return f"{self.kind}:{self.location}:{self.baud}"
        return f"{self.kind}:{self.location}"

    @property
    def escpos(self) -> bool:
        return self.kind in ESCPOS_KINDS

    @property
    def usb_ids(self) -> tuple[int, int]:
        vendor, _, product = self.location.partition(":")
        return int(vendor, 16), int(product, 16)


@dataclass(frozen=True, slots=True)
class Printed:
    """A receipt that went out: which copy (0 the original) and where it went."""

    receipt_no: str
    copy_no: int
    where: str


# (view, paper, qr mode) -> bytes to send; the PDF ignores the QR mode.
Renderer = Callable[[ReceiptView, str, str], bytes]
# Renders and delivers a receipt itself (a system printer, through Qt); returns where it went.
Sender = Callable[[ReceiptView, PrintTarget, str], str]


def _unrecognised(text: str) -> PrintError:
    return PrintError(
        f"打印机设置“{text}”无法识别，应为 pdf-folder:文件夹、system:打印机名、"
        "escpos-file:文件、escpos-net:地址:端口、escpos-serial:串口:波特率 "
        "或 escpos-usb:厂商ID:产品ID"
    )


def _net(rest: str) -> PrintTarget:
    host, sep, port_text = rest.rpartition(":")
    if not sep:
        host, port_text = rest, str(RAW_PORT)
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise PrintError(f"网络打印机地址“{rest}”有误，应为 地址:端口，如 192.168.1.50:9100")
    return PrintTarget(ESCPOS_NET, host, int(port_text))


def _serial(rest: str) -> PrintTarget:
    port, sep, tail = rest.rpartition(":")
    tail = tail.strip()
    # A path with colons in it (/dev/serial/by-path/...:1.0-port0) has no baud rate after it.
    if not sep or (rest.startswith("/") and not tail.isdigit()):
        port, tail = rest, ""
    port = port.strip()
    baud_text = tail or str(DEFAULT_BAUD)
    if not port or not baud_text.isdigit() or int(baud_text) not in BAUDS:
        rates = "、".join(map(str, BAUDS))
        raise PrintError(
            f"串口打印机“{rest}”有误，应为 串口:波特率，如 COM3:9600 或 /dev/ttyUSB0:9600；"
            f"波特率可选 {rates}"
        )
    return PrintTarget(ESCPOS_SERIAL, port, baud=int(baud_text))


def _usb(rest: str) -> PrintTarget:
    parts = [part.strip() for part in rest.split(":")]
    ids = [_USB_ID.fullmatch(part) for part in parts]
    if len(ids) != 2 or not all(ids) or not all(int(m.group(1), 16) for m in ids if m):
        raise PrintError(
            f"USB 打印机“{rest}”有误，应为 厂商ID:产品ID（十六进制），如 0416:5011；"
            "可在 Linux 的 lsusb 或 Windows 设备管理器的“硬件 ID”中查到"
        )
    vendor, product = (int(m.group(1), 16) for m in ids if m)
    return PrintTarget(ESCPOS_USB, f"{vendor:04x}:{product:04x}")


def parse_target(text: str) -> PrintTarget:
    """A target from its setting text: pdf-folder:<dir>, system:<printer name> ("" or 默认 for
    the default printer), escpos-file:<path>, escpos-net:<host>[:<port>],
    escpos-serial:<port>[:<baud>], escpos-usb:<vendor hex>:<product hex>."""
    kind, sep, rest = text.strip().partition(":")
    rest = rest.strip()
    if not sep or kind not in KINDS:
        raise _unrecognised(text)
    if kind == SYSTEM:
        return PrintTarget(SYSTEM, "" if rest.lower() in DEFAULT_PRINTER_WORDS else rest)
    if not rest:
        raise _unrecognised(text)
    if kind == ESCPOS_NET:
        return _net(rest)
    if kind == ESCPOS_SERIAL:
        return _serial(rest)
    if kind == ESCPOS_USB:
        return _usb(rest)
    return PrintTarget(kind, rest)


def default_target(db_path: Path | None) -> PrintTarget:
    """A receipts/ folder beside the database: works on any machine with no printer set up."""
    base = db_path.parent if db_path is not None else Path(tempfile.gettempdir())
    return PrintTarget(PDF_FOLDER, str(base / "receipts"))


def load_target(session: Session, db_path: Path | None) -> PrintTarget:
    text = get_setting(session, PRINTER_KEY)
    return parse_target(text) if text else default_target(db_path)


def load_paper(session: Session) -> str:
    paper = get_setting(session, PAPER_KEY) or DEFAULT_PAPER
    return paper if paper in PAPERS else DEFAULT_PAPER


def load_qr(session: Session) -> str:
    """How a thermal printer gets the QR code: its own command unless set to an image."""
    mode = get_setting(session, QR_KEY) or QR_NATIVE
    return mode if mode in QR_MODES else QR_NATIVE


def _render_pdf(view: ReceiptView, paper: str, _qr: str) -> bytes:
    from printing.receipt_pdf import render_pdf

    return render_pdf(view, paper)


def _render_escpos(view: ReceiptView, paper: str, qr: str) -> bytes:
    from printing.receipt_escpos import render_escpos

    # A5 is a sheet size: a thermal roll gets the nearer roll width.
    return render_escpos(view, paper if paper in ESCPOS_PAPERS else DEFAULT_PAPER, qr)


DEFAULT_RENDERERS: Mapping[str, Renderer] = {"pdf": _render_pdf, "escpos": _render_escpos}
NO_SENDERS: Mapping[str, Sender] = MappingProxyType({})


def file_name(receipt_no: str, copy_no: int) -> str:
    """The PDF's name: a reprint never overwrites the original (both are evidence)."""
    return f"{receipt_no}.pdf" if copy_no == 0 else f"{receipt_no}-reprint-{copy_no}.pdf"


def _deliver(target: PrintTarget, data: bytes, name: str) -> str:
    """Send rendered bytes to `target`; returns where they went."""
    if target.kind == PDF_FOLDER:
        return str(devices.write_pdf(Path(target.location), name, data))
    if target.kind == ESCPOS_FILE:
        devices.write_file(Path(target.location), data)
        return target.location
    if target.kind == ESCPOS_NET:
        devices.send_net(target.location, target.port, data)
        return f"{target.location}:{target.port}"
    if target.kind == ESCPOS_SERIAL:
        devices.send_serial(target.location, target.baud, data)
        return target.location
    vendor, product = target.usb_ids
    devices.send_usb(vendor, product, data)
    return f"USB {target.location}"


def print_receipt(
    db: Database,
    receipt_no: str,
    target: PrintTarget,
    paper: str = DEFAULT_PAPER,
    renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
    *,
    qr: str = QR_NATIVE,
    senders: Mapping[str, Sender] = NO_SENDERS,
) -> Printed:
    """Count the copy, render it from the stored record and send it to `target`.

    `senders` print the kinds this module cannot reach itself (the desktop's system printer);
    `qr` is how a thermal printer gets the QR code. The copy is counted before it goes out: a
    printer that fails half-way may still have printed, and an extra "重打" mark is better
    than a second receipt looking like the first."""
    sender = senders.get(target.kind)
    if sender is None and target.kind == SYSTEM:
        # Refused before counting: nothing can have come out of any printer.
        raise PrintError(SYSTEM_NEEDS_DESKTOP)
    copy_no = record_print(db, receipt_no, target.kind)
    with db.sessions() as session:
        view = receipt_view(session, receipt_no, copy_no)
    where = send_view(
        view, target, paper, renderers, qr=qr, senders=senders, name=file_name(receipt_no, copy_no)
    )
    return Printed(view.receipt_no, copy_no, where)


def send_view(
    view: ReceiptView,
    target: PrintTarget,
    paper: str = DEFAULT_PAPER,
    renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
    *,
    qr: str = QR_NATIVE,
    senders: Mapping[str, Sender] = NO_SENDERS,
    name: str,
    label: str = "",
) -> str:
    """Render `view` for `target` and send it there (`name`: the file in a PDF folder); where
    it went; `label` names it in messages. Counts nothing: print_receipt counts a receipt's
    copies, a test page has none."""
    what = label or f"收据 {view.receipt_no} "  # a space before 的 after a number
    sender = senders.get(target.kind)
    if sender is not None:
        try:
            return sender(view, target, paper)
        except PrintError:
            raise
        except Exception as exc:
            log.exception("Printing %s to %s failed", what, target.setting)
            raise PrintError(f"打印{what}失败：{exc}") from exc
    if target.kind == SYSTEM:
        raise PrintError(SYSTEM_NEEDS_DESKTOP)
    try:
        data = renderers["escpos" if target.escpos else "pdf"](view, paper, qr)
    except PrintError:
        raise
    except Exception as exc:
        log.exception("Rendering %s failed", what)
        raise PrintError(f"生成{what}的打印内容失败：{exc}") from exc
    return _deliver(target, data, name)
