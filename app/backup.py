"""Backups: one file with the database, its key file and a manifest; verified, rotated, restored."""

# A backup is a zip (`<local time>-<device id>.vcbak`) with three members:
# - manifest.json first (so a damaged file is still recognisable as ours by its first bytes):
#   what the backup is, whose it is, how far its receipts and ledger go, and the sha256 of
#   every other member;
# - database.sqlite: a consistent copy of the live database (db.cipher.copy_database: the
#   backup API, WAL included), encrypted with the same data key as the source. It is stored,
#   not deflated: SQLCipher pages are random bytes and would not shrink. A plain training
#   database gives a plain backup, deflated, and the manifest says so;
# - keys.json: the key file as it was, so a fresh install can be unlocked with the passwords
#   of that day. It holds only wrapped keys (Argon2id + AES-GCM), no personal data.
# Writes go to a temporary name and are renamed when complete and read back, so a crash or a
# pulled USB stick never leaves half a backup under a backup's name. Restores work on a copy
# beside the database and replace it with one rename at the end: the current data are never
# left half-written, and the replaced file is kept (its receipts after the backup may be
# needed).

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app import __version__
from app.audit import verify_books
from app.files import sync_directory, write_atomic
from app.keyring import Keyring, KeyringError, WrongSecret
from app.keys import ensure_device
from app.ledger import GENESIS
from app.paths import default_backup_folder
from app.settings import get_setting, set_setting
from db.cipher import CipherError, check_key, connect, copy_database, is_encrypted, keys_beside
from db.database import Database
from db.engine import DatabaseError, make_engine, writing
from db.migrate import upgrade

if TYPE_CHECKING:
    from app.workspace import Workspace

log = logging.getLogger(__name__)

