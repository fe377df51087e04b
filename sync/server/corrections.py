"""The county's side of identity corrections: list with likely matches, accept or reject."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from app.identity import IdentityError, IdType, check_character, mask, parse_id
from app.pinyin import initials
from app.relations import relation_code
from app.roster.records import RowError, name_of
from db.models import Enrolment, Household, Person, Village
from sync.server.county import CountyDatabase, CountyError
from sync.server.feed import publish_roster_in
from sync.server.schema import Change, CountyCorrection, RosterHistory

# What a clerk may set when accepting (--set FIELD=VALUE), beyond what the agent sent.
SETTABLE = ("name", "id_type", "id_number", "hukou_place", "phone", "household", "relation")
MAX_CANDIDATES = 400  # one-digit and swapped-digit variants of an 18-digit number


def _variants(number: str) -> set[str]:
    """The number with one digit different or two neighbouring digits swapped: the typos a
    form or a phone call produces. Both numbers passed their check, so for an 18-digit number
    the typo is in the first 17 digits and the check character follows from them."""
    resident = len(number) == 18 and number[:17].isdigit()
    body = number[:17] if resident else number
    found: set[str] = set()
    for i, char in enumerate(body):
        if char.isdigit():
            found.update(body[:i] + d + body[i + 1 :] for d in "0123456789" if d != char)
        if i + 1 < len(body) and body[i + 1] != char:
            found.add(body[:i] + body[i + 1] + char + body[i + 2 :])
    if resident:
        found = {variant + check_character(variant) for variant in found}
    found.discard(number)
    return found


@dataclass(frozen=True, slots=True)
class Match:
    why: str  # same ID | same name and birth date | ID one typo away
    name: str
    id_number: str
    household: str
    village_code: str

    def to_json(self) -> dict[str, str]:
        return {
            "why": self.why,
            "name": self.name,
            "id_number": self.id_number,
            "household": self.household,
            "village_code": self.village_code,
        }


def likely_matches(conn: Connection, id_type: str, id_number: str, name: str) -> list[Match]:
    """People already in the county roster this request may be about, best reason first."""
    columns = (Person.name, Person.id_number, Household.number, Household.village_code)
    base = select(*columns).join(Household, Household.id == Person.household_id)
    found: dict[str, Match] = {}

    def add(why: str, rows: Any) -> None:
        for row in rows:
            found.setdefault(row.id_number, Match(why, row.name, row.id_number, row[2], row[3]))

    add("证件号码相同", conn.execute(base.where(Person.id_number == id_number)))
    born = _birth(id_type, id_number)
    if born is not None:
        add(
            "姓名和出生日期相同",
            conn.execute(base.where(Person.name == name, Person.birth_date == born)),
        )
    variants = sorted(_variants(id_number))[:MAX_CANDIDATES]
    if variants:
        add("证件号码差一位或两位颠倒", conn.execute(base.where(Person.id_number.in_(variants))))
    return list(found.values())


def _birth(id_type: str, id_number: str) -> date | None:
    try:
        return parse_id(id_number, id_type, today=date.today()).birth_date
    except (IdentityError, ValueError):
        return None


def list_corrections(county: CountyDatabase, state: str | None = None) -> list[dict[str, Any]]:
    with county.reading() as conn:
        query = select(CountyCorrection).order_by(CountyCorrection.id)
        if state:
            query = query.where(CountyCorrection.state == state)
        rows = conn.execute(query).all()
        return [
            {
                "id": r.id,
                "request_id": r.request_id,
                "state": r.state,
                "problem": r.problem,
                "name": r.name,
                "id_type": r.id_type,
                "id_number": r.id_number,
                "masked_id": mask(r.id_number),
                "hukou_place": r.hukou_place,
                "phone": r.phone,
                "village_code": r.village_code,
                "household": r.household_number,
                "note": r.note,
                "agent": r.agent,
                "device_id": r.device_id,
                "merges": r.merges,
                "reason": r.reason,
                "received_at": r.received_at.isoformat(),
                "matches": [
                    m.to_json() for m in likely_matches(conn, r.id_type, r.id_number, r.name)
                ]
                if r.state == "pending"
                else [],
            }
            for r in rows
        ]


def _find(conn: Connection, ident: str) -> Any:
    column = CountyCorrection.id if ident.isdigit() else CountyCorrection.request_id
    value: int | str = int(ident) if ident.isdigit() else ident
    row = conn.execute(select(CountyCorrection).where(column == value).with_for_update()).first()
    if row is None:
        raise CountyError(f"找不到更正申请“{ident}”")
    if row.state != "pending":
        raise CountyError(
            f"更正申请 {row.id} 已办结（{'已通过' if row.state == 'accepted' else '已驳回'}）"
        )
    return row


def parse_sets(items: list[str]) -> dict[str, str]:
    """FIELD=VALUE pairs from --set, each field one the clerk may set."""
    values: dict[str, str] = {}
    for item in items:
        field, sep, value = item.partition("=")
        field = field.strip()
        if not sep or field not in SETTABLE:
            raise CountyError(
                f"--set 应为 字段=值，字段可为：{'、'.join(SETTABLE)}（收到“{item}”）"
            )
        values[field] = value.strip()
    return values


def reject(county: CountyDatabase, ident: str, reason: str, by: str = "") -> dict[str, Any]:
    reason = reason.strip()
    if not reason:
        raise CountyError("驳回须写明原因（--reason），代收员会看到它")
    now = _now()
    with county.writing() as conn:
        row = _find(conn, ident)
        conn.execute(
            update(CountyCorrection)
            .where(CountyCorrection.id == row.id)
            .values(state="rejected", reason=reason, decided_at=now, decided_by=by)
        )
        _decision(conn, row, "rejected", reason, row.id_type, row.id_number, row.name, now)
    return {"id": row.id, "state": "rejected", "reason": reason}


def accept(
    county: CountyDatabase,
    ident: str,
    sets: dict[str, str],
    by: str = "",
    person: str | None = None,
) -> dict[str, Any]:
    """Create or fix the person (and household) in the county roster, with history, and
    send the decision and the corrected record to the village's devices."""
    now = _now()
    year = county.benefit_year()
    with county.writing() as conn:
        row = _find(conn, ident)
        wanted = _wanted(row, sets)
        target = _target(conn, row, wanted, person)
        number = sets.get("household", row.household_number)
        if target is not None and not number:
            household_id = int(target.household_id)  # a fix in place: the person stays put
        else:
            household_id = _household(conn, row.village_code, number)
        key_of = f"{wanted['id_type']}:{wanted['id_number']}"
        history = _History(conn, row.request_id, by, now)
        if target is None:
            pid = int(conn.scalar(select(func.coalesce(func.max(Person.id), 0))) or 0) + 1
            conn.execute(insert(Person).values(id=pid, household_id=household_id, **wanted))
            conn.execute(
                insert(Enrolment).values(person_id=pid, benefit_year=year, status="due", note="")
            )
            history.add(key_of, "新增人员", "", f"{wanted['name']} {mask(wanted['id_number'])}")
        else:
            changes = {k: v for k, v in wanted.items() if getattr(target, k) != v}
            if target.household_id != household_id:
                changes["household_id"] = household_id
            for field, value in changes.items():
                history.add(key_of, field, str(getattr(target, field) or ""), str(value or ""))
            if changes:
                conn.execute(update(Person).where(Person.id == target.id).values(**changes))
        conn.execute(
            update(CountyCorrection)
            .where(CountyCorrection.id == row.id)
            .values(state="accepted", decided_at=now, decided_by=by)
        )
        history.write()
        # One transaction: the corrected record goes into the feed first, then the decision
        # that points at it; a failure leaves the request pending, to decide again.
        publish_roster_in(conn, year)
        _decision(
            conn, row, "accepted", "", wanted["id_type"], wanted["id_number"], wanted["name"], now
        )
    return {"id": row.id, "state": "accepted", "name": wanted["name"],
            "id_number": wanted["id_number"], "created": target is None}  # fmt: skip


