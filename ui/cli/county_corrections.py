"""vcollect county corrections: the county clerk's list of identity corrections, and decisions."""

from __future__ import annotations

import argparse
from typing import Any

from sync.server.corrections import SETTABLE, accept, list_corrections, parse_sets, reject
from sync.server.county import CountyError

PROBLEM_LABELS = {
    "not_found": "查无此人",
    "name_differs": "姓名不符",
    "id_differs": "证件号码不符",
    "elsewhere": "已在外地登记",
    "other": "其他",
}
STATE_LABELS = {"pending": "待审核", "accepted": "已通过", "rejected": "已驳回"}


def add_commands(cmds: Any, options: argparse.ArgumentParser, opener: Any, emit: Any) -> None:
    corrections = cmds.add_parser("corrections", help="身份更正申请：查看、审核", parents=[options])
    sub = corrections.add_subparsers(dest="corrections_command", required=True)
    listing = sub.add_parser("list", help="列出申请及花名册中可能的同一人", parents=[options])
    listing.add_argument("--state", choices=sorted(STATE_LABELS), help="只看某一状态")
    listing.set_defaults(handler=lambda args: _list(args, opener, emit))
    decide = sub.add_parser("decide", help="通过或驳回一项申请", parents=[options])
    decide.add_argument("id", help="申请序号或申请编号")
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--accept", action="store_true", help="通过：按申请新增或修正人员")
    verdict.add_argument("--reject", action="store_true", help="驳回（须写 --reason）")
    decide.add_argument(
        "--set", action="append", default=[], metavar="字段=值",
        help="通过时改正：" + "、".join(SETTABLE),
    )  # fmt: skip
    decide.add_argument("--person", help="要修正的花名册人员的证件号码（如证件号码有误）")
    decide.add_argument("--reason", default="", help="驳回原因")
    decide.add_argument("--by", default="", help="审核人")
    decide.set_defaults(handler=lambda args: _decide(args, opener, emit))


def _list(args: argparse.Namespace, opener: Any, emit: Any) -> int:
    with opener(args) as county:
        rows = list_corrections(county, args.state)
    lines = []
    for r in rows:
        problem = PROBLEM_LABELS.get(r["problem"], r["problem"])
        lines.append(
            f"{r['id']:>4}  {STATE_LABELS[r['state']]}  {problem}  {r['name']} {r['masked_id']}"
            f"  村{r['village_code']}  代收员 {r['agent']}"
        )
        lines += [
            f"        可能是：{m['name']} {m['id_number']}（{m['why']}，户号 {m['household']}）"
            for m in r["matches"]
        ]
        if r["reason"]:
            lines.append(f"        驳回原因：{r['reason']}")
    emit(args, rows, "\n".join(lines) or "没有更正申请")
    return 0


def _decide(args: argparse.Namespace, opener: Any, emit: Any) -> int:
    with opener(args) as county:
        if args.accept:
            if args.reason:
                raise CountyError("通过时不写驳回原因")
            result = accept(county, args.id, parse_sets(args.set), args.by, args.person)
            text = (
                f"申请 {result['id']} 已通过：{'新增' if result['created'] else '修正'}人员 "
                f"{result['name']}，设备下次同步时收到"
            )
        else:
            if args.set or args.person:
                raise CountyError("驳回时不能改正人员信息（--set/--person）")
            result = reject(county, args.id, args.reason, args.by)
            text = f"申请 {result['id']} 已驳回：{result['reason']}"
    emit(args, result, text)
    return 0
