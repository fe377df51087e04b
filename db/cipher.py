"""Encryption at rest: SQLCipher connections keyed with the raw data key, and file conversions."""

# SQLCipher (through sqlcipher3) encrypts every page of the database and of its WAL with
# AES-256 and authenticates it with HMAC-SHA512. The key is given raw (x'…'), not as a
# passphrase: the passphrase KDF would cost ~0.1 s on every new connection, and the data key
# is already random; the memory-hard step is the password's (app/keyring.py).

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PLAIN_HEADER = b"SQLite format 3\x00"
KEYS_SUFFIX = ".keys"  # the key file beside the database (app/keyring.py)


def keys_beside(path: Path) -> Path:
    return path.with_name(path.name + KEYS_SUFFIX)


class CipherError(Exception):
    """The file cannot be opened with this key; str() is the Chinese message."""


def dbapi() -> Any:
    """The sqlcipher3 DB-API module (imported on first use: plain databases never load it)."""
    from sqlcipher3 import dbapi2  # type: ignore[import-untyped]

    return dbapi2


def key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("the data key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(dbapi_connection: Any, key: bytes) -> None:
    """Key a fresh connection; must run before anything reads the file."""
    cursor = dbapi_connection.cursor()
    # A wrong key is an answer we turn into a message, not an error for SQLCipher's stderr log.
    cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.execute(key_pragma(key))
    # Temporary tables and sort spills stay in memory: nothing decrypted reaches a temp file.
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.close()


def is_encrypted(path: Path) -> bool:
    """True when the file exists and is not a plain SQLite database (empty counts as plain)."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(PLAIN_HEADER))
    except FileNotFoundError:
        return False
    return bool(head) and head != PLAIN_HEADER


def connect(path: Path, key: bytes | None) -> Any:
    """A raw connection on `path`: SQLCipher keyed with `key`, or plain sqlite3 without one."""
    if key is None:
        import sqlite3

        return sqlite3.connect(path)
    connection = dbapi().connect(str(path))
    apply_key(connection, key)
    return connection


def check_key(path: Path, key: bytes) -> None:
    """Raise CipherError unless `key` opens `path`."""
    connection = connect(path, key)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi().DatabaseError:
        raise CipherError(f"密钥与数据库文件不匹配：{path}") from None
    finally:
        connection.close()


def copy_database(source: Path, target: Path, key: bytes | None) -> None:
    """A consistent copy of a live database (WAL included), encrypted as the source is."""
    target.unlink(missing_ok=True)
    src = connect(source, key)
    try:
        dst = connect(target, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    _fsync(target)


def encrypt_file(path: Path, key: bytes) -> None:
    """Turn the plain database at `path` into an encrypted one, in place and atomically.

    The plain copy and its WAL are replaced; migration backups beside it are encrypted too."""
    if is_encrypted(path):
        raise CipherError(f"数据库文件已经加密：{path}")
    temporary = path.with_name(path.name + ".encrypting")
    temporary.unlink(missing_ok=True)
    source = dbapi().connect(str(path))  # no key: reads the plain file
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(temporary),))
        source.execute("SELECT sqlcipher_export('encrypted')")
        version = source.execute("PRAGMA user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    _fsync(temporary)
    check_key(temporary, key)
    os.replace(temporary, path)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    for backup in path.parent.glob(f"{path.name}.*.bak"):
        if not is_encrypted(backup):
            encrypt_file(backup, key)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())
