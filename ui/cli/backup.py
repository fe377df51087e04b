"""vcollect backup: create, verify, restore and list backups; the backup folder setting."""

from __future__ import annotations

import argparse
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from app import accounts, backup
from app.accounts import has_accounts
from app.backup import BackupError
from app.paths import default_db_path
from ui.cli.common import (
    ENV_USER,
    CommandError,
    UsageError,
    account_name,
    emit,
    read_secret,
    sign_in,
)
from ui.cli.common import workspace as workspace_for

USER_ERRORS = (BackupError,)


def add_commands(
    groups: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    group = groups.add_parser("backup", help="备份：创建、检查、恢复、列出", parents=[common])
    cmds = group.add_subparsers(dest="command", required=True, parser_class=parser_class)
    create = cmds.add_parser("create", help="备份本设备的数据库（保留最近14份）", parents=[common])
    create.add_argument("--folder", type=Path, help="备份到此文件夹（默认：设置的备份文件夹）")
    create.add_argument("--keep", type=int, default=backup.KEEP, help="本设备保留的备份份数")
    create.set_defaults(handler=cmd_create)
    verify = cmds.add_parser(
        "verify", help="检查备份文件是否完好（给出账户可检查数据库内容）", parents=[common]
    )
    verify.add_argument("file", type=Path)
    verify.set_defaults(handler=cmd_verify)
    restore = cmds.add_parser(
        "restore", help="从备份恢复（新安装；或加 --replace 覆盖本设备的数据库）", parents=[common]
    )
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--replace", action="store_true", help="覆盖本设备现有的数据库（原文件会保留）"
    )
    restore.set_defaults(handler=cmd_restore)
    listing = cmds.add_parser("list", help="列出备份文件夹中的备份", parents=[common])
    listing.add_argument("--folder", type=Path, help="列出此文件夹（默认：本设备的备份文件夹）")
    listing.set_defaults(handler=cmd_list)
    folder = cmds.add_parser("folder", help="查看或设定备份文件夹（如U盘）", parents=[common])
    folder.add_argument("folder", nargs="?", help="文件夹路径；不给则只显示")
    folder.add_argument("--clear", action="store_true", help="改回默认（数据库旁的 backups）")
    folder.set_defaults(handler=cmd_folder)


def _path(args: argparse.Namespace) -> Path:
    return default_db_path(getattr(args, "db", None))


def _credentials(args: argparse.Namespace) -> tuple[str, str]:
    name = account_name(args)
    return name, read_secret(name)


def _given_account(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "user", None) or os.environ.get(ENV_USER))


def cmd_create(args: argparse.Namespace) -> int:
    if args.keep < 1:
        raise UsageError("--keep 至少为 1")
    path = _path(args)
    if not path.exists():
        raise CommandError(f"数据库文件不存在：{path}")
    key = sign_in(args, path).data_key if has_accounts(path) else None
    start = time.perf_counter()
    file = backup.create_backup(path, args.folder, key=key, keep=args.keep)
    seconds = time.perf_counter() - start
    manifest = backup.read_manifest(file)
    size = file.stat().st_size
    data = {
        "path": str(file),
        "size": size,
        "seconds": round(seconds, 2),
        "kept": len(backup.backup_files(file.parent, manifest.device_id)),
        "manifest": manifest.to_json(),
    }
    text = (
        f"已备份到 {file}（{size / 1e6:.1f} MB，{seconds:.1f} 秒）：{manifest.describe()}。"
        f"本设备在该文件夹共有 {data['kept']} 份备份"
    )
    if manifest.note:
        text += f"\n注意：{manifest.note}"
    emit(args, data, text)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    manifest = backup.read_manifest(args.file)
    key = None
    if manifest.encrypted and _given_account(args):
        name, secret = _credentials(args)
        key = backup.unlock_backup(args.file, name, secret, datetime.now())
    report = backup.verify_backup(args.file, key)
    emit(args, report.to_json(), report.summary())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = _path(args)
    manifest = backup.read_manifest(args.file)
    # Replacing this device's data takes signing in to this device; an encrypted backup is
    # unlocked with an account of its own key file (usually the same name and password).
    current = path.exists() and has_accounts(path)
    name = secret = None
    current_key = None
    if manifest.encrypted or current:
        if not _given_account(args):
            raise CommandError(
                "请用 --user（或 VCOLLECT_USER）给出账户名并输入密码："
                + ("备份中的账户" if manifest.encrypted else "本设备的账户")
            )
        name, secret = _credentials(args)
    if current and name is not None and secret is not None:
        try:
            current_key = accounts.sign_in(path, name, secret, datetime.now()).data_key
        except (accounts.WrongSecret, accounts.LockedOut) as exc:
            raise CommandError(f"{exc}（本设备的账户）") from None
        except accounts.KeyringError:
            current_key = None  # a damaged key file: the backup's own identity decides
    report = backup.restore_backup(
        args.file,
        path,
        account=name,
        secret=secret,
        current_key=current_key,
        replace=args.replace,
        now=datetime.now(),
    )
    lines = [report.summary()]
    if manifest.note:
        lines.append(f"注意：{manifest.note}")
    emit(args, report.to_json(), "\n".join(lines))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    path = _path(args)
    folder = args.folder or backup.known_backup_folder(path)
    own = backup.backup_state(path).get("device_id")
    entries = backup.list_backups(folder)
    data = {
        "folder": str(folder),
        "device_id": own,
        "backups": [
            {
                "path": str(e.path),
                "size": e.size,
                "ok": e.ok,
                "problem": e.problem,
                "this_device": bool(e.manifest and e.manifest.device_id == own),
                "manifest": e.manifest.to_json() if e.manifest else None,
            }
            for e in entries
        ],
    }
    lines = [f"备份文件夹 {folder}：{len(entries)} 份"]
    for e in entries:
        if e.manifest is None:
            lines.append(f"  ✗ {e.path.name}\t{e.problem}")
            continue
        mark = "（本设备）" if e.manifest.device_id == own else ""
        lines.append(f"  ✓ {e.path.name}\t{e.size / 1e6:.1f} MB\t{e.manifest.describe()}{mark}")
    emit(args, data, "\n".join(lines))
    return 0


def cmd_folder(args: argparse.Namespace) -> int:
    if args.folder and args.clear:
        raise UsageError("不能同时给出文件夹和 --clear")
    workspace = workspace_for(args)
    try:
        if args.folder or args.clear:
            folder = backup.set_backup_folder(workspace.db, None if args.clear else args.folder)
        else:
            folder = backup.backup_folder(workspace.db)
    finally:
        workspace.close()
    emit(args, {"folder": str(folder)}, f"备份文件夹：{folder}")
    return 0
