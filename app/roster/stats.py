"""Roster totals: people, households and villages, and per village the population and task."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Household, Person, Township, Village, VillageTask


@dataclass(frozen=True, slots=True)
class VillageStats:
    code: str
    name: str
    township: str
    people: int  # on the roster here
    households: int
    population: int | None  # 实际人数 from the task table
    target: int | None  # 任务数


@dataclass(frozen=True, slots=True)
class RosterStats:
    people: int
    households: int
    villages: list[VillageStats]

    def to_json(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "households": self.households,
            "villages": [asdict(v) for v in self.villages],
        }


def roster_stats(session: Session, benefit_year: int) -> RosterStats:
    """Counts from the roster next to the task table's figures for `benefit_year`."""
    people = dict(
        session.execute(
            select(Household.village_code, func.count(Person.id))
            .join(Person, Person.household_id == Household.id)
            .group_by(Household.village_code)
        ).all()
    )
    households = dict(
        session.execute(
            select(Household.village_code, func.count(Household.id)).group_by(
                Household.village_code
            )
        ).all()
    )
    tasks = {
        code: (population, target)
        for code, population, target in session.execute(
            select(VillageTask.village_code, VillageTask.population, VillageTask.target).where(
                VillageTask.benefit_year == benefit_year
            )
        )
    }
    villages = [
        VillageStats(
            code,
            name,
            township,
            people.get(code, 0),
            households.get(code, 0),
            *tasks.get(code, (None, None)),
        )
        for code, name, township in session.execute(
            select(Village.code, Village.name, Township.name)
            .join(Township, Village.township_code == Township.code)
            .order_by(Village.code)
        )
    ]
    return RosterStats(sum(people.values()), sum(households.values()), villages)