FORMAT = "village-collect-backup"
VERSION = 1
SUFFIX = ".vcbak"
MANIFEST = "manifest.json"
DATABASE = "database.sqlite"
KEYS = "keys.json"
KEEP = 14  # backups of one device kept in a folder (the issue: "keep the last 14")
BACKUP_FOLDER_KEY = "backup_folder"
STATE_SUFFIX = ".backup.json"  # beside the database: where its backups go, and whose they are
CHECKED_STATE = "checked"  # in that file: how far app.health last checked the ledger
_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = 30  # bytes of a zip local header before the member's name
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be made, read or restored; str() is the Chinese message."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: whose it is, how far it goes, and each member's sha256."""

    created_at: str  # UTC ISO time
    app_version: str
    device_id: str
    receipt_prefix: str
    last_receipt_seq: int
    ledger_seq: int
    ledger_hash: str
    encrypted: bool
    keyring_id: str | None  # the key file's id: the same install (and data key) when equal
    schema_revision: str | None
    members: dict[str, dict[str, Any]]  # name -> {"sha256": hex, "size": bytes}
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "device_id": self.device_id,
            "receipt_prefix": self.receipt_prefix,
            "last_receipt_seq": self.last_receipt_seq,
            "ledger_head": {"seq": self.ledger_seq, "hash": self.ledger_hash},
            "encrypted": self.encrypted,
            "keyring_id": self.keyring_id,
            "schema_revision": self.schema_revision,
            "members": self.members,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, raw: Any, path: Path) -> Manifest:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BackupError(f"{path} 不是本程序的备份文件")
        version = raw.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise BackupError(f"备份 {path.name} 由更新版本的程序创建，请升级本程序后再使用")
        try:
            head = raw["ledger_head"]
            members = raw["members"]
            manifest = cls(
                created_at=str(raw["created_at"]),
                app_version=str(raw["app_version"]),
                device_id=str(raw["device_id"]),
                receipt_prefix=str(raw["receipt_prefix"]),
                last_receipt_seq=int(raw["last_receipt_seq"]),
                ledger_seq=int(head["seq"]),
                ledger_hash=str(head["hash"]),
                encrypted=bool(raw["encrypted"]),
                keyring_id=raw.get("keyring_id"),
                schema_revision=raw.get("schema_revision"),
                members={
                    str(name): {"sha256": str(m["sha256"]), "size": int(m["size"])}
                    for name, m in members.items()
                },
                note=str(raw.get("note", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BackupError(f"备份 {path.name} 的清单已损坏") from None
        if DATABASE not in manifest.members:
            raise BackupError(f"备份 {path.name} 的清单已损坏（没有数据库）")
        return manifest

    @property
    def created(self) -> datetime:
        """The creation time in local time (for messages)."""
        try:
            return datetime.fromisoformat(self.created_at).astimezone()
        except ValueError:
            return datetime.fromtimestamp(0, UTC)

    def describe(self) -> str:
        kind = "已加密" if self.encrypted else "未加密（培训数据）"
        return (
            f"设备 {self.device_id}，{self.created:%Y-%m-%d %H:%M}，"
            f"收据至第 {self.last_receipt_seq} 号，账本至第 {self.ledger_seq} 号事件，{kind}"
        )


@dataclass(frozen=True)
class BackupReport:
    """A backup that passed verify_backup: its manifest and how deeply it was checked."""

    path: Path
    manifest: Manifest
    size: int
    database_checked: bool  # opened, integrity_check, ledger and receipts verified
    events: int | None = None

    def summary(self) -> str:
        text = f"备份完好：{self.path.name}（{self.manifest.describe()}）"
        if not self.database_checked:
            text += "。只核对了文件的完整性；数据库内容需用备份中的账户和密码才能检查"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "database_checked": self.database_checked,
            "events": self.events,
            "manifest": self.manifest.to_json(),
        }


@dataclass(frozen=True)
class BackupEntry:
    """One file in a backup folder: its manifest when readable, and why not when it is not."""

    path: Path
    size: int
    manifest: Manifest | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not self.problem


@dataclass(frozen=True)
class RestoreReport:
    backup: Path
    database: Path
    manifest: Manifest
    previous: Path | None  # the replaced database, kept as <db>.before-restore-<stamp>.bak
    lost_events: int = 0  # events the replaced (damaged) database had beyond the backup
    events: int = 0

    def summary(self) -> str:
        text = (
            f"已从备份 {self.backup.name} 恢复到 {self.database}（{self.manifest.describe()}）。"
            f"下一张收据为第 {self.manifest.last_receipt_seq + 1} 号"
        )
        if self.previous is not None:
            text += f"。原数据库已保留为 {self.previous.name}"
        if self.lost_events:
            text += (
                f"。注意：原数据库比备份多 {self.lost_events} 条账本记录（备份之后的收款等），"
                "请勿删除原数据库文件，并联系技术支持找回"
            )
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "backup": str(self.backup),
            "database": str(self.database),
            "previous": str(self.previous) if self.previous else None,
            "lost_events": self.lost_events,
            "events": self.events,
            "next_receipt_seq": self.manifest.last_receipt_seq + 1,
            "manifest": self.manifest.to_json(),
        }


# --- the backup folder setting and the state file beside the database ----------------------


def backup_folder(db: Database) -> Path:
    """The configured backup folder (`backup_folder` setting), else `backups` beside the DB."""
    if db.path is None:
        raise BackupError("内存数据库不能备份")
    with db.sessions() as session:
        value = get_setting(session, BACKUP_FOLDER_KEY)
    return Path(value) if value else default_backup_folder(db.path)


def set_backup_folder(db: Database, folder: Path | str | None) -> Path:
    """Store the backup folder (None: back to the default); the folder must exist."""
    if db.path is None:
        raise BackupError("内存数据库不能备份")
    value = None
    if folder is not None and str(folder).strip():
        path = Path(folder).expanduser().absolute()
        if not path.is_dir():
            raise BackupError(f"备份文件夹不存在：{path}（U盘是否已插好？）")
        value = str(path)
    with db.sessions.begin() as session:
        set_setting(session, BACKUP_FOLDER_KEY, value)
    chosen = Path(value) if value else default_backup_folder(db.path)
    update_state(db.path, folder=str(chosen))
    return chosen


def state_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + STATE_SUFFIX)


