"""Start-up check: SQLite's quick_check and the ledger's continuity since the last good check."""

# Each start verifies only the events written since the last check: the (seq, hash) of the
# last event checked is kept in a setting, that event must still be there with that hash (a
# database swapped for an older copy, or a rewritten history, fails here), and the events
# after it must chain on and carry valid signatures. A full check of a season's ledger is
# left to `vcollect ledger verify` and to each backup's verification.

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.backup import (
    BACKUP_FOLDER_KEY,
    CHECKED_STATE,
    BackupError,
    Manifest,
    backup_state,
    known_backup_folder,
    latest_good_backup,
    read_manifest,
    update_state,
)
from app.keyring import Keyring, KeyringError
from app.ledger import verify_chain
from app.settings import get_setting, set_setting
from db.cipher import keys_beside
from db.database import Database
from db.engine import make_engine, writing
from db.models import Device, LedgerEvent

log = logging.getLogger(__name__)

CHECKED_KEY = "health_checked_event"  # "seq:hash" of the last ledger event checked


class DatabaseDamaged(Exception):
    """The start-up check failed; str() is the Chinese message (naming the latest backup)."""

    def __init__(self, report: HealthReport) -> None:
        super().__init__(report.message)
        self.report = report


@dataclass(frozen=True)
class HealthReport:
    path: Path | None
    ok: bool
    quick_check: str  # "ok", or SQLite's first complaints
    events_checked: int  # ledger events verified by this check (only the new ones)
    ledger_seq: int  # the ledger's last event
    problems: tuple[str, ...] = ()
    latest_backup: Path | None = None  # when damaged: the newest backup that verifies
    backup_manifest: Manifest | None = None
    seconds: float = 0.0

    @property
    def message(self) -> str:
        if self.ok:
            return (
                f"数据库检查通过：账本共 {self.ledger_seq} 条，本次核对新增 "
                f"{self.events_checked} 条（用时 {self.seconds:.2f} 秒）"
            )
        text = "数据库已损坏：" + "；".join(self.problems)
        if self.latest_backup is not None:
            described = f"（{self.backup_manifest.describe()}）" if self.backup_manifest else ""
            text += f"。最近的完好备份：{self.latest_backup}{described}，可用它恢复"
        else:
            text += "。没有找到完好的备份：请不要删除数据库文件，并联系技术支持"
        return text

    def raise_if_damaged(self) -> None:
        if not self.ok:
            raise DatabaseDamaged(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path) if self.path else None,
            "ok": self.ok,
            "quick_check": self.quick_check,
            "events_checked": self.events_checked,
            "ledger_seq": self.ledger_seq,
            "problems": list(self.problems),
            "latest_backup": str(self.latest_backup) if self.latest_backup else None,
            "seconds": round(self.seconds, 3),
            "message": self.message,
        }


def _unreadable(key: bytes | None) -> tuple[type[Exception], ...]:
    errors: tuple[type[Exception], ...] = (SQLAlchemyError, sqlite3.Error)
    if key is not None:
        from db.cipher import dbapi

        errors += (dbapi().Error,)
    return errors


def _anchor(value: str | None) -> tuple[int, str] | None:
    if not value or ":" not in value:
        return None
    seq, _, digest = value.partition(":")
    return (int(seq), digest) if seq.isdigit() and digest else None


@dataclass
class _Findings:
    quick_check: str = "未检查"
    events_checked: int = 0
    ledger_seq: int = 0
    device_id: str | None = None
    backup_folder: str | None = None


def _check(engine: Engine, problems: list[str], found: _Findings, path: Path | None) -> None:
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check")]
        tables = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
    found.quick_check = "ok" if rows == ["ok"] else "；".join(rows[:5])
    if rows != ["ok"]:
        problems.append(f"完整性检查未通过（{found.quick_check}）")
    if not {"setting", "device", "ledger_event"} <= tables:
        return  # a database from before the ledger (it is migrated after this check)
    with Session(engine) as session:
        found.device_id = session.scalar(select(Device.id).limit(1))
        found.backup_folder = get_setting(session, BACKUP_FOLDER_KEY)
        head = session.execute(
            select(LedgerEvent.seq, LedgerEvent.hash).order_by(LedgerEvent.seq.desc()).limit(1)
        ).first()
        found.ledger_seq = head.seq if head else 0
        anchor = _anchor(get_setting(session, CHECKED_KEY))
        if path is not None:
            _check_not_rolled_back(session, path, found, anchor, problems)
        if anchor is not None:
            stored = session.scalar(select(LedgerEvent.hash).where(LedgerEvent.seq == anchor[0]))
            if stored is None:
                problems.append(
                    f"账本缺少第 {anchor[0]} 号事件（上次检查时还在）：数据库可能被换成了旧副本"
                )
            elif stored != anchor[1]:
                problems.append(f"账本第 {anchor[0]} 号事件与上次检查时不同：账本被改动过")
            if stored != anchor[1]:
                anchor = None  # look at the whole chain, to name the first bad event
        keys = {d.id: d.public_key for d in session.scalars(select(Device))}
        chain = verify_chain(session, keys, after=anchor)
    found.events_checked = chain.events
    if not chain.valid:
        problems.append(chain.problem)
    if problems or head is None:
        return
    if anchor is None or anchor[0] != head.seq:
        with writing(engine) as session:
            set_setting(session, CHECKED_KEY, f"{head.seq}:{head.hash}")
    if path is not None and found.device_id is not None:
        note_checked(path, found.device_id, head.seq, head.hash)


