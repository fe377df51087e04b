"""Where the app keeps its files: the database, logs and backups (platform user dirs)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

APP_NAME = "village-collect"
ENV_DB = "VCOLLECT_DB"


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(user_log_dir(APP_NAME, appauthor=False))


def default_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: `explicit` (--db), then VCOLLECT_DB, then the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get(ENV_DB):
        return Path(env).expanduser()
    return data_dir() / "village-collect.db"


BACKUP_FOLDER = "backups"


def default_backup_folder(db_path: Path) -> Path:
    """Backups go beside the database unless the `backup_folder` setting names another folder
    (a USB stick: a copy on the same disk survives a damaged file, not a dead disk or a theft)."""
    return db_path.parent / BACKUP_FOLDER