def _wanted(row: Any, sets: dict[str, str]) -> dict[str, Any]:
    """The person's fields as the county accepts them: the request, then the clerk's --set."""
    id_type = sets.get("id_type", row.id_type)
    try:
        parsed = parse_id(sets.get("id_number", row.id_number), IdType(id_type), today=date.today())
        name = name_of(sets.get("name", row.name))
        relation = relation_code(sets["relation"]) if "relation" in sets else None
    except (IdentityError, RowError, ValueError) as exc:
        raise CountyError(str(exc)) from exc
    wanted: dict[str, Any] = {
        "name": name,
        "initials": initials(name),
        "id_type": parsed.id_type.value,
        "id_number": parsed.number,
        "id_reversed": parsed.number[::-1],
        "sex": parsed.sex,
        "birth_date": parsed.birth_date,
        "hukou_place": sets.get("hukou_place", row.hukou_place),
        "phone": sets.get("phone", row.phone),
    }
    if relation is not None:
        wanted["relation"] = relation
    return wanted


def _household(conn: Connection, village: str, number: str) -> int:
    """The household named (it must be in the village), or a new one with the next number."""
    if number:
        found = conn.execute(
            select(Household.id, Household.village_code).where(Household.number == number)
        ).first()
        if found is None:
            raise CountyError(f"县级花名册中没有户号 {number}")
        if found.village_code != village:
            raise CountyError(f"户号 {number} 不属于村 {village}")
        return int(found.id)
    if conn.scalar(select(Village.code).where(Village.code == village)) is None:
        raise CountyError(f"县级花名册中没有村 {village}")
    numbers = conn.scalars(select(Household.number).where(Household.village_code == village))
    serial = max((int(n[len(village):]) for n in numbers
                  if n.startswith(village) and n[len(village):].isdigit()), default=0)  # fmt: skip
    hid = int(conn.scalar(select(func.coalesce(func.max(Household.id), 0))) or 0) + 1
    new = f"{village}{serial + 1:04d}"
    conn.execute(insert(Household).values(id=hid, number=new, village_code=village))
    return hid


