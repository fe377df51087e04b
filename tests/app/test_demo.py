"""The demo county: shaped like seed 001, deterministic, valid people in plausible households."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import islice

from sqlalchemy import func, select

from app.demo.counties import HONGHU, LENGSHI
from app.demo.generator import generate
from app.identity import parse_id
from app.roster.stats import roster_stats
from app.workspace import Workspace
from db.models import Enrolment, Person, SpecialGroup


def test_lengshi_matches_the_task_table_of_seed_001(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as s:
        stats = roster_stats(s, 2024)
    assert stats.people == 37288 and len(stats.villages) == 18
    assert sum(v.target or 0 for v in stats.villages) == 31700
    nanhua = next(v for v in stats.villages if v.name == "南华村")
    assert (nanhua.people, nanhua.population, nanhua.target) == (2888, 2888, 2471)


def test_honghu_scale_is_seed_000s_total() -> None:
    assert HONGHU.population == 668296 and len(HONGHU.townships) == 21


def test_generation_is_deterministic() -> None:
    assert list(islice(generate(LENGSHI), 500)) == list(islice(generate(LENGSHI), 500))


def test_people_are_valid_and_households_plausible() -> None:
    rows = list(generate(LENGSHI))
    sizes = Counter(r["household"] for r in rows)
    assert set(sizes.values()) <= set(range(1, 8))
    heads = Counter(r["household"] for r in rows if r["relation"] == "02")
    assert heads == Counter(dict.fromkeys(sizes, 1))
    for row in rows[:3000]:
        person = parse_id(row["id_number"], today=LENGSHI.business_date)
        assert person.birth_date == date.fromisoformat(row["birth_date"])
    assert len({r["id_number"] for r in rows}) == len(rows)


def test_special_groups_and_statuses_at_plausible_rates(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as s:
        people = s.scalar(select(func.count()).select_from(Person)) or 1
        flagged = s.scalar(select(func.count(func.distinct(SpecialGroup.person_id)))) or 0
        statuses = dict(
            s.execute(select(Enrolment.status, func.count()).group_by(Enrolment.status)).all()
        )
    assert 0.01 < flagged / people < 0.2
    assert statuses["due"] / people > 0.8
    assert {"paid_elsewhere", "employee", "deceased"} <= set(statuses)
    assert demo_workspace.demo == "lengshi" and demo_workspace.today == date(2023, 10, 15)
