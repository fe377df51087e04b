"""Quote figures: one person's quote, and the whole roster, beside bare baselines."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.policy import CASE_KINDS, PersonFacts, load_policy, quote
from app.quoting import quote_roster
from app.workspace import open_workspace

PAID_ON = date(2023, 10, 15)


def _sample_facts(rng: random.Random, n: int) -> list[tuple[PersonFacts, date]]:
    """A mix like a counter's day: most people ordinary, some special groups, some late cases."""
    names = ["低保", "农村特困人员", "脱贫人口", "边缘易致贫人口", "孤儿", "重度残疾人"]
    facts = []
    for _ in range(n):
        categories = tuple(rng.sample(names, rng.choice((0, 0, 0, 1, 1, 2))))
        late = rng.random() < 0.2
        paid_on = PAID_ON + timedelta(days=rng.randrange(80, 300)) if late else PAID_ON
        case = rng.choice(CASE_KINDS) if late and rng.random() < 0.5 else None
        event = paid_on - timedelta(days=rng.randrange(0, 150))
        facts.append((PersonFacts(categories, born=event, case=case, case_date=event), paid_on))
    return facts


def _bare_quote(categories: tuple[str, ...], table: dict[str, int], standard: int) -> int:
    """The least a quote can be: the largest subsidy of the person's categories, subtracted."""
    return standard - max((table.get(c, 0) for c in categories), default=0)


def quote_figures(db: Path, rng: random.Random, n: int = 20000) -> dict[str, Any]:
    policy = load_policy("honghu-2024")
    sample = _sample_facts(rng, n)
    ours, bare = [], []
    table = {name: policy.tier_of[c].subsidy_fen for name, c in policy.names.items()
             if c in policy.tier_of}  # fmt: skip
    for facts, paid_on in sample:
        start = time.perf_counter_ns()
        quote(facts, policy, paid_on)
        ours.append(time.perf_counter_ns() - start)
        start = time.perf_counter_ns()
        _bare_quote(facts.categories, table, policy.individual_fen)
        bare.append(time.perf_counter_ns() - start)

    workspace = open_workspace(db, today=PAID_ON.isoformat())
    began = time.perf_counter()
    with workspace.db.sessions() as session:
        totals = quote_roster(session, policy, PAID_ON)
    roster_s = time.perf_counter() - began
    workspace.close()
    conn = sqlite3.connect(db)
    began = time.perf_counter()
    rows = conn.execute(
        "SELECT p.id, p.birth_date, p.assessed_fen, e.status,"
        " (SELECT group_concat(category, ';') FROM special_group s WHERE s.person_id = p.id)"
        " FROM person p LEFT JOIN enrolment e ON e.person_id = p.id AND e.benefit_year = 2024"
        " ORDER BY p.id"
    )
    read = sum(1 for _ in rows)
    bare_roster_s = time.perf_counter() - began
    conn.close()
    assert read == totals.people
    return {
        "n": n,
        "median_us": round(statistics.median(ours) / 1000, 1),
        "p99_us": round(sorted(ours)[int(n * 0.99)] / 1000, 1),
        "baseline_median_us": round(statistics.median(bare) / 1000, 2),
        "roster_people": totals.people,
        "roster_due": totals.due,
        "roster_s": round(roster_s, 1),
        "baseline_roster_read_s": round(bare_roster_s, 1),
    }
