"""The bundled open-licensed CJK font (Droid Sans Fallback, Apache-2.0) used by Qt and PDFs."""

from __future__ import annotations

from pathlib import Path

CJK_FONT_FAMILY = "Droid Sans Fallback"


def cjk_font_path() -> Path:
    """Path of the bundled TrueType CJK font (glyf outlines, so reportlab can embed it)."""
    return Path(__file__).with_name("DroidSansFallbackFull.ttf")
