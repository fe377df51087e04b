"""Device settings kept in the database as text key/value pairs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Setting


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else default


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
