"""Logging to a rotating file, so a bug leaves a trace without showing one to the user."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.paths import log_dir


def setup_logging(directory: Path | None = None) -> Path:
    """Send log records to `<log dir>/village-collect.log` (1 MB x 5); return the file's path."""
    folder = directory or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "village-collect.log"
    root = logging.getLogger()
    if not any(
        isinstance(h, RotatingFileHandler) and h.baseFilename == str(path.resolve())
        for h in root.handlers
    ):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path
