"""Where receipts go (a PDF folder, an ESC/POS file or network printer) and printing one there."""

from __future__ import annotations

import errno
import logging
import os
import socket
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.collection import receipt_view, record_print
from app.receipt_view import ReceiptView
from app.settings import get_setting
from db.database import Database

# Qt-free on purpose: this belongs in printing/ once that package grows a "targets" module;
# the desktop only needs it to run off the GUI thread.

log = logging.getLogger("village_collect.printing")

PRINTER_KEY = "printer"
PAPER_KEY = "printer_paper"
DEFAULT_PAPER = "80"
PAPERS = ("58", "80", "a5")
ESCPOS_PAPERS = ("58", "80")
RAW_PORT = 9100  # the raw "JetDirect" port every network receipt printer listens on
CONNECT_TIMEOUT_S = 5.0  # long enough for a printer waking up, short enough not to hang a queue

PDF_FOLDER, ESCPOS_FILE, ESCPOS_NET = "pdf-folder", "escpos-file", "escpos-net"
KINDS = (PDF_FOLDER, ESCPOS_FILE, ESCPOS_NET)

Renderer = Callable[[ReceiptView, str], bytes]


class PrintError(Exception):
    """A receipt that could not be printed (or a target that makes no sense); str() is the
    Chinese message. The payment itself is never affected."""


@dataclass(frozen=True, slots=True)
class PrintTarget:
    """One configured printer: `kind` is one of KINDS, `location` a folder, a file or a host."""

    kind: str
    location: str
    port: int = RAW_PORT

    @property
    def setting(self) -> str:
        """The text stored in the settings table."""
        if self.kind == ESCPOS_NET:
            return f"{self.kind}:{self.location}:{self.port}"
        return f"{self.kind}:{self.location}"

    @property
    def escpos(self) -> bool:
        return self.kind != PDF_FOLDER


@dataclass(frozen=True, slots=True)
class Printed:
    """A receipt that went out: which copy (0 the original) and where it went."""

    receipt_no: str
    copy_no: int
    where: str


def parse_target(text: str) -> PrintTarget:
    """A target from its setting text: pdf-folder:<dir>, escpos-file:<path>,
    escpos-net:<host>[:<port>]."""
    kind, sep, rest = text.strip().partition(":")
    rest = rest.strip()
    if not sep or kind not in KINDS or not rest:
        raise PrintError(
            f"打印机设置“{text}”无法识别，应为 pdf-folder:文件夹、escpos-file:文件 "
            "或 escpos-net:地址:端口"
        )
    if kind != ESCPOS_NET:
        return PrintTarget(kind, rest)
    host, sep, port_text = rest.rpartition(":")
    if not sep:
        host, port_text = rest, str(RAW_PORT)
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise PrintError(f"网络打印机地址“{rest}”有误，应为 地址:端口，如 192.168.1.50:9100")
    return PrintTarget(kind, host, int(port_text))


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


def _render_pdf(view: ReceiptView, paper: str) -> bytes:
    from printing.receipt_pdf import render_pdf

    return render_pdf(view, paper)


def _render_escpos(view: ReceiptView, paper: str) -> bytes:
    from printing.receipt_escpos import render_escpos

    # A5 is a sheet size: a thermal roll gets the nearer roll width.
    return render_escpos(view, paper if paper in ESCPOS_PAPERS else DEFAULT_PAPER)


DEFAULT_RENDERERS: Mapping[str, Renderer] = {"pdf": _render_pdf, "escpos": _render_escpos}


def file_name(receipt_no: str, copy_no: int) -> str:
    """The PDF's name: a reprint never overwrites the original (both are evidence)."""
    return f"{receipt_no}.pdf" if copy_no == 0 else f"{receipt_no}-reprint-{copy_no}.pdf"


def _write_pdf(folder: Path, name: str, data: bytes) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a half-written file must never look like a receipt.
        fd, tmp = tempfile.mkstemp(prefix=".printing-", suffix=".pdf", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            target = folder / name
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PrintError(f"无法把收据写入文件夹 {folder}：{_reason(exc)}") from exc
    return target


def _write_file(path: Path, data: bytes) -> None:
    try:
        # Append: the "file" is often a device node (/dev/usb/lp0) or a capture of several jobs.
        with path.open("ab") as out:
            out.write(data)
    except OSError as exc:
        raise PrintError(f"无法写入打印机文件 {path}：{_reason(exc)}") from exc


def _send(host: str, port: int, data: bytes) -> None:
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S) as conn:
            conn.sendall(data)
    except OSError as exc:
        raise PrintError(
            f"无法连接网络打印机 {host}:{port}：{_reason(exc)}。请检查打印机电源、纸张和网线"
        ) from exc


def _reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return "连接超时"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "路径不是文件夹"
    if isinstance(exc, IsADirectoryError):
        return "路径是文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if isinstance(exc, FileNotFoundError):
        return "路径不存在"
    if exc.errno == errno.ENOSPC:
        return "磁盘已满"
    return exc.strerror or str(exc)


def print_receipt(
    db: Database,
    receipt_no: str,
    target: PrintTarget,
    paper: str = DEFAULT_PAPER,
    renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
) -> Printed:
    """Count the copy, render it from the stored record and send it to `target`.

    The copy is counted before it goes out: a printer that fails half-way may still have
    printed, and an extra "重打" mark is better than a second receipt looking like the first."""
    copy_no = record_print(db, receipt_no, target.kind)
    with db.sessions() as session:
        view = receipt_view(session, receipt_no, copy_no)
    try:
        data = renderers["escpos" if target.escpos else "pdf"](view, paper)
    except PrintError:
        raise
    except Exception as exc:
        log.exception("Rendering receipt %s failed", receipt_no)
        raise PrintError(f"生成收据 {receipt_no} 的打印内容失败：{exc}") from exc
    if target.kind == PDF_FOLDER:
        where = str(_write_pdf(Path(target.location), file_name(view.receipt_no, copy_no), data))
    elif target.kind == ESCPOS_FILE:
        _write_file(Path(target.location), data)
        where = target.location
    else:
        _send(target.location, target.port, data)
        where = f"{target.location}:{target.port}"
    return Printed(view.receipt_no, copy_no, where)
