"""Unpaid members by household: the 催缴清单 and the special-group members still to enrol."""

# Nothing here carries a special-group category: these lists are printed and carried door to
# door (PIPL art. 28; DOMAIN.md "Personal information"). ID numbers are masked.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.identity import mask
from app.relations import relation_name
from app.report_queries import (
    MemberRow,
    household_contacts,
    resolve_village,
    unpaid_rows,
    villages,
)
from app.workspace import Workspace


class ReportError(Exception):
    """A report that cannot be made as asked; str() is the Chinese message."""


@dataclass(frozen=True, slots=True)
class UnpaidMember:
    name: str
    masked_id: str
    relation: str  # 与户主关系, as words
    phone: str  # their own, else the household's

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "masked_id": self.masked_id,
            "relation": self.relation,
            "phone": self.phone,
        }


@dataclass(frozen=True, slots=True)
class UnpaidHousehold:
    village_code: str
    village: str
    township: str
    number: str  # 户号
    head: str  # 户主 (or the first member on the roster)
    phone: str  # the household's: the head's, else the first member's who left one
    members: tuple[UnpaidMember, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "village_code": self.village_code,
            "village": self.village,
            "township": self.township,
            "household": self.number,
            "head": self.head,
            "phone": self.phone,
            "members": [m.to_json() for m in self.members],
        }


def by_household(conn: Session | Connection, rows: Sequence[MemberRow]) -> list[UnpaidHousehold]:
    """Households from member rows (in household order), with each one's head and phone."""
    places = {code: (name, township) for code, name, township in villages(conn)}
    contacts = household_contacts(conn, sorted({row[2] for row in rows}))
    households = []
    for hid, group in groupby(rows, key=itemgetter(2)):
        members = list(group)
        code, number = members[0][0], members[0][1]
        head, phone = contacts[hid]
        village, township = places.get(code, (code, ""))
        households.append(
            UnpaidHousehold(
                code, village, township, number, head, phone,
                tuple(UnpaidMember(m[3], mask(m[4]), relation_name(m[5]), m[6] or phone)
                      for m in members),
            )
        )  # fmt: skip
    return households


@dataclass(frozen=True)
class Dunning:
    """The 催缴清单: every eligible member not yet paid, by household, for door-to-door calls."""

    benefit_year: int
    villages: list[str]  # names of the villages asked for; empty: all
    households: list[UnpaidHousehold]

    @property
    def people(self) -> int:
        return sum(len(h.members) for h in self.households)

    def to_json(self) -> dict[str, Any]:
        return {
            "benefit_year": self.benefit_year,
            "villages": self.villages,
            "households": len(self.households),
            "people": self.people,
            "list": [h.to_json() for h in self.households],
        }


def village_codes(conn: Session | Connection, wanted: Sequence[str]) -> list[str]:
    """Codes for the villages as typed (code or name); ReportError names one not found."""
    codes: list[str] = []
    for text in wanted:
        try:
            code = resolve_village(conn, text)
        except ValueError:
            raise ReportError(f"村名“{text.strip()}”不止一个，请用12位村代码") from None
        if code is None:
            raise ReportError(f"本设备没有村“{text.strip()}”，请用村名或12位村代码")
        if code not in codes:
            codes.append(code)
    return codes


def dunning_list(conn: Session | Connection, year: int, wanted: Sequence[str] = ()) -> Dunning:
    """The 催缴清单 of the year for the villages given (codes or names), else all of them."""
    codes = village_codes(conn, wanted) if wanted else None
    households = by_household(conn, unpaid_rows(conn, year, village_codes=codes))
    return Dunning(year, [v.strip() for v in wanted], households)


def workspace_dunning(
    workspace: Workspace, wanted: Sequence[str] = (), year: int | None = None
) -> Dunning:
    """The device's 催缴清单 for `year` (default: the business date's)."""
    with workspace.db.engine.connect() as conn, conn.begin():
        return dunning_list(conn, year or workspace.benefit_year, wanted)
