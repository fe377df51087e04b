"""Application-wide Qt set-up: the bundled CJK font as fallback, large type, the translators."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from printing.fonts import CJK_FONT_FAMILY, cjk_font_path

log = logging.getLogger("village_collect.desktop")

I18N_DIR = Path(__file__).with_name("i18n")
DEFAULT_LOCALE = "zh_CN"
# Agents are often older and read a laptop at arm's length across a counter.
BASE_POINT_SIZE = 13

_registered: str | None = None  # the family, once registered: tests start the app many times


def register_cjk_font() -> str:
    """Register the bundled CJK font and make it the fallback of the UI font; returns its family.

    Machines without a system CJK font (minimal Kylin/UOS installs, some Windows images) would
    otherwise draw every Chinese character as a box."""
    global _registered
    if _registered is not None:
        return _registered
    family = add_font(cjk_font_path()) or CJK_FONT_FAMILY
    font = QApplication.font()
    primary = font.family()
    # Substitution covers widgets that name their own family; the list covers the default font.
    QFont.insertSubstitution(primary, family)
    font.setFamilies([primary, family])
    font.setPointSize(BASE_POINT_SIZE)
    QApplication.setFont(font)
    _registered = family
    return family


@cache
def add_font(path: Path) -> str | None:
    """Register a font file with Qt once (GUI thread); returns its family, None if unreadable."""
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("Could not load the bundled font %s", path)
        return None
    return QFontDatabase.applicationFontFamilies(font_id)[0]


def install_translators(app: QCoreApplication, locale: str = DEFAULT_LOCALE) -> list[QTranslator]:
    """Install the app's translation and Qt's own (dialog buttons, file dialog) for `locale`.

    Returns the installed translators: they must stay referenced, and tests remove them."""
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    candidates = [
        (f"qtbase_{locale}", qt_dir),
        (locale, str(I18N_DIR)),
    ]
    for name, directory in candidates:
        translator = QTranslator(app)
        if translator.load(name, directory):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("No translation %s in %s", name, directory)
    QLocale.setDefault(QLocale(locale))
    return installed
