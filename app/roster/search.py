"""Finding households at the counter: by ID, ID suffix, name, pinyin initials or household no."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import null, select
from sqlalchemy.orm import Session

from app.identity import mask, normalize, upgrade_15
from app.relations import relation_name
from app.roster.records import STATUS_LABELS
from db.models import Enrolment, Household, Person, SpecialGroup, Township, Village

DEFAULT_LIMIT = 20  # households; an agent types more rather than scrolls
_HIGH = "\U0010ffff"  # sorts after every character: prefix ranges stay on the index
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ID_CHARS = re.compile(r"\d+X?")


@dataclass(frozen=True, slots=True)
class Member:
    """One person of a found household, as the counter shows them."""

    person_id: int
    name: str
    id_type: str
    id_number: str
    relation: str
    sex: str | None
    birth_date: date | None
    phone: str
    status: str  # enrolment status for the benefit year ("due" when the roster says nothing)
    categories: tuple[str, ...]
    matched: bool

    @property
    def masked_id(self) -> str:
        return mask(self.id_number)

    @property
    def relation_name(self) -> str:
        return relation_name(self.relation)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True, slots=True)
class HouseholdMatch:
    """A household with every member, in the order the counter lists them."""

    household_id: int
    number: str
    village_code: str
    village_name: str
    township_name: str
    members: tuple[Member, ...]

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.relation == "02"), None) or (
            self.members[0] if self.members else None
        )


def _prefix(column: object, text: str) -> object:
    return column.between(text, text + _HIGH)  # type: ignore[attr-defined]


def classify(query: str) -> tuple[str, str]:
    """What the agent typed: ("id"|"suffix"|"household"|"name"|"initials"|"", normalised)."""
    text = normalize(query)
    if not text:
        return "", ""
    if _CJK.search(text):
        return "name", re.sub(r"\s+", "", query)
    if _ID_CHARS.fullmatch(text):
        if len(text) in (15, 18):
            return "id", text
        if 4 <= len(text) <= 6:
            return "suffix", text
        return "household", text
    if text.isalpha() and text.isascii():
        return "initials", text.lower()
    return "id", text  # passports and permits: letters and digits


def find_households(
    session: Session, query: str, benefit_year: int, limit: int = DEFAULT_LIMIT
) -> list[HouseholdMatch]:
    """Households whose member or number matches `query`; exact matches first, then prefixes."""
    kind, text = classify(query)
    if not kind:
        return []
    matched: dict[int, int | None] = {}  # household id -> matched person (None: by number)

    def collect(stmt: object) -> None:
        for household_id, person_id in session.execute(stmt):  # type: ignore[call-overload]
            if len(matched) >= limit:
                return
            matched.setdefault(household_id, person_id)

    people = select(Person.household_id, Person.id)
    by_number = select(Household.id, null())
    if kind == "id":
        if len(text) == 15 and text.isdigit():
            collect(people.where(Person.id_number == upgrade_15(text)))
        collect(people.where(Person.id_number == text))
        collect(by_number.where(Household.number == text))
    elif kind == "suffix":
        collect(
            people.where(_prefix(Person.id_reversed, text[::-1]))  # type: ignore[arg-type]
            .order_by(Person.id_reversed)
            .limit(limit)
        )
        collect(by_number.where(Household.number == text))
    elif kind == "household":
        collect(by_number.where(Household.number == text))
        collect(
            by_number.where(_prefix(Household.number, text))  # type: ignore[arg-type]
            .order_by(Household.number)
            .limit(limit)
        )
        collect(people.where(Person.id_number == text))
    elif kind == "name":
        collect(people.where(Person.name == text).limit(limit))
        collect(
            people.where(_prefix(Person.name, text))  # type: ignore[arg-type]
            .order_by(Person.name)
            .limit(limit)
        )
    else:
        collect(people.where(Person.initials == text).limit(limit))
        collect(
            people.where(_prefix(Person.initials, text))  # type: ignore[arg-type]
            .order_by(Person.initials)
            .limit(limit)
        )
    return load_households(session, matched, benefit_year)


def load_households(
    session: Session, matched: dict[int, int | None], benefit_year: int
) -> list[HouseholdMatch]:
    """Households by id, in the order given, with every member and their year's status."""
    if not matched:
        return []
    ids = list(matched)
    heads = {
        hid: (number, vcode, vname, tname)
        for hid, number, vcode, vname, tname in session.execute(
            select(Household.id, Household.number, Village.code, Village.name, Township.name)
            .join(Village, Household.village_code == Village.code)
            .join(Township, Village.township_code == Township.code)
            .where(Household.id.in_(ids))
        )
    }
    rows = session.execute(
        select(
            Person.id,
            Person.household_id,
            Person.name,
            Person.id_type,
            Person.id_number,
            Person.relation,
            Person.sex,
            Person.birth_date,
            Person.phone,
            Enrolment.status,
        )
        .outerjoin(
            Enrolment,
            (Enrolment.person_id == Person.id) & (Enrolment.benefit_year == benefit_year),
        )
        .where(Person.household_id.in_(ids))
        .order_by(Person.household_id, Person.relation, Person.birth_date)
    ).all()
    categories: dict[int, list[str]] = {}
    for pid, category in session.execute(
        select(SpecialGroup.person_id, SpecialGroup.category).where(
            SpecialGroup.person_id.in_([r[0] for r in rows])
        )
    ):
        categories.setdefault(pid, []).append(category)
    members: dict[int, list[Member]] = {hid: [] for hid in ids}
    for pid, hid, name, id_type, number, relation, sex, born, phone, status in rows:
        members[hid].append(
            Member(
                pid,
                name,
                id_type,
                number,
                relation,
                sex,
                born,
                phone,
                status or "due",
                tuple(categories.get(pid, ())),
                pid == matched[hid],
            )
        )
    return [
        HouseholdMatch(hid, *heads[hid][:2], *heads[hid][2:], tuple(members[hid]))
        for hid in ids
        if hid in heads
    ]