def backup_state(db_path: Path) -> dict[str, Any]:
    """What the last backup recorded beside the database (readable when the database is not):
    device_id, folder, last_backup, created_at. Empty when there is none."""
    try:
        value = json.loads(state_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def known_backup_folder(db_path: Path) -> Path:
    """The backup folder as known without opening the database (state file, else default)."""
    folder = backup_state(db_path).get("folder")
    return Path(folder) if isinstance(folder, str) and folder else default_backup_folder(db_path)


def update_state(db_path: Path, **values: Any) -> None:
    """Merge `values` into the note beside the database (written atomically)."""
    state = backup_state(db_path)
    state.update(values)
    try:
        text = json.dumps(state, ensure_ascii=False, indent=1)
        write_atomic(state_path(db_path), text.encode("utf-8"))
    except OSError:  # a hint for later, never a reason to fail a backup
        log.warning("cannot write %s", state_path(db_path), exc_info=True)


# --- creating -----------------------------------------------------------------------------


def _db_errors(key: bytes | None) -> tuple[type[Exception], ...]:
    errors: tuple[type[Exception], ...] = (sqlite3.Error, SQLAlchemyError)
    if key is not None:
        from db.cipher import dbapi

        errors += (dbapi().Error,)
    return errors


@dataclass(frozen=True)
class _Facts:
    device_id: str | None
    receipt_prefix: str
    last_receipt_seq: int
    ledger_seq: int
    ledger_hash: str
    schema_revision: str | None
    backup_folder: str | None


def _tables(conn: Any) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _read_facts(conn: Any) -> _Facts:
    """Device, receipts and ledger head of an open DB-API connection."""
    tables = _tables(conn)
    device = (
        conn.execute("SELECT id, receipt_prefix FROM device LIMIT 1").fetchone()
        if "device" in tables
        else None
    )
    last_receipt = (
        conn.execute("SELECT max(seq) FROM payment").fetchone()[0] if "payment" in tables else None
    )
    head = (
        conn.execute("SELECT seq, hash FROM ledger_event ORDER BY seq DESC LIMIT 1").fetchone()
        if "ledger_event" in tables
        else None
    )
    revision = (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if "alembic_version" in tables
        else None
    )
    folder = (
        conn.execute("SELECT value FROM setting WHERE key = ?", (BACKUP_FOLDER_KEY,)).fetchone()
        if "setting" in tables
        else None
    )
    return _Facts(
        device_id=device[0] if device else None,
        receipt_prefix=device[1] if device else "",
        last_receipt_seq=int(last_receipt or 0),
        ledger_seq=int(head[0]) if head else 0,
        ledger_hash=str(head[1]) if head else GENESIS,
        schema_revision=revision[0] if revision else None,
        backup_folder=folder[0] if folder else None,
    )


def _source_path(source: Path | str | Database | Workspace) -> tuple[Path, Database | None]:
    if isinstance(source, Path | str):
        return Path(source), None
    db = source if isinstance(source, Database) else source.db
    if db.path is None:
        raise BackupError("内存数据库不能备份")
    return db.path, db


def _ensure_device(db_path: Path, key: bytes | None, db: Database | None) -> None:
    """A backup names its device: a database that never issued a receipt gets its identity
    now (the same key pair it would get at its first payment)."""
    conn = connect(db_path, key)
    try:
        tables = _tables(conn)
        if "device" not in tables or conn.execute("SELECT 1 FROM device").fetchone():
            return
    finally:
        conn.close()
    engine = db.engine if db is not None else make_engine(db_path, key)
    try:
        with writing(engine) as session:
            ensure_device(session)
    finally:
        if db is None:
            engine.dispose()


def create_backup(
    source: Path | str | Database | Workspace,
    folder: Path | str | None = None,
    *,
    key: bytes | None = None,
    keep: int = KEEP,
    now: datetime | None = None,
) -> Path:
    """Back up the database (a path, an open Database or Workspace) into `folder` (default:
    the `backup_folder` setting, else `backups` beside the database); keep the newest `keep`
    backups of this device there. `key` is the data key of an encrypted database (a
    Workspace's signed-in key by default)."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    db_path, db = _source_path(source)
    signed = getattr(source, "signed", None)  # a Workspace knows who signed in
    if key is None and signed is not None:
        key = signed.data_key
    if not db_path.is_file():
        raise BackupError(f"数据库文件不存在：{db_path}")
    encrypted = is_encrypted(db_path)
    if encrypted and key is None:
        raise BackupError("数据库已加密，请登录后再备份")
    key = key if encrypted else None
    moment = (now or datetime.now()).astimezone()
    unreadable: tuple[type[Exception], ...] = (*_db_errors(key), DatabaseError)
    work = Path(tempfile.mkdtemp(prefix=f".{db_path.name}.backup-", dir=db_path.parent))
    try:
        copy = work / DATABASE
        try:
            if key is not None:
                check_key(db_path, key)
            _ensure_device(db_path, key, db)
            copy_database(db_path, copy, key)
            facts = _prepare_copy(copy, key)
        except CipherError:
            raise BackupError("密钥与数据库不匹配，无法备份") from None
        except unreadable as exc:
            raise BackupError(
                f"无法读取数据库，没有备份：{exc}。请运行数据库检查，必要时从备份恢复"
            ) from None
        assert facts.device_id is not None
        target = _target_folder(db_path, folder, facts)
        keys_file = keys_beside(db_path)
        keys = keys_file.read_bytes() if keys_file.exists() else None
        members = {DATABASE: _digest_file(copy)}
        if keys is not None:
            members[KEYS] = {"sha256": hashlib.sha256(keys).hexdigest(), "size": len(keys)}
        manifest = Manifest(
            created_at=moment.astimezone(UTC).isoformat(timespec="seconds"),
            app_version=__version__,
            device_id=facts.device_id,
            receipt_prefix=facts.receipt_prefix,
            last_receipt_seq=facts.last_receipt_seq,
            ledger_seq=facts.ledger_seq,
            ledger_hash=facts.ledger_hash,
            encrypted=encrypted,
            keyring_id=_keyring_id(keys),
            schema_revision=facts.schema_revision,
            members=members,
            note="" if encrypted else "培训用未加密数据库：本备份也未加密，含个人信息，请妥善保管",
        )
        path = _write_archive(target, moment, manifest, copy, keys)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    removed = rotate(target, manifest.device_id, keep)
    log.info("backup %s written; removed %s", path, [p.name for p in removed])
    update_state(
        db_path,
        device_id=manifest.device_id,
        folder=str(target),
        last_backup=str(path),
        created_at=manifest.created_at,
    )
    return path


def _prepare_copy(copy: Path, key: bytes | None) -> _Facts:
    """Check the copy and make it one self-contained file (no WAL to carry along)."""
    conn = connect(copy, key)
    try:
        result = [r[0] for r in conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            # A damaged copy must not rotate good backups away.
            raise BackupError(
                "数据库完整性检查未通过，没有备份（以免挤掉完好的旧备份）："
                + "；".join(map(str, result[:3]))
            )
        conn.execute("PRAGMA journal_mode = DELETE")
        facts = _read_facts(conn)
    finally:
        conn.close()
    if facts.device_id is None:
        raise BackupError("数据库中没有本设备的记录，无法备份")
    return facts


def _target_folder(db_path: Path, folder: Path | str | None, facts: _Facts) -> Path:
    chosen = folder or facts.backup_folder
    if not chosen:
        target = default_backup_folder(db_path)
        target.mkdir(parents=True, exist_ok=True)
        return target
    target = Path(chosen).expanduser()
    # Only the last level is made: a missing parent is an unplugged USB stick, and making it
    # would put the "USB" backups on the laptop's own disk.
    if not target.parent.is_dir():
        raise BackupError(f"备份文件夹不可用：{target}（U盘是否已插好？）")
    try:
        target.mkdir(exist_ok=True)
    except OSError as exc:
        raise BackupError(f"备份文件夹不可用：{target}（{exc.strerror}）") from None
    return target


def _keyring_id(keys: bytes | None) -> str | None:
    if keys is None:
        return None
    try:
        value = json.loads(keys.decode("utf-8")).get("keyring_id")
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None


def _digest_file(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def backup_name(moment: datetime, device_id: str) -> str:
    return f"{moment:%Y%m%d-%H%M%S}-{device_id}{SUFFIX}"


def _write_archive(
    folder: Path, moment: datetime, manifest: Manifest, copy: Path, keys: bytes | None
) -> Path:
    while (folder / backup_name(moment, manifest.device_id)).exists():
        moment += timedelta(seconds=1)  # two backups in one second (day close, then exit)
    path = folder / backup_name(moment, manifest.device_id)
    partial = folder / f".{path.name}.{secrets.token_hex(4)}.partial"
    text = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1)
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            archive.writestr(MANIFEST, text, compress_type=zipfile.ZIP_DEFLATED)
            archive.write(
                copy,
                DATABASE,
                compress_type=zipfile.ZIP_STORED if manifest.encrypted else zipfile.ZIP_DEFLATED,
                compresslevel=1,  # a plain training database: most of the gain, little time
            )
            if keys is not None:
                archive.writestr(KEYS, keys, compress_type=zipfile.ZIP_DEFLATED)
        with open(partial, "rb+") as file:
            os.fsync(file.fileno())
        _verify_archive(partial)  # read back before it may replace anything
        os.replace(partial, path)
        sync_directory(folder)
    except OSError as exc:
        raise BackupError(f"写入备份失败：{path}（{exc.strerror or exc}）") from None
    finally:
        partial.unlink(missing_ok=True)
    return path


def _pattern(device_id: str | None) -> re.Pattern[str]:
    device = re.escape(device_id) if device_id else r"[0-9A-Za-z]+"
    return re.compile(rf"\d{{8}}-\d{{6}}-({device}){re.escape(SUFFIX)}")


def backup_files(folder: Path, device_id: str | None = None) -> list[Path]:
    """The backups in `folder` (of one device when given), newest first (by their names)."""
    if not folder.is_dir():
        return []
    pattern = _pattern(device_id)
    found = [p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file()]
    # The name starts with the time: sorting by "time-device" alone would mix devices.
    return sorted(found, key=lambda p: p.name[:15], reverse=True)


def rotate(folder: Path, device_id: str, keep: int = KEEP) -> list[Path]:
    """Delete this device's backups beyond the newest `keep`; the deleted paths."""
    removed = []
    for old in backup_files(folder, device_id)[keep:]:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            log.warning("cannot remove old backup %s", old, exc_info=True)
    return removed


# --- reading and verifying ----------------------------------------------------------------


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """The zip and its manifest; BackupError for a missing, truncated or foreign file."""
    try:
        with open(path, "rb") as file:
            head = file.read(_LOCAL_HEADER + len(MANIFEST))
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件：{path}") from None
    except IsADirectoryError:
        raise BackupError(f"{path} 是一个文件夹，不是备份文件") from None
    except OSError as exc:
        raise BackupError(f"无法读取备份文件：{path}（{exc.strerror}）") from None
    ours = head[:4] == _ZIP_MAGIC and head[_LOCAL_HEADER:] == MANIFEST.encode()
    damaged = f"备份文件不完整或已损坏：{path.name}（可能没有写完，或U盘出错），请换用其他备份"
    if not head and path.suffix == SUFFIX:
        raise BackupError(damaged)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BackupError(damaged if ours else f"{path.name} 不是本程序的备份文件") from None
    with archive:
        try:
            raw = json.loads(archive.read(MANIFEST).decode("utf-8"))
        except KeyError:
            raise BackupError(damaged if ours else f"{path.name} 不是本程序的备份文件") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
            raise BackupError(damaged) from None
        manifest = Manifest.from_json(raw, path)
        names = set(archive.namelist()) - {MANIFEST}
        if names != set(manifest.members):
            raise BackupError(damaged)
        yield archive, manifest


def read_manifest(path: Path | str) -> Manifest:
    """The manifest of a backup (no member is read): BackupError when it is not one."""
    with _open_archive(Path(path)) as (_archive, manifest):
        return manifest


def _copy_member(
    archive: zipfile.ZipFile, manifest: Manifest, name: str, out: IO[bytes] | None, path: Path
) -> None:
    """Stream a member (to `out` when given), checking its size and sha256 against the
    manifest; the zip's own CRC is checked on the way."""
    expected = manifest.members[name]
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise BackupError(
            f"备份文件已损坏：{path.name} 中的 {name} 读取失败（{exc}），请换用其他备份"
        ) from None
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            f"备份文件已损坏：{path.name} 中的 {name} 校验值不符（文件被改动或U盘出错），"
            "请换用其他备份"
        )


