"""vcollect county report progress: every village's progress across all devices' receipts."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.report_xlsx import progress_xlsx
from printing.report_pdf import progress_pdf
from ui.cli.common import emit
from ui.cli.report import progress_text, write_file


def add_commands(cmds: Any, options: argparse.ArgumentParser, opener: Any) -> None:
    report = cmds.add_parser("report", help="全县进度报表", parents=[options])
    sub = report.add_subparsers(dest="report_command", required=True)
    progress = sub.add_parser(
        "progress", help="各村进度（所有设备的收款与县级花名册）", parents=[options]
    )
    progress.add_argument("--xlsx", type=Path, help="输出任务分解表 (XLSX)")
    progress.add_argument("--pdf", type=Path, help="输出任务分解表 (PDF, A4 横向)")
    progress.add_argument("--year", type=int, help="参保年度，缺省为当前征缴年度")
    progress.set_defaults(handler=lambda args: _progress(args, opener))


def _progress(args: argparse.Namespace, opener: Any) -> int:
    from sync.server.reports import county_progress

    with opener(args) as county:
        progress = county_progress(county, args.year)
        today = county.today()
    written = []
    if args.xlsx:
        written.append(write_file(args.xlsx, progress_xlsx(progress)))
    if args.pdf:
        written.append(write_file(args.pdf, progress_pdf(progress, today)))
    text = progress_text(progress) + "".join(f"\n已输出 {path}" for path in written)
    emit(args, progress.to_json() | {"files": written}, text)
    return 0
