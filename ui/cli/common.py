"""What every vcollect command shares: the parser, common options, output and user errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from app.paths import default_db_path
from app.workspace import Workspace, open_workspace


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
    return common


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def workspace(args: argparse.Namespace, *, create: bool = False) -> Workspace:
    return open_workspace(
        default_db_path(getattr(args, "db", None)),
        today=getattr(args, "today", None),
        create=create,
    )


def progress(args: argparse.Namespace) -> Callable[[float, int], None] | None:
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None

    def show(fraction: float, rows: int) -> None:
        sys.stderr.write(f"\r已处理 {rows} 行 ({fraction:.0%})")
        sys.stderr.flush()

    return show