def _read_member(archive: zipfile.ZipFile, manifest: Manifest, name: str, path: Path) -> bytes:
    out = io.BytesIO()  # the key file: a few kilobytes
    _copy_member(archive, manifest, name, out, path)
    return out.getvalue()


def _extract_database(
    archive: zipfile.ZipFile, manifest: Manifest, path: Path, target: Path
) -> None:
    with open(target, "wb") as out:
        _copy_member(archive, manifest, DATABASE, out, path)
        out.flush()
        os.fsync(out.fileno())
    if is_encrypted(target) != manifest.encrypted:
        raise BackupError(f"备份文件 {path.name} 的清单与其中的数据库不符")


def _verify_archive(path: Path) -> Manifest:
    with _open_archive(path) as (archive, manifest):
        for name in manifest.members:
            _copy_member(archive, manifest, name, None, path)
        return manifest


def _check_database_file(db_file: Path, key: bytes | None, manifest: Manifest, name: str) -> int:
    """Open the extracted database: key, integrity_check, the manifest's facts, then (on the
    current schema) the ledger chain and every receipt against its signed event. The events."""
    key = key if manifest.encrypted else None
    if key is not None:
        try:
            check_key(db_file, key)
        except CipherError:
            raise BackupError(
                f"密钥不对：备份 {name} 不能用这个账户的密钥打开（账户或密码不是这个备份的）"
            ) from None
    try:
        conn = connect(db_file, key)
        try:
            result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            facts = _read_facts(conn)
        finally:
            conn.close()
    except _db_errors(key) as exc:
        raise BackupError(f"备份 {name} 中的数据库已损坏：{exc}") from None
    if result != ["ok"]:
        raise BackupError(f"备份 {name} 中的数据库已损坏：{'；'.join(result[:3])}")
    if (facts.device_id, facts.ledger_seq, facts.ledger_hash, facts.last_receipt_seq) != (
        manifest.device_id,
        manifest.ledger_seq,
        manifest.ledger_hash,
        manifest.last_receipt_seq,
    ):
        raise BackupError(f"备份 {name} 的清单与其中的数据库不符")
    engine = make_engine(db_file, key)
    try:
        try:
            upgrade(engine, None, key)  # an older backup: checked (and restored) on today's schema
        except DatabaseError:
            raise BackupError(
                f"备份 {name} 由更新版本的程序创建（数据库版本 {facts.schema_revision}），"
                "请升级本程序后再使用"
            ) from None
        with Session(engine) as session:
            books = verify_books(session)
        if not books.valid:
            raise BackupError(f"备份 {name} 中的账本校验未通过：{books.problem}")
        with engine.connect() as conn:  # one file again: the WAL folded back in
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except SQLAlchemyError as exc:
        raise BackupError(f"备份 {name} 中的数据库已损坏：{exc}") from None
    finally:
        engine.dispose()
    return books.events


