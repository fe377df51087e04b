"""vcollect dayclose: close the day (日结) from the command line, or preview what it would close."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.dayclose import (
    DENOMINATIONS_FEN,
    DayCloseError,
    close_day,
    collecting_unit,
    parse_count,
    preview,
    remittances,
)
from app.money import yuan
from db.database import Database
from ui.cli.common import CommandError, emit
from ui.cli.common import workspace as workspace_for

USER_ERRORS = (DayCloseError,)


def add_commands(groups: Any, common: argparse.ArgumentParser) -> None:
    close = groups.add_parser("dayclose", help="日结：清点现金、上解、打印上解单", parents=[common])
    close.add_argument("--preview", action="store_true", help="只显示将要日结的内容")
    close.add_argument(
        "--list", action="store_true", help="列出历次日结（上解记录）及县医保局是否已确认"
    )
    close.add_argument("--counted-fen", type=int, help="实点现金（分）")
    close.add_argument(
        "--count", action="append", default=[], metavar="面额=张数",
        help="按面额清点（元）：100=3 50=1 … 0.5=2 0.1=4，可多次给出",
    )  # fmt: skip
    close.add_argument("--reference", default="", help="存款凭条号或 POS 交易参考号")
    close.add_argument("--reason", default="", help="实点与应有不符时的原因")
    close.add_argument("--deposited-at", default="", help="存款时间，如 2023-10-15 16:30")
    close.add_argument("--slip", type=Path, help="上解单 PDF 输出文件")
    close.set_defaults(handler=cmd_dayclose)


def _pieces(items: list[str]) -> dict[int, str]:
    by_yuan = {f"{fen / 100:g}": fen for fen in DENOMINATIONS_FEN}
    pieces: dict[int, str] = {}
    for item in items:
        face, sep, number = item.partition("=")
        fen = by_yuan.get(face.strip().removesuffix("元"))
        if not sep or fen is None:
            raise CommandError(
                f"--count 应为 面额=张数，面额可为：{'、'.join(by_yuan)}（收到“{item}”）"
            )
        if fen in pieces:
            raise CommandError(f"面额 {face.strip()} 给了两次，请合并为一次")
        pieces[fen] = number
    return pieces


def _list(args: argparse.Namespace, db: Database) -> None:
    """Every close, newest first, as the desktop's 上解记录 shows it."""
    found = remittances(db)
    lines = [
        f"{r.business_day.isoformat()}  收据 {len(r.preview.receipts)} 张  "
        f"应收合计 {yuan(r.preview.total_fen)} 元  "
        f"现金应有 {yuan(r.preview.expected_cash_fen)} 元  实点 {yuan(r.counted_fen)} 元  "
        f"{r.difference_text}  存款参考号 {r.reference}  县医保局{r.confirmation_text}"
        for r in found
    ]
    emit(args, [r.to_json() for r in found], "\n".join(lines) or "尚无日结记录")


def cmd_dayclose(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        if args.list:
            _list(args, workspace.db)
            return 0
        if args.preview:
            seen = preview(workspace.db)
            lines = [f"{m.label} {m.receipts} 笔 {yuan(m.total_fen)} 元" for m in seen.by_method]
            cash = yuan(seen.expected_cash_fen)
            lines.append(
                f"应有现金 {cash} 元；收据 {len(seen.receipts)} 张，作废 {len(seen.voided)} 张"
            )
            emit(args, seen.to_json(), "\n".join(lines) if not seen.empty else "没有待上解的收据")
            return 0
        if args.counted_fen is not None and args.count:
            raise CommandError("--counted-fen 与 --count 只给一种")
        count = parse_count(_pieces(args.count)) if args.count else None
        done = close_day(
            workspace.db, counted_fen=args.counted_fen, count=count, reference=args.reference,
            today=workspace.today, reason=args.reason, deposited_at=args.deposited_at,
        )  # fmt: skip
        if args.slip:
            from printing.remittance_pdf import render_slip

            unit = collecting_unit(workspace.db, done.preview.receipts)
            args.slip.write_bytes(render_slip(done, unit))
    finally:
        workspace.close()
    data = done.preview.to_json() | {
        "event_id": done.event_id,
        "counted_fen": done.counted_fen,
        "difference_fen": done.difference_fen,
        "reason": done.reason,
        "reference": done.reference,
    }
    expected, counted = yuan(done.preview.expected_cash_fen), yuan(done.counted_fen)
    text = (
        f"日结完成：收据 {len(done.preview.receipts)} 张，应有现金 {expected} 元，"
        f"实点 {counted} 元，差额 {yuan(done.difference_fen)} 元"
    )
    emit(args, data, text)
    return 0
