"""Roster import: every row imported, updated, unchanged or rejected with a reason; idempotent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from app.roster.reader import RawRow, RosterFile
from app.roster.records import RosterRecord, RowError, parse_record
from db.models import County, Enrolment, Household, Person, SpecialGroup, Township, Village

CHUNK_ROWS = 10_000  # one transaction each: progress, cancel and a bounded loss on power cut

Progress = Callable[[float, int], None]  # fraction of the file read, rows done
# (row number, the checked record or the Chinese reason it was rejected)
Parsed = list[tuple[int, RosterRecord | str]]


@dataclass(frozen=True, slots=True)
class Rejection:
    row: int
    reason: str


@dataclass
class ImportReport:
    """What happened to each row of the file."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    cancelled: bool = False

    @property
    def rows(self) -> int:
        return self.imported + self.updated + self.unchanged + len(self.rejected)

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
        }

    def summary(self) -> str:
        text = (
            f"共 {self.rows} 行：新增 {self.imported}，更新 {self.updated}，"
            f"无变化 {self.unchanged}，拒绝 {len(self.rejected)}"
        )
        return text + ("（已取消，其余行未导入）" if self.cancelled else "")


_PERSON_FIELDS = ("name", "sex", "birth_date", "relation", "hukou_place", "phone")


class _Divisions:
    """Villages by code and by name; creates county/township/village rows for unknown codes."""

    def __init__(self, conn: Connection) -> None:
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.townships = {code for (code,) in conn.execute(select(Township.code))}
        self.counties = {code for (code,) in conn.execute(select(County.code))}
        for code, name in conn.execute(select(Village.code, Village.name)):
            self._remember(code, name)

    def _remember(self, code: str, name: str) -> None:
        self.by_code[code] = name
        self.by_name.setdefault(name, []).append(code)

    def resolve(self, conn: Connection, record: RosterRecord) -> str:
        code = record.village_code or (record.village if record.village.isdigit() else "")
        if code:
            if len(code) != 12:
                raise RowError(f"村代码“{code}”应为12位数字")
            if code not in self.by_code:
                self._create(conn, code, record)
            return code
        codes = self.by_name.get(record.village, [])
        if len(codes) == 1:
            return codes[0]
        if not codes:
            raise RowError(f"未知的村(社区)“{record.village}”，请在文件中加上12位村代码")
        raise RowError(f"村名“{record.village}”不唯一，请在文件中加上12位村代码")

    def _create(self, conn: Connection, code: str, record: RosterRecord) -> None:
        county, township = code[:6] + "000000", code[:9] + "000"
        if county not in self.counties:
            conn.execute(insert(County).values(code=county, name=f"县{code[:6]}"))
            self.counties.add(county)
        if township not in self.townships:
            name = record.township or f"乡镇{code[:9]}"
            conn.execute(insert(Township).values(code=township, name=name, county_code=county))
            self.townships.add(township)
        name = record.village or f"村{code}"
        conn.execute(insert(Village).values(code=code, name=name, township_code=township))
        self._remember(code, name)


