"""Progress at the county: the county roster and every device's receipts, in the app's report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select

from app.policy import Policy, PolicyError, load_policy
from app.report_queries import VillageCounts, roster_counts, special_members, tasks, villages
from app.reports import Progress, Settings, add_special, build_progress
from app.settings import get_setting
from app.unpaid import by_household
from db.models import Enrolment, Person
from sync.server.api import REGION_KEY
from sync.server.county import CountyDatabase
from sync.server.schema import CountyPayment, CountyPaymentLine


def _lines(year: int) -> Any:
    """Every device's receipt lines of the year, voided receipts left out."""
    return (
        select()
        .select_from(CountyPaymentLine)
        .join(CountyPayment, CountyPayment.id == CountyPaymentLine.payment_id)
        .where(CountyPaymentLine.benefit_year == year, CountyPayment.voided.is_(False))
    )


def county_policy(conn: Connection) -> Policy | None:
    """The county's region policy (`vcollect county region`), None when unset or unreadable."""
    key = get_setting(conn, REGION_KEY)
    if not key:
        return None
    try:
        return load_policy(key)
    except PolicyError:
        return None


def county_progress(county: CountyDatabase, year: int | None = None) -> Progress:
    """Progress of every village of the county roster, across all devices' receipts.

    A person counts as enrolled when the county roster says paid (another channel) or a
    device's receipt for the year (not voided) names their ID number."""
    year = year or county.benefit_year()
    with county.reading() as conn:
        paid_ids = _lines(year).add_columns(CountyPaymentLine.id_number)
        paid = Person.id_number.in_(paid_ids.scalar_subquery())
        elsewhere = and_(Enrolment.status.in_(("paid_here", "paid_elsewhere")), ~paid)
        counts = roster_counts(conn, year, paid, elsewhere=elsewhere)
        special, special_unpaid = special_members(conn, year, paid)
        add_special(counts, special)
        receipts = conn.execute(
            _lines(year)
            .add_columns(
                CountyPayment.village_code,
                func.count(func.distinct(CountyPaymentLine.id_number)),
                func.sum(CountyPaymentLine.amount_fen),
            )
            .group_by(CountyPayment.village_code)
        )
        for code, collected, amount in receipts:
            village = counts.setdefault(code, VillageCounts())
            village.collected, village.amount_fen = int(collected), int(amount or 0)
        daily = conn.execute(
            _lines(year)
            .add_columns(CountyPayment.paid_on, func.count(CountyPaymentLine.id))
            .group_by(CountyPayment.paid_on)
        )
        return build_progress(
            year, "county", Settings.of(county_policy(conn), year), villages(conn),
            tasks(conn, year), counts, [(day, int(n)) for day, n in daily],
            by_household(conn, special_unpaid),
        )  # fmt: skip
