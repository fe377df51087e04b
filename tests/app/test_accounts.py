"""Sign-in: the first account encrypts the data, secrets unwrap the key, lockout, roles."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import accounts
from app.accounts import AccountError, LockedOut, WrongSecret
from app.keyring import MAX_FAILURES, Keyring, KeyringError, keyring_path
from app.workspace import open_workspace
from db.cipher import is_encrypted
from db.engine import DatabaseError

NOW = datetime(2024, 10, 15, 9, 0)
BOSS = "张主任"
BOSS_SECRET = "lengshi-2024"


@pytest.fixture
def encrypted(demo_db_path: Path, cheap_kdf: None) -> accounts.SignedIn:
    return accounts.create_first_account(demo_db_path, BOSS, BOSS_SECRET, NOW)


def test_the_first_account_is_a_supervisor_and_encrypts_the_database(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    assert encrypted.is_supervisor
    assert is_encrypted(demo_db_path)
    with pytest.raises(DatabaseError, match="已加密"):
        open_workspace(demo_db_path)
    signed = accounts.sign_in(demo_db_path, BOSS, BOSS_SECRET, NOW)
    assert signed.data_key == encrypted.data_key
    workspace = open_workspace(demo_db_path, key=signed.data_key)
    try:
        assert workspace.demo == "lengshi"
    finally:
        workspace.close()


def test_a_second_first_account_is_refused(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    with pytest.raises(AccountError, match="已有账户"):
        accounts.create_first_account(demo_db_path, "王五", "another-secret", NOW)


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("12345", "至少 6 位"),
        ("123456", "过于简单"),
        ("999999", "过于简单"),
        ("654321", "过于简单"),
        ("short", "至少 8 位"),
        (" padded-secret", "空格"),
    ],
)
def test_weak_secrets_are_refused_with_the_rule(secret: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.check_secret(secret)


def test_good_secrets_pass() -> None:
    accounts.check_secret("258036")
    accounts.check_secret("冷市镇收费2024")


def test_a_wrong_secret_says_the_same_as_an_unknown_name(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    with pytest.raises(WrongSecret, match="账户名或密码不对") as wrong:
        accounts.sign_in(demo_db_path, BOSS, "not-the-secret", NOW)
    with pytest.raises(WrongSecret, match="账户名或密码不对") as unknown:
        accounts.sign_in(demo_db_path, "没有此人", "not-the-secret", NOW)
    assert "再错" in str(wrong.value) and "再错" not in str(unknown.value)


def test_repeated_failures_lock_the_account_until_the_time_or_a_supervisor(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    accounts.add_account(demo_db_path, encrypted, "李四", "agent", "258036", NOW)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(WrongSecret):
            accounts.sign_in(demo_db_path, "李四", "000001", NOW)
    with pytest.raises(LockedOut, match="已锁定"):
        accounts.sign_in(demo_db_path, "李四", "000001", NOW)
    # Locked: even the right secret is refused, and the lock survives a restart (the file).
    with pytest.raises(LockedOut):
        accounts.sign_in(demo_db_path, "李四", "258036", NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=16)
    assert accounts.sign_in(demo_db_path, "李四", "258036", later).name == "李四"
    # Locked again, then a supervisor clears it at once.
    for _ in range(MAX_FAILURES):
        with pytest.raises(KeyringError):
            accounts.sign_in(demo_db_path, "李四", "000001", later)
    accounts.unlock_account(demo_db_path, encrypted, "李四")
    assert accounts.sign_in(demo_db_path, "李四", "258036", later).name == "李四"


def test_only_a_supervisor_manages_accounts(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    accounts.add_account(demo_db_path, encrypted, "李四", "agent", "258036", NOW)
    agent = accounts.sign_in(demo_db_path, "李四", "258036", NOW)
    with pytest.raises(AccountError, match="只有管理员"):
        accounts.add_account(demo_db_path, agent, "王五", "agent", "369147", NOW)
    with pytest.raises(AccountError, match="只有管理员"):
        accounts.unlock_account(demo_db_path, agent, BOSS)
    with pytest.raises(AccountError, match="不是管理员"):
        accounts.approve(demo_db_path, "李四", "258036", NOW)
    assert accounts.approve(demo_db_path, BOSS, BOSS_SECRET, NOW).name == BOSS


def test_changing_a_secret_rewraps_the_key_and_leaves_the_database_alone(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    before = demo_db_path.read_bytes()
    accounts.change_secret(demo_db_path, BOSS, BOSS_SECRET, "新的密码-2025", NOW)
    assert demo_db_path.read_bytes() == before
    with pytest.raises(WrongSecret):
        accounts.sign_in(demo_db_path, BOSS, BOSS_SECRET, NOW)
    assert accounts.sign_in(demo_db_path, BOSS, "新的密码-2025", NOW).data_key == (
        encrypted.data_key
    )


def test_agents_share_one_data_key(demo_db_path: Path, encrypted: accounts.SignedIn) -> None:
    accounts.add_account(demo_db_path, encrypted, "李四", "agent", "258036", NOW)
    accounts.add_account(demo_db_path, encrypted, "王五", "agent", "王五的密码abc", NOW)
    keys = {
        accounts.sign_in(demo_db_path, name, secret, NOW).data_key
        for name, secret in (("李四", "258036"), ("王五", "王五的密码abc"), (BOSS, BOSS_SECRET))
    }
    assert keys == {encrypted.data_key}


def test_editing_a_role_in_the_key_file_does_not_promote_the_account(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    accounts.add_account(demo_db_path, encrypted, "李四", "agent", "258036", NOW)
    path = keyring_path(demo_db_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    for account in raw["accounts"]:
        if account["name"] == "李四":
            account["role"] = "supervisor"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(WrongSecret):
        accounts.sign_in(demo_db_path, "李四", "258036", NOW)


def test_the_last_supervisor_cannot_be_disabled(
    demo_db_path: Path, encrypted: accounts.SignedIn
) -> None:
    accounts.add_account(demo_db_path, encrypted, "赵六", "supervisor", "赵六的密码xyz", NOW)
    other = accounts.sign_in(demo_db_path, "赵六", "赵六的密码xyz", NOW)
    with pytest.raises(AccountError, match="自己"):
        accounts.disable_account(demo_db_path, other, "赵六")
    accounts.disable_account(demo_db_path, other, BOSS)
    with pytest.raises(WrongSecret):
        accounts.sign_in(demo_db_path, BOSS, BOSS_SECRET, NOW)
    with pytest.raises(KeyringError, match="最后一个管理员"):
        Keyring.load(keyring_path(demo_db_path)).set_disabled("赵六", True)


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b'{"format": "other"}', b'{"format": "village-collect-keyring"}']
)
def test_a_damaged_key_file_is_a_clear_message(
    demo_db_path: Path, encrypted: accounts.SignedIn, content: bytes
) -> None:
    keyring_path(demo_db_path).write_bytes(content)
    with pytest.raises(KeyringError, match="密钥文件"):
        accounts.sign_in(demo_db_path, BOSS, BOSS_SECRET, NOW)
