"""Ending practice: the demo is kept as a copy that still opens, the laptop starts empty with
the same accounts, and a demo database can never be registered with the county."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import accounts
from app.practice import PracticeError, end_practice
from app.workspace import Workspace, open_workspace
from db.cipher import is_encrypted, keys_beside
from db.models import Payment, Person
from sync.client import PRACTICE_REFUSED, SyncError, enroll
from tests.app.test_backup import pay_in
from tests.cli.cli_runner import run

NOW = datetime(2024, 10, 15, 9, 0)
ENDED = datetime(2024, 10, 16, 8, 30)


def counts(workspace: Workspace) -> tuple[int, int]:
    with workspace.db.sessions() as session:
        people = session.scalar(select(func.count()).select_from(Person)) or 0
        payments = session.scalar(select(func.count()).select_from(Payment)) or 0
    return people, payments


@pytest.fixture
def practising(demo_db_path: Path, cheap_kdf: None) -> accounts.SignedIn:
    """The demo database of a laptop whose agent made an account and practised."""
    signed = accounts.create_first_account(demo_db_path, "张丽", "lengshi-2024", NOW)
    pay_in(demo_db_path, signed.data_key)
    return signed


def test_practice_is_kept_and_the_laptop_starts_empty(
    demo_db_path: Path, practising: accounts.SignedIn
) -> None:
    before = open_workspace(demo_db_path, key=practising.data_key)
    people, payments = counts(before)
    before.close()
    assert people > 0 and payments == 1

    aside = end_practice(demo_db_path, practising.data_key, ENDED)

    assert aside.name == f"{demo_db_path.stem}.practice-20241016T083000.db"
    assert is_encrypted(aside) and keys_beside(aside).exists()
    copy = open_workspace(aside, key=accounts.sign_in(aside, "张丽", "lengshi-2024", NOW).data_key)
    try:
        assert counts(copy) == (people, payments) and copy.demo == "lengshi"
    finally:
        copy.close()
    # The same account opens the new, empty and still encrypted database.
    signed = accounts.sign_in(demo_db_path, "张丽", "lengshi-2024", ENDED)
    assert is_encrypted(demo_db_path)
    fresh = open_workspace(demo_db_path, key=signed.data_key)
    try:
        assert counts(fresh) == (0, 0) and fresh.demo is None
    finally:
        fresh.close()
    assert not Path(f"{demo_db_path}.new").exists()


def test_a_demo_database_is_never_registered(demo_workspace: Workspace) -> None:
    before = demo_workspace.db.path
    with pytest.raises(SyncError) as refused:
        # No server is asked: the address is never reached.
        enroll(demo_workspace, "http://127.0.0.1:9", "ABCDEF123456")
    assert str(refused.value) == PRACTICE_REFUSED
    assert "结束练习" in str(refused.value) and before == demo_workspace.db.path


def test_a_missing_database_is_said(tmp_path: Path) -> None:
    with pytest.raises(PracticeError, match="数据库文件不存在"):
        end_practice(tmp_path / "none.db", None, ENDED)


def test_vcollect_demo_end(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(demo_db_path)]
    code, _out, err = run(capsys, *db, "device", "enroll", "--server", "http://127.0.0.1:9",
                          "--code", "ABCDEF123456")  # fmt: skip
    assert code == 1 and "vcollect demo end" in err
    code, out, err = run(capsys, *db, "demo", "end")
    assert code == 0, err
    assert out.startswith("练习已结束：演示数据另存为 ") and "可以向县医保局注册" in out
    code, out, _err = run(capsys, *db, "roster", "stats")
    assert code == 0 and out.startswith("人数 0")
    code, _out, err = run(capsys, *db, "demo", "end")
    assert code == 1 and err == "错误：本机数据库不是演示数据，没有练习可结束。\n"
