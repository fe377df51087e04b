"""Opening the local database: create or check the file, migrate it, hand out sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.cipher import CipherError, check_key, is_encrypted, keys_beside
from db.engine import DatabaseError, make_engine, make_sessionmaker, translate_errors
from db.migrate import upgrade


@dataclass
class Database:
    """An open, migrated database: the engine, a session factory and where it lives."""

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    backup: Path | None = field(default=None)

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, *, create: bool = False, key: bytes | None = None) -> Database:
    """Open (or with `create`, make) the database at `path` and bring its schema up to date.

    With `key`, the file is SQLCipher-encrypted with that data key (a new file is made so)."""
    memory = str(path) == ":memory:"
    file = None if memory else Path(path)
    if file is not None:
        if file.is_dir():
            raise DatabaseError(f"{file} 是一个文件夹，不是数据库文件。")
        if not file.exists():
            if not create:
                raise DatabaseError(
                    f"数据库文件不存在：{file}。请先运行“vcollect demo init”创建演示数据，"
                    "或用“vcollect roster import”导入花名册。"
                )
            file.parent.mkdir(parents=True, exist_ok=True)
        elif key is None and is_encrypted(file) and keys_beside(file).exists():
            raise DatabaseError(
                f"数据库文件已加密：{file}。请登录后再打开（命令行：设定 VCOLLECT_USER）。"
            )
        elif key is not None and not is_encrypted(file) and file.stat().st_size:
            raise DatabaseError(f"数据库文件未加密，却给出了密钥：{file}")
        elif key is not None:
            try:
                check_key(file, key)
            except CipherError as exc:
                raise DatabaseError(str(exc)) from None
    engine = make_engine(file if file is not None else ":memory:", key)
    try:
        with translate_errors(path):
            backup = upgrade(engine, file, key)
    except BaseException:
        engine.dispose()
        raise
    return Database(file, engine, make_sessionmaker(engine), backup)