class RosterImporter:
    """Imports a file into an open connection factory, chunk by chunk."""

    def __init__(
        self,
        begin: Callable[[], Any],
        *,
        today: date,
        benefit_year: int,
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self.begin = begin  # returns a context manager yielding a Connection in a transaction
        self.today = today
        self.year = benefit_year
        self.chunk_rows = chunk_rows
        self._fresh = False

    def run(
        self,
        path: Path,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportReport:
        """Import a CSV or XLSX file (RosterFileError if it cannot be read as a roster)."""
        with RosterFile(path) as roster:
            return self.run_rows(roster.rows(), progress, cancelled)

    def run_rows(
        self,
        rows: Iterable[tuple[RawRow, float]],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportReport:
        """Import rows of text cells, each with the fraction of the source read so far."""
        report = ImportReport()
        seen: dict[str, int] = {}  # ID key -> first row; one string a row keeps 668k rows small
        household_rows: dict[str, tuple[str, int]] = {}  # household -> (village code, first row)
        with self.begin() as conn:
            divisions = _Divisions(conn)
            # Into an empty roster nothing can already exist (the file's own repeats are
            # caught by `seen`), so the per-chunk lookups of stored people are skipped.
            self._fresh = conn.execute(select(Person.id).limit(1)).first() is None
        for chunk, fraction in _chunks(rows, self.chunk_rows):
            self._chunk(_parse(chunk, self.today), divisions, seen, household_rows, report)
            if progress:
                progress(fraction, report.rows)
            if cancelled and cancelled():
                report.cancelled = True
                return report
        if progress:
            progress(1.0, report.rows)
        return report

    def _chunk(
        self,
        parsed: Parsed,
        divisions: _Divisions,
        seen: dict[str, int],
        household_rows: dict[str, tuple[str, int]],
        report: ImportReport,
    ) -> None:
        valid: list[tuple[int, RosterRecord, str]] = []
        with self.begin() as conn:
            for number, record in parsed:
                try:
                    if isinstance(record, str):
                        raise RowError(record)
                    key = (
                        record.id_number
                        if record.id_type == "01"
                        else f"{record.id_type}:{record.id_number}"
                    )
                    if key in seen:
                        raise RowError(f"证件号码与第{seen[key]}行重复")
                    village = divisions.resolve(conn, record)
                    first = household_rows.get(record.household)
                    if first is not None and first[0] != village:
                        raise RowError(
                            f"户号{record.household}在第{first[1]}行属于"
                            f"{divisions.by_code[first[0]]}，本行却是{divisions.by_code[village]}"
                        )
                except RowError as exc:
                    report.rejected.append(Rejection(number, str(exc)))
                    continue
                seen[key] = number
                household_rows.setdefault(record.household, (village, number))
                valid.append((number, record, village))
            if valid:
                self._store(conn, valid, report)

    def _households(
        self, conn: Connection, valid: list[tuple[int, RosterRecord, str]]
    ) -> tuple[dict[str, int], set[str]]:
        """Household ids by number, creating new ones; returns numbers whose village moved."""
        wanted = {record.household: village for _, record, village in valid}
        known = {
            number: (hid, village)
            for hid, number, village in conn.execute(
                select(Household.id, Household.number, Household.village_code).where(
                    Household.number.in_(wanted)
                )
            )
        }
        moved = {n for n, (_, v) in known.items() if wanted[n] != v}
        if moved:
            conn.execute(
                update(Household).where(Household.number == bindparam("n")),
                [{"n": n, "village_code": wanted[n]} for n in moved],
            )
        new = [n for n in wanted if n not in known]
        if new:
            next_id = _max_id(conn, Household.id)
            rows = []
            for offset, number in enumerate(new, start=1):
                known[number] = (next_id + offset, wanted[number])
                rows.append(
                    {"id": next_id + offset, "number": number, "village_code": wanted[number]}
                )
            _insert_many(conn, Household.__table__, rows)
        return {n: hid for n, (hid, _) in known.items()}, moved

    def _store(
        self, conn: Connection, valid: list[tuple[int, RosterRecord, str]], report: ImportReport
    ) -> None:
        households, moved = self._households(conn, valid)
        numbers = [record.id_number for _, record, _ in valid]
        existing: dict[tuple[str, str], tuple[Any, ...]] = {}
        person_cols = (Person.id, Person.id_type, Person.id_number, Person.household_id)
        for row in (
            ()
            if self._fresh
            else conn.execute(
                select(*person_cols, *(getattr(Person, f) for f in _PERSON_FIELDS)).where(
                    Person.id_number.in_(numbers)
                )
            )
        ):
            existing[(row[1], row[2])] = tuple(row)
        ids = [row[0] for row in existing.values()]
        statuses = dict(
            conn.execute(
                select(Enrolment.person_id, Enrolment.status).where(
                    Enrolment.person_id.in_(ids), Enrolment.benefit_year == self.year
                )
            ).all()
        )
        groups: dict[int, set[str]] = {}
        for pid, category in conn.execute(
            select(SpecialGroup.person_id, SpecialGroup.category).where(
                SpecialGroup.person_id.in_(ids)
            )
        ):
            groups.setdefault(pid, set()).add(category)

        new_people: list[dict[str, Any]] = []
        new_records: list[RosterRecord] = []
        changed: list[dict[str, Any]] = []
        status_rows: list[tuple[int, str]] = []
        group_rows: list[tuple[int, tuple[str, ...]]] = []
        for _, record, _ in valid:
            household_id = households[record.household]
            values = _person_values(record, household_id)
            old = existing.get((record.id_type, record.id_number))
            if old is None:
                new_people.append(values)
                new_records.append(record)
                report.imported += 1
                continue
            pid = old[0]
            fields_differ = old[3] != household_id or any(
                old[4 + i] != values[f] for i, f in enumerate(_PERSON_FIELDS)
            )
            # A payment recorded on this device outranks what the county file says.
            old_status = statuses.get(pid)
            status_differs = old_status != record.status and old_status != "paid_here"
            groups_differ = groups.get(pid, set()) != set(record.categories)
            if fields_differ:
                changed.append({"pid": pid, **values})
            if status_differs:
                status_rows.append((pid, record.status))
            if groups_differ:
                group_rows.append((pid, record.categories))
            if fields_differ or status_differs or groups_differ or record.household in moved:
                report.updated += 1
            else:
                report.unchanged += 1

        if changed:
            # Executemany: the SET clause is every key of the parameters except "pid".
            conn.execute(update(Person).where(Person.id == bindparam("pid")), changed)
        if new_people:
            next_id = _max_id(conn, Person.id)
            for offset, (values, record) in enumerate(zip(new_people, new_records, strict=True)):
                pid = values["id"] = next_id + offset + 1
                status_rows.append((pid, record.status))
                if record.categories:
                    group_rows.append((pid, record.categories))
            _insert_many(conn, Person.__table__, new_people)
        if status_rows:
            # A re-import moves the county's status over, except over a payment made here.
            conn.exec_driver_sql(
                "INSERT INTO enrolment (person_id, benefit_year, status, note) VALUES (?, ?, ?, '')"
                " ON CONFLICT (person_id, benefit_year) DO UPDATE SET status = excluded.status"
                " WHERE enrolment.status != 'paid_here'",
                [(pid, self.year, status) for pid, status in status_rows],
            )
        _replace_groups(conn, group_rows)


def _parse(rows: list[tuple[int, dict[str, str]]], today: date) -> Parsed:
    parsed: Parsed = []
    for number, cells in rows:
        try:
            parsed.append((number, parse_record(cells, today)))
        except RowError as exc:
            parsed.append((number, str(exc)))
    return parsed


def _chunks(
    rows: Iterable[tuple[RawRow, float]], size: int
) -> Iterator[tuple[list[tuple[int, dict[str, str]]], float]]:
    """Rows as (row number, cells) lists of `size`, with the fraction read at each list's end."""
    chunk: list[tuple[int, dict[str, str]]] = []
    fraction = 0.0
    for raw, fraction in rows:
        chunk.append((raw.number, raw.cells))
        if len(chunk) >= size:
            yield chunk, fraction
            chunk = []
    if chunk:
        yield chunk, fraction


def _max_id(conn: Connection, column: Any) -> int:
    # Ids are allocated here rather than read back after the insert: the import is the only
    # writer of roster rows (one DB worker), and a clash would fail the chunk, not corrupt it.
    return int(conn.execute(select(func.max(column))).scalar() or 0)


def _person_values(record: RosterRecord, household_id: int) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "name": record.name,
        "initials": record.initials,
        "id_type": record.id_type,
        "id_number": record.id_number,
        "id_reversed": record.id_number[::-1],
        "sex": record.sex,
        "birth_date": record.birth_date,
        "relation": record.relation,
        "hukou_place": record.hukou_place,
        "phone": record.phone,
    }


def _replace_groups(conn: Connection, rows: Iterable[tuple[int, tuple[str, ...]]]) -> None:
    rows = list(rows)
    if not rows:
        return
    conn.execute(delete(SpecialGroup).where(SpecialGroup.person_id.in_([pid for pid, _ in rows])))
    members = [
        {"person_id": pid, "category": c, "department": "", "valid_from": None, "valid_to": None}
        for pid, categories in rows
        for c in categories
    ]
    if members:
        _insert_many(conn, SpecialGroup.__table__, members)


def _insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Plain executemany on the driver: SQLAlchemy's per-row parameter processing costs more
    than SQLite's insert itself on a 668,000-row roster. Dates go in as ISO text, as the
    Date type stores them on SQLite."""
    keys = list(rows[0])
    sql = f"INSERT INTO {table.name} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"
    conn.exec_driver_sql(
        sql,
        [tuple(v.isoformat() if isinstance(v, date) else v for v in row.values()) for row in rows],
    )
