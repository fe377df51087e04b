"""Encryption at rest: the file, its WAL and its copies hold no name, ID number or phone."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app import accounts
from app.collection import quote_household, record_payment
from app.workspace import Workspace, open_workspace
from db.cipher import copy_database, encrypt_file, is_encrypted, keys_beside
from db.database import open_database
from db.engine import DatabaseError
from db.migrate import backup_file
from db.models import Household, Person

NOW = datetime(2024, 10, 15, 9, 0)
PAID_ON = date(2023, 10, 15)


def known_values(workspace: Workspace, count: int = 50) -> list[bytes]:
    """Full ID numbers, names with their phone numbers, as they would appear in the file."""
    with workspace.db.sessions() as session:
        people = session.scalars(select(Person).where(Person.phone != "").limit(count)).all()
        assert people, "the demo roster has phone numbers"
        values = []
        for person in people:
            values += [person.id_number.encode(), person.phone.encode()]
            if len(person.name) >= 3:  # two characters also occur by chance in random bytes
                values.append(person.name.encode())
        return values


def pay_someone(workspace: Workspace) -> None:
    policy = workspace.policy()
    with workspace.db.sessions() as session:
        for hid in session.scalars(select(Household.id).order_by(Household.id)):
            quotes = quote_household(session, hid, policy, PAID_ON)
            due = [q.person_id for q in quotes if q.payable]
            if due:
                break
    record_payment(workspace.db, policy, hid, due, method="cash", paid_on=PAID_ON)


def leaks(path: Path, values: list[bytes]) -> list[bytes]:
    data = path.read_bytes()
    return [v for v in values if v in data]


def test_the_plain_file_shows_them_and_the_encrypted_one_does_not(
    demo_db_path: Path, cheap_kdf: None, tmp_path: Path
) -> None:
    plain = open_workspace(demo_db_path)
    values = known_values(plain)
    plain.close()
    # The check can see: the unencrypted file gives the values away.
    assert leaks(demo_db_path, values)

    signed = accounts.create_first_account(demo_db_path, "张主任", "lengshi-2024", NOW)
    workspace = open_workspace(demo_db_path, key=signed.data_key)
    try:
        pay_someone(workspace)  # the payment sits in the WAL until a checkpoint
        wal = Path(f"{demo_db_path}-wal")
        assert wal.exists() and wal.stat().st_size > 0
        copied = tmp_path / "copied-wal"
        shutil.copyfile(wal, copied)
        backup = backup_file(demo_db_path, "test", signed.data_key)
    finally:
        workspace.close()
    for path in (demo_db_path, copied, backup):
        assert is_encrypted(path) or path == copied
        assert leaks(path, values) == [], path
    for leftover in demo_db_path.parent.iterdir():
        if leftover.is_file():
            assert leaks(leftover, values) == [], leftover


def test_converting_encrypts_the_migration_backups_beside_it(
    demo_db_path: Path, tmp_path: Path
) -> None:
    old = demo_db_path.with_name(f"{demo_db_path.name}.before-0006-20240101T000000.bak")
    copy_database(demo_db_path, old, None)
    assert not is_encrypted(old)
    key = bytes(range(32))
    encrypt_file(demo_db_path, key)
    assert is_encrypted(demo_db_path) and is_encrypted(old)
    open_database(old, key=key).close()


def test_a_wrong_key_or_no_key_is_a_clear_message(demo_db_path: Path) -> None:
    key = bytes(range(32))
    encrypt_file(demo_db_path, key)
    before = demo_db_path.read_bytes()
    with pytest.raises(DatabaseError, match="密钥与数据库文件不匹配"):
        open_database(demo_db_path, key=bytes(32))
    with pytest.raises(DatabaseError, match="已损坏"):  # no key file: it looks like junk
        open_database(demo_db_path)
    keys_beside(demo_db_path).write_text("{}")
    with pytest.raises(DatabaseError, match="已加密"):
        open_database(demo_db_path)
    assert demo_db_path.read_bytes() == before


def test_garbage_in_place_of_the_database_is_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"\x07" * 8192)
    with pytest.raises(DatabaseError, match="不匹配"):
        open_database(path, key=bytes(range(32)))
    assert path.read_bytes() == b"\x07" * 8192