def verify_backup(path: Path | str, key: bytes | None = None) -> BackupReport:
    """Check a backup: structure, manifest, every member's sha256; and, for a plain backup or
    with the data key, the database itself (integrity_check, ledger chain, receipts).
    BackupError (Chinese) for anything wrong."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="vcollect-verify-") as work:
        with _open_archive(path) as (archive, manifest):
            for name in manifest.members:
                if name != DATABASE:
                    _copy_member(archive, manifest, name, None, path)
            deep = key is not None or not manifest.encrypted
            db_file = Path(work) / DATABASE
            if deep:
                _extract_database(archive, manifest, path, db_file)
            else:
                _copy_member(archive, manifest, DATABASE, None, path)
        events = _check_database_file(db_file, key, manifest, path.name) if deep else None
    return BackupReport(path, manifest, path.stat().st_size, deep, events)


def unlock_backup(
    path: Path | str, name: str, secret: str, now: datetime | None = None
) -> bytes | None:
    """The data key of a backup, unwrapped from the key file inside it with an account's
    password of the day of the backup; None for an unencrypted backup."""
    path = Path(path)
    with _open_archive(path) as (archive, manifest):
        if not manifest.encrypted:
            return None
        if KEYS not in manifest.members:
            raise BackupError(f"备份 {path.name} 中没有密钥文件，无法用密码解锁")
        keys = _read_member(archive, manifest, KEYS, path)
    return _unwrap(keys, name, secret, now, path)


def _unwrap(keys: bytes, name: str, secret: str, now: datetime | None, path: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="vcollect-keys-") as work:
        file = Path(work) / "backup.keys"
        file.write_bytes(keys)
        try:
            # The backup's copy counts the failures, not the device's key file.
            _account, data_key = Keyring.load(file).unwrap(name, secret, now or datetime.now())
        except WrongSecret:
            raise BackupError(
                f"账户名或密码不对：备份 {path.name} 中没有这个账户，或密码不是备份时的密码"
            ) from None
        except KeyringError as exc:
            raise BackupError(f"备份 {path.name} 中的密钥文件无法使用：{exc}") from None
    return data_key


def list_backups(
    folder: Path, device_id: str | None = None, *, check: bool = True
) -> list[BackupEntry]:
    """The backups in `folder`, newest first; with `check`, each file's hashes verified."""
    entries = []
    for path in backup_files(folder, device_id):
        size = path.stat().st_size
        try:
            manifest = _verify_archive(path) if check else read_manifest(path)
            entries.append(BackupEntry(path, size, manifest))
        except BackupError as exc:
            entries.append(BackupEntry(path, size, None, str(exc)))
    return entries


