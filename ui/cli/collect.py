"""vcollect pay, receipt and ledger: recording payments, checking receipts and the books."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import accounts
from app.audit import verify_books
from app.clock import parse_day
from app.collection import (
    CollectionError,
    print_count,
    receipt_view,
    record_payment,
    record_print,
    void_receipt,
)
from app.identity import normalize
from app.money import yuan, yuan_to_fen
from app.receipt_codes import CodeError, verify_code
from app.receipt_view import METHOD_LABELS
from app.workspace import Workspace
from db.models import Device, Person
from printing.receipt_escpos import render_escpos
from printing.receipt_pdf import render_pdf
from ui.cli.common import CommandError, emit
from ui.cli.common import workspace as workspace_for

USER_ERRORS = (CollectionError, CodeError)
ENV_APPROVER_PASSWORD = "VCOLLECT_APPROVER_PASSWORD"


def add_commands(
    groups: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    pay = groups.add_parser("pay", help="为一户中的人员缴费并开具收据", parents=[common])
    pay.add_argument("--member", action="append", required=True, help="证件号码，可多次给出")
    pay.add_argument("--method", choices=sorted(METHOD_LABELS), default="cash")
    pay.add_argument("--reference", default="", help="非现金缴费的交易单号")
    pay.add_argument("--tendered", help="实收现金（元），缺省为应收金额")
    pay.add_argument("--paid-on", help="缴费日期 YYYY-MM-DD，缺省为业务日期")
    pay.set_defaults(handler=cmd_pay)

    receipt = groups.add_parser("receipt", help="收据：核验、作废", parents=[common])
    cmds = receipt.add_subparsers(dest="command", required=True, parser_class=parser_class)
    verify = cmds.add_parser("verify", help="核验收据二维码内容", parents=[common])
    verify.add_argument("text")
    verify.set_defaults(handler=cmd_receipt_verify)
    render = cmds.add_parser("render", help="输出收据（PDF 或 ESC/POS 字节）", parents=[common])
    render.add_argument("receipt_no")
    render.add_argument("--format", choices=["pdf", "escpos"], default="pdf")
    render.add_argument("--paper", choices=["58", "80", "a5"], default="58")
    render.add_argument(
        "--qr", choices=["native", "image"], default="native", help="ESC/POS 二维码方式"
    )
    render.add_argument("--out", required=True, type=Path, help="输出文件")
    render.add_argument("--reprint", action="store_true", help="作为重打（计入重打次数）")
    render.set_defaults(handler=cmd_receipt_render)
    void = cmds.add_parser("void", help="作废未上解的收据", parents=[common])
    void.add_argument("receipt_no")
    void.add_argument("--reason", required=True)
    void.add_argument(
        "--approver",
        help="批准作废的管理员账户（超过限额时；密码在终端输入或用 VCOLLECT_APPROVER_PASSWORD）",
    )
    void.set_defaults(handler=cmd_receipt_void)

    books = groups.add_parser("ledger", help="账本", parents=[common])
    books_cmds = books.add_subparsers(dest="command", required=True, parser_class=parser_class)
    check = books_cmds.add_parser("verify", help="核对账本签名链与收据", parents=[common])
    check.set_defaults(handler=cmd_ledger_verify)


def cmd_pay(args: argparse.Namespace) -> int:
    tendered = yuan_to_fen(args.tendered) if args.tendered else None
    paid_on = parse_day(args.paid_on) if args.paid_on else None
    numbers = [normalize(m) for m in args.member]
    workspace = workspace_for(args)
    try:
        policy = workspace.policy()
        with workspace.db.sessions() as session:
            rows = session.execute(
                select(Person.id_number, Person.id, Person.household_id).where(
                    Person.id_number.in_(numbers)
                )
            ).all()
        found = {number: (pid, hid) for number, pid, hid in rows}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise CommandError(f"花名册中没有证件号码 {'、'.join(missing)}")
        households = {found[n][1] for n in numbers}
        if len(households) > 1:
            raise CommandError("一张收据只能收一户的人员，请按户分别缴费")
        paid = record_payment(
            workspace.db, policy, households.pop(), [found[n][0] for n in numbers],
            method=args.method, reference=args.reference, tendered_fen=tendered,
            paid_on=paid_on or workspace.today,
        )  # fmt: skip
    finally:
        workspace.close()
    data = {
        "receipt_no": paid.receipt_no,
        "total_fen": paid.total_fen,
        "change_fen": paid.change_fen,
        "lines": [{"name": name, "amount_fen": amount} for name, amount in paid.lines],
    }
    text = [
        f"收据号 {paid.receipt_no}，合计 {yuan(paid.total_fen)} 元，找零 {yuan(paid.change_fen)} 元"
    ]
    text += [f"  {name}\t{yuan(amount)} 元" for name, amount in paid.lines]
    emit(args, data, "\n".join(text))
    return 0


def cmd_receipt_verify(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        with workspace.db.sessions() as session:
            keys = {d.id: d.public_key for d in session.scalars(select(Device))}
    finally:
        workspace.close()
    try:
        code = verify_code(args.text, keys)
    except CodeError as exc:
        emit(args, {"valid": False, "reason": str(exc)}, f"无效：{exc}")
        return 1
    data = {
        "valid": True,
        "receipt_no": code.receipt_no,
        "date": code.date,
        "total_fen": code.total_fen,
        "device_id": code.device_id,
        "persons": [{"name": n, "masked_id": i, "amount_fen": a} for n, i, a in code.persons],
    }
    lines = [f"有效：收据 {code.receipt_no}，{code.date}，合计 {yuan(code.total_fen)} 元"]
    lines += [f"  {n}\t{i}\t{yuan(a)} 元" for n, i, a in code.persons]
    emit(args, data, "\n".join(lines))
    return 0


def cmd_receipt_render(args: argparse.Namespace) -> int:
    if args.format == "escpos" and args.paper == "a5":
        raise CommandError("ESC/POS 只支持 58 或 80 毫米纸")
    workspace = workspace_for(args)
    try:
        with workspace.db.sessions() as session:
            printed = print_count(session, args.receipt_no)
        if printed and not args.reprint:
            raise CommandError(f"收据已打印过 {printed} 次，请加 --reprint 打印副本（重打）")
        # Rendering to a file is printing it: the first is the original, later ones 重打.
        copy_no = record_print(workspace.db, args.receipt_no, f"{args.format}-file")
        with workspace.db.sessions() as session:
            view = receipt_view(session, args.receipt_no, copy_no)
    finally:
        workspace.close()
    if args.format == "pdf":
        data = render_pdf(view, args.paper)
    else:
        data = render_escpos(view, args.paper, qr=args.qr)
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        raise CommandError(
            f"无法写入 {args.out}：{exc.strerror}。缴费已记录，可稍后重打。"
        ) from None
    data_json = {
        "receipt_no": view.receipt_no,
        "copy": copy_no,
        "bytes": len(data),
        "out": str(args.out),
    }
    emit(
        args,
        data_json,
        f"已输出收据 {view.receipt_no} 到 {args.out}"
        + (f"（重打第{copy_no}次）" if copy_no else ""),
    )
    return 0


def _approver(args: argparse.Namespace, workspace: Workspace) -> str:
    """The supervisor approving a void over the limit: the one signed in, or --approver."""
    signed = workspace.signed
    if not args.approver:
        return signed.name if signed is not None and signed.is_supervisor else ""
    assert workspace.db.path is not None
    secret = os.environ.get(ENV_APPROVER_PASSWORD)
    if secret is None:
        if not sys.stdin.isatty():
            raise CommandError(f"请在终端输入批准人的密码，或设定 {ENV_APPROVER_PASSWORD}")
        secret = getpass.getpass(f"{args.approver} 的密码：")
    return accounts.approve(workspace.db.path, args.approver, secret, datetime.now()).name


def cmd_receipt_void(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        void_receipt(
            workspace.db, args.receipt_no, args.reason, approved_by=_approver(args, workspace)
        )
    finally:
        workspace.close()
    emit(args, {"voided": args.receipt_no}, f"收据 {args.receipt_no} 已作废")
    return 0


def cmd_ledger_verify(args: argparse.Namespace) -> int:
    workspace = workspace_for(args)
    try:
        with workspace.db.sessions() as session:
            report = verify_books(session)
    finally:
        workspace.close()
    data = {
        "events": report.events,
        "valid": report.valid,
        "first_bad": report.first_bad,
        "problem": report.problem,
    }
    text = f"账本完好：{report.events} 个事件" if report.valid else f"账本有误：{report.problem}"
    emit(args, data, text)
    return 0 if report.valid else 1
