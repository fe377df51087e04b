"""vcollect: the command line for agents, clerks and scripts (every command has --json)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from app import __version__
from app.access import reveal_ids
from app.accounts import has_accounts
from app.clock import BusinessDateError, parse_day
from app.demo.counties import SCALES
from app.demo.setup import DemoExistsError, init_demo
from app.identity import IdentityError
from app.logs import setup_logging
from app.money import MoneyError
from app.paths import default_db_path
from app.policy import PolicyError, QuoteError
from app.practice import PracticeError, end_practice
from app.roster.reader import RosterFileError
from app.roster.search import HouseholdMatch, find_households
from app.roster.stats import roster_stats
from db.engine import DatabaseError
from ui.cli import account, backup, collect, county, dayclose, device, policy, report
from ui.cli.common import (
    CommandError,
    Parser,
    UsageError,
    common_options,
    emit,
    progress,
)
from ui.cli.common import workspace as workspace_for

# Errors a user can cause: the message is shown as it is, without a traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    DatabaseError,
    RosterFileError,
    BusinessDateError,
    DemoExistsError,
    IdentityError,
    PolicyError,
    QuoteError,
    MoneyError,
    CommandError,
    PracticeError,
    *account.USER_ERRORS,
    *backup.USER_ERRORS,
    *collect.USER_ERRORS,
    *county.USER_ERRORS,
    *dayclose.USER_ERRORS,
    *device.USER_ERRORS,
    *report.USER_ERRORS,
)

# The county server's packages (the `server` extra): the agents' bundle leaves them out.
SERVER_MODULES = frozenset({"fastapi", "starlette", "uvicorn", "pydantic", "psycopg"})

log = logging.getLogger("vcollect")


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = Parser(prog="vcollect", description="村医保代收 命令行", parents=[common])
    parser.add_argument("--version", action="version", version=f"vcollect {__version__}")
    groups = parser.add_subparsers(dest="group", required=True, parser_class=Parser)

    roster = groups.add_parser("roster", help="花名册：导入、查找、统计", parents=[common])
    roster_cmds = roster.add_subparsers(dest="command", required=True, parser_class=Parser)
    imp = roster_cmds.add_parser("import", help="导入花名册 (CSV/XLSX)", parents=[common])
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=cmd_roster_import)
    find = roster_cmds.add_parser(
        "find", help="按证件号、尾号、姓名、拼音首字母、户号查找", parents=[common]
    )
    find.add_argument("query")
    find.add_argument(
        "--full-id", action="store_true", help="显示完整证件号码（记入签名日志，随同步上报）"
    )
    find.add_argument("--limit", type=int, default=20)
    find.set_defaults(handler=cmd_roster_find)
    stats = roster_cmds.add_parser(
        "stats", help="人数、户数、各村实际人数与任务数", parents=[common]
    )
    stats.set_defaults(handler=cmd_roster_stats)

    settings = groups.add_parser("settings", help="设备设置", parents=[common])
    settings_cmds = settings.add_subparsers(dest="command", required=True, parser_class=Parser)
    today = settings_cmds.add_parser(
        "today", help="查看或固定业务日期（培训、演示用）", parents=[common]
    )
    today.add_argument("date", nargs="?", help="YYYY-MM-DD；不给则只显示")
    today.add_argument("--clear", action="store_true", help="取消固定日期，使用系统日期")
    today.set_defaults(handler=cmd_settings_today)

    policy.add_commands(groups, common, Parser)
    collect.add_commands(groups, common, Parser)
    device.add_commands(groups, common, Parser)
    account.add_commands(groups, common, Parser)
    backup.add_commands(groups, common, Parser)
    dayclose.add_commands(groups, common)
    report.add_commands(groups, common, Parser)
    county.add_commands(groups, Parser)
    region = settings_cmds.add_parser("region", help="查看或设定本设备的地区政策", parents=[common])
    region.add_argument("region", nargs="?", help="如 lengshi-2024；不给则只显示")
    region.set_defaults(handler=cmd_settings_region)

    demo = groups.add_parser("demo", help="演示数据", parents=[common])
    demo_cmds = demo.add_subparsers(dest="command", required=True, parser_class=Parser)
    init = demo_cmds.add_parser("init", help="创建演示县（冷市镇或洪湖市规模）", parents=[common])
    init.add_argument("--scale", choices=sorted(SCALES), default="lengshi")
    init.add_argument(
        "--if-missing", action="store_true", help="数据库已有演示数据时不报错，直接返回"
    )
    init.set_defaults(handler=cmd_demo_init)
    end = demo_cmds.add_parser(
        "end",
        help="结束练习：演示数据另存一份，本机换成空数据库（账户不变），以便注册",
        parents=[common],
    )
    end.set_defaults(handler=cmd_demo_end)
    return parser


def cmd_roster_import(args: argparse.Namespace) -> int:
    workspace = workspace_for(args, create=True)
    try:
        report = workspace.import_roster(args.file, progress(args))
    finally:
        workspace.close()
    if progress(args):
        sys.stderr.write("\n")
    lines = [report.summary()]
    lines += [f"  第{r.row}行：{r.reason}" for r in report.rejected[:200]]
    if len(report.rejected) > 200:
        lines.append(f"  ……另有 {len(report.rejected) - 200} 行被拒绝（用 --json 查看全部）")
    emit(args, report.to_json(), "\n".join(lines))
    return 0


def _household_json(match: HouseholdMatch, full_id: bool) -> dict[str, Any]:
    return {
        "household": match.number,
        "village_code": match.village_code,
        "village": match.village_name,
        "township": match.township_name,
        "members": [
            {
                "name": m.name,
                "id_type": m.id_type,
                "id_number": m.id_number if full_id else m.masked_id,
                "relation": m.relation,
                "relation_name": m.relation_name,
                "sex": m.sex,
                "birth_date": m.birth_date.isoformat() if m.birth_date else None,
                "status": m.status,
                "matched": m.matched,
            }
            for m in match.members
        ],
    }


def cmd_roster_find(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit 必须大于 0")
    workspace = workspace_for(args)
    try:
        with workspace.db.sessions() as session:
            matches = find_households(session, args.query, workspace.benefit_year, args.limit)
        if args.full_id:  # every full number shown is on the record (app/access.py)
            shown = [m.person_id for match in matches for m in match.members]
            reveal_ids(workspace.db, shown, "vcollect roster find --full-id")
    finally:
        workspace.close()
    lines = []
    for match in matches:
        lines.append(f"户号 {match.number}  {match.township_name} {match.village_name}")
        for m in match.members:
            number = m.id_number if args.full_id else m.masked_id
            mark = "*" if m.matched else " "
            lines.append(f" {mark} {m.name:<6}\t{number}\t{m.relation_name}\t{m.status_label}")
    if not matches:
        lines.append(
            f"未找到“{args.query}”。可按证件号码、证件号后4至6位、姓名、拼音首字母或户号查找。"
        )
    emit(args, [_household_json(m, args.full_id) for m in matches], "\n".join(lines))
    return 0


def cmd_roster_stats(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        with workspace.db.sessions() as session:
            stats = roster_stats(session, workspace.benefit_year)
    finally:
        workspace.close()
    lines = [f"人数 {stats.people}，户数 {stats.households}，村(社区) {len(stats.villages)}"]
    lines += [
        f"  {v.township} {v.name}\t人数 {v.people}\t实际人数 {v.population or '-'}"
        f"\t任务数 {v.target or '-'}"
        for v in stats.villages
    ]
    emit(args, stats.to_json(), "\n".join(lines))
    return 0


def cmd_settings_today(args: argparse.Namespace) -> int:
    if args.date and args.clear:
        raise UsageError("不能同时给出日期和 --clear")
    workspace = workspace_for(args)
    try:
        if args.date or args.clear:
            workspace.fix_business_date(parse_day(args.date) if args.date else None)
            workspace.close()
            workspace = workspace_for(args)
        data = {
            "today": workspace.today.isoformat(),
            "fixed": workspace.date_fixed,
            "benefit_year": workspace.benefit_year,
        }
    finally:
        workspace.close()
    kind = "固定日期" if data["fixed"] else "系统日期"
    emit(args, data, f"业务日期 {data['today']}（{kind}），{data['benefit_year']}年度")
    return 0


def cmd_settings_region(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        if args.region:
            workspace.set_region(args.region)
        region = workspace.region
    finally:
        workspace.close()
    emit(args, {"region": region}, f"本设备的地区政策：{region or '未设定'}")
    return 0


def cmd_demo_init(args: argparse.Namespace) -> int:
    county = SCALES[args.scale]
    path = default_db_path(getattr(args, "db", None))
    if args.if_missing and has_accounts(path):
        # `make run` calls this before every start: an encrypted database is someone's data,
        # which needs no demo and must not ask for a password here.
        emit(args, {"demo": None, "created": False}, "数据库已加密，不创建演示数据。")
        return 0
    workspace = workspace_for(args, create=True)
    try:
        if args.if_missing and workspace.demo:
            emit(args, {"demo": workspace.demo, "created": False}, "演示数据已存在。")
            return 0
        report = init_demo(workspace.db, county, progress(args))
    finally:
        workspace.close()
    if progress(args):
        sys.stderr.write("\n")
    data = {"demo": county.key, "created": True, **report.to_json()}
    text = (
        f"已创建演示数据：{county.county_name}，{report.imported} 人，"
        f"业务日期 {county.business_date.isoformat()}"
    )
    emit(args, data, text)
    return 0


def cmd_demo_end(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    key = workspace.signed.data_key if workspace.signed else None
    demo, path = workspace.demo, workspace.db.path
    workspace.close()
    if not demo:
        raise CommandError("本机数据库不是演示数据，没有练习可结束。")
    assert path is not None  # a file: workspace_for never opens :memory:
    aside = end_practice(path, key, datetime.now())
    emit(
        args,
        {"practice_copy": str(aside), "database": str(path)},
        f"练习已结束：演示数据另存为 {aside}；本机现为空数据库，可以向县医保局注册。",
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user mistakes print a Chinese message on stderr and exit non-zero."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
        try:
            result: int = args.handler(args)
        except ModuleNotFoundError as exc:
            if (exc.name or "").partition(".")[0] not in SERVER_MODULES:
                raise
            raise CommandError(
                f"此命令需要县级服务组件（缺少 {exc.name}），本安装包只含代收端。"
                "县医保局请在服务器上安装：pip install 'village-collect[server]'"
            ) from exc
        return result
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except USER_ERRORS as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `vcollect ... | head`: the reader left, nothing went wrong
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's flush quiet
        return 0
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception:
        path = setup_logging()
        log.exception("vcollect %s failed", args_list)
        print(f"内部错误，已记录到日志：{path}。请把日志发给技术支持。", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