def _target(conn: Connection, row: Any, wanted: dict[str, Any], person: str | None) -> Any:
    """The roster person this decision fixes: the one the clerk named, else the one with the
    request's or the corrected ID; None: a new person."""
    numbers = [person] if person else [row.id_number, wanted["id_number"]]
    found = conn.execute(
        select(Person).where(or_(*(Person.id_number == n for n in numbers)))
    ).first()
    if person and found is None:
        raise CountyError(f"县级花名册中没有证件号码 {person}")
    return found


class _History:
    def __init__(self, conn: Connection, request_id: str, by: str, now: datetime) -> None:
        self.conn, self.request_id, self.by, self.now = conn, request_id, by, now
        self.rows: list[dict[str, Any]] = []

    def add(self, key: str, field: str, old: str, new: str) -> None:
        self.rows.append({
            "person_key": key, "field": field, "old": old[:200], "new": new[:200],
            "request_id": self.request_id, "changed_by": self.by, "changed_at": self.now,
        })  # fmt: skip

    def write(self) -> None:
        if self.rows:
            self.conn.execute(insert(RosterHistory), self.rows)


def _decision(
    conn: Connection, row: Any, state: str, reason: str, id_type: str, id_number: str,
    name: str, now: datetime,
) -> None:  # fmt: skip
    body = {"request_id": row.request_id, "state": state, "reason": reason,
            "id_type": id_type, "id_number": id_number, "name": name}  # fmt: skip
    conn.execute(
        insert(Change).values(
            kind="decision", village_code=row.village_code, origin_device=None,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")), created_at=now,
        )
    )  # fmt: skip


def history(county: CountyDatabase, id_number: str) -> list[dict[str, Any]]:
    with county.reading() as conn:
        rows = conn.execute(
            select(RosterHistory)
            .where(RosterHistory.person_key.like(f"%:{id_number}"))
            .order_by(RosterHistory.id)
        ).all()
    return [
        {"field": r.field, "old": r.old, "new": r.new, "request_id": r.request_id,
         "changed_by": r.changed_by, "changed_at": r.changed_at.isoformat()}
        for r in rows
    ]  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