def note_checked(path: Path, device_id: str, seq: int, digest: str) -> None:
    """Remember outside the database how far its ledger was checked (restore_backup resets
    it to the backup's head)."""
    state = backup_state(path).get(CHECKED_STATE)
    if state != {"device_id": device_id, "seq": seq, "hash": digest}:
        update_state(path, **{CHECKED_STATE: {"device_id": device_id, "seq": seq, "hash": digest}})


def _check_not_rolled_back(
    session: Session,
    path: Path,
    found: _Findings,
    anchor: tuple[int, str] | None,
    problems: list[str],
) -> None:
    # The setting travels inside the file, so a file swapped for an older copy of itself
    # brings an older setting along; the note beside the file does not. Only a file of the
    # same device is compared: another device's database there is a new install, not a swap.
    noted = backup_state(path).get(CHECKED_STATE)
    if not isinstance(noted, dict) or noted.get("device_id") != found.device_id:
        return
    seq, digest = noted.get("seq"), noted.get("hash")
    if not isinstance(seq, int) or seq < 1 or (anchor is not None and seq <= anchor[0]):
        return  # nothing the setting inside the file does not already vouch for
    stored = session.scalar(select(LedgerEvent.hash).where(LedgerEvent.seq == seq))
    if stored is None:
        problems.append(
            f"数据库被换成了较旧的副本：上次检查时账本已到第 {seq} 号事件，现在只到第 "
            f"{found.ledger_seq} 号"
        )
    elif stored != digest:
        problems.append(f"账本第 {seq} 号事件与上次检查时不同：数据库被替换或改动过")


def check_database(
    db: Database | Path | str,
    key: bytes | None = None,
    *,
    backup_folder: Path | None = None,
) -> HealthReport:
    """Check the database (an open Database, or a path with its data key: before opening it,
    so a damaged file is caught before the migrations touch it): PRAGMA quick_check, then the
    ledger from the last checked event on. When damaged, the report names the latest backup
    of this device that verifies. Never raises for damage: see HealthReport.raise_if_damaged."""
    start = time.perf_counter()
    engine: Engine | None = None
    if isinstance(db, Database):
        path, engine, own = db.path, db.engine, False
    else:
        path, own = Path(db), True
        if key is None and keys_beside(path).exists():
            raise ValueError("an encrypted database is checked with its data key")
    problems: list[str] = []
    found = _Findings()
    try:
        if path is not None and not path.is_file():
            problems.append(f"数据库文件不存在：{path}")
        else:
            if engine is None:
                engine = make_engine(path if path is not None else ":memory:", key)
            _check(engine, problems, found, path)
    except _unreadable(key) as exc:
        log.warning("database check failed on %s", path, exc_info=True)
        problems.append(f"数据库文件无法读取（文件已损坏，或已被其他文件替换）：{exc}")
    finally:
        if own and engine is not None:
            engine.dispose()
    latest, manifest = None, None
    if problems and path is not None:
        latest, manifest = _latest_backup(path, backup_folder, found)
    report = HealthReport(
        path=path,
        ok=not problems,
        quick_check=found.quick_check,
        events_checked=found.events_checked,
        ledger_seq=found.ledger_seq,
        problems=tuple(problems),
        latest_backup=latest,
        backup_manifest=manifest,
        seconds=time.perf_counter() - start,
    )
    log.info("database check %s: %s", path, report.message)
    return report


def _latest_backup(
    path: Path, folder: Path | None, found: _Findings
) -> tuple[Path | None, Manifest | None]:
    """Where this device's backups are and whose they are, read from the database when it
    still can be, else from what the last backup noted beside it, else the key file."""
    state = backup_state(path)
    device = found.device_id or state.get("device_id")
    folders = [folder] if folder else []
    if found.backup_folder:
        folders.append(Path(found.backup_folder))
    folders.append(known_backup_folder(path))
    keyring_id = None
    if device is None and keys_beside(path).exists():
        try:
            keyring_id = Keyring.load(keys_beside(path)).keyring_id
        except KeyringError:
            keyring_id = None
    best: tuple[Path | None, Manifest | None] = (None, None)
    for candidate in dict.fromkeys(folders):  # in order, each folder once
        latest = latest_good_backup(candidate, device, keyring_id=keyring_id)
        if latest is None:
            continue
        try:
            manifest = read_manifest(latest)
        except BackupError:
            continue
        if best[1] is None or manifest.created_at > best[1].created_at:
            best = (latest, manifest)
    return best
