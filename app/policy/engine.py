"""The quote: what one resident owes now, what is subsidised, and when cover starts, with why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.money import yuan
from app.policy.model import CASE_KINDS, CASE_NAMES, Condition, Cover, Policy, Rule, Tier
from app.special_groups import CATEGORIES as KNOWN_CATEGORIES
from app.special_groups import SENSITIVE

NOT_DUE = {
    "paid_here": "本年度已在本处缴费",
    "paid_elsewhere": "本年度已在他处（学校或外地）缴费",
    "employee": "参加职工医保，不参加居民医保",
    "deceased": "已故",
    "moved_away": "已迁出",
}
# How a category reads in a sentence to the resident ("低保对象资助342元").
_LABELS = {
    "特困": "特困人员", "低保": "低保对象", "低保边缘": "低保边缘家庭成员",
    "重度残疾": "重度残疾人", "脱贫不稳定": "脱贫不稳定人口", "边缘易致贫": "边缘易致贫人口",
    "突发严重困难": "突发严重困难人口", "返贫致贫": "返贫致贫人口", "特困优抚": "特困优抚对象",
    "计生特殊困难家庭": "计生特殊困难家庭成员", "计生特别扶助": "计生特别扶助对象",
}  # fmt: skip
_KNOWN_NAMES = {name for c, vs in KNOWN_CATEGORIES.items() for name in (c, *vs)}


class QuoteError(ValueError):
    """Facts the engine cannot quote on (unknown category or case, a missing date)."""


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the policy needs to know about one resident."""

    categories: tuple[str, ...] = ()  # as the roster or the notice writes them
    born: date | None = None
    status: str = "due"  # enrolment status for the benefit year
    case: str | None = None  # a special case kind, see app.policy.model.CASE_KINDS
    case_date: date | None = None  # birth, entry into a welfare institution, lapse
    insured_last_year: bool = False
    parent_insured: bool = False
    assessed_fen: int | None = None  # 核定应缴 set by the county on the roster record
    lapse_years: int = 0  # years without cover before this one


@dataclass(frozen=True, slots=True)
class Quote:
    """The answer for one person; amounts in fen. When not due, every amount is 0."""

    due: bool
    reason: str
    standard_fen: int = 0
    subsidy_fen: int = 0
    subsidy_mode: str | None = None
    due_now_fen: int = 0
    reimbursed_later_fen: int = 0
    tier: str | None = None
    benefit_start: date | None = None
    benefit_end: date | None = None
    explanation: str = ""
    rule: str = "period"  # period, late, or the case kind that decided
    assessed: bool = False
    categories: tuple[str, ...] = field(default=())

    @property
    def borne_fen(self) -> int:
        """What the resident finally bears: due now minus what comes back later."""
        return self.due_now_fen - self.reimbursed_later_fen


def canonical_categories(policy: Policy, names: tuple[str, ...]) -> tuple[str, ...]:
    """The policy's categories for these names; known names without a tier here are dropped,
    names no one knows are refused."""
    result: list[str] = []
    for name in names:
        canonical = policy.names.get(name.strip())
        if canonical is None:
            if name.strip() not in _KNOWN_NAMES:
                raise QuoteError(f"未知的人员类别“{name}”（{policy.title}）")
            continue
        if canonical not in result:
            result.append(canonical)
    return tuple(result)


def best_tier(policy: Policy, categories: tuple[str, ...]) -> tuple[Tier, str] | None:
    """Highest tier wins, never two (就高不就低，不重复享受): the largest subsidy; a direct
    subsidy beats a reimbursed one of the same amount (nothing to claim back later)."""
    best: tuple[Tier, str] | None = None
    for category in categories:
        tier = policy.tier_of.get(category)
        if tier is None:
            continue
        if best is None or (tier.subsidy_fen, tier.mode == "direct") > (
            best[0].subsidy_fen,
            best[0].mode == "direct",
        ):
            best = (tier, category)
    return best


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _event_date(facts: PersonFacts, paid_on: date) -> date | None:
    event = facts.case_date or (facts.born if facts.case == "newborn" else None)
    if event is not None and event > paid_on:
        raise QuoteError(f"特殊情形日期 {event} 晚于缴费日期 {paid_on}")
    return event


