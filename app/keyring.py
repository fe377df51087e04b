"""The key file beside the database: agent accounts, each wrapping the one data key."""

# The local database is encrypted with a random data key (db/cipher.py). The data key is never
# stored in the clear: each account keeps a copy wrapped (AES-256-GCM) under a key derived from
# its password or PIN with Argon2id, a memory-hard hash. So:
# - signing in is unwrapping: a wrong secret fails the GCM tag, nothing else is compared;
# - changing a password re-wraps 32 bytes, never re-encrypts the database;
# - several agents share one device, each with their own secret;
# - the account's name, role and the key file's id are the wrap's associated data: editing a
#   role in the file makes that account unusable rather than promoting it.
# Lockout counters live here too, because they must work before the database can be opened.

from __future__ import annotations

import base64
import json
import secrets
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.files import write_atomic
from db.cipher import keys_beside

FORMAT = "village-collect-keyring"
VERSION = 1
DATA_KEY_BYTES = 32
ROLES = {"agent": "代收员", "supervisor": "管理员"}

# Argon2id: 64 MiB and 3 passes cost ~0.2 s on a 2-core laptop (bench: unlock <= 1 s) and make
# each offline guess cost as much; two lanes use both cores.
KDF_MEMORY_KIB = 64 * 1024
KDF_ITERATIONS = 3
KDF_LANES = 2

MAX_FAILURES = 5  # consecutive wrong secrets before the account locks ...
LOCKOUT = timedelta(minutes=15)  # ... for this long, or until a supervisor unlocks it


class KeyringError(Exception):
    """A key file or an account request the app cannot use; str() is the Chinese message."""


class WrongSecret(KeyringError):
    """The name or the password/PIN is wrong (one message for both: no account probing)."""


