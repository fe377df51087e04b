"""Build the Debian package (amd64, for UOS and Kylin) from the PyInstaller bundle.

    python installer/build_deb.py [--bundle dist/village-collect] [--out dist]

The staging tree: the bundle in /opt/village-collect/, /usr/bin/vcollect and
/usr/bin/village-collect as symbolic links into it, the desktop entry, the icon (drawn by
make_icon.py) and a udev rule for USB receipt printers. Depends is worked out from the bundle:
every system library one of its binaries links is mapped to its Debian package, and the
newest glibc and libstdc++ symbol versions they use become minimum versions, so dpkg refuses
a system too old to run the bundle instead of the program failing at start.

The data is not in the package: the app keeps it in the user's data folder
(~/.local/share/village-collect), so removing or upgrading the package leaves it alone.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_icon import draw_icon  # the script's own folder, added just above

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "village-collect"
INSTALL_DIR = Path("opt") / PACKAGE
MAINTAINER = "Village Collect maintainers <maintainers@users.noreply.b-seed-0b15462e.example>"

# Libraries whose Debian package is not named after the library (Debian's rule: the soname's
# name, a hyphen if it ends in a digit, then its version), or was renamed for 64-bit time_t
# (Debian 13, Ubuntu 24.04: the "t64" names).
PACKAGE_OF = {
    "libc": "libc6",
    "libm": "libc6",
    "libdl": "libc6",
    "libpthread": "libc6",
    "librt": "libc6",
    "libutil": "libc6",
    "ld-linux-x86-64": "libc6",
    "libstdc++": "libstdc++6",
    "libgcc_s": "libgcc-s1 | libgcc1",
    "libglib-2.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgthread-2.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgobject-2.0": "libglib2.0-0 | libglib2.0-0t64",
    "libgio-2.0": "libglib2.0-0 | libglib2.0-0t64",
    "libcups": "libcups2 | libcups2t64",
}
# Loaded at run time rather than linked: pyusb opens libusb with ctypes (raw USB printers).
EXTRA_DEPENDS = ["libusb-1.0-0"]
# GLIBCXX_3.4.N -> the GCC release whose libstdc++6 first has it.
GLIBCXX_GCC = {25: 8, 26: 9, 27: 9, 28: 10, 29: 11, 30: 12, 31: 13, 32: 13, 33: 14, 34: 15}

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Version=1.0
Name=Village Collect
Name[zh_CN]=村医保代收
GenericName=Medical insurance collection
GenericName[zh_CN]=城乡居民医保代收
Comment=Collect the resident medical insurance contribution and print its receipts
Comment[zh_CN]=代收城乡居民基本医疗保险费：查找参保人、收费、打印收据、日结上解
Exec=village-collect
TryExec=village-collect
Icon=village-collect
Terminal=false
Categories=Office;Finance;
Keywords=medical;insurance;receipt;医保;代收;收据;缴费;
StartupNotify=true
StartupWMClass=village-collect
"""

# Receipt printers on raw USB (python-escpos through libusb): the user at the seat may open
# USB printer-class devices. Printers with a vendor-specific interface need their own line
# (see docs/INSTALL.md). Numbered before 73-seat-late.rules, which turns the tag into an ACL.
UDEV_RULE = """\
# village-collect: let the desktop user open USB receipt printers (raw ESC/POS via libusb).
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ENV{ID_USB_INTERFACES}=="*:0701??:*", TAG+="uaccess"
"""

# DPKG_ROOT is set when dpkg installs into another root (dpkg --root with chroot-less scripts,
# as the smoke test's upgrade check does): that root's udev is not this machine's to reload.
POSTINST = """\
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -z "${DPKG_ROOT:-}" ] && command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules >/dev/null 2>&1 || true
    udevadm trigger --subsystem-match=usb --action=change >/dev/null 2>&1 || true
fi
exit 0
"""

DESCRIPTION = """\
Village Collect (村医保代收): village collection of medical insurance
 The desktop app and the vcollect command that village collection agents use to
 collect the yearly resident medical insurance contribution: find the household,
 take the money, print the receipt, close the day and sync with the county.
 .
 村医保代收：城乡居民基本医疗保险费村级代收。查找参保家庭、收费、打印收据、
 日结上解，并与县医保局同步；断网时照常工作。
 .
 The data stays in each user's data folder (~/.local/share/village-collect):
 upgrading or removing the package keeps it; a newer version migrates it at
 start, after taking a backup.
"""