def _holds(
    when: Condition, facts: PersonFacts, event: date | None, paid_on: date, year: int
) -> bool:
    if when.parent_insured is not None and when.parent_insured != facts.parent_insured:
        return False
    if when.insured_last_year is not None and when.insured_last_year != facts.insured_last_year:
        return False
    if when.event_in_benefit_year is not None:
        if event is None:
            raise QuoteError(f"“{CASE_NAMES.get(facts.case or '', '特殊情形')}”需要给出日期")
        if (event.year == year) != when.event_in_benefit_year:
            return False
    if when.within_days is not None:
        if event is None:
            raise QuoteError(f"“{CASE_NAMES.get(facts.case or '', '特殊情形')}”需要给出日期")
        return (paid_on - event).days <= when.within_days
    return True


def _rule(policy: Policy, facts: PersonFacts, paid_on: date, in_period: bool) -> Rule | None:
    """The rule that decides, or None for the ordinary collection-period payment."""
    event = _event_date(facts, paid_on) if facts.case else None
    wanted = ("period", "always") if in_period else ("late", "always")
    for rule in policy.cases:
        if (
            rule.kind == facts.case
            and rule.applies in wanted
            and _holds(rule.when, facts, event, paid_on, policy.benefit_year)
        ):
            return rule
    if in_period:
        return None
    for rule in policy.late:
        if _holds(rule.when, facts, event, paid_on, policy.benefit_year):
            return rule
    return _CLOSED


# No late rule matched: the region allows no mid-year enrolment for this person.
_CLOSED = Rule(standard="closed", cover=Cover())


def _cover_start(rule: Rule | None, policy: Policy, facts: PersonFacts, paid_on: date) -> date:
    if rule is None:
        return policy.benefit.start
    cover = rule.cover
    start_from = cover.start_from
    if start_from == "benefit_start":
        start = policy.benefit.start
    elif start_from == "payment":
        start = paid_on
    elif start_from == "next_month":
        start = _add_months(paid_on.replace(day=1), 1)
    elif start_from == "fixed":
        assert cover.fixed is not None
        start = cover.fixed
    else:
        event = _event_date(facts, paid_on)
        if event is None:
            raise QuoteError(f"“{CASE_NAMES.get(facts.case or '', '特殊情形')}”需要给出日期")
        start = event
    months = cover.months + cover.months_per_extra_lapse_year * max(0, facts.lapse_years - 1)
    start = _add_months(start + timedelta(days=cover.days), months)
    # This year's payment buys this year's cover: a birth or lapse in the year before starts
    # on 1 January. Only a date the file fixes (a freshman's 1 September) may come earlier.
    return start if start_from == "fixed" else max(start, policy.benefit.start)


def _not_due(reason: str, text: str, policy: Policy) -> Quote:
    return Quote(False, reason, explanation=f"{text}（{policy.title}）")


