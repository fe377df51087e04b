"""Getting receipt bytes out: a folder, a file or device node, a socket, a serial port, USB."""

from __future__ import annotations

import errno
import logging
import os
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("village_collect.printing")

CONNECT_TIMEOUT_S = 5.0  # long enough for a printer waking up, short enough not to hang a queue
USB_PRINTER_CLASS = 7  # the USB interface class of printers
CHECK_PRINTER = "请检查打印机电源、纸张和连线"


class PrintError(Exception):
    """A receipt that could not be printed (or a target that makes no sense); str() is the
    Chinese message. The payment itself is never affected."""


def reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Chinese."""
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


def write_pdf(folder: Path, name: str, data: bytes) -> Path:
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
        raise PrintError(f"无法把收据写入文件夹 {folder}：{reason(exc)}") from exc
    return target


def write_file(path: Path, data: bytes) -> None:
    try:
        # Append: the "file" is often a device node (/dev/usb/lp0) or a capture of several jobs.
        with path.open("ab") as out:
            out.write(data)
    except OSError as exc:
        raise PrintError(f"无法写入打印机文件 {path}：{reason(exc)}") from exc


def send_net(host: str, port: int, data: bytes) -> None:
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S) as conn:
            conn.sendall(data)
    except OSError as exc:
        raise PrintError(
            f"无法连接网络打印机 {host}:{port}：{reason(exc)}。请检查打印机电源、纸张和网线"
        ) from exc


def _serial_reason(exc: Exception) -> str:
    number = getattr(exc, "errno", None)
    if number is None and exc.__context__ is not None:
        # "Could not configure port" wraps the termios error that says why.
        args = getattr(exc.__context__, "args", ())
        number = args[0] if args and isinstance(args[0], int) else None
    text = str(exc)
    if number == errno.ENOTTY:
        return "这不是串口设备"
    # On Windows pyserial sets no errno; the Win32 error's name is in the message.
    if number == errno.ENOENT or "FileNotFoundError" in text:
        return "串口不存在，请检查连线和端口名"
    if number == errno.EBUSY:
        return "串口被其他程序占用"
    if number == errno.EACCES or "PermissionError" in text:
        # Windows answers "access denied" for a port another program holds open.
        return "没有权限使用该串口或串口被占用（Linux 上请把用户加入 dialout 组）"
    return text


def send_serial(port: str, baud: int, data: bytes) -> None:
    """Write to a receipt printer on a serial port (COM3, /dev/ttyUSB0) and wait until sent."""
    import serial

    # 10 bits a byte on the wire, twice over for a printer busy feeding paper, plus a margin.
    timeout = 5.0 + 20 * len(data) / baud
    try:
        # No hardware handshake: a three-wire cable or a USB adapter often lacks DSR/CTS, and
        # Windows would then hold every byte back; a printer prints faster than 115200 baud
        # can feed it, so nothing overflows.
        with serial.Serial(port, baud, timeout=1, write_timeout=timeout) as link:
            link.write(data)
            link.flush()
    except serial.SerialTimeoutException as exc:
        raise PrintError(f"串口打印机 {port} 没有接收数据（超时）。{CHECK_PRINTER}") from exc
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PrintError(f"无法使用串口打印机 {port}：{_serial_reason(exc)}") from exc


def _usb_out_endpoint(device: Any) -> Any:
    """The bulk OUT endpoint of the printer interface (class 7), else of the first interface."""
    import usb.core
    import usb.util

    try:
        config = device.get_active_configuration()
    except usb.core.USBError:
        device.set_configuration()  # a device nobody has configured yet
        config = device.get_active_configuration()
    interfaces = list(config)
    printers = [i for i in interfaces if i.bInterfaceClass == USB_PRINTER_CLASS]
    for interface in printers or interfaces:
        try:
            if device.is_kernel_driver_active(interface.bInterfaceNumber):
                # Linux's usblp holds printers; raw ESC/POS goes around it while printing.
                device.detach_kernel_driver(interface.bInterfaceNumber)
        except (NotImplementedError, usb.core.USBError):
            pass  # Windows and macOS have no such call; the write says if it matters
        endpoint = usb.util.find_descriptor(
            interface,
            custom_match=lambda e: (
                usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT
            ),
        )
        if endpoint is not None:
            return endpoint
    return None


def _usb_reason(exc: Exception) -> str:
    number = getattr(exc, "errno", None)
    if number == errno.EACCES:
        return "没有权限使用该 USB 设备（Linux 上需要为打印机添加 udev 规则）"
    if number == errno.EBUSY:
        return "设备被其他程序或驱动占用"
    if number in (errno.ENODEV, errno.ENOENT):
        return "设备已断开"
    return getattr(exc, "strerror", None) or str(exc)


def send_usb(vendor: int, product: int, data: bytes) -> None:
    """Write raw bytes to a USB receipt printer found by its vendor and product ids (libusb)."""
    import usb.core
    import usb.util

    name = f"USB 打印机 {vendor:04x}:{product:04x}"
    try:
        device = usb.core.find(idVendor=vendor, idProduct=product)
    except usb.core.NoBackendError as exc:
        raise PrintError(
            f"无法使用 {name}：这台电脑缺少 libusb（Linux 请安装 libusb-1.0-0），或改用“系统打印机”"
        ) from exc
    except usb.core.USBError as exc:
        raise PrintError(f"无法使用 {name}：{_usb_reason(exc)}") from exc
    if device is None:
        raise PrintError(f"找不到 {name}。{CHECK_PRINTER}，确认 USB 线已插好、厂商和产品 ID 正确")
    try:
        endpoint = _usb_out_endpoint(device)
        if endpoint is None:
            raise PrintError(f"USB 设备 {vendor:04x}:{product:04x} 不是打印机（没有输出端点）")
        # Milliseconds; a raster QR at full-speed USB takes well under a second.
        endpoint.write(data, timeout=int(CONNECT_TIMEOUT_S * 1000 + len(data)))
    except usb.core.USBTimeoutError as exc:
        raise PrintError(f"{name} 没有接收数据（超时）。{CHECK_PRINTER}") from exc
    except usb.core.USBError as exc:
        raise PrintError(f"无法使用 {name}：{_usb_reason(exc)}") from exc
    finally:
        usb.util.dispose_resources(device)


def serial_ports() -> list[str]:
    """The serial ports present now (COM3, /dev/ttyUSB0), for the settings to offer."""
    from serial.tools import list_ports

    try:
        return sorted(port.device for port in list_ports.comports())
    except OSError:  # a /sys or registry that cannot be read: typing the name still works
        return []


@dataclass(frozen=True, slots=True)
class UsbPrinter:
    """A USB device with a printer interface, as libusb sees it now."""

    vendor: int
    product: int
    name: str  # the maker's product string, or "" when the device will not say

    @property
    def ids(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"


def _is_printer(device: Any) -> bool:
    if device.bDeviceClass == USB_PRINTER_CLASS:
        return True
    return any(
        interface.bInterfaceClass == USB_PRINTER_CLASS for config in device for interface in config
    )


def _product_name(device: Any) -> str:
    import usb.util

    try:
        return str(usb.util.get_string(device, device.iProduct) or "") if device.iProduct else ""
    except (ValueError, NotImplementedError, OSError):  # no permission, no language table
        return ""


def usb_printers(find: Callable[..., Any] | None = None) -> list[UsbPrinter]:
    """The USB printers plugged in now, for the settings to offer; [] when libusb is missing
    or the bus cannot be read (typing the ids still works). `find` is usb.core.find in use."""
    try:
        if find is None:
            import usb.core

            find = usb.core.find
        devices = list(find(find_all=True) or [])
    except Exception:  # NoBackendError, USBError, a missing pyusb: offer nothing
        log.info("Cannot list USB devices", exc_info=True)
        return []
    found = []
    for device in devices:
        try:
            if _is_printer(device):
                found.append(UsbPrinter(device.idVendor, device.idProduct, _product_name(device)))
        except Exception:  # one device that will not describe itself must not hide the rest
            log.info("Cannot read a USB device's descriptors", exc_info=True)
    return sorted(found, key=lambda p: (p.vendor, p.product))