def version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("app/__init__.py: no __version__")
    return match[1]


def elf_files(folder: Path) -> list[Path]:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def objdump(args: list[str], path: Path) -> str:
    done = subprocess.run(["objdump", *args, str(path)], capture_output=True, text=True)
    return done.stdout


def package_for(soname: str) -> str:
    """libxcb-icccm.so.4 -> libxcb-icccm4; libX11.so.6 -> libx11-6 (Debian's naming rule)."""
    name, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".")[0]
    if name in PACKAGE_OF:
        return PACKAGE_OF[name]
    name = name.lower()
    return f"{name}{'-' if name[-1].isdigit() else ''}{version}"


def depends(bundle: Path) -> tuple[list[str], dict[str, str]]:
    """The Depends field's entries, and the system libraries (soname -> package) behind them."""
    binaries = elf_files(bundle)
    inside = {p.name for p in bundle.rglob("*")}
    system: dict[str, str] = {}
    glibc: tuple[int, ...] = (2, 17)
    glibcxx = 0
    for path in binaries:
        dump = objdump(["-p"], path)
        for soname in re.findall(r"^\s*NEEDED\s+(\S+)", dump, re.MULTILINE):
            if soname not in inside:
                system[soname] = package_for(soname)
        symbols = objdump(["-T"], path)
        for found in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", symbols):
            glibc = max(glibc, tuple(int(n) for n in found.split(".")))
        for found in re.findall(r"GLIBCXX_3\.4\.(\d+)", symbols):
            glibcxx = max(glibcxx, int(found))
    packages = sorted(set(system.values()) | set(EXTRA_DEPENDS))
    out = []
    for package in packages:
        if package == "libc6":
            package = f"libc6 (>= {'.'.join(map(str, glibc))})"
        elif package == "libstdc++6" and glibcxx in GLIBCXX_GCC:
            package = f"libstdc++6 (>= {GLIBCXX_GCC[glibcxx]})"
        out.append(package)
    return out, system


def installed_size_kb(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or path.is_file():
            total += (path.lstat().st_size + 1023) // 1024
    return total


def normalize_modes(folder: Path) -> None:
    """Directories 0755, files 0644 or 0755 (if executable): whatever the umask was."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def build(bundle: Path, out_dir: Path, work: Path) -> Path:
    for exe in ("village-collect", "vcollect"):
        if not (bundle / exe).is_file():
            raise SystemExit(f"no {bundle / exe}: build the bundle first (make dist)")
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if arch != "amd64":
        raise SystemExit(f"this machine is {arch}: the package is amd64, build it on amd64")
    ver = version()
    stage = work / f"{PACKAGE}_{ver}_amd64"
    if stage.exists():
        shutil.rmtree(stage)
    target = stage / INSTALL_DIR
    target.parent.mkdir(parents=True)
    shutil.copytree(bundle, target, symlinks=True)

    usr_bin = stage / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    for exe in ("village-collect", "vcollect"):
        (usr_bin / exe).symlink_to(Path("/") / INSTALL_DIR / exe)

    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{PACKAGE}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    draw_icon().save(icons / f"{PACKAGE}.png", optimize=True)
    rules = stage / "lib" / "udev" / "rules.d"
    rules.mkdir(parents=True)
    (rules / f"70-{PACKAGE}.rules").write_text(UDEV_RULE, encoding="utf-8")

    deps, system = depends(bundle)
    debian = stage / "DEBIAN"
    debian.mkdir()
    control = (
        f"Package: {PACKAGE}\n"
        f"Version: {ver}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Architecture: amd64\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_size_kb(stage)}\n"
        f"Depends: {', '.join(deps)}\n"
        f"Description: {DESCRIPTION}"
    )
    (debian / "control").write_text(control, encoding="utf-8")
    (debian / "postinst").write_text(POSTINST, encoding="utf-8")
    (debian / "postinst").chmod(0o755)
    normalize_modes(stage)

    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{ver}_amd64.deb"
    subprocess.run(
        ["dpkg-deb", "--build", "--root-owner-group", "-Zxz", str(stage), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"system libraries linked: {len(system)}; Depends: {', '.join(deps)}")
    print(f"package: {deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    os.umask(0o022)
    build(args.bundle, args.out, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
