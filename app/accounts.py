"""Agent sign-in: the first account, signing in and out, roles, and the rules for secrets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from app.keyring import (
    ROLES,
    Account,
    Keyring,
    KeyringError,
    LockedOut,
    WrongSecret,
    keyring_path,
    new_data_key,
)
from app.settings import get_setting, set_setting
from db.cipher import encrypt_file, is_encrypted
from db.database import Database

__all__ = [
    "ROLES",
    "Account",
    "AccountError",
    "KeyringError",
    "LockedOut",
    "SignedIn",
    "WrongSecret",
]

MIN_PIN = 6
MIN_PASSWORD = 8
DEFAULT_IDLE_MINUTES = 10
IDLE_MINUTES_KEY = "idle_lock_minutes"
VOID_APPROVAL_KEY = "void_approval_fen"
DEFAULT_VOID_APPROVAL_FEN = 100_000  # a void above 1,000 yuan needs a supervisor


class AccountError(KeyringError):
    """A request about accounts that is not allowed; str() is the Chinese message."""


@dataclass(frozen=True)
class SignedIn:
    """Who is at the desk, and the data key their secret unwrapped."""

    account: Account
    data_key: bytes = field(repr=False)  # never in a log line or a traceback

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def is_supervisor(self) -> bool:
        return self.account.is_supervisor


def idle_minutes(db: Database) -> float:
    """Minutes without a key or mouse before the desk locks (0: never); default 10."""
    with db.sessions() as session:
        value = get_setting(session, IDLE_MINUTES_KEY)
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_IDLE_MINUTES
    except ValueError:
        return DEFAULT_IDLE_MINUTES


MAX_IDLE_MINUTES = 240


def set_idle_minutes(db: Database, by: SignedIn | None, minutes: float) -> None:
    """A supervisor sets the idle lock (0 turns it off; at most 4 hours)."""
    if by is not None and not by.is_supervisor:
        raise AccountError("只有管理员可以修改自动锁定时间")
    if not 0 <= minutes <= MAX_IDLE_MINUTES:
        raise AccountError(f"自动锁定时间应在 0 到 {MAX_IDLE_MINUTES} 分钟之间（0 为不锁定）")
    with db.sessions.begin() as session:
        set_setting(session, IDLE_MINUTES_KEY, f"{minutes:g}")


def check_secret(secret: str) -> None:
    """A PIN of at least 6 digits that is not a run or a repeat, or a password of 8 or more."""
    if secret != secret.strip():
        raise AccountError("密码首尾不能有空格")
    if secret.isdigit():
        if len(secret) < MIN_PIN:
            raise AccountError(f"数字 PIN 至少 {MIN_PIN} 位")
        digits = [int(c) for c in secret]
        steps = {b - a for a, b in pairwise(digits)}
        if len(steps) == 1 and steps <= {-1, 0, 1}:
            raise AccountError("PIN 过于简单（如 111111、123456），请换一个")
        return
    if len(secret) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位（纯数字 PIN 至少 {MIN_PIN} 位）")


def has_accounts(db_path: Path) -> bool:
    """Whether this database has a key file (so it is, or is being, encrypted)."""
    return keyring_path(db_path).exists()


def create_first_account(db_path: Path, name: str, secret: str, now: datetime) -> SignedIn:
    """First run: the first account (a supervisor, who adds the agents), a new data key, and
    the database encrypted with it (an existing plain database is converted in place)."""
    path = keyring_path(db_path)
    if path.exists():
        raise AccountError("本设备已有账户，请直接登录")
    if is_encrypted(db_path):
        raise AccountError(f"数据库 {db_path} 已加密，但找不到它的密钥文件 {path}")
    check_secret(secret)
    keyring = Keyring.new(path)
    data_key = new_data_key()
    account = keyring.add(name, "supervisor", secret, data_key, now)
    if db_path.exists() and db_path.stat().st_size:
        encrypt_file(db_path, data_key)
    # The key file last: if encryption fails, the next start still sees a first run.
    keyring.save()
    return SignedIn(account, data_key)


def sign_in(db_path: Path, name: str, secret: str, now: datetime) -> SignedIn:
    """Unwrap the data key with `secret`; a failure is counted (and may lock the account)."""
    keyring = Keyring.load(keyring_path(db_path))
    try:
        account, key = keyring.unwrap(name, secret, now)
    except KeyringError:
        keyring.save()  # the failure count
        raise
    keyring.save()
    return SignedIn(account, key)


def accounts(db_path: Path) -> list[Account]:
    return list(Keyring.load(keyring_path(db_path)).accounts)


def _as_supervisor(by: SignedIn) -> None:
    if not by.is_supervisor:
        raise AccountError("只有管理员可以管理账户")


def add_account(
    db_path: Path, by: SignedIn, name: str, role: str, secret: str, now: datetime
) -> Account:
    _as_supervisor(by)
    check_secret(secret)
    keyring = Keyring.load(keyring_path(db_path))
    account = keyring.add(name, role, secret, by.data_key, now)
    keyring.save()
    return account


def change_secret(db_path: Path, name: str, old: str, new: str, now: datetime) -> Account:
    check_secret(new)
    if old == new:
        raise AccountError("新密码不能与原密码相同")
    keyring = Keyring.load(keyring_path(db_path))
    try:
        account = keyring.change_secret(name, old, new, now)
    finally:
        keyring.save()
    return account


def reset_secret(db_path: Path, by: SignedIn, name: str, new: str) -> Account:
    _as_supervisor(by)
    check_secret(new)
    keyring = Keyring.load(keyring_path(db_path))
    account = keyring.reset_secret(name, new, by.data_key)
    keyring.save()
    return account


def unlock_account(db_path: Path, by: SignedIn, name: str) -> Account:
    _as_supervisor(by)
    keyring = Keyring.load(keyring_path(db_path))
    account = keyring.unlock(name)
    keyring.save()
    return account


def disable_account(db_path: Path, by: SignedIn, name: str, disabled: bool = True) -> Account:
    _as_supervisor(by)
    if disabled and by.name == name:
        raise AccountError("不能停用自己正在使用的账户")
    keyring = Keyring.load(keyring_path(db_path))
    account = keyring.set_disabled(name, disabled)
    keyring.save()
    return account


def approve(db_path: Path, name: str, secret: str, now: datetime) -> Account:
    """A supervisor's name and secret, checked (for a large void or a desk unlock)."""
    signed = sign_in(db_path, name, secret, now)
    if not signed.is_supervisor:
        raise AccountError(f"“{signed.name}”不是管理员，不能批准")
    return signed.account
