"""Quoting people on the demo roster with the device's policy."""

from __future__ import annotations

from sqlalchemy import select

from app.policy import quote
from app.quoting import person_facts, quote_roster
from app.workspace import Workspace
from db.models import Enrolment, Person, SpecialGroup


def test_a_roster_person_is_quoted_from_their_record(demo_workspace: Workspace) -> None:
    policy = demo_workspace.policy()
    assert policy.key == "lengshi-2024"
    with demo_workspace.db.sessions.begin() as session:
        pid, born = session.execute(
            select(Person.id, Person.birth_date)
            .join(SpecialGroup, SpecialGroup.person_id == Person.id)
            .join(Enrolment, Enrolment.person_id == Person.id)
            .where(SpecialGroup.category == "低保", Enrolment.status == "due")
            .limit(1)
        ).one()
        facts = person_facts(session, pid, policy.benefit_year)
        assert "低保" in facts.categories and facts.born == born and facts.status == "due"
        answer = quote(facts, policy, demo_workspace.today)
        assert answer.due and answer.due_now_fen == 19000  # Hunan: 低保 50% of 380
        # The county sets an amount on the record: it wins, and the quote says so.
        session.get(Person, pid).assessed_fen = 5000  # type: ignore[union-attr]
    with demo_workspace.db.sessions() as session:
        answer = quote(
            person_facts(session, pid, policy.benefit_year), policy, demo_workspace.today
        )
    assert (answer.due_now_fen, answer.assessed) == (5000, True) and "核定" in answer.explanation


def test_the_whole_roster_adds_up(demo_workspace: Workspace) -> None:
    policy = demo_workspace.policy()
    with demo_workspace.db.sessions() as session:
        totals = quote_roster(session, policy, demo_workspace.today)
        due = session.scalar(select(Enrolment.status).where(Enrolment.status == "due").limit(1))
    assert due == "due"
    assert totals.people == 37288
    assert 0.8 * totals.people < totals.due < totals.people
    # Everyone due pays 380 less their subsidy; nothing is reimbursed in Hunan.
    assert totals.due_now_fen + totals.subsidy_fen == totals.due * 38000
    assert totals.reimbursed_later_fen == 0