def latest_good_backup(
    folder: Path,
    device_id: str | None,
    key: bytes | None = None,
    *,
    keyring_id: str | None = None,
) -> Path | None:
    """The newest backup of the device (or, when its id is unknown, of the key file
    `keyring_id`) in `folder` that passes verify_backup (deeply with `key`); None if none."""
    if device_id is None and keyring_id is None:
        return None
    for path in backup_files(folder, device_id):
        try:
            if device_id is None and read_manifest(path).keyring_id != keyring_id:
                continue
            verify_backup(path, key)
        except BackupError as exc:
            log.warning("backup %s is not usable: %s", path, exc)
            continue
        return path
    return None


# --- restoring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Current:
    """What can be read of the database a restore would replace."""

    readable: bool
    healthy: bool = False
    device_id: str | None = None
    ledger_seq: int | None = None
    ledger_hash: str | None = None


def _has_database(db_path: Path) -> bool:
    return db_path.is_file() and db_path.stat().st_size > 0


def _inspect(db_path: Path, keys: list[bytes | None]) -> _Current:
    """Read the current database with the first key that opens it (plain: no key)."""
    candidates: list[bytes | None] = [None] if not is_encrypted(db_path) else []
    candidates += [k for k in keys if k is not None]
    for key in candidates:
        try:
            conn = connect(db_path, key)
            try:
                quick = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
                facts = _read_facts(conn)
            finally:
                conn.close()
        except _db_errors(key):
            continue
        return _Current(
            readable=True,
            healthy=quick == ["ok"],
            device_id=facts.device_id,
            ledger_seq=facts.ledger_seq,
            ledger_hash=facts.ledger_hash,
        )
    return _Current(readable=False)


