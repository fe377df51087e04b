"""Device settings kept in the database as text key/value pairs."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from db.models import Setting

_VALUE = select(Setting.value).where(Setting.key == bindparam("key"))  # built once: hot path


def get_setting(session: Session | Connection, key: str, default: str | None = None) -> str | None:
    value = session.scalar(_VALUE, {"key": key})
    return value if value is not None else default


def set_setting(session: Session, key: str, value: str | None) -> None:
    """Store (or with None, remove) a setting; the caller commits."""
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
