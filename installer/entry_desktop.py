"""The bundled `village-collect` executable (PyInstaller entry): the desktop app."""

import os
import sys
from pathlib import Path


def use_ibus_for_fcitx() -> None:
    """UOS and Kylin sessions ask Qt for Fcitx's input context (QT_IM_MODULE=fcitx), which
    the bundle cannot carry: Fcitx's Qt plugin must be built against this very Qt. Without it
    Qt would give the app no input method at all, so ask for IBus, whose plugin is bundled and
    whose protocol Fcitx 5 also serves (its IBus frontend). Typing by pinyin initials and ID
    digits needs no input method either way."""
    wanted = os.environ.get("QT_IM_MODULE", "")
    bundle = getattr(sys, "_MEIPASS", None)
    if not wanted.startswith("fcitx") or bundle is None:
        return
    plugins = Path(bundle, "PySide6", "Qt", "plugins", "platforminputcontexts")
    if not any(plugins.glob("*fcitx*")):
        os.environ["QT_IM_MODULE"] = "ibus"


if __name__ == "__main__":
    use_ibus_for_fcitx()
    from ui.desktop.main import main

    sys.exit(main())
