"""vcollect quote and vcollect policy: what a resident owes, and a region's rules as a table."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from sqlalchemy import select

from app.clock import business_date, parse_day
from app.identity import normalize
from app.money import yuan, yuan_to_fen
from app.paths import default_db_path
from app.policy import CASE_KINDS, PersonFacts, Policy, Quote, available, load_policy, quote
from app.policy.model import CASE_NAMES, Rule
from app.quoting import person_facts
from app.workspace import Workspace
from db.models import Person
from ui.cli.common import CommandError, emit
from ui.cli.common import workspace as workspace_for


def add_commands(
    groups: Any, common: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]
) -> None:
    q = groups.add_parser("quote", help="计算某人应缴金额、资助与待遇起始日", parents=[common])
    q.add_argument("--region", help="地区政策，如 honghu-2024；缺省为本设备的地区")
    q.add_argument("--id", dest="id_number", help="花名册中的证件号码（其余事实取自花名册）")
    q.add_argument("--category", action="append", default=[], help="人员类别，可多次给出")
    q.add_argument("--paid-on", help="缴费日期 YYYY-MM-DD，缺省为业务日期")
    q.add_argument("--born", help="出生日期 YYYY-MM-DD")
    q.add_argument("--case", choices=CASE_KINDS, help="特殊情形")
    q.add_argument("--case-date", help="特殊情形的日期（出生、进入福利机构、断保）")
    q.add_argument("--insured-last-year", action="store_true", help="上年度在本市参保（武汉）")
    q.add_argument("--parent-insured", action="store_true", help="父母一方在本市参保（新生儿）")
    q.add_argument("--lapse-years", type=int, default=0, help="此前连续断保年数")
    q.add_argument("--assessed", help="核定应缴金额（元）")
    q.set_defaults(handler=cmd_quote)

    policy = groups.add_parser("policy", help="地区政策", parents=[common])
    cmds = policy.add_subparsers(dest="command", required=True, parser_class=parser_class)
    show = cmds.add_parser("show", help="以表格显示某地区的政策", parents=[common])
    show.add_argument("region")
    show.set_defaults(handler=cmd_policy_show)
    cmds.add_parser("list", help="列出可用的地区政策", parents=[common]).set_defaults(
        handler=cmd_policy_list
    )


def _day(text: str | None) -> date | None:
    return parse_day(text) if text else None


def quote_json(answer: Quote, policy: Policy, paid_on: date) -> dict[str, Any]:
    return {
        "region": policy.key,
        "paid_on": paid_on.isoformat(),
        "due": answer.due,
        "reason": answer.reason,
        "standard_fen": answer.standard_fen,
        "subsidy_fen": answer.subsidy_fen,
        "subsidy_mode": answer.subsidy_mode,
        "due_now_fen": answer.due_now_fen,
        "reimbursed_later_fen": answer.reimbursed_later_fen,
        "tier": answer.tier,
        "benefit_start": answer.benefit_start.isoformat() if answer.benefit_start else None,
        "benefit_end": answer.benefit_end.isoformat() if answer.benefit_end else None,
        "explanation": answer.explanation,
        "rule": answer.rule,
        "categories": list(answer.categories),
        "assessed": answer.assessed,
    }


def quote_text(answer: Quote) -> str:
    lines = [answer.explanation]
    if answer.due:
        mode = {"direct": "直接减免", "reimbursed": "先缴后补"}.get(answer.subsidy_mode or "", "无")
        lines += [
            f"  缴费标准   {yuan(answer.standard_fen)} 元",
            f"  资助       {yuan(answer.subsidy_fen)} 元（{mode}）{answer.tier or ''}",
            f"  现在应缴   {yuan(answer.due_now_fen)} 元",
            f"  事后返还   {yuan(answer.reimbursed_later_fen)} 元",
            f"  待遇期     {answer.benefit_start} 至 {answer.benefit_end}",
        ]
    return "\n".join(lines)


def cmd_quote(args: argparse.Namespace) -> int:
    paid_on = _day(args.paid_on)
    case_date, born = _day(args.case_date), _day(args.born)
    assessed = yuan_to_fen(args.assessed) if args.assessed else None
    if args.lapse_years < 0:
        raise CommandError("--lapse-years 不能为负数")
    facts = PersonFacts()
    if args.id_number or not args.region or default_db_path(getattr(args, "db", None)).exists():
        # The roster, the device's region or its business date are needed: open the database.
        workspace = workspace_for(args)
        try:
            policy = workspace.policy(args.region)
            paid_on = paid_on or workspace.today
            if args.id_number:
                facts = _roster_facts(workspace, args.id_number, policy.benefit_year)
        finally:
            workspace.close()
    else:  # a question about the rules alone: no database needed
        policy = load_policy(args.region)
        paid_on = paid_on or business_date(None, getattr(args, "today", None))
    facts = PersonFacts(
        categories=facts.categories + tuple(args.category),
        born=born or facts.born,
        status=facts.status,
        case=args.case,
        case_date=case_date,
        insured_last_year=args.insured_last_year,
        parent_insured=args.parent_insured,
        assessed_fen=assessed if assessed is not None else facts.assessed_fen,
        lapse_years=args.lapse_years,
    )
    answer = quote(facts, policy, paid_on)
    emit(args, quote_json(answer, policy, paid_on), quote_text(answer))
    return 0


def _roster_facts(workspace: Workspace, id_text: str, benefit_year: int) -> PersonFacts:
    number = normalize(id_text)
    with workspace.db.sessions() as session:
        pid = session.scalar(select(Person.id).where(Person.id_number == number))
        if pid is None:
            raise CommandError(f"花名册中没有证件号码为 {number} 的人")
        return person_facts(session, pid, benefit_year)


def _rule_text(rule: Rule, policy: Policy) -> str:
    standard = {
        "individual": f"个人缴费标准{yuan(policy.individual_fen)}元",
        "full": f"筹资标准{yuan(policy.full_fen)}元",
        "none": "免缴",
        "closed": "不得中途参保",
    }[rule.standard]
    cover = rule.cover
    start = {
        "benefit_start": "待遇年度开始",
        "event": "事件日（出生、进入福利机构、断保）",
        "payment": "缴费日",
        "next_month": "缴费次月1日",
        "fixed": str(cover.fixed),
    }[cover.start_from]
    later = []
    if cover.days:
        later.append(f"{cover.days}天")
    if cover.months:
        later.append(f"{cover.months}个月")
    if cover.months_per_extra_lapse_year:
        later.append(f"断保每多1年加{cover.months_per_extra_lapse_year}个月")
    when = []
    if rule.when.within_days is not None:
        when.append(f"{rule.when.within_days}天内")
    if rule.when.parent_insured:
        when.append("父母参保")
    if rule.when.insured_last_year:
        when.append("上年度参保")
    condition = f"（{'、'.join(when)}）" if when else ""
    wait = f"后{'、'.join(later)}" if later else ""
    return f"{condition}{standard}；待遇自{start}{wait}起"


def policy_table(policy: Policy) -> str:
    lines = [
        f"{policy.title}  [{policy.key}]",
        f"依据：{policy.source}",
        f"个人缴费标准 {yuan(policy.individual_fen)} 元；财政补助 {yuan(policy.fiscal_fen)} 元；"
        f"筹资标准 {yuan(policy.full_fen)} 元",
        f"集中缴费期 {policy.collection.start} 至 {policy.collection.end}；"
        f"待遇享受期 {policy.benefit.start} 至 {policy.benefit.end}",
        "",
        "资助档次（就高不就低，不重复享受）：",
    ]
    for tier in policy.tiers:
        amount = f"{tier.percent}%" if tier.percent else f"{yuan(tier.subsidy_fen)}元"
        mode = "直接减免" if tier.mode == "direct" else "先缴后补"
        pays = yuan(policy.individual_fen - tier.subsidy_fen)
        lines.append(
            f"  {tier.name}：资助{amount}（{yuan(tier.subsidy_fen)}元，{mode}），"
            f"个人最终负担{pays}元 — {'、'.join(tier.categories)}"
        )
    lines.append("")
    lines.append("集中缴费期外：")
    lines += [f"  {_rule_text(rule, policy)}" for rule in policy.late] or ["  原则上不得中途参保"]
    if policy.cases:
        lines.append("特殊情形（按顺序取第一条符合的）：")
        lines += [f"  {CASE_NAMES[r.kind or '']}：{_rule_text(r, policy)}" for r in policy.cases]
    extras = []
    if policy.participation_target:
        extras.append(f"参保率目标 {policy.participation_target}%")
    if policy.special_groups_target:
        extras.append(f"特殊群体参保率目标 {policy.special_groups_target}%")
    if policy.work_fee_fen is not None:
        extras.append(f"工作经费 每人{yuan(policy.work_fee_fen)}元")
    if policy.deposit_days or policy.deposit_cash_fen or policy.block_cash:
        cash = policy.deposit_cash_fen
        extras.append(
            f"限期限额：现金最多持有{policy.deposit_days or '（未规定）'}天，"
            f"最多{yuan(cash) + '元' if cash is not None else '（未规定）'}"
            + ("，超过后停收现金" if policy.block_cash else "")
        )
    lines += ["", "；".join(extras)] if extras else []
    for product in policy.optional:
        lines.append(f"自愿项目：{product.name} {yuan(product.amount_fen)}元（{product.note}）")
    if policy.choices:
        lines += ["", "本文件的解释选择："]
        lines += [f"  · {c.topic}：{c.choice}。理由：{c.reason}" for c in policy.choices]
    return "\n".join(lines)


def policy_json(policy: Policy) -> dict[str, Any]:
    return {
        "key": policy.key,
        "region": policy.region,
        "benefit_year": policy.benefit_year,
        "source": policy.source,
        "individual_fen": policy.individual_fen,
        "fiscal_fen": policy.fiscal_fen,
        "collection": [policy.collection.start.isoformat(), policy.collection.end.isoformat()],
        "benefit": [policy.benefit.start.isoformat(), policy.benefit.end.isoformat()],
        "tiers": [
            {
                "name": t.name,
                "categories": list(t.categories),
                "subsidy_fen": t.subsidy_fen,
                "percent": t.percent,
                "mode": t.mode,
            }
            for t in policy.tiers
        ],
        "categories": {c: list(v) for c, v in policy.categories.items()},
        "participation_target": policy.participation_target,
        "special_groups_target": policy.special_groups_target,
        "work_fee_fen": policy.work_fee_fen,
        "choices": [
            {"topic": c.topic, "choice": c.choice, "reason": c.reason} for c in policy.choices
        ],
    }


def cmd_policy_show(args: argparse.Namespace) -> int:
    policy = load_policy(args.region)
    emit(args, policy_json(policy), policy_table(policy))
    return 0


def cmd_policy_list(args: argparse.Namespace) -> int:
    policies = [load_policy(key) for key in available()]
    emit(
        args,
        [{"key": p.key, "region": p.region, "benefit_year": p.benefit_year} for p in policies],
        "\n".join(f"{p.key}\t{p.title}" for p in policies),
    )
    return 0