def _file_keyring_id(path: Path) -> str | None:
    try:
        return Keyring.load(path).keyring_id
    except KeyringError:
        return None


def _check_same_device(db_path: Path, manifest: Manifest, current: _Current) -> None:
    device = current.device_id
    if device is None and not current.readable:
        # A damaged file: what the last backup noted beside it, else the key file's identity.
        state = backup_state(db_path).get("device_id")
        device = state if isinstance(state, str) else None
        if device is None and manifest.keyring_id is not None:
            keyring = _file_keyring_id(keys_beside(db_path))
            if keyring == manifest.keyring_id:
                device = manifest.device_id
        if device is None:
            raise BackupError(
                f"现有数据库 {db_path} 无法读取，也无法确认它属于哪台设备，不能用备份覆盖。"
                "请把它移到别处保存（不要删除），再按新安装恢复"
            )
    if device is None or device != manifest.device_id:
        # Also a database that never had an identity (a roster imported, no receipt yet): it
        # is not the device of the backup, and its data would be lost.
        raise BackupError(
            f"这是另一台设备（{manifest.device_id}）的备份，不能覆盖本设备"
            f"（{device or '尚未收款'}）的数据库。每台设备只能恢复自己的备份；在这台电脑上恢复，"
            "请先把现有数据库移到别处保存，或指定一个还没有数据库的位置"
        )


def _check_not_newer(manifest: Manifest, current: _Current) -> None:
    if not (current.readable and current.healthy and current.ledger_seq is not None):
        return
    if current.ledger_seq > manifest.ledger_seq:
        raise BackupError(
            f"现有数据库完好，且账本已到第 {current.ledger_seq} 号事件，比备份（第 "
            f"{manifest.ledger_seq} 号）新：恢复会丢失之后的收款并重复使用收据号，已拒绝"
        )


def _restore_key(
    manifest: Manifest,
    keys: bytes | None,
    extracted: Path,
    path: Path,
    key: bytes | None,
    account: str | None,
    secret: str | None,
    current_key: bytes | None,
    now: datetime | None,
) -> bytes | None:
    if not manifest.encrypted:
        return None
    if key is not None:
        return key
    if account is not None and secret is not None:
        if keys is None:
            raise BackupError(f"备份 {path.name} 中没有密钥文件，无法用密码解锁")
        try:
            return _unwrap(keys, account, secret, now, path)
        except BackupError:
            # An account added after the backup: the device's current key may still open it.
            if current_key is not None and _opens(extracted, current_key):
                return current_key
            raise
    if current_key is not None:
        return current_key
    raise BackupError(f"备份 {path.name} 已加密：请给出备份中的账户名和密码")


def _opens(db_file: Path, key: bytes) -> bool:
    try:
        check_key(db_file, key)
    except CipherError:
        return False
    return True


