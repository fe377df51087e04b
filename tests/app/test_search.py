"""Counter search on the demo county: every way an agent looks a household up."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.roster.search import classify, find_households
from app.workspace import Workspace
from db.models import Household, Person


@pytest.fixture
def someone(demo_workspace: Workspace) -> Person:
    with demo_workspace.db.sessions() as s:
        person = s.scalars(select(Person).where(Person.relation == "10").limit(1)).one()
        person.household.number  # noqa: B018 - load while the session is open
        return person


def found(ws: Workspace, query: str) -> list[tuple[str, str]]:
    """(household number, matched member's full ID) per result."""
    with ws.db.sessions() as s:
        results = find_households(s, query, ws.benefit_year)
    return [(h.number, next((m.id_number for m in h.members if m.matched), "")) for h in results]


def test_classify() -> None:
    assert classify("４３０９２３１９６２０３１４０２１６") == ("id", "430923196203140216")
    assert classify("0216") == ("suffix", "0216")
    assert classify("02 1x") == ("suffix", "021X")
    assert classify("4309231012010001") == ("household", "4309231012010001")
    assert classify(" 张 三 ") == ("name", "张三")
    assert classify("ZS") == ("initials", "zs")
    assert classify("") == ("", "")


def test_full_id_finds_the_household(demo_workspace: Workspace, someone: Person) -> None:
    assert found(demo_workspace, someone.id_number) == [
        (someone.household.number, someone.id_number)
    ]


def test_id_suffix_finds_everyone_ending_so(demo_workspace: Workspace, someone: Person) -> None:
    for digits in (4, 5, 6):
        results = found(demo_workspace, someone.id_number[-digits:])
        assert (someone.household.number, someone.id_number) in results
        assert all(number.endswith(someone.id_number[-digits:]) for _, number in results if number)


def test_name_exact_then_prefix(demo_workspace: Workspace, someone: Person) -> None:
    results = found(demo_workspace, someone.name)
    assert (someone.household.number, someone.id_number) in results
    with demo_workspace.db.sessions() as s:
        for h in find_households(s, someone.name[0], demo_workspace.benefit_year):
            assert any(m.matched and m.name.startswith(someone.name[0]) for m in h.members)


def test_pinyin_initials(demo_workspace: Workspace, someone: Person) -> None:
    with demo_workspace.db.sessions() as s:
        results = find_households(s, someone.initials, demo_workspace.benefit_year, limit=200)
    assert results
    matched = [m for h in results for m in h.members if m.matched]
    assert all(m.name and len(m.name) >= 2 for m in matched)
    with demo_workspace.db.sessions() as s:
        initials = {
            s.scalar(select(Person.initials).where(Person.id == m.person_id)) for m in matched
        }
    assert all(i and i.startswith(someone.initials) for i in initials)


def test_household_number_exact_and_prefix(demo_workspace: Workspace, someone: Person) -> None:
    number = someone.household.number
    assert found(demo_workspace, number)[0][0] == number
    prefix = found(demo_workspace, number[:-2])
    assert number in [n for n, _ in prefix]


def test_a_household_shows_every_member_head_first(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as s:
        number = s.scalar(select(Household.number).limit(1))
        (household,) = find_households(s, number, demo_workspace.benefit_year)
        total = s.query(Person).filter(Person.household_id == household.household_id).count()
    assert len(household.members) == total
    assert household.members[0].relation == "02" and household.head is household.members[0]
    assert all("*" in m.masked_id for m in household.members)


def test_nothing_found(demo_workspace: Workspace) -> None:
    assert found(demo_workspace, "没有这个人") == []
    assert found(demo_workspace, "qqqqqq") == []
