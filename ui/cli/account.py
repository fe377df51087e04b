"""vcollect account: the first account (which encrypts the data), agents, passwords, lockouts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from typing import Any

from app import accounts
from app.paths import default_db_path
from app.workspace import open_workspace
from ui.cli.common import CommandError, account_name, emit, read_secret, sign_in

USER_ERRORS = (accounts.KeyringError,)
ENV_NEW_PASSWORD = "VCOLLECT_NEW_PASSWORD"  # for scripts; typed twice at the terminal otherwise


def add_commands(
    groups: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    account = groups.add_parser("account", help="账户：登录、加密、管理代收员", parents=[common])
    cmds = account.add_subparsers(dest="command", required=True, parser_class=parser_class)
    init = cmds.add_parser(
        "init", help="创建第一个账户（管理员）并加密本设备的数据", parents=[common]
    )
    init.add_argument("name", help="账户名")
    init.set_defaults(handler=cmd_init)
    add = cmds.add_parser("add", help="添加账户（管理员登录）", parents=[common])
    add.add_argument("name")
    add.add_argument("--role", choices=sorted(accounts.ROLES), default="agent")
    add.set_defaults(handler=cmd_add)
    listing = cmds.add_parser("list", help="列出账户", parents=[common])
    listing.set_defaults(handler=cmd_list)
    passwd = cmds.add_parser("passwd", help="修改自己的密码", parents=[common])
    passwd.set_defaults(handler=cmd_passwd)
    reset = cmds.add_parser("reset", help="为他人重设密码（管理员登录）", parents=[common])
    reset.add_argument("name")
    reset.set_defaults(handler=cmd_reset)
    unlock = cmds.add_parser("unlock", help="解除账户锁定（管理员登录）", parents=[common])
    unlock.add_argument("name")
    unlock.set_defaults(handler=cmd_unlock)
    disable = cmds.add_parser("disable", help="停用账户（管理员登录）", parents=[common])
    disable.add_argument("name")
    disable.add_argument("--enable", action="store_true", help="重新启用")
    disable.set_defaults(handler=cmd_disable)
    idle = cmds.add_parser("idle-lock", help="查看或设定无操作自动锁定的分钟数", parents=[common])
    idle.add_argument("minutes", nargs="?", type=float, help="0 为不锁定；不给则只显示")
    idle.set_defaults(handler=cmd_idle_lock)


def _path(args: argparse.Namespace) -> Any:
    return default_db_path(getattr(args, "db", None))


def new_secret(prompt: str) -> str:
    """The new secret from VCOLLECT_NEW_PASSWORD, or typed twice at the terminal."""
    if (secret := os.environ.get(ENV_NEW_PASSWORD)) is not None:
        return secret
    if not sys.stdin.isatty():
        raise CommandError(f"请在终端输入新密码，或设定 {ENV_NEW_PASSWORD}")
    first = getpass.getpass(prompt)
    if getpass.getpass("再输入一次：") != first:
        raise CommandError("两次输入的密码不一致")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    path = _path(args)
    if not path.exists():
        raise CommandError(f"数据库文件不存在：{path}。请先导入花名册或创建演示数据")
    signed = accounts.create_first_account(
        path, args.name, new_secret(f"为 {args.name} 设定密码："), datetime.now()
    )
    emit(
        args,
        {"name": signed.name, "role": signed.account.role, "encrypted": True},
        f"已创建管理员账户“{signed.name}”，本设备的数据已加密。请牢记密码：忘记后只能由其他管理员重设",
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    path = _path(args)
    by = sign_in(args, path)
    account = accounts.add_account(
        path, by, args.name, args.role, new_secret(f"为 {args.name} 设定密码："), datetime.now()
    )
    emit(
        args,
        {"name": account.name, "role": account.role},
        f"已添加{account.role_label}账户“{account.name}”",
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    rows = accounts.accounts(_path(args))
    data = [
        {
            "name": a.name,
            "role": a.role,
            "disabled": a.disabled,
            "locked_until": a.locked_until,
            "created_at": a.created_at,
        }
        for a in rows
    ]
    lines = [
        f"{a.name}\t{a.role_label}"
        + ("\t已停用" if a.disabled else "")
        + (f"\t锁定至 {a.locked_until}" if a.locked_until else "")
        for a in rows
    ]
    emit(args, data, "\n".join(lines))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    path = _path(args)
    name = account_name(args)
    old = read_secret(name)
    account = accounts.change_secret(path, name, old, new_secret("新密码："), datetime.now())
    emit(args, {"name": account.name}, f"已修改“{account.name}”的密码（数据无需重新加密）")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    path = _path(args)
    by = sign_in(args, path)
    account = accounts.reset_secret(path, by, args.name, new_secret(f"{args.name} 的新密码："))
    emit(args, {"name": account.name}, f"已为“{account.name}”重设密码")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    path = _path(args)
    account = accounts.unlock_account(path, sign_in(args, path), args.name)
    emit(args, {"name": account.name}, f"已解除“{account.name}”的锁定")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    path = _path(args)
    account = accounts.disable_account(path, sign_in(args, path), args.name, not args.enable)
    state = "已停用" if account.disabled else "已重新启用"
    emit(args, {"name": account.name, "disabled": account.disabled}, f"{state}“{account.name}”")
    return 0


def cmd_idle_lock(args: argparse.Namespace) -> int:
    path = _path(args)
    by = sign_in(args, path) if accounts.has_accounts(path) else None
    workspace = open_workspace(
        path, today=getattr(args, "today", None), key=by.data_key if by else None
    )
    try:
        if args.minutes is not None:
            accounts.set_idle_minutes(workspace.db, by, args.minutes)
        minutes = accounts.idle_minutes(workspace.db)
    finally:
        workspace.close()
    text = f"无操作 {minutes:g} 分钟后自动锁定" if minutes else "不自动锁定"
    emit(args, {"idle_lock_minutes": minutes}, text)
    return 0
