"""Schema upgrades at start-up: back up first, refuse a database written by a newer app."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.cipher import copy_database
from db.engine import DatabaseError, translate_errors

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_file(path: Path, label: str, key: bytes | None = None) -> Path:
    """Copy a live SQLite file consistently (WAL included) beside itself, encrypted as it is;
    return the copy."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    copy_database(path, target, key)
    return target


def upgrade(engine: Engine, path: Path | None, key: bytes | None = None) -> Path | None:
    """Bring the schema to head; return the backup taken before changing an existing file."""
    where = path or ":memory:"
    script = ScriptDirectory.from_config(_config())
    with translate_errors(where):
        current = current_revision(engine)
    head = script.get_current_head()
    if current == head:
        return None
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise DatabaseError(
                f"数据库文件 {where} 由更新版本的程序创建（版本 {current}），请升级本程序后再打开。"
            ) from None
    backup = None
    if path is not None and current is not None:
        backup = backup_file(path, f"before-{head}", key)
    cfg = _config()
    with engine.begin() as conn, translate_errors(where):
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
