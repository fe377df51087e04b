"""What the correction form offers before anything is queued: the device's villages, the
village's usual hukou place, the household a number names, and whether an ID is on the roster.

Read-only helpers for the desktop form (app.corrections does the checking and the writing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.pinyin import initials
from db.models import CorrectionRequest, Household, Person, Township, Village


@dataclass(frozen=True, slots=True)
class VillageChoice:
    """One of the device's villages, with the pinyin initials typed to pick it ("nhc")."""

    code: str
    name: str
    township: str

    @property
    def initials(self) -> str:
        return initials(self.name)


@dataclass(frozen=True, slots=True)
class RosterHolder:
    """Who holds an ID number on the roster, and in which household."""

    household_id: int
    household: str
    name: str


def village_choices(session: Session) -> list[VillageChoice]:
    """The villages this device holds, by township and code (the county's order)."""
    rows = session.execute(
        select(Village.code, Village.name, Township.name)
        .join(Township, Township.code == Village.township_code)
        .order_by(Village.township_code, Village.code)
    )
    return [VillageChoice(code, name, township) for code, name, township in rows]


def usual_hukou_place(session: Session, village_code: str) -> str:
    """The hukou place most of the village's people have on the roster ("" if none)."""
    place = session.scalar(
        select(Person.hukou_place)
        .join(Household, Household.id == Person.household_id)
        .where(Household.village_code == village_code, Person.hukou_place != "")
        .group_by(Person.hukou_place)
        .order_by(func.count().desc(), Person.hukou_place)
        .limit(1)
    )
    return place or ""


def household_village(session: Session, number: str) -> str | None:
    """The village code of household `number`, or None when there is no such household."""
    return session.scalar(select(Household.village_code).where(Household.number == number.strip()))


def last_village(session: Session) -> str | None:
    """The village of the request queued last: the next one is most likely there too."""
    return session.scalar(
        select(CorrectionRequest.village_code)
        .order_by(CorrectionRequest.updated_at.desc(), CorrectionRequest.id.desc())
        .limit(1)
    )


def roster_holder(session: Session, id_type: str, id_number: str) -> RosterHolder | None:
    """Who is on the roster with this (normalised) ID, if anyone."""
    row = session.execute(
        select(Person.household_id, Household.number, Person.name)
        .join(Household, Household.id == Person.household_id)
        .where(Person.id_type == id_type, Person.id_number == id_number)
    ).first()
    return RosterHolder(row[0], row[1], row[2]) if row is not None else None
