"""What every vcollect command shares: the parser, common options, output and user errors."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from app.accounts import SignedIn, has_accounts
from app.paths import default_db_path
from app.workspace import Workspace, open_workspace

ENV_USER = "VCOLLECT_USER"
ENV_PASSWORD = "VCOLLECT_PASSWORD"  # for scripts; typed at the terminal otherwise


class CommandError(Exception):
    """A user's request that cannot be done; str() is the Chinese message (exit 1)."""


class UsageError(Exception):
    """A command used wrongly; str() is the Chinese message."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own messages are English
        raise UsageError(f"命令参数错误：{message}\n用法：{self.format_usage().strip()}")


def common_options() -> Parser:
    # SUPPRESS lets the same option stand before or after the command without overriding.
    common = Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件 (或 VCOLLECT_DB)")
    common.add_argument(
        "--today", default=argparse.SUPPRESS, help="业务日期 YYYY-MM-DD (或 VCOLLECT_TODAY)"
    )
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出 JSON")
    common.add_argument(
        "--user", default=argparse.SUPPRESS, help="已加密设备的账户名 (或 VCOLLECT_USER)"
    )
    return common


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def workspace(args: argparse.Namespace, *, create: bool = False) -> Workspace:
    path = default_db_path(getattr(args, "db", None))
    signed = sign_in(args, path) if has_accounts(path) else None
    opened = open_workspace(
        path,
        today=getattr(args, "today", None),
        create=create,
        key=signed.data_key if signed else None,
    )
    if signed is not None:
        opened.sign_in_as(signed)
    return opened


def sign_in(args: argparse.Namespace, path: Path) -> SignedIn:
    """The account of --user (or VCOLLECT_USER), its secret from VCOLLECT_PASSWORD or typed."""
    from app import accounts

    name = account_name(args)
    try:
        return accounts.sign_in(path, name, read_secret(name), datetime.now())
    except accounts.KeyringError as exc:
        raise CommandError(str(exc)) from None


def account_name(args: argparse.Namespace) -> str:
    name = getattr(args, "user", None) or os.environ.get(ENV_USER, "")
    if not name:
        raise CommandError(f"本设备的数据已加密，请用 --user 或 {ENV_USER} 给出账户名")
    return str(name)


def read_secret(name: str) -> str:
    """The account's secret: VCOLLECT_PASSWORD, or typed at the terminal (not echoed)."""
    secret = os.environ.get(ENV_PASSWORD)
    if secret is None:
        if not sys.stdin.isatty():
            raise CommandError(f"请在终端输入密码，或设定 {ENV_PASSWORD}")
        secret = getpass.getpass(f"{name} 的密码：")
    return secret


def progress(args: argparse.Namespace) -> Callable[[float, int], None] | None:
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None

    def show(fraction: float, rows: int) -> None:
        sys.stderr.write(f"\r已处理 {rows} 行 ({fraction:.0%})")
        sys.stderr.flush()

    return show
