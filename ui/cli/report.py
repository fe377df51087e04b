"""vcollect report: progress against the task (任务分解表) and the 催缴清单, to files or JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.money import yuan
from app.report_xlsx import dunning_xlsx, progress_xlsx
from app.reports import Progress, ProgressRow, workspace_progress
from app.unpaid import Dunning, ReportError, workspace_dunning
from printing.report_pdf import dunning_pdf, progress_pdf
from ui.cli.common import CommandError, emit
from ui.cli.common import workspace as workspace_for

USER_ERRORS = (ReportError,)


def add_commands(
    groups: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    report = groups.add_parser("report", help="进度报表与催缴清单", parents=[common])
    cmds = report.add_subparsers(dest="command", required=True, parser_class=parser_class)
    progress = cmds.add_parser(
        "progress", help="各村进度：任务数、缴款人数、金额、参保率、特殊人群", parents=[common]
    )
    progress.add_argument("--xlsx", type=Path, help="输出任务分解表 (XLSX)")
    progress.add_argument("--pdf", type=Path, help="输出任务分解表 (PDF, A4 横向)")
    progress.add_argument("--year", type=int, help="参保年度，缺省为当前征缴年度")
    progress.set_defaults(handler=cmd_progress)
    dunning = cmds.add_parser("dunning", help="催缴清单：未缴人员按户列出", parents=[common])
    dunning.add_argument("--village", action="append", default=[], help="村名或村代码，可多次")
    dunning.add_argument("--pdf", type=Path, help="输出可打印的催缴清单 (PDF)")
    dunning.add_argument("--xlsx", type=Path, help="输出催缴清单 (XLSX)")
    dunning.add_argument("--year", type=int, help="参保年度，缺省为当前征缴年度")
    dunning.set_defaults(handler=cmd_dunning)


def write_file(path: Path, data: bytes) -> str:
    """Write an export; an OS error becomes a Chinese message."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from None
    return str(path)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def _line(row: ProgressRow) -> str:
    target = "-" if row.target is None else row.target
    return (
        f"{row.name}\t实际人数 {row.population}\t任务数 {target}"
        f"\t缴款 {row.collected}人 {yuan(row.amount_fen)}元\t完成率 {_rate(row.completion)}"
        f"\t参保率 {_rate(row.participation)}\t特殊人群 {row.special_enrolled}/{row.special}"
    )


def progress_text(progress: Progress) -> str:
    """The report as lines for a terminal."""
    head = f"{progress.benefit_year}年度进度" + (
        f"（{progress.policy_title}）" if progress.policy_title else "（未设定地区政策）"
    )
    lines = [head, *(_line(v) for v in progress.villages), _line(progress.total)]
    total = progress.total
    if total.work_fee_fen is not None:
        lines.append(
            f"工作经费 {yuan(total.work_fee_fen)} 元"
            f"（每人 {yuan(progress.work_fee_per_person_fen or 0)} 元 × {total.collected} 人）"
        )
    if progress.special_unpaid:
        lines.append(
            f"特殊人群未参保 {total.special_unpaid} 人（{len(progress.special_unpaid)} 户），"
            "名单见 --xlsx、--pdf 或 --json"
        )
    return "\n".join(lines)


def cmd_progress(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        progress = workspace_progress(workspace, args.year)
        today = workspace.today
    finally:
        workspace.close()
    written = []
    if args.xlsx:
        written.append(write_file(args.xlsx, progress_xlsx(progress)))
    if args.pdf:
        written.append(write_file(args.pdf, progress_pdf(progress, today)))
    text = progress_text(progress) + "".join(f"\n已输出 {path}" for path in written)
    emit(args, progress.to_json() | {"files": written}, text)
    return 0


def dunning_text(dunning: Dunning, *, members: bool = True) -> str:
    count = f"{len(dunning.households)} 户 {dunning.people} 人"
    lines = [f"{dunning.benefit_year}年度催缴清单：{count}"]
    for h in dunning.households if members else []:
        lines.append(f"{h.village} 户号 {h.number} 户主 {h.head} 电话 {h.phone or '-'}")
        lines += [f"  {m.name}\t{m.masked_id}\t{m.relation}\t{m.phone or '-'}" for m in h.members]
    return "\n".join(lines)


def cmd_dunning(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        dunning = workspace_dunning(workspace, args.village, args.year)
        today = workspace.today
    finally:
        workspace.close()
    written = []
    if args.pdf:
        written.append(write_file(args.pdf, dunning_pdf(dunning, today)))
    if args.xlsx:
        written.append(write_file(args.xlsx, dunning_xlsx(dunning)))
    # With a file written, the file holds the list and the terminal gets the count.
    text = dunning_text(dunning, members=not written)
    text += "".join(f"\n已输出 {path}" for path in written)
    emit(args, dunning.to_json() | {"files": written}, text)
    return 0
