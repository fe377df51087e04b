"""The pull feed: roster records the county changed, and a device's page of changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, null, or_, select, update

from app.money import yuan
from app.roster.importer import ImportReport, RosterImporter
from app.roster.records import STATUS_LABELS
from db.models import Enrolment, Household, Person, SpecialGroup, Township, Village
from sync.server.county import CountyDatabase
from sync.server.schema import Change, RosterDigest

PUBLISH_CHUNK = 5000


def import_roster(
    county: CountyDatabase,
    path: Path,
    progress: Callable[[float, int], None] | None = None,
) -> tuple[ImportReport, int]:
    """Import a roster file into the county database, then publish what changed."""
    importer = RosterImporter(
        county.engine.begin, today=county.today(), benefit_year=county.benefit_year()
    )
    report = importer.run(path, progress)
    return report, publish_roster(county)


def _records(conn: Connection, year: int) -> Any:
    concat = func.group_concat if conn.dialect.name == "sqlite" else func.string_agg
    categories = (
        select(concat(SpecialGroup.category, ";"))
        .where(SpecialGroup.person_id == Person.id)
        .scalar_subquery()
    )
    return conn.execute(
        select(
            Person.id_type,
            Person.id_number,
            Person.name,
            Person.sex,
            Person.birth_date,
            Person.relation,
            Person.hukou_place,
            Person.phone,
            Person.assessed_fen,
            Household.number,
            Village.code,
            Village.name,
            Township.name,
            Enrolment.status,
            categories,
        )
        .join(Household, Household.id == Person.household_id)
        .join(Village, Village.code == Household.village_code)
        .join(Township, Township.code == Village.township_code)
        .outerjoin(Enrolment, (Enrolment.person_id == Person.id) & (Enrolment.benefit_year == year))
        .order_by(Person.id)
        .execution_options(yield_per=PUBLISH_CHUNK)
    )


def record_cells(row: Any) -> dict[str, str]:
    """A person as a roster row's cells: the device imports it like a line of a county file."""
    (id_type, id_number, name, sex, born, relation, hukou, phone, assessed,
     household, village_code, village, township, status, categories) = row  # fmt: skip
    return {
        "household": household,
        "name": name,
        "id_type": id_type,
        "id_number": id_number,
        "sex": {"M": "男", "F": "女"}.get(sex or "", ""),
        "birth_date": born.isoformat() if born else "",
        "relation": relation,
        "village": village,
        "village_code": village_code,
        "township": township,
        "hukou_place": hukou,
        "phone": phone,
        "categories": categories or "",
        # The county's "paid here" is a payment somewhere else for every device.
        "status": STATUS_LABELS["paid_elsewhere" if status == "paid_here" else status or "due"],
        "assessed": yuan(assessed) if assessed is not None else "",
    }


def publish_roster(county: CountyDatabase) -> int:
    """Add a feed entry for every person whose record differs from the last one published."""
    published = 0
    now = datetime.now(UTC).replace(tzinfo=None)
    with county.writing() as conn:
        digests = dict(conn.execute(select(RosterDigest.person_key, RosterDigest.digest)).all())
        new_digests: list[dict[str, str]] = []
        changed_digests: list[dict[str, str]] = []
        changes: list[dict[str, Any]] = []
        for row in _records(conn, county.benefit_year()):
            cells = record_cells(row)
            text = json.dumps(cells, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            digest = hashlib.sha256(text.encode()).hexdigest()
            key = f"{cells['id_type']}:{cells['id_number']}"
            old = digests.get(key)
            if old == digest:
                continue
            (changed_digests if old else new_digests).append({"k": key, "d": digest})
            changes.append(
                {
                    "kind": "person",
                    "village_code": cells["village_code"],
                    "origin_device": None,
                    "body": text,
                    "created_at": now,
                }
            )
            published += 1
        if new_digests:
            conn.execute(
                insert(RosterDigest),
                [{"person_key": d["k"], "digest": d["d"]} for d in new_digests],
            )
        if changed_digests:
            conn.execute(
                update(RosterDigest)
                .where(RosterDigest.person_key == bindparam("k"))
                .values(digest=bindparam("d")),
                changed_digests,
            )
        if changes:
            conn.execute(insert(Change), changes)
    return published


def page(
    conn: Connection, device_id: str, villages: list[str], cursor: int, limit: int
) -> dict[str, Any]:
    """The device's next changes after `cursor`: its villages' and the county-wide ones,
    without what the device itself sent."""
    rows = conn.execute(
        select(Change.cursor, Change.kind, Change.body)
        .where(
            Change.cursor > cursor,
            or_(Change.village_code.in_(villages), Change.village_code.is_(null())),
            or_(Change.origin_device.is_(null()), Change.origin_device != device_id),
        )
        .order_by(Change.cursor)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].cursor if rows else cursor
    return {
        "changes": [{"cursor": r.cursor, "kind": r.kind, "body": json.loads(r.body)} for r in rows],
        "cursor": last,
        "more": more,
    }
