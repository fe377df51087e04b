"""Backups: encrypted, rotated, verified; restored into a fresh install or over a damaged one."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app import accounts
from app.audit import verify_books
from app.backup import (
    DATABASE,
    KEYS,
    MANIFEST,
    BackupError,
    backup_files,
    backup_folder,
    create_backup,
    latest_good_backup,
    list_backups,
    read_manifest,
    restore_backup,
    set_backup_folder,
    unlock_backup,
    verify_backup,
)
from app.collection import RecordedPayment, quote_household, record_payment
from app.health import CHECKED_KEY, DatabaseDamaged, check_database
from app.receipt_numbers import parse_receipt_no
from app.settings import get_setting
from app.workspace import Workspace, open_workspace
from db.cipher import is_encrypted, keys_beside
from db.database import open_database
from db.models import Device, Household, LedgerEvent, Payment, Person

NOW = datetime(2024, 10, 15, 9, 0)
PAID_ON = date(2023, 10, 15)
BOSS = "张主任"
SECRET = "lengshi-2024"


@pytest.fixture
def encrypted(demo_db_path: Path, cheap_kdf: None) -> tuple[Path, bytes]:
    """The demo database encrypted, with its first account: (path, data key)."""
    signed = accounts.create_first_account(demo_db_path, BOSS, SECRET, NOW)
    return demo_db_path, signed.data_key


def pay(workspace: Workspace) -> RecordedPayment:
    """Pay for the due members of the first household that has any left."""
    policy = workspace.policy()
    with workspace.db.sessions() as session:
        for hid in session.scalars(select(Household.id).order_by(Household.id)):
            due = [q.person_id for q in quote_household(session, hid, policy, PAID_ON) if q.payable]
            if due:
                break
    return record_payment(workspace.db, policy, hid, due, method="cash", paid_on=PAID_ON)


def pay_in(path: Path, key: bytes | None, count: int = 1) -> list[RecordedPayment]:
    workspace = open_workspace(path, key=key)
    try:
        return [pay(workspace) for _ in range(count)]
    finally:
        workspace.close()


def known_values(path: Path, count: int = 50) -> list[bytes]:
    """Full ID numbers, phones and three-character names of people in a plain database."""
    workspace = open_workspace(path)
    try:
        with workspace.db.sessions() as session:
            people = session.scalars(select(Person).where(Person.phone != "").limit(count)).all()
            values = []
            for person in people:
                values += [person.id_number.encode(), person.phone.encode()]
                if len(person.name) >= 3:  # two characters occur by chance in random bytes
                    values.append(person.name.encode())
    finally:
        workspace.close()
    assert values
    return values


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def small_database(path: Path) -> Path:
    """An empty migrated database: a device of its own, cheap to back up many times."""
    open_database(path, create=True).close()
    return path


# --- creating -----------------------------------------------------------------------------


def test_an_encrypted_backup_holds_no_name_id_number_or_phone(
    demo_db_path: Path, cheap_kdf: None, tmp_path: Path
) -> None:
    values = known_values(demo_db_path)
    assert [v for v in values if v in demo_db_path.read_bytes()]  # the check can see
    key = accounts.create_first_account(demo_db_path, BOSS, SECRET, NOW).data_key
    pay_in(demo_db_path, key)  # a payment still in the WAL: the copy must include it

    path = create_backup(demo_db_path, tmp_path / "usb", key=key)

    data = path.read_bytes()
    assert [v for v in values if v in data] == []
    manifest = read_manifest(path)
    assert manifest.encrypted and not manifest.note
    assert manifest.last_receipt_seq == 1 and manifest.ledger_seq == 1
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [MANIFEST, DATABASE, KEYS]
        inner = archive.read(DATABASE)
        assert archive.read(KEYS) == keys_beside(demo_db_path).read_bytes()
    assert not inner.startswith(b"SQLite format 3")
    assert [v for v in values if v in inner] == []
    # Nothing decrypted was left behind beside the database or in the backup folder.
    for folder in (demo_db_path.parent, path.parent):
        for leftover in folder.rglob("*"):
            if leftover.is_file():
                assert [v for v in values if v in leftover.read_bytes()] == [], leftover
    report = verify_backup(path, key)
    assert report.database_checked and report.events == 1


def test_a_plain_training_database_gives_a_plain_backup_that_says_so(
    demo_db_path: Path, tmp_path: Path
) -> None:
    path = create_backup(demo_db_path, tmp_path / "usb")
    manifest = read_manifest(path)
    assert not manifest.encrypted and "未加密" in manifest.note
    assert manifest.keyring_id is None and KEYS not in manifest.members
    assert manifest.device_id in path.name and path.suffix == ".vcbak"
    assert path.stat().st_size < demo_db_path.stat().st_size / 2  # deflated
    assert verify_backup(path).database_checked  # a plain backup is checked without a key


def test_an_encrypted_database_is_not_backed_up_without_its_key(
    encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, _key = encrypted
    with pytest.raises(BackupError, match="请登录"):
        create_backup(path, tmp_path / "usb")
    with pytest.raises(BackupError, match="密钥与数据库不匹配"):
        create_backup(path, tmp_path / "usb", key=bytes(32))
    assert not (tmp_path / "usb").exists() or not any((tmp_path / "usb").iterdir())


def test_rotation_keeps_the_newest_14_of_this_device_only(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    other = create_backup(small_database(tmp_path / "other.db"), folder, now=NOW - timedelta(1))
    db = small_database(tmp_path / "mine.db")
    made = [create_backup(db, folder, now=NOW + timedelta(hours=n)) for n in range(16)]
    device = read_manifest(made[-1]).device_id
    kept = backup_files(folder, device)
    assert kept == made[:1:-1]  # the newest 14, newest first; the first two are gone
    assert not made[0].exists() and not made[1].exists()
    assert other.exists()  # another device's backups are not ours to delete
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in [*kept, other])
    # Two backups in the same second get two names.
    again = create_backup(db, folder, now=NOW + timedelta(hours=15))
    assert again != made[-1] and again.exists() and made[-1].exists()


def test_the_backup_folder_setting_and_its_default(demo_db_path: Path, tmp_path: Path) -> None:
    db = open_database(demo_db_path)
    try:
        assert backup_folder(db) == demo_db_path.parent / "backups"
        with pytest.raises(BackupError, match="U盘是否已插好"):
            set_backup_folder(db, tmp_path / "no-such-stick")
        usb = tmp_path / "usb"
        usb.mkdir()
        assert set_backup_folder(db, usb) == usb
        assert backup_folder(db) == usb
        path = create_backup(db)
        assert path.parent == usb
        assert set_backup_folder(db, None) == demo_db_path.parent / "backups"
    finally:
        db.close()


def test_an_unplugged_usb_folder_is_a_clear_message(demo_db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="U盘是否已插好"):
        create_backup(demo_db_path, tmp_path / "unplugged" / "vcollect")
    assert not (tmp_path / "unplugged").exists()  # not made on the laptop's own disk


# --- verifying ----------------------------------------------------------------------------


@pytest.fixture
def backup_of(encrypted: tuple[Path, bytes], tmp_path: Path) -> Path:
    path, key = encrypted
    pay_in(path, key, 2)
    return create_backup(path, tmp_path / "usb", key=key)


def test_verify_catches_a_truncated_file_a_flipped_byte_and_a_stranger(
    backup_of: Path, encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    _db, key = encrypted
    assert verify_backup(backup_of, key).events == 2
    data = backup_of.read_bytes()

    truncated = tmp_path / "truncated.vcbak"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = tmp_path / "flipped.vcbak"
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    empty = tmp_path / "empty.vcbak"
    empty.write_bytes(b"")
    for bad in (truncated, flipped, empty):
        with pytest.raises(BackupError, match="已损坏"):
            verify_backup(bad)
        with pytest.raises(BackupError, match="已损坏"):
            verify_backup(bad, key)

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(5000))
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    for stranger in (photo, other_zip):
        with pytest.raises(BackupError, match="不是本程序的备份文件"):
            verify_backup(stranger)
    with pytest.raises(BackupError, match="找不到备份文件"):
        verify_backup(tmp_path / "missing.vcbak")


def test_a_manifest_that_does_not_match_its_database_is_caught(
    backup_of: Path, encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    _db, key = encrypted
    # Someone rewrites the manifest (hashes and all) to claim more receipts than there are.
    with zipfile.ZipFile(backup_of) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        members = {name: archive.read(name) for name in (DATABASE, KEYS)}
    manifest["last_receipt_seq"] = 9
    forged = tmp_path / "forged.vcbak"
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr(MANIFEST, json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    assert verify_backup(forged).database_checked is False  # the files themselves are intact
    with pytest.raises(BackupError, match="清单与其中的数据库不符"):
        verify_backup(forged, key)


def test_a_wrong_password_or_key_is_a_clear_message(
    backup_of: Path, encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    _db, key = encrypted
    assert unlock_backup(backup_of, BOSS, SECRET, NOW) == key
    with pytest.raises(BackupError, match="账户名或密码不对"):
        unlock_backup(backup_of, BOSS, "wrong-secret", NOW)
    with pytest.raises(BackupError, match="账户名或密码不对"):
        unlock_backup(backup_of, "王五", SECRET, NOW)
    with pytest.raises(BackupError, match="密钥不对"):
        verify_backup(backup_of, bytes(32))
    fresh = tmp_path / "fresh" / "village-collect.db"
    with pytest.raises(BackupError, match="账户名或密码不对"):
        restore_backup(backup_of, fresh, account=BOSS, secret="wrong-secret", now=NOW)
    with pytest.raises(BackupError, match="密钥不对"):
        restore_backup(backup_of, fresh, key=bytes(32))
    with pytest.raises(BackupError, match="已加密"):
        restore_backup(backup_of, fresh)
    assert list(fresh.parent.iterdir()) == []  # nothing half-restored is left behind


def test_latest_good_backup_skips_a_damaged_newer_one(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    folder = path.parent / "usb"
    good = create_backup(path, folder, key=key, now=NOW)
    newer = create_backup(path, folder, key=key, now=NOW + timedelta(hours=1))
    device = read_manifest(good).device_id
    assert latest_good_backup(folder, device, key) == newer
    newer.write_bytes(newer.read_bytes()[:-100])
    assert latest_good_backup(folder, device, key) == good
    assert latest_good_backup(folder, "DOTHERDEV1") is None
    entries = list_backups(folder)
    assert [e.ok for e in entries] == [False, True] and "已损坏" in entries[0].problem


# --- restoring ----------------------------------------------------------------------------


def test_a_fresh_install_continues_the_receipts_and_the_ledger(
    backup_of: Path, encrypted: tuple[Path, bytes], tmp_path: Path
) -> None:
    _db, key = encrypted
    manifest = read_manifest(backup_of)
    assert manifest.last_receipt_seq == 2 and manifest.ledger_seq == 2
    fresh = tmp_path / "new-laptop" / "village-collect.db"

    report = restore_backup(backup_of, fresh, account=BOSS, secret=SECRET, now=NOW)

    assert report.previous is None and report.events == 2
    assert is_encrypted(fresh) and keys_beside(fresh).exists()
    # The same passwords unlock the new install, and they give the same data key.
    signed = accounts.sign_in(fresh, BOSS, SECRET, NOW)
    assert signed.data_key == key
    assert check_database(fresh, signed.data_key).ok
    workspace = open_workspace(fresh, key=signed.data_key)
    try:
        paid = pay(workspace)
        prefix, seq = parse_receipt_no(paid.receipt_no)
        assert (prefix, seq) == (manifest.receipt_prefix, manifest.last_receipt_seq + 1)
        with workspace.db.sessions() as session:
            assert session.scalar(select(Device.id)) == manifest.device_id
            events = session.scalars(select(LedgerEvent).order_by(LedgerEvent.seq)).all()
            assert [e.seq for e in events] == [1, 2, 3]  # no gap
            assert events[-1].prev_hash == manifest.ledger_hash  # no fork
            assert session.scalar(select(Payment.seq).where(Payment.seq == 3)) == 3
            books = verify_books(session)
        assert books.valid and books.events == 3
    finally:
        workspace.close()


def test_a_plain_backup_restores_without_a_password(demo_db_path: Path, tmp_path: Path) -> None:
    pay_in(demo_db_path, None)
    path = create_backup(demo_db_path, tmp_path / "usb")
    fresh = tmp_path / "fresh" / "training.db"
    report = restore_backup(path, fresh)
    assert report.manifest.last_receipt_seq == 1
    assert not is_encrypted(fresh) and not keys_beside(fresh).exists()
    assert pay_in(fresh, None)[0].receipt_no.split("-")[1] == "0000002"


def test_a_backup_of_another_device_is_refused_over_an_existing_database(
    encrypted: tuple[Path, bytes], demo_template: Path, tmp_path: Path
) -> None:
    path, key = encrypted
    other_db = tmp_path / "other" / "demo.db"
    other_db.parent.mkdir()
    shutil.copyfile(demo_template, other_db)
    pay_in(other_db, None)
    theirs = create_backup(other_db, tmp_path / "usb")
    # Before its first receipt the database has no identity: still not the backup's device.
    with pytest.raises(BackupError, match="另一台设备"):
        restore_backup(theirs, path, current_key=key, replace=True)
    pay_in(path, key)
    before = files_of(path.parent)
    for replace in (False, True):
        with pytest.raises(BackupError, match="另一台设备"):
            restore_backup(theirs, path, current_key=key, replace=replace)
    assert files_of(path.parent) == before
    # Into a fresh folder on this laptop it is fine: that is a new install.
    restore_backup(theirs, tmp_path / "second" / "demo.db")


def test_same_device_needs_replace_and_keeps_the_replaced_file(
    backup_of: Path, encrypted: tuple[Path, bytes]
) -> None:
    path, key = encrypted
    with pytest.raises(BackupError, match="--replace"):
        restore_backup(backup_of, path, account=BOSS, secret=SECRET)
    current = path.read_bytes()
    report = restore_backup(backup_of, path, account=BOSS, secret=SECRET, replace=True, now=NOW)
    assert report.previous is not None and report.previous.name.startswith(
        f"{path.name}.before-restore-"
    )
    assert report.previous.read_bytes() == current
    assert accounts.sign_in(path, BOSS, SECRET, NOW).data_key == key
    assert pay_in(path, key)[0].receipt_no.split("-")[1] == "0000003"


def test_a_healthy_newer_database_is_not_rolled_back(
    backup_of: Path, encrypted: tuple[Path, bytes]
) -> None:
    path, key = encrypted
    pay_in(path, key, 1)  # a third receipt after the backup
    before = files_of(path.parent)
    with pytest.raises(BackupError, match="比备份（第 2 号）新"):
        restore_backup(backup_of, path, account=BOSS, secret=SECRET, replace=True)
    assert files_of(path.parent) == before


# --- the start-up check -------------------------------------------------------------------


def test_the_check_verifies_only_the_new_events(demo_db_path: Path) -> None:
    pay_in(demo_db_path, None, 2)
    first = check_database(demo_db_path)
    assert first.ok and first.events_checked == 2 and first.ledger_seq == 2
    assert first.quick_check == "ok"
    again = check_database(demo_db_path)
    assert again.ok and again.events_checked == 0
    pay_in(demo_db_path, None, 1)
    db = open_database(demo_db_path)
    try:
        report = check_database(db)  # also on an open database
        assert report.ok and report.events_checked == 1 and report.ledger_seq == 3
        with db.sessions() as session:
            last = session.scalars(select(LedgerEvent).where(LedgerEvent.seq == 3)).one()
            assert get_setting(session, CHECKED_KEY) == f"3:{last.hash}"
    finally:
        db.close()


def tamper(path: Path, sql: str) -> None:
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER IF EXISTS ledger_event_no_update")
    raw.execute(sql)
    raw.commit()
    raw.close()


def test_a_changed_event_is_named(demo_db_path: Path) -> None:
    pay_in(demo_db_path, None, 2)
    assert check_database(demo_db_path).ok
    pay_in(demo_db_path, None, 1)
    # A new event changed before the next start: the chain from the last check finds it.
    tamper(demo_db_path, "UPDATE ledger_event SET body = body || ' ' WHERE seq = 3")
    report = check_database(demo_db_path)
    assert not report.ok and report.events_checked == 1
    assert "第3号事件（payment）内容与其哈希不符" in report.message
    # An event checked before, changed with its hash recomputed: the remembered hash differs.
    tamper(demo_db_path, "UPDATE ledger_event SET hash = hex(randomblob(32)) WHERE seq = 2")
    report = check_database(demo_db_path)
    assert not report.ok
    assert "第 2 号事件与上次检查时不同" in report.message


def test_a_database_swapped_for_an_older_copy_is_noticed(
    demo_db_path: Path, tmp_path: Path
) -> None:
    pay_in(demo_db_path, None, 1)
    assert check_database(demo_db_path).ok
    older = tmp_path / "older.db"
    shutil.copyfile(demo_db_path, older)
    pay_in(demo_db_path, None, 1)
    assert check_database(demo_db_path).ok
    for suffix in ("-wal", "-shm"):
        Path(f"{demo_db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(older, demo_db_path)
    report = check_database(demo_db_path)
    assert not report.ok and "较旧的副本" in report.message


def test_garbage_in_place_of_the_database_is_found_and_a_failed_restore_leaves_it(
    encrypted: tuple[Path, bytes], demo_template: Path, tmp_path: Path
) -> None:
    path, key = encrypted
    pay_in(path, key, 2)
    good = create_backup(path, key=key, now=NOW)  # into the default folder beside it
    assert check_database(path, key).ok
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    report = check_database(path, key)
    assert not report.ok and report.latest_backup == good
    assert "数据库文件无法读取" in report.message and good.name in report.message
    with pytest.raises(DatabaseDamaged, match=good.name):
        report.raise_if_damaged()

    keys = keys_beside(path).read_bytes()
    data = good.read_bytes()
    broken = tmp_path / "broken.vcbak"
    broken.write_bytes(data[: len(data) - 4096])
    other_db = tmp_path / "other" / "demo.db"
    other_db.parent.mkdir()
    shutil.copyfile(demo_template, other_db)
    theirs = create_backup(other_db, tmp_path / "usb")
    for bad, message in ((broken, "已损坏"), (theirs, "另一台设备")):
        with pytest.raises(BackupError, match=message):
            restore_backup(bad, path, account=BOSS, secret=SECRET, replace=True)
        assert path.read_bytes() == garbage and keys_beside(path).read_bytes() == keys
        assert not list(path.parent.glob("*.before-restore-*"))

    restored = restore_backup(good, path, account=BOSS, secret=SECRET, replace=True, now=NOW)
    assert restored.previous is not None and restored.previous.read_bytes() == garbage
    assert check_database(path, key).ok
    assert pay_in(path, key)[0].receipt_no.split("-")[1] == "0000003"


def test_a_damaged_plain_database_of_unknown_device_is_not_overwritten(
    demo_db_path: Path, tmp_path: Path
) -> None:
    backup = create_backup(demo_db_path, tmp_path / "usb")
    Path(f"{demo_db_path}{'.backup.json'}").unlink()  # nothing says whose the file was
    demo_db_path.write_bytes(b"\x07" * 8192)
    report = check_database(demo_db_path)
    assert not report.ok and report.latest_backup is None and "联系技术支持" in report.message
    with pytest.raises(BackupError, match="无法确认它属于哪台设备"):
        restore_backup(backup, demo_db_path, replace=True)
    assert demo_db_path.read_bytes() == b"\x07" * 8192