def quote(facts: PersonFacts, policy: Policy, paid_on: date) -> Quote:
    """What `facts` owes under `policy` when paying on `paid_on`, explained in one sentence."""
    if facts.status != "due":
        if facts.status not in NOT_DUE:
            raise QuoteError(f"未知的参保状态“{facts.status}”")
        return _not_due(facts.status, f"不需缴费：{NOT_DUE[facts.status]}", policy)
    if facts.case is not None and facts.case not in CASE_KINDS:
        raise QuoteError(f"未知的特殊情形“{facts.case}”，应为 {'、'.join(CASE_KINDS)}")
    collection, benefit = policy.collection, policy.benefit
    if paid_on < collection.start:
        return _not_due(
            "before_collection", f"集中缴费期自{collection.start:%Y年%-m月%-d日}开始", policy
        )
    if paid_on > benefit.end:
        return _not_due("year_over", f"待遇享受期已于{benefit.end:%Y年%-m月%-d日}结束", policy)
    in_period = paid_on <= collection.end
    rule = _rule(policy, facts, paid_on, in_period)
    if rule is _CLOSED or (rule is not None and rule.standard == "closed"):
        return _not_due(
            "closed", "集中缴费期已过，且无可中途参保的特殊情形，原则上不得中途参保", policy
        )
    start = _cover_start(rule, policy, facts, paid_on)
    if start > benefit.end:
        return _not_due(
            "no_cover_this_year",
            f"若现在缴费，待遇自{start:%Y年%-m月%-d日}起，已过本年度待遇期，本年度不宜缴费",
            policy,
        )
    categories = canonical_categories(policy, facts.categories)
    kind = "individual" if rule is None else rule.standard
    standard = {"individual": policy.individual_fen, "full": policy.full_fen, "none": 0}[kind]
    subsidy, mode, tier_name, label, department = 0, None, None, "", ""
    # A subsidy is of the individual share: none at the full financing standard.
    chosen = best_tier(policy, categories) if kind == "individual" else None
    if chosen is not None:
        tier, category = chosen
        subsidy, mode, tier_name, department = (
            tier.subsidy_fen,
            tier.mode,
            tier.name,
            tier.department,
        )
        label = policy.labels.get(category) or _LABELS.get(category, category)
        if category in SENSITIVE:
            label = "资助对象"
    assessed = facts.assessed_fen is not None and kind != "none"
    if assessed:
        assert facts.assessed_fen is not None
        if not 0 <= facts.assessed_fen <= standard:
            raise QuoteError(
                f"核定应缴 {yuan(facts.assessed_fen)} 元超出缴费标准 {yuan(standard)} 元"
            )
        computed = standard - subsidy if mode == "direct" else standard
        subsidy, mode, tier_name = standard - facts.assessed_fen, "direct", "核定应缴"
        if subsidy == 0:
            mode = None
    reimbursed = subsidy if mode == "reimbursed" else 0
    due_now = standard - subsidy if mode == "direct" else standard

    # One sentence: what is paid, why, from when, under which rule.
    if rule is None:
        context = ""
    elif rule.kind is not None:
        context = f"{CASE_NAMES[rule.kind]}，"
    else:
        context = "集中缴费期已过，"
    if assessed:
        amounts = (
            f"县医保部门核定应缴{yuan(due_now)}元（按政策计算为{yuan(computed)}元，以核定为准）"
        )
    elif kind == "none":
        amounts = "本年度免缴个人缴费"
    elif kind == "full":
        amounts = (
            f"按筹资标准一次性缴纳{yuan(standard)}元"
            f"（个人{yuan(policy.individual_fen)}元+财政补助{yuan(policy.fiscal_fen)}元）"
        )
    elif mode == "reimbursed":
        who = department or "认定部门"
        amounts = (
            f"{label}先全额缴费{yuan(standard)}元，资助{yuan(subsidy)}元由{who}事后返还（先缴后补）"
        )
    elif mode == "direct":
        amounts = f"{label}资助{yuan(subsidy)}元，个人缴费{yuan(due_now)}元"
    else:
        amounts = f"个人缴费{yuan(standard)}元"
    cover = "" if start == benefit.start else f"，{start:%Y年%-m月%-d日}起享受待遇"
    rule_note = "，就高不就低" if chosen is not None and not assessed else ""
    explanation = f"{context}{amounts}{cover}（{policy.title}{rule_note}）"
    return Quote(
        due=True,
        reason="due",
        standard_fen=standard,
        subsidy_fen=subsidy,
        subsidy_mode=mode,
        due_now_fen=due_now,
        reimbursed_later_fen=reimbursed,
        tier=tier_name,
        benefit_start=start,
        benefit_end=benefit.end,
        explanation=explanation,
        rule="period" if rule is None else (rule.kind or "late"),
        assessed=assessed,
        categories=categories,
    )
