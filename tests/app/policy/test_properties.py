"""Properties every quote keeps, in every shipped region, for any facts and any payment day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.policy import CASE_KINDS, PersonFacts, Policy, Quote, load_policy, quote
from app.policy.engine import QuoteError

POLICIES = [
    load_policy(k)
    for k in ("honghu-2024", "hunan-2024", "lengshi-2024", "suiping-2025", "wuhan-jiangan-2023")
]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Policy, PersonFacts, date]:
    policy = draw(st.sampled_from(POLICIES))
    names = sorted(policy.names)
    paid_on = draw(
        st.dates(
            policy.collection.start - timedelta(days=5), policy.benefit.end + timedelta(days=5)
        )
    )
    case = draw(st.none() | st.sampled_from(CASE_KINDS))
    event = draw(st.none() | st.dates(paid_on - timedelta(days=400), paid_on))
    facts = PersonFacts(
        categories=tuple(draw(st.lists(st.sampled_from(names), max_size=3))),
        status=draw(st.sampled_from(["due"] * 6 + ["paid_here", "employee", "deceased"])),
        case=case,
        case_date=event,
        born=event,
        insured_last_year=draw(st.booleans()),
        parent_insured=draw(st.booleans()),
        lapse_years=draw(st.integers(0, 6)),
        assessed_fen=draw(st.none() | st.none() | st.integers(0, policy.individual_fen)),
    )
    return policy, facts, paid_on


def _quote(policy: Policy, facts: PersonFacts, paid_on: date) -> Quote | None:
    try:
        return quote(facts, policy, paid_on)
    except QuoteError:
        return None  # e.g. a case that needs a date it was not given: refused, not guessed


@settings(max_examples=800, deadline=None)
@given(scenarios())
def test_amounts_always_add_up(scenario: tuple[Policy, PersonFacts, date]) -> None:
    policy, facts, paid_on = scenario
    answer = _quote(policy, facts, paid_on)
    if answer is None:
        return
    if not answer.due:
        assert (answer.standard_fen, answer.subsidy_fen, answer.due_now_fen) == (0, 0, 0)
        assert answer.reimbursed_later_fen == 0 and answer.explanation
        return
    assert 0 <= answer.subsidy_fen <= answer.standard_fen
    assert answer.standard_fen in (0, policy.individual_fen, policy.full_fen)
    direct = answer.subsidy_fen if answer.subsidy_mode == "direct" else 0
    assert answer.due_now_fen + direct == answer.standard_fen
    assert answer.borne_fen == answer.standard_fen - answer.subsidy_fen
    assert answer.reimbursed_later_fen == (
        answer.subsidy_fen if answer.subsidy_mode == "reimbursed" else 0
    )
    assert answer.benefit_start is not None and answer.benefit_end == policy.benefit.end
    assert answer.benefit_start <= policy.benefit.end
    assert policy.region in answer.explanation


@settings(max_examples=800, deadline=None)
@given(scenarios(), st.data())
def test_adding_a_category_never_raises_what_the_resident_bears(
    scenario: tuple[Policy, PersonFacts, date], data: st.DataObject
) -> None:
    policy, facts, paid_on = scenario
    before = _quote(policy, facts, paid_on)
    extra = data.draw(st.sampled_from(sorted(policy.names)))
    more = PersonFacts(**{**_fields(facts), "categories": (*facts.categories, extra)})
    after = _quote(policy, more, paid_on)
    if before is None or after is None or not before.due:
        return
    assert after.due
    assert after.borne_fen <= before.borne_fen
    assert after.due_now_fen - (after.reimbursed_later_fen) <= before.borne_fen


@settings(max_examples=500, deadline=None)
@given(scenarios())
def test_highest_tier_alone_decides(scenario: tuple[Policy, PersonFacts, date]) -> None:
    """Never two subsidies: the subsidy is one tier's amount, whatever the categories."""
    policy, facts, paid_on = scenario
    answer = _quote(policy, facts, paid_on)
    if answer is None or not answer.due or answer.assessed or not answer.subsidy_fen:
        return
    amounts = {t.subsidy_fen for t in policy.tiers if set(t.categories) & set(answer.categories)}
    assert answer.subsidy_fen == max(amounts)


def _fields(facts: PersonFacts) -> dict[str, object]:
    return {name: getattr(facts, name) for name in PersonFacts.__dataclass_fields__}
