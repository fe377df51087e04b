"""System printers (through their drivers, as Qt sees them): listing them and printing on one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.receipt_view import ReceiptView
from printing.targets import PrintError, PrintTarget
from ui.desktop.receipt_painter import paint_receipt

DEFAULT_NAME = "默认打印机"  # how "" (the system's default printer) is shown in messages


def printer_names() -> list[str]:
    """The printers the system knows (CUPS on Linux, the spooler on Windows), default first."""
    names = QPrinterInfo.availablePrinterNames()
    default = QPrinterInfo.defaultPrinterName()
    return sorted(names, key=lambda name: (name != default, name))


def open_system_printer(name: str) -> QPrinter:
    """A QPrinter on the printer called `name` ("" the default); PrintError if there is none."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        if name:
            raise PrintError(
                f"找不到打印机“{name}”。请检查打印机是否已安装、已开机，或在“打印机”设置中另选一台"
            )
        raise PrintError(
            "这台电脑没有默认打印机。请在系统中设置默认打印机，或在“打印机”设置中选一台"
        )
    if info.state() == QPrinter.PrinterState.Error:
        raise PrintError(f"打印机“{name or DEFAULT_NAME}”已停用或出错，请在系统的打印机设置中检查")
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


class SystemPrinter:
    """The Sender of `system:` targets: paints the receipt on the printer through its driver.

    Runs on the print worker: painting a QPrinter off the GUI thread is supported by Qt (fonts
    are registered beforehand on the GUI thread). `open_printer` is swapped in tests for one
    that writes a PDF."""

    def __init__(self, open_printer: Callable[[str], QPrinter] = open_system_printer) -> None:
        self.open_printer = open_printer

    def __call__(self, view: ReceiptView, target: PrintTarget, paper: str) -> str:
        printer = self.open_printer(target.location)
        paint_receipt(view, paper, printer)
        name = printer.printerName() or target.location or DEFAULT_NAME
        if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise PrintError(f"打印机“{name}”没有接受这张收据，请检查打印机后重打")
        return printer.outputFileName() or name