def restore_backup(
    path: Path | str,
    db_path: Path | str,
    *,
    key: bytes | None = None,
    account: str | None = None,
    secret: str | None = None,
    current_key: bytes | None = None,
    replace: bool = False,
    now: datetime | None = None,
) -> RestoreReport:
    """Restore a backup to `db_path`: a fresh install (no database there), or with `replace`
    over this same device's database (kept as `<db>.before-restore-<stamp>.bak`).

    An encrypted backup is opened with `key`, or with `account`/`secret` of an account in the
    backup's key file; `current_key` (the signed-in data key) helps read the database being
    replaced. The backup is extracted beside the database, verified, and renamed into place
    last: a failed restore leaves the current files as they were."""
    path, db_path = Path(path), Path(db_path)
    existing = _has_database(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{db_path.name}.restore-", dir=db_path.parent))
    try:
        extracted = work / db_path.name
        with _open_archive(path) as (archive, manifest):
            keys = _read_member(archive, manifest, KEYS, path) if KEYS in manifest.members else None
            _extract_database(archive, manifest, path, extracted)
        data_key = _restore_key(
            manifest, keys, extracted, path, key, account, secret, current_key, now
        )
        current = _Current(readable=False)
        if existing:
            current = _inspect(db_path, [current_key, data_key])
            _check_same_device(db_path, manifest, current)
            if not replace:
                raise BackupError(
                    f"{db_path} 已有数据库。确需用备份覆盖本设备的数据库，请加 --replace"
                    "（原数据库会保留为 .before-restore 文件）"
                )
            _check_not_newer(manifest, current)
        if keys is None and keys_beside(db_path).exists() and existing:
            raise BackupError("这是加密之前的备份（未加密），不能恢复到已加密的设备上")
        events = _check_database_file(extracted, data_key, manifest, path.name)
        previous = _install(extracted, keys, manifest, db_path, existing, now)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # How far the ledger was checked now starts from the backup's head: the start-up check
    # must not take the restore for a swap to an older copy.
    checked = {"device_id": manifest.device_id, "seq": manifest.ledger_seq}
    checked["hash"] = manifest.ledger_hash
    update_state(
        db_path, device_id=manifest.device_id, restored_from=str(path), **{CHECKED_STATE: checked}
    )
    lost = 0
    if current.ledger_seq is not None and current.ledger_seq > manifest.ledger_seq:
        lost = current.ledger_seq - manifest.ledger_seq
    return RestoreReport(path, db_path, manifest, previous, lost, events)


def _install(
    extracted: Path,
    keys: bytes | None,
    manifest: Manifest,
    db_path: Path,
    existing: bool,
    now: datetime | None,
) -> Path | None:
    """Move the current files aside, put the key file and then the database in place; on any
    failure, put everything back."""
    stamp = f"{(now or datetime.now()).astimezone(UTC):%Y%m%dT%H%M%S}"
    previous = db_path.with_name(f"{db_path.name}.before-restore-{stamp}.bak")
    moved: list[tuple[Path, Path]] = []
    keys_file = keys_beside(db_path)
    wrote_keys = False
    try:
        # The WAL and journal belong to the file being replaced: left beside the restored
        # database, SQLite would replay them into it.
        for suffix in ("", "-wal", "-journal"):
            source = Path(f"{db_path}{suffix}")
            if source.exists():
                target = Path(f"{previous}{suffix}")
                os.replace(source, target)
                moved.append((source, target))
        Path(f"{db_path}-shm").unlink(missing_ok=True)  # an index of the WAL, rebuilt on open
        same_keys = keys_file.exists() and _file_keyring_id(keys_file) == manifest.keyring_id
        if keys is not None and not same_keys:
            # Another (or a damaged) key file goes with the file it belonged to.
            if keys_file.exists():
                aside = keys_beside(previous)
                os.replace(keys_file, aside)
                moved.append((keys_file, aside))
            write_atomic(keys_file, keys)
            wrote_keys = True
        elif keys is None and keys_file.exists():
            aside = keys_beside(previous)  # a leftover key file of a database that is gone
            os.replace(keys_file, aside)
            moved.append((keys_file, aside))
        os.replace(extracted, db_path)
        sync_directory(db_path.parent)
    except BaseException:
        if wrote_keys:
            keys_file.unlink(missing_ok=True)
        for source, target in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(target, source)
        raise
    return previous if existing else None
