"""Quoting people on the roster: their facts from the database, the region's policy, the quote."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, bindparam, func, select
from sqlalchemy.orm import Session

from app.policy import PersonFacts, Policy, Quote, quote
from db.models import (
    CorrectionRequest,
    Enrolment,
    Payment,
    PaymentLine,
    Person,
    ReceiptVoid,
    SpecialGroup,
)


@dataclass(frozen=True, slots=True)
class RosterTotals:
    """The whole roster quoted on one day: how many are due and what they pay."""

    people: int
    due: int
    due_now_fen: int
    subsidy_fen: int
    reimbursed_later_fen: int


def _facts_query(benefit_year: int | BindParameter[int], *extra: Any) -> Select[Any]:
    categories = (
        select(func.group_concat(SpecialGroup.category, ";"))
        .where(SpecialGroup.person_id == Person.id)
        .scalar_subquery()
    )
    return select(
        Person.id, Person.birth_date, Person.assessed_fen, Enrolment.status, categories, *extra
    ).outerjoin(
        Enrolment,
        (Enrolment.person_id == Person.id) & (Enrolment.benefit_year == benefit_year),
    )


# Built once with bound parameters: a payment at the counter runs them every time.
_IDS = Person.id.in_(bindparam("ids", expanding=True))
_FACTS_OF = _facts_query(bindparam("year")).where(_IDS)
# The receipt (not voided) that already paid a person for the year, if any.
_PAID_RECEIPT = (
    select(Payment.receipt_no)
    .join(PaymentLine, PaymentLine.payment_id == Payment.id)
    .outerjoin(ReceiptVoid, ReceiptVoid.payment_id == Payment.id)
    .where(
        PaymentLine.person_id == Person.id,
        PaymentLine.benefit_year == bindparam("year"),
        ReceiptVoid.payment_id.is_(None),
    )
    .limit(1)
    .scalar_subquery()
)
# Whether an identity correction for them waits for the county (app.corrections).
_CORRECTION_PENDING = (
    select(CorrectionRequest.id)
    .where(
        CorrectionRequest.id_number == Person.id_number,
        CorrectionRequest.state == "pending",
    )
    .exists()
)
_MEMBERS_OF = _facts_query(
    bindparam("year"), Person.name, Person.id_number, Person.household_id, Person.relation,
    _CORRECTION_PENDING, _PAID_RECEIPT,
).where(_IDS)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Member:
    """A person about to be charged: who they are, where they live, and their facts."""

    id: int
    name: str
    id_number: str
    household_id: int
    relation: str
    facts: PersonFacts
    correction_pending: bool
    receipt_no: str | None  # the receipt that paid them for the year already, if any


def _facts(
    born: date | None, assessed: int | None, status: str | None, cats: str | None
) -> PersonFacts:
    return PersonFacts(
        categories=tuple(cats.split(";")) if cats else (),
        born=born,
        status=status or "due",
        assessed_fen=assessed,
    )


def person_facts(session: Session, person_id: int, benefit_year: int) -> PersonFacts:
    """A roster person's facts for the policy (categories, birth, status, county-set amount)."""
    return facts_for(session, [person_id], benefit_year)[person_id]


def facts_for(
    session: Session | Connection, person_ids: list[int], benefit_year: int
) -> dict[int, PersonFacts]:
    """Several people's facts in one query (a household at the counter)."""
    rows = session.execute(_FACTS_OF, {"year": benefit_year, "ids": person_ids})
    return {pid: _facts(born, assessed, status, cats) for pid, born, assessed, status, cats
            in rows}  # fmt: skip


def members_for(
    session: Session | Connection, person_ids: list[int], benefit_year: int
) -> dict[int, Member]:
    """The people on a receipt with their facts, in one query."""
    rows = session.execute(_MEMBERS_OF, {"year": benefit_year, "ids": person_ids})
    return {
        row.id: Member(
            row.id, row.name, row.id_number, row.household_id, row.relation,
            _facts(row.birth_date, row.assessed_fen, row.status, row[4]), bool(row[-2]), row[-1],
        )
        for row in rows
    }  # fmt: skip


def roster_facts(session: Session, benefit_year: int) -> Iterator[tuple[int, PersonFacts]]:
    """Every person's facts, streamed in id order."""
    stmt = _facts_query(benefit_year).order_by(Person.id).execution_options(yield_per=5000)
    for pid, born, assessed, status, cats in session.execute(stmt):
        yield pid, _facts(born, assessed, status, cats)


def quote_roster(session: Session, policy: Policy, paid_on: date) -> RosterTotals:
    """Quote everyone on the roster for the policy's benefit year on `paid_on`."""
    people = due = due_now = subsidy = later = 0
    for _pid, facts in roster_facts(session, policy.benefit_year):
        answer: Quote = quote(facts, policy, paid_on)
        people += 1
        if answer.due:
            due += 1
            due_now += answer.due_now_fen
            subsidy += answer.subsidy_fen
            later += answer.reimbursed_later_fen
    return RosterTotals(people, due, due_now, subsidy, later)
