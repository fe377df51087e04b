"""Storage: pragmas, migrations that match the models, backups, and files the app must refuse."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import db.migrate
from db.database import open_database
from db.engine import DatabaseError
from db.migrate import head_revision
from db.models import Base
from ui.cli.main import main


def test_pragmas_for_durability(tmp_path: Path) -> None:
    database = open_database(tmp_path / "a.db", create=True)
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.close()


def test_migrations_produce_exactly_the_models(tmp_path: Path) -> None:
    database = open_database(tmp_path / "a.db", create=True)
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    database.close()
    assert diff == []


def test_missing_file_and_folder_are_explained(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="数据库文件不存在"):
        open_database(tmp_path / "none.db")
    with pytest.raises(DatabaseError, match="文件夹"):
        open_database(tmp_path)


def test_corrupt_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError, match="已损坏"):
        open_database(path)
    assert path.read_bytes().startswith(b"this is not")  # left as it was


def test_a_database_from_a_newer_app_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data" / "a.db"
    open_database(path, create=True).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    written = path.read_bytes()
    message = f"数据库文件 {path} 由更新版本的程序创建（版本 9999），请升级本程序后再打开。"
    with pytest.raises(DatabaseError) as refused:
        open_database(path)
    assert str(refused.value) == message
    assert main(["ledger", "verify", "--db", str(path)]) == 1  # vcollect: that line, no trace
    assert capsys.readouterr().err == f"错误：{message}\n"
    # Not migrated, not backed up, no journal left behind: the newer app finds it as it was.
    assert path.read_bytes() == written
    assert list(path.parent.iterdir()) == [path]


NEXT_REVISION = '''"""test: add a column"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("setting") as batch:
        batch.add_column(sa.Column("note", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("setting") as batch:
        batch.drop_column("note")
'''


def test_upgrade_backs_up_the_file_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.db"
    database = open_database(path, create=True)
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('k', 'kept')"))
    database.close()
    before = head_revision()
    migrations = tmp_path / "migrations"
    shutil.copytree(db.migrate.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "9001_next.py").write_text(
        NEXT_REVISION.format(head=head_revision())
    )
    monkeypatch.setattr(db.migrate, "MIGRATIONS_DIR", migrations)
    upgraded = open_database(path)
    assert upgraded.backup is not None and upgraded.backup.exists()
    with upgraded.engine.connect() as conn:
        assert conn.execute(text("SELECT value, note FROM setting")).one() == ("kept", None)
    upgraded.close()
    with sqlite3.connect(upgraded.backup) as old:
        version = old.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert version == before
        assert old.execute("SELECT value FROM setting").fetchone()[0] == "kept"
