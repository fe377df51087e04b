"""Ending practice: the demo database is put aside (kept) and an empty one takes its place."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from app.files import sync_directory
from db.cipher import copy_database, keys_beside
from db.database import open_database
from db.engine import make_engine

PRACTICE_LABEL = "practice"


class PracticeError(Exception):
    """Practice cannot end here; str() is the Chinese message."""


def practice_copy_name(db_path: Path, now: datetime) -> Path:
    """Where the practice data goes: beside the database, named by when practice ended."""
    stamp = now.strftime("%Y%m%dT%H%M%S")
    return db_path.with_name(f"{db_path.stem}.{PRACTICE_LABEL}-{stamp}{db_path.suffix}")


def end_practice(db_path: Path, key: bytes | None, now: datetime) -> Path:
    """Keep the demo database as a copy, then replace it with an empty one under the same key
    (so the same accounts sign in); returns the copy. Nothing may hold the database open.

    The copy is complete and synced before anything else changes, and the empty database is
    built under a temporary name and renamed in last: a crash at any point leaves either the
    practice database or the empty one in place, never neither, and the copy either way."""
    if not db_path.exists():
        raise PracticeError(f"数据库文件不存在：{db_path}")
    aside = practice_copy_name(db_path, now)
    copy_database(db_path, aside, key)
    keys = keys_beside(db_path)
    if keys.exists():  # the copy opens with the accounts it was made under
        shutil.copy2(keys, keys_beside(aside))
    fresh = db_path.with_name(db_path.name + ".new")
    for stale in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
        stale.unlink(missing_ok=True)
    open_database(fresh, create=True, key=key).close()
    # Fold the old file's WAL in and empty it: a WAL left beside the new file would be
    # replayed into it by SQLite.
    engine = make_engine(db_path, key)
    try:
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        engine.dispose()
    os.replace(fresh, db_path)
    for side in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        side.unlink(missing_ok=True)
    sync_directory(db_path.parent)
    return aside
