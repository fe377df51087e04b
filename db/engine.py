"""Engine and session factory for the local SQLite file, with the pragmas durability needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db.cipher import apply_key
from db.cipher import dbapi as cipher_dbapi


class DatabaseError(Exception):
    """A database file the app cannot use; str() is the Chinese message for the user."""


def _set_pragmas(dbapi_connection: Any, _record: Any, key: bytes | None = None) -> None:
    if key is not None:  # SQLCipher: the key before anything reads a page
        apply_key(dbapi_connection, key)
    # The driver must not open transactions on its own: it would leave a read-then-write
    # outside any transaction. SQLAlchemy's "begin" event below opens them instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the GUI read while a worker writes; FULL makes every commit survive power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # 32 MB of page cache (default 2 MB): the roster's ID, name and initials indexes take
    # random-key inserts and lookups, and a county-sized roster's indexes outgrow 2 MB.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


IMMEDIATE = "sqlite_begin_immediate"  # execution option: take the write lock at BEGIN


def _begin(conn: Connection) -> None:
    # A writer takes the lock up front (BEGIN IMMEDIATE), so what it read cannot change before
    # it writes, and two writers never deadlock on a lock upgrade.
    immediate = conn.get_execution_options().get(IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path | str, key: bytes | None = None) -> Engine:
    """An engine on the SQLite file at `path` (":memory:" in tests), with pragmas per connection;
    with `key`, through SQLCipher, the file encrypted with that data key."""
    options: dict[str, Any] = {"module": cipher_dbapi()} if key is not None else {}
    if str(path) == ":memory:":
        # One shared connection, or every checkout would see a new empty database.
        engine = create_engine("sqlite://", poolclass=StaticPool, **options)
    else:
        engine = create_engine(f"sqlite:///{Path(path)}", **options)
    event.listen(engine, "connect", partial(_set_pragmas, key=key))
    event.listen(engine, "begin", _begin)
    return engine


def make_url_engine(url: str) -> Engine:
    """An engine for a database URL: SQLite (a file, with the pragmas above) or PostgreSQL."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ":memory:"
        return make_engine(path or ":memory:")
    # pre_ping: a county server outlives database restarts; a dead pooled connection is
    # replaced instead of failing the next push.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def driver_sql(conn: Connection, sql: str) -> str:
    """SQL written with ? placeholders, in the driver's own style (psycopg wants %s)."""
    if conn.dialect.paramstyle in ("format", "pyformat"):
        return sql.replace("?", "%s")
    return sql


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """A session in a write transaction (BEGIN IMMEDIATE), committed durably on success."""
    with (
        engine.connect().execution_options(**{IMMEDIATE: True}) as conn,
        Session(bind=conn) as session,
        session.begin(),
    ):
        yield session


@contextmanager
def writing_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection in a write transaction (BEGIN IMMEDIATE), committed durably on success.

    For hot write paths (a payment at the counter): no unit of work or identity map, just
    cached statements, so the write costs little more than the inserts themselves."""
    with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
        yield conn


def _cipher_errors() -> tuple[type[Exception], ...]:
    import sys

    module = sys.modules.get("sqlcipher3.dbapi2")  # only when an encrypted file was opened
    return (module.DatabaseError,) if module is not None else ()


@contextmanager
def translate_errors(path: Path | str) -> Iterator[None]:
    """Turn SQLite's "not a database" and friends into a message a user can act on."""
    from sqlalchemy.exc import DatabaseError as SADatabaseError

    caught: tuple[type[Exception], ...] = (
        SADatabaseError,
        sqlite3.DatabaseError,
        *_cipher_errors(),
    )
    try:
        yield
    except caught as exc:
        text = str(exc)
        if "not a database" in text or "malformed" in text or "encrypted" in text:
            raise DatabaseError(
                f"数据库文件已损坏或不是本程序的数据库：{path}。请从备份恢复，或指定其他数据库文件。"
            ) from exc
        if "unable to open" in text or "readonly" in text:
            raise DatabaseError(f"无法打开数据库文件：{path}，请检查文件位置和权限。") from exc
        raise
