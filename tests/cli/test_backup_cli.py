"""vcollect backup: create, list, verify, restore (fresh install and --replace), the folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from db.cipher import is_encrypted, keys_beside
from tests.cli.cli_runner import run

BOSS = "张主任"
SECRET = "lengshi-2024"


@pytest.fixture
def signed_up(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    cheap_kdf: None,
) -> Path:  # fmt: skip
    """The demo database encrypted by `vcollect account init`; the account in the env."""
    monkeypatch.setenv("VCOLLECT_NEW_PASSWORD", SECRET)
    code, _out, err = run(capsys, "--db", str(demo_db_path), "account", "init", BOSS)
    assert code == 0, err
    monkeypatch.delenv("VCOLLECT_NEW_PASSWORD")
    monkeypatch.setenv("VCOLLECT_USER", BOSS)
    monkeypatch.setenv("VCOLLECT_PASSWORD", SECRET)
    return demo_db_path


def created(capsys: pytest.CaptureFixture[str], db: Path, *more: str) -> Path:
    code, out, err = run(capsys, "--db", str(db), "backup", "create", "--json", *more)
    assert code == 0, err
    return Path(json.loads(out)["path"])


def test_create_list_and_verify(
    signed_up: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", str(signed_up)]
    code, out, err = run(capsys, *db, "backup", "create")
    assert code == 0, err
    assert "已备份到" in out and "已加密" in out
    path = created(capsys, signed_up)
    assert path.parent == signed_up.parent / "backups"

    code, out, err = run(capsys, *db, "backup", "list", "--json")
    assert code == 0, err
    listing = json.loads(out)
    assert len(listing["backups"]) == 2
    assert all(b["ok"] and b["this_device"] for b in listing["backups"])
    assert listing["backups"][0]["path"] == str(path)

    code, out, err = run(capsys, *db, "backup", "verify", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["database_checked"] and report["manifest"]["encrypted"]
    monkeypatch.delenv("VCOLLECT_USER")  # without an account: the files only
    code, out, err = run(capsys, *db, "backup", "verify", str(path))
    assert code == 0, err
    assert "备份完好" in out and "只核对了文件的完整性" in out


def test_a_damaged_or_foreign_file_is_a_clear_message(
    signed_up: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = created(capsys, signed_up)
    data = path.read_bytes()
    truncated = tmp_path / "truncated.vcbak"
    truncated.write_bytes(data[: len(data) // 3])
    notes = tmp_path / "notes.txt"
    notes.write_text("收款记录", encoding="utf-8")
    for file, message in ((truncated, "不完整或已损坏"), (notes, "不是本程序的备份文件")):
        for command in ("verify", "restore"):
            code, out, err = run(
                capsys, "--db", str(tmp_path / "x.db"), "backup", command, str(file)
            )
            assert code == 1 and message in err and not out
            assert "Traceback" not in err
    assert not (tmp_path / "x.db").exists()


def test_restore_into_a_fresh_install_then_collect(
    signed_up: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    path = created(capsys, signed_up)
    fresh = tmp_path / "new-laptop" / "village-collect.db"
    monkeypatch.setenv("VCOLLECT_PASSWORD", "wrong-secret")
    code, _out, err = run(capsys, "--db", str(fresh), "backup", "restore", str(path))
    assert code == 1 and "账户名或密码不对" in err
    assert not fresh.exists()
    monkeypatch.delenv("VCOLLECT_USER")
    code, _out, err = run(capsys, "--db", str(fresh), "backup", "restore", str(path))
    assert code == 1 and "--user" in err

    monkeypatch.setenv("VCOLLECT_USER", BOSS)
    monkeypatch.setenv("VCOLLECT_PASSWORD", SECRET)
    code, out, err = run(capsys, "--db", str(fresh), "backup", "restore", str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["next_receipt_seq"] == 1 and report["previous"] is None
    assert is_encrypted(fresh) and keys_beside(fresh).exists()
    code, out, err = run(capsys, "--db", str(fresh), "roster", "stats")
    assert code == 0, err
    assert "人数 37288" in out
    # A second restore over it needs --replace; with it, the replaced file is kept.
    code, _out, err = run(capsys, "--db", str(fresh), "backup", "restore", str(path))
    assert code == 1 and "--replace" in err
    code, out, err = run(
        capsys, "--db", str(fresh), "backup", "restore", str(path), "--replace", "--json"
    )
    assert code == 0, err
    assert Path(json.loads(out)["previous"]).exists()


def test_another_devices_backup_is_refused(
    signed_up: Path, demo_template: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other" / "demo.db"
    other.parent.mkdir()
    shutil.copyfile(demo_template, other)
    theirs = created(capsys, other)
    before = signed_up.read_bytes()
    code, _out, err = run(
        capsys, "--db", str(signed_up), "backup", "restore", str(theirs), "--replace"
    )
    assert code == 1 and "另一台设备" in err
    assert signed_up.read_bytes() == before


def test_the_backup_folder_setting(
    signed_up: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--db", str(signed_up)]
    code, out, _err = run(capsys, *db, "backup", "folder", "--json")
    assert json.loads(out)["folder"] == str(signed_up.parent / "backups")
    code, _out, err = run(capsys, *db, "backup", "folder", str(tmp_path / "no-stick"))
    assert code == 1 and "U盘是否已插好" in err
    usb = tmp_path / "usb"
    usb.mkdir()
    code, out, err = run(capsys, *db, "backup", "folder", str(usb))
    assert code == 0, err
    assert created(capsys, signed_up).parent == usb
    code, out, _err = run(capsys, *db, "backup", "list", "--json")
    assert json.loads(out)["folder"] == str(usb)
    code, out, _err = run(capsys, *db, "backup", "folder", "--clear")
    assert code == 0 and str(signed_up.parent / "backups") in out
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert created(capsys, signed_up, "--folder", str(other)).parent == other
