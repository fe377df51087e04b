"""vcollect device enroll and vcollect sync: joining the county, then sending and receiving."""

from __future__ import annotations

import argparse
from typing import Any

from app.site_defaults import site_defaults
from sync.client import SyncError, enroll, sync
from ui.cli.common import CommandError, emit
from ui.cli.common import workspace as workspace_for

USER_ERRORS = (SyncError,)


def add_commands(
    groups: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    device = groups.add_parser("device", help="本设备：向县医保局注册", parents=[common])
    cmds = device.add_subparsers(dest="command", required=True, parser_class=parser_class)
    enroll_cmd = cmds.add_parser("enroll", help="用注册码注册本设备", parents=[common])
    enroll_cmd.add_argument(
        "--server",
        help="县级服务器地址，如 http://10.0.0.5:8750；不给则用站点文件 village-collect.ini 的",
    )
    enroll_cmd.add_argument("--code", required=True, help="县医保局给的一次性注册码")
    enroll_cmd.set_defaults(handler=cmd_enroll)

    run = groups.add_parser("sync", help="与县级服务器同步（上传收款、下载变更）", parents=[common])
    run.set_defaults(handler=cmd_sync)


def cmd_enroll(args: argparse.Namespace) -> int:
    server = args.server or site_defaults().server
    if not server:
        raise CommandError(
            "请用 --server 给出县级服务器地址（或由县里在站点文件 village-collect.ini 中设定）"
        )
    workspace = workspace_for(args, create=True)
    try:
        answer = enroll(workspace, server, args.code)
    finally:
        workspace.close()
    data = {
        k: answer.get(k) for k in ("device_id", "receipt_prefix", "agent", "villages", "region")
    }
    emit(
        args,
        data,
        f"注册成功：设备 {data['device_id']}，收据前缀 {data['receipt_prefix']}，"
        f"代收员 {data['agent']}，村 {'、'.join(data['villages'] or [])}。"
        "请运行 vcollect sync 下载花名册",
    )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        report = sync(workspace)
    finally:
        workspace.close()
    lines = [
        f"上传 {report.pushed} 条：新收 {report.acknowledged}，重复 {report.duplicates}，"
        f"冲突 {report.conflicts}，拒收 {report.rejected}；下载变更 {report.pulled} 条",
        *report.problems,
    ]
    emit(args, report.to_json(), "\n".join(lines))
    return 0 if not (report.conflicts or report.rejected) else 3