class LockedOut(KeyringError):
    """Too many wrong secrets: the account is locked until `until`."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def keyring_path(db_path: Path) -> Path:
    return keys_beside(db_path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise_name(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def _secret_bytes(secret: str) -> bytes:
    # NFC: the same password typed through different input methods gives the same bytes.
    return unicodedata.normalize("NFC", secret).encode("utf-8")


@dataclass(frozen=True)
class Account:
    """One agent or supervisor: the wrapped data key and the lockout state."""

    name: str
    role: str
    salt: str
    nonce: str
    wrapped: str
    created_at: str
    kdf: dict[str, int] = field(default_factory=dict)
    failures: int = 0
    locked_until: str | None = None
    disabled: bool = False

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def _aad(keyring_id: str, name: str, role: str) -> bytes:
    return json.dumps([FORMAT, keyring_id, name, role], ensure_ascii=False).encode("utf-8")


def _derive(secret: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=kdf["iterations"],
        lanes=kdf["lanes"],
        memory_cost=kdf["memory_kib"],
    ).derive(_secret_bytes(secret))


def _default_kdf() -> dict[str, int]:
    return {"iterations": KDF_ITERATIONS, "lanes": KDF_LANES, "memory_kib": KDF_MEMORY_KIB}


@dataclass
class Keyring:
    """The accounts of one database. Load with `load`, change, then `save` (atomic)."""

    path: Path
    keyring_id: str
    accounts: list[Account]

    @classmethod
    def new(cls, path: Path) -> Keyring:
        return cls(path, str(uuid.uuid4()), [])

    @classmethod
    def load(cls, path: Path) -> Keyring:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyringError(f"找不到密钥文件：{path}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KeyringError(f"密钥文件已损坏，无法读取：{path}（{exc}）") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise KeyringError(f"{path} 不是本程序的密钥文件")
        if raw.get("version") != VERSION:
            raise KeyringError(f"密钥文件 {path} 由更新版本的程序创建，请升级本程序")
        try:
            accounts = [Account(**a) for a in raw["accounts"]]
            return cls(path, str(raw["keyring_id"]), accounts)
        except (KeyError, TypeError) as exc:
            raise KeyringError(f"密钥文件已损坏，无法读取：{path}（{exc}）") from None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "keyring_id": self.keyring_id,
            "accounts": [asdict(a) for a in self.accounts],
        }

    def save(self) -> None:
        """Write the file atomically: a crash leaves the old file or the new one, never half."""
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
        write_atomic(self.path, text.encode("utf-8"))

    # --- accounts ----------------------------------------------------------------------------

    def find(self, name: str) -> Account | None:
        name = normalise_name(name)
        return next((a for a in self.accounts if a.name == name), None)

    def _replace(self, account: Account) -> None:
        self.accounts = [account if a.name == account.name else a for a in self.accounts]

    def add(self, name: str, role: str, secret: str, data_key: bytes, now: datetime) -> Account:
        """A new account wrapping `data_key` under `secret` (the caller checked the secret)."""
        name = normalise_name(name)
        if not name:
            raise KeyringError("请填写账户名")
        if len(name) > 32:
            raise KeyringError("账户名最多 32 个字")
        if role not in ROLES:
            raise KeyringError(f"角色只能是：{'、'.join(ROLES)}")
        if self.find(name) is not None:
            raise KeyringError(f"账户“{name}”已存在")
        account = self._wrap(name, role, secret, data_key, now.isoformat(timespec="seconds"))
        self.accounts.append(account)
        return account

    def _wrap(self, name: str, role: str, secret: str, data_key: bytes, created: str) -> Account:
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kdf = _default_kdf()
        wrapped = AESGCM(_derive(secret, salt, kdf)).encrypt(
            nonce, data_key, _aad(self.keyring_id, name, role)
        )
        return Account(name, role, _b64(salt), _b64(nonce), _b64(wrapped), created, kdf)

    def unwrap(self, name: str, secret: str, now: datetime) -> tuple[Account, bytes]:
        """The account and the data key, when `secret` is right. Counts failures: the caller
        saves the key file afterwards either way."""
        account = self.find(name)
        if account is None or account.disabled:
            raise WrongSecret("账户名或密码不对")
        if account.locked_until is not None:
            until = datetime.fromisoformat(account.locked_until)
            if now < until:
                raise LockedOut(
                    f"账户“{account.name}”因多次输错密码已锁定，请于 {until:%H:%M} 后再试，"
                    "或请管理员解锁",
                    until,
                )
        try:
            key = AESGCM(_derive(secret, _unb64(account.salt), account.kdf)).decrypt(
                _unb64(account.nonce),
                _unb64(account.wrapped),
                _aad(self.keyring_id, account.name, account.role),
            )
        except (InvalidTag, ValueError, KeyError):
            failures = account.failures + 1
            if failures >= MAX_FAILURES:
                until = now + LOCKOUT
                self._replace(replace(account, failures=0, locked_until=until.isoformat()))
                raise LockedOut(
                    f"连续 {MAX_FAILURES} 次输错密码，账户“{account.name}”已锁定 "
                    f"{LOCKOUT.seconds // 60} 分钟，或请管理员解锁",
                    until,
                ) from None
            self._replace(replace(account, failures=failures, locked_until=None))
            left = MAX_FAILURES - failures
            raise WrongSecret(f"账户名或密码不对（再错 {left} 次将锁定）") from None
        if account.failures or account.locked_until:
            account = replace(account, failures=0, locked_until=None)
            self._replace(account)
        return account, key

    def change_secret(self, name: str, old: str, new: str, now: datetime) -> Account:
        """Re-wrap the data key under a new secret; the database is not touched."""
        account, key = self.unwrap(name, old, now)
        fresh = self._wrap(account.name, account.role, new, key, account.created_at)
        self._replace(fresh)
        return fresh

    def reset_secret(self, name: str, new: str, data_key: bytes) -> Account:
        """A supervisor sets a forgotten secret (the caller holds the data key by signing in)."""
        account = self._existing(name)
        fresh = self._wrap(account.name, account.role, new, data_key, account.created_at)
        self._replace(fresh)
        return fresh

    def unlock(self, name: str) -> Account:
        """A supervisor clears a lockout."""
        account = replace(self._existing(name), failures=0, locked_until=None)
        self._replace(account)
        return account

    def set_disabled(self, name: str, disabled: bool) -> Account:
        account = self._existing(name)
        if disabled and account.is_supervisor and self._active_supervisors() <= 1:
            raise KeyringError("不能停用最后一个管理员账户")
        account = replace(account, disabled=disabled)
        self._replace(account)
        return account

    def _active_supervisors(self) -> int:
        return sum(1 for a in self.accounts if a.is_supervisor and not a.disabled)

    def _existing(self, name: str) -> Account:
        account = self.find(name)
        if account is None:
            raise KeyringError(f"没有账户“{normalise_name(name)}”")
        return account


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)
