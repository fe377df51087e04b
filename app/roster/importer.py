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
from db.engine import driver_sql
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


# Person columns a county file can change, in the order the importer compares them.
_COMPARED = (Person.household_id, Person.name, Person.sex, Person.birth_date, Person.relation,
             Person.hukou_place, Person.phone, Person.assessed_fen)  # fmt: skip
_COMPARED_NAMES = tuple(column.key for column in _COMPARED)
_INSERT_PERSON = (
    "INSERT INTO person (id, household_id, name, initials, id_type, id_number, id_reversed,"
    " sex, birth_date, relation, hukou_place, phone, assessed_fen)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_HOUSEHOLD = "INSERT INTO household (id, number, village_code) VALUES (?, ?, ?)"
# A re-import moves the county's status over, except over a payment made here.
_SET_STATUS = (
    "INSERT INTO enrolment (person_id, benefit_year, status, note) VALUES (?, ?, ?, '')"
    " ON CONFLICT (person_id, benefit_year) DO UPDATE SET status = excluded.status"
    " WHERE enrolment.status != 'paid_here'"
)
_INSERT_GROUP = "INSERT INTO special_group (person_id, category, department) VALUES (?, ?, '')"


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
        # household number -> (village code, first row, its id once stored, else 0)
        household_rows: dict[str, tuple[str, int, int]] = {}
        with self.begin() as conn:
            divisions = _Divisions(conn)
            # Into an empty roster nothing can already exist (the file's own repeats are
            # caught by `seen`), so the per-chunk lookups of stored people are skipped.
            self._fresh = conn.execute(select(Person.id).limit(1)).first() is None
        for chunk, fraction in _chunks(rows, self.chunk_rows):
            # Asked before each further chunk, so a file that is already done is never
            # reported as cancelled.
            if report.rows and cancelled and cancelled():
                report.cancelled = True
                return report
            self._chunk(_parse(chunk, self.today), divisions, seen, household_rows, report)
            if progress:
                progress(fraction, report.rows)
        if progress:
            progress(1.0, report.rows)
        return report

    def _chunk(
        self,
        parsed: Parsed,
        divisions: _Divisions,
        seen: dict[str, int],
        household_rows: dict[str, tuple[str, int, int]],
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
                if first is None:
                    household_rows[record.household] = (village, number, 0)
                valid.append((number, record, village))
            if valid:
                self._store(conn, valid, household_rows, report)

    def _households(
        self,
        conn: Connection,
        valid: list[tuple[int, RosterRecord, str]],
        index: dict[str, tuple[str, int, int]],
    ) -> set[str]:
        """Give every household of the chunk its id in `index`, creating new ones; returns the
        numbers whose village the file moved."""
        unknown = {
            record.household: village
            for _, record, village in valid
            if index[record.household][2] == 0
        }
        moved: set[str] = set()
        if unknown and not self._fresh:
            for hid, number, village in conn.execute(
                select(Household.id, Household.number, Household.village_code).where(
                    Household.number.in_(unknown)
                )
            ):
                if unknown[number] != village:
                    moved.add(number)
                index[number] = (*index[number][:2], hid)
                del unknown[number]
        if moved:
            conn.execute(
                update(Household).where(Household.number == bindparam("n")),
                [{"n": n, "village_code": index[n][0]} for n in moved],
            )
        if unknown:
            next_id = _max_id(conn, Household.id)
            rows = []
            for hid, (number, village) in enumerate(unknown.items(), start=next_id + 1):
                index[number] = (*index[number][:2], hid)
                rows.append((hid, number, village))
            conn.exec_driver_sql(driver_sql(conn, _INSERT_HOUSEHOLD), rows)
        return moved

    def _store(
        self,
        conn: Connection,
        valid: list[tuple[int, RosterRecord, str]],
        index: dict[str, tuple[str, int, int]],
        report: ImportReport,
    ) -> None:
        moved = self._households(conn, valid, index)
        existing: dict[tuple[str, str], tuple[Any, ...]] = {}
        if not self._fresh:
            for row in conn.execute(
                select(Person.id, Person.id_type, Person.id_number, *_COMPARED).where(
                    Person.id_number.in_([record.id_number for _, record, _ in valid])
                )
            ):
                existing[(row[1], row[2])] = (*row[3:], row[0])
        ids = [row[-1] for row in existing.values()]
        statuses: dict[int, str] = {}
        groups: dict[int, set[str]] = {}
        if ids:
            statuses = dict(
                conn.execute(
                    select(Enrolment.person_id, Enrolment.status).where(
                        Enrolment.person_id.in_(ids), Enrolment.benefit_year == self.year
                    )
                ).all()
            )
            for pid, category in conn.execute(
                select(SpecialGroup.person_id, SpecialGroup.category).where(
                    SpecialGroup.person_id.in_(ids)
                )
            ):
                groups.setdefault(pid, set()).add(category)

        new_people: list[tuple[Any, ...]] = []
        changed: list[dict[str, Any]] = []
        statuses_to_set: list[tuple[int, int, str]] = []
        new_groups: list[tuple[int, str]] = []
        replaced_groups: list[tuple[int, tuple[str, ...]]] = []
        next_id = _max_id(conn, Person.id)
        for _, record, _ in valid:
            household_id = index[record.household][2]
            born = record.birth_date.isoformat() if record.birth_date else None
            old = existing.get((record.id_type, record.id_number))
            if old is None:
                next_id += 1
                new_people.append(
                    (next_id, household_id, record.name, record.initials, record.id_type,
                     record.id_number, record.id_number[::-1], record.sex, born,
                     record.relation, record.hukou_place, record.phone, record.assessed_fen)
                )  # fmt: skip
                statuses_to_set.append((next_id, self.year, record.status))
                new_groups.extend((next_id, category) for category in record.categories)
                report.imported += 1
                continue
            pid = old[-1]
            stored = (household_id, record.name, record.sex, record.birth_date,
                      record.relation, record.hukou_place, record.phone,
                      record.assessed_fen)  # fmt: skip
            fields_differ = stored != old[:-1]
            # A payment recorded on this device outranks what the county file says.
            old_status = statuses.get(pid)
            status_differs = old_status != record.status and old_status != "paid_here"
            groups_differ = groups.get(pid, set()) != set(record.categories)
            if fields_differ:
                changed.append(
                    {"pid": pid, "initials": record.initials, "id_reversed": record.id_number[::-1]}
                    | dict(zip(_COMPARED_NAMES, stored, strict=True))
                )
            if status_differs:
                statuses_to_set.append((pid, self.year, record.status))
            if groups_differ:
                replaced_groups.append((pid, record.categories))
            if fields_differ or status_differs or groups_differ or record.household in moved:
                report.updated += 1
            else:
                report.unchanged += 1

        if changed:
            # Executemany: the SET clause is every key of the parameters except "pid".
            conn.execute(update(Person).where(Person.id == bindparam("pid")), changed)
        if new_people:
            # The driver's executemany: SQLAlchemy's per-row parameter processing costs more
            # than SQLite's insert itself on a 668,000-row roster.
            conn.exec_driver_sql(driver_sql(conn, _INSERT_PERSON), new_people)
        if statuses_to_set:
            # A re-import moves the county's status over, except over a payment made here.
            conn.exec_driver_sql(driver_sql(conn, _SET_STATUS), statuses_to_set)
        if replaced_groups:
            conn.execute(
                delete(SpecialGroup).where(
                    SpecialGroup.person_id.in_([pid for pid, _ in replaced_groups])
                )
            )
            new_groups.extend((pid, c) for pid, categories in replaced_groups for c in categories)
        if new_groups:
            conn.exec_driver_sql(driver_sql(conn, _INSERT_GROUP), new_groups)


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
