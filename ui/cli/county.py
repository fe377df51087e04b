"""vcollect county: the county office's commands (server, roster, devices, payments, conflicts)."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from app.money import yuan
from db.models import Setting
from sync.server.county import (
    ENV_COUNTY_DB,
    CountyDatabase,
    CountyError,
    add_device,
    devices,
    open_county,
    revoke_device,
)
from sync.server.schema import CountyPayment, SyncConflict
from sync.server.serve import DEFAULT_HOST, DEFAULT_PORT, serve
from ui.cli import county_corrections, county_report
from ui.cli.common import emit, progress

USER_ERRORS = (CountyError,)


def _options(parser_class: type[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    options = parser_class(add_help=False)
    options.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help=f"县级数据库 URL 或 SQLite 文件 (或 {ENV_COUNTY_DB})",
    )
    options.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    return options


def add_commands(groups: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    options = _options(parser_class)
    county = groups.add_parser(
        "county", help="县医保局：服务、花名册、设备、收款", parents=[options]
    )
    cmds = county.add_subparsers(dest="command", required=True, parser_class=parser_class)

    run = cmds.add_parser("serve", help="运行县级同步服务", parents=[options])
    run.add_argument("--host", default=DEFAULT_HOST)
    run.add_argument("--port", type=int, default=DEFAULT_PORT)
    run.add_argument(
        "--tls-cert", type=Path, help="TLS 证书 (PEM)：以 https 服务，设备注册时记住此证书"
    )
    run.add_argument("--tls-key", type=Path, help="TLS 证书的私钥 (PEM)")
    run.add_argument(
        "--tls-proxy-cert",
        type=Path,
        help="由前面的反向代理处理 TLS 时，代理所用的证书 (PEM)：注册时告知设备其指纹",
    )
    run.set_defaults(handler=cmd_serve)

    roster = cmds.add_parser("roster", help="县级花名册", parents=[options])
    roster_cmds = roster.add_subparsers(dest="roster_command", required=True)
    imp = roster_cmds.add_parser("import", help="导入花名册 (CSV/XLSX)", parents=[options])
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=cmd_roster_import)

    device = cmds.add_parser("device", help="代收设备：登记、停用、列表", parents=[options])
    device_cmds = device.add_subparsers(dest="device_command", required=True)
    add = device_cmds.add_parser("add", help="登记设备并生成一次性注册码", parents=[options])
    add.add_argument("--agent", required=True, help="代收员姓名")
    add.add_argument("--village", action="append", required=True, help="村代码或村名，可多次")
    add.set_defaults(handler=cmd_device_add)
    revoke = device_cmds.add_parser("revoke", help="停用设备", parents=[options])
    revoke.add_argument("id", help="设备序号或设备编号")
    revoke.set_defaults(handler=cmd_device_revoke)
    listing = device_cmds.add_parser("list", help="列出设备", parents=[options])
    listing.set_defaults(handler=cmd_device_list)

    payments = cmds.add_parser("payments", help="已收到的收款记录", parents=[options])
    payments.set_defaults(handler=cmd_payments)
    conflicts = cmds.add_parser("conflicts", help="待核查的冲突（重复缴费等）", parents=[options])
    conflicts.set_defaults(handler=cmd_conflicts)
    policy = cmds.add_parser("policy", help="地区政策文件", parents=[options])
    policy_cmds = policy.add_subparsers(dest="policy_command", required=True)
    publish = policy_cmds.add_parser(
        "publish", help="核对并向所有设备下发政策文件（县级签名）", parents=[options]
    )
    publish.add_argument("file", type=Path)
    publish.set_defaults(handler=cmd_policy_publish)

    task = cmds.add_parser("task", help="村任务数", parents=[options])
    task_cmds = task.add_subparsers(dest="task_command", required=True)
    task_set = task_cmds.add_parser("set", help="设定村的任务数并下发", parents=[options])
    task_set.add_argument("village", help="村代码或村名")
    task_set.add_argument("--target", type=int, required=True, help="任务数（人）")
    task_set.add_argument("--population", type=int, help="实际人数，缺省为县级花名册人数")
    task_set.add_argument("--year", type=int, help="参保年度，缺省为当前征缴年度")
    task_set.set_defaults(handler=cmd_task_set)

    county_corrections.add_commands(cmds, options, _open, emit)
    county_report.add_commands(cmds, options, _open)

    remittances = cmds.add_parser("remittances", help="上解记录：查看、确认到账", parents=[options])
    remittances.set_defaults(handler=cmd_remittances)
    remit_cmds = remittances.add_subparsers(dest="remittances_command")
    confirm = remit_cmds.add_parser("confirm", help="确认一笔上解已与银行对上", parents=[options])
    confirm.add_argument("id", help="上解记录编号")
    confirm.add_argument("--by", default="", help="确认人")
    confirm.set_defaults(handler=cmd_remittance_confirm)

    region = cmds.add_parser("region", help="设定本县的地区政策（注册时下发）", parents=[options])
    region.add_argument("region")
    region.set_defaults(handler=cmd_region)


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[CountyDatabase]:
    """The county database of --db (or VCOLLECT_COUNTY_DB), closed after the command."""
    county = open_county(getattr(args, "db", None) or os.environ.get(ENV_COUNTY_DB))
    try:
        yield county
    finally:
        county.close()


def cmd_serve(args: argparse.Namespace) -> int:
    url = getattr(args, "db", None) or os.environ.get(ENV_COUNTY_DB)
    serve(url, args.host, args.port, args.tls_cert, args.tls_key, args.tls_proxy_cert)
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from sync.server.feed import import_roster

    with _open(args) as county:
        report, published = import_roster(county, args.file, progress(args))
    data = report.to_json() | {"published": published}
    emit(args, data, f"{report.summary()}\n待下发给设备的人员记录：{published} 条")
    return 0


def cmd_device_add(args: argparse.Namespace) -> int:
    with _open(args) as county:
        new = add_device(county, args.agent, args.village)
    text = (
        f"已登记设备 {new.number}（代收员 {new.agent}，村 {'、'.join(new.villages)}，"
        f"收据前缀 {new.receipt_prefix}）\n注册码（只显示这一次）：{new.code}"
    )
    emit(args, new.to_json(), text)
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    with _open(args) as county:
        result = revoke_device(county, args.id)
    emit(args, result, f"设备 {result['id']}（{result['agent']}）已停用")
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    with _open(args) as county:
        rows = devices(county)
    lines = [
        f"{r['id']:>4}  {r['device_id'] or '(未注册)':<12} {r['agent']}  "
        f"{'已停用' if r['revoked'] else '已注册' if r['enrolled'] else '待注册'}  "
        f"事件 {r['events']}"
        for r in rows
    ]
    emit(args, rows, "\n".join(lines) or "尚未登记设备")
    return 0


def cmd_payments(args: argparse.Namespace) -> int:
    with _open(args) as county, county.reading() as conn:
        rows = conn.execute(select(CountyPayment).order_by(CountyPayment.id)).all()
    data = [
        {
            "device_id": r.device_id,
            "receipt_no": r.receipt_no,
            "village_code": r.village_code,
            "household": r.household,
            "payer": r.payer,
            "method": r.method,
            "total_fen": r.total_fen,
            "paid_on": r.paid_on.isoformat(),
            "agent": r.agent,
            "voided": r.voided,
        }
        for r in rows
    ]
    lines = [
        f"{p['receipt_no']}  {p['paid_on']}  {p['payer']}  {yuan(p['total_fen'])}元"
        + ("  作废" if p["voided"] else "")
        for p in data
    ]
    emit(args, data, "\n".join(lines) or "尚无收款记录")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    with _open(args) as county, county.reading() as conn:
        rows = conn.execute(select(SyncConflict).order_by(SyncConflict.id)).all()
    data = [
        {
            "id": r.id,
            "kind": r.kind,
            "device_id": r.device_id,
            "event_id": r.event_id,
            "detail": json.loads(r.detail),
            "created_at": r.created_at.isoformat(),
            "resolved": r.resolved_at is not None,
        }
        for r in rows
    ]
    labels = {
        "double_payment": "重复缴费",
        "fork": "事件链分叉",
        "changed_event": "事件内容被改",
        "unreadable": "事件无法解读",
    }
    lines = [f"{c['id']:>4}  {labels.get(c['kind'], c['kind'])}  {c['detail']}" for c in data]
    emit(args, data, "\n".join(lines) or "没有冲突")
    return 0


def cmd_policy_publish(args: argparse.Namespace) -> int:
    from sync.server.feed import publish_policy

    with _open(args) as county:
        result = publish_policy(county, args.file)
    emit(args, result, f"已下发政策 {result['key']}（{result['title']}），设备下次同步时收到")
    return 0


def cmd_task_set(args: argparse.Namespace) -> int:
    from sync.server.feed import set_task

    with _open(args) as county:
        result = set_task(
            county, args.village, args.target, args.year or county.benefit_year(),
            args.population,
        )  # fmt: skip
    emit(
        args,
        result,
        f"村 {result['village_code']} {result['benefit_year']}年度：实际人数 "
        f"{result['population']}，任务数 {result['target']}，已下发",
    )
    return 0


def cmd_remittances(args: argparse.Namespace) -> int:
    from sync.server.remittances import list_remittances

    with _open(args) as county:
        rows = list_remittances(county)
    lines = [
        f"{r['id']:>4}  {r['business_day']}  {r['agent']}  收据 {r['receipts']} 张  "
        f"合计 {yuan(r['total_fen'])} 元  实点现金 {yuan(r['counted_fen'])} 元  "
        f"差额 {yuan(r['difference_fen'])} 元  {r['reference']}  "
        + ("已确认" if r["confirmed"] else "待确认")
        for r in rows
    ]
    emit(args, rows, "\n".join(lines) or "尚无上解记录")
    return 0


def cmd_remittance_confirm(args: argparse.Namespace) -> int:
    from sync.server.remittances import confirm

    with _open(args) as county:
        result = confirm(county, args.id, args.by)
    emit(args, result, f"上解记录 {result['id']} 已确认到账，设备下次同步时收到")
    return 0


def cmd_region(args: argparse.Namespace) -> int:
    from app.policy import load_policy
    from sync.server.api import REGION_KEY  # here: FastAPI loads only for the commands needing it

    load_policy(args.region)  # a key no device could load is refused here
    with _open(args) as county, county.writing() as conn:
        conn.execute(delete(Setting).where(Setting.key == REGION_KEY))
        conn.execute(insert(Setting).values(key=REGION_KEY, value=args.region))
    emit(args, {"region": args.region}, f"本县政策已设为 {args.region}")
    return 0
