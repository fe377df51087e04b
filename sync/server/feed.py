"""The pull feed: roster records the county changed, and a device's page of changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, null, or_, select, update

from app.money import yuan
from app.roster.importer import ImportReport, RosterImporter
from app.roster.records import STATUS_LABELS
from db.models import Enrolment, Household, Person, SpecialGroup, Township, Village, VillageTask
from sync.server.county import CountyDatabase, CountyError, resolve_villages
from sync.server.schema import Change, RosterDigest
from sync.wire import b64

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
    with county.writing() as conn:
        return publish_roster_in(conn, county.benefit_year())


def publish_roster_in(conn: Connection, year: int) -> int:
    """publish_roster inside the caller's transaction (a correction's decision goes with it)."""
    published = 0
    now = datetime.now(UTC).replace(tzinfo=None)
    digests = dict(conn.execute(select(RosterDigest.person_key, RosterDigest.digest)).all())
    new_digests: list[dict[str, str]] = []
    changed_digests: list[dict[str, str]] = []
    changes: list[dict[str, Any]] = []
    for row in _records(conn, year):
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


def _publish_one(conn: Connection, kind: str, village: str | None, body: dict[str, Any]) -> int:
    result = conn.execute(
        insert(Change).values(
            kind=kind,
            village_code=village,
            origin_device=None,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            created_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )
    return int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0


def publish_policy(county: CountyDatabase, path: Path) -> dict[str, Any]:
    """Send a policy file to every device, signed by the county (checked here first: a file
    no device could load is refused before it travels)."""
    from app.policy import load_policy_file

    policy = load_policy_file(path)
    text = path.read_text(encoding="utf-8")
    if path.stem != policy.key:
        raise CountyError(f"政策文件名 {path.name} 应与其 key（{policy.key}）一致")
    signature = b64(county.private_key.sign(text.encode()))
    with county.writing() as conn:
        cursor = _publish_one(
            conn, "policy", None, {"key": policy.key, "text": text, "signature": signature}
        )
    return {"key": policy.key, "title": policy.title, "cursor": cursor}


def set_task(
    county: CountyDatabase, village: str, target: int, year: int, population: int | None
) -> dict[str, Any]:
    """A village's 任务数 and 实际人数 (by default the county roster's count), to its devices."""

    if target < 0 or (population is not None and population < 0):
        raise CountyError("任务数和实际人数不能为负")
    with county.writing() as conn:
        [code] = resolve_villages(conn, [village])
        if population is None:
            population = int(
                conn.scalar(
                    select(func.count())
                    .select_from(Person)
                    .join(Household, Household.id == Person.household_id)
                    .where(Household.village_code == code)
                )
                or 0
            )
        conn.execute(
            delete(VillageTask).where(
                VillageTask.village_code == code, VillageTask.benefit_year == year
            )
        )
        conn.execute(
            insert(VillageTask).values(
                village_code=code, benefit_year=year, population=population, target=target
            )
        )
        body = {"village_code": code, "benefit_year": year, "population": population,
                "target": target}  # fmt: skip
        _publish_one(conn, "task", code, body)
    return body
