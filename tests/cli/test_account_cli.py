"""vcollect account: the first account encrypts the data; every command then signs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.cipher import is_encrypted
from tests.cli.cli_runner import run


@pytest.fixture
def signed_up(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    cheap_kdf: None,
) -> Path:  # fmt: skip
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", "lengshi-2024")
    code, out, err = run(capsys, "--db", str(demo_db_path), "account", "init", "张主任")
    assert code == 0, err
    assert "已加密" in out
    monkeypatch.delenv("VCOLLECT_NEW_PASSWORD")
    return demo_db_path


def test_after_init_the_data_needs_an_account(
    signed_up: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert is_encrypted(signed_up)
    code, _out, err = run(capsys, "--db", str(signed_up), "roster", "stats")
    assert code == 1 and "--user" in err
    monkeypatch.setenv("VCOLLECT_PASSWORD", "wrong-secret")
    code, _out, err = run(capsys, "--db", str(signed_up), "--user", "张主任", "roster", "stats")
    assert code == 1 and "账户名或密码不对" in err
    monkeypatch.setenv("VCOLLECT_PASSWORD", "lengshi-2024")
    code, out, err = run(capsys, "--db", str(signed_up), "--user", "张主任", "roster", "stats")
    assert code == 0, err
    assert "人数 37288" in out


def test_a_supervisor_adds_an_agent_who_then_cannot_add_others(
    signed_up: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", str(signed_up)]
    monkeypatch.setenv("VCOLLECT_USER", "张主任")
    monkeypatch.setenv("VCOLLECT_PASSWORD", "lengshi-2024")
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", "123456")
    code, _out, err = run(capsys, *db, "account", "add", "李四")
    assert code == 1 and "过于简单" in err
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", "258036")
    code, out, err = run(capsys, *db, "account", "add", "李四")
    assert code == 0, err
    code, out, _err = run(capsys, *db, "account", "list", "--json")
    assert '"李四"' in out and '"agent"' in out
    monkeypatch.setenv("VCOLLECT_USER", "李四")
    monkeypatch.setenv("VCOLLECT_PASSWORD", "258036")
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", "369147")
    code, _out, err = run(capsys, *db, "account", "add", "王五")
    assert code == 1 and "只有管理员" in err
    # The agent changes their own PIN; the old one stops working.
    code, out, err = run(capsys, *db, "account", "passwd")
    assert code == 0, err
    code, _out, err = run(capsys, *db, "roster", "stats")
    assert code == 1 and "账户名或密码不对" in err
    monkeypatch.setenv("VCOLLECT_PASSWORD", "369147")
    code, _out, err = run(capsys, *db, "roster", "stats")
    assert code == 0, err


def test_init_twice_is_refused(
    signed_up: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", "another-secret")
    code, _out, err = run(capsys, "--db", str(signed_up), "account", "init", "王五")
    assert code == 1 and "已有账户" in err


def test_the_idle_lock_is_set_by_a_supervisor_only(
    signed_up: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", str(signed_up)]
    monkeypatch.setenv("VCOLLECT_USER", "张主任")
    monkeypatch.setenv("VCOLLECT_PASSWORD", "lengshi-2024")
    code, out, _err = run(capsys, *db, "account", "idle-lock")
    assert code == 0 and "10 分钟" in out
    code, _out, err = run(capsys, *db, "account", "idle-lock", "300")
    assert code == 1 and "0 到 240" in err
    code, out, _err = run(capsys, *db, "account", "idle-lock", "5")
    assert code == 0 and "5 分钟" in out
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", "258036")
    assert run(capsys, *db, "account", "add", "李四")[0] == 0
    monkeypatch.setenv("VCOLLECT_USER", "李四")
    monkeypatch.setenv("VCOLLECT_PASSWORD", "258036")
    code, _out, err = run(capsys, *db, "account", "idle-lock", "0")
    assert code == 1 and "只有管理员" in err


def test_make_run_starts_again_on_an_encrypted_database(
    signed_up: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run` calls `demo init --if-missing` before each start: no password asked."""
    code, out, err = run(capsys, "--db", str(signed_up), "demo", "init", "--if-missing")
    assert code == 0, err
    assert "已加密" in out
