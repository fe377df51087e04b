"""The import baseline: bare sqlite3 reading the same CSV and doing the same inserts, unchecked."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

from app.roster.importer import CHUNK_ROWS
from db.database import open_database

PERSON_SQL = (
    "INSERT INTO person (id, household_id, name, initials, id_type, id_number, id_reversed,"
    " sex, birth_date, relation, hukou_place, phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def empty_schema(path: Path) -> None:
    """The app's own schema (same tables and indexes) in a new file."""
    open_database(path, create=True).close()


def _flush(conn: sqlite3.Connection, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO household (id, number, village_code) VALUES (?, ?, ?)", tables["household"]
    )
    conn.executemany(PERSON_SQL, tables["person"])
    conn.executemany(
        "INSERT INTO enrolment (person_id, benefit_year, status, note) VALUES (?, 2024, ?, '')",
        tables["enrolment"],
    )
    conn.executemany(
        "INSERT INTO special_group (person_id, category, department) VALUES (?, ?, '')",
        tables["special_group"],
    )
    conn.execute("COMMIT")
    for rows in tables.values():
        rows.clear()


def bare_import(db: Path, source: Path) -> int:
    """Insert households, people, enrolments and special groups straight from the CSV with
    executemany, in transactions of the importer's size and with the app's pragmas: no
    validation, no pinyin, no duplicate or change detection. Returns the people inserted."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "cache_size=-32768"):
        conn.execute(f"PRAGMA {pragma}")
    villages = {code for (code,) in conn.execute("SELECT code FROM village")}
    households: dict[str, int] = {}
    tables: dict[str, list[tuple[Any, ...]]] = {
        "household": [], "person": [], "enrolment": [], "special_group": []
    }  # fmt: skip
    count = 0
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for row in rows:
            household, name, id_type, number, sex, born, relation, village, hukou, phone = row[:10]
            if village not in villages:
                township, county = village[:9] + "000", village[:6] + "000000"
                conn.execute("INSERT OR IGNORE INTO county VALUES (?, ?)", (county, county))
                conn.execute(
                    "INSERT OR IGNORE INTO township VALUES (?, ?, ?)", (township, township, county)
                )
                conn.execute("INSERT INTO village VALUES (?, ?, ?)", (village, village, township))
                villages.add(village)
            hid = households.get(household)
            if hid is None:
                hid = households[household] = len(households) + 1
                tables["household"].append((hid, household, village))
            count += 1
            tables["person"].append(
                (count, hid, name, name[:1], id_type, number, number[::-1],
                 "M" if sex == "男" else "F", born, relation, hukou, phone)
            )  # fmt: skip
            tables["enrolment"].append((count, "due"))
            if row[10]:
                tables["special_group"].append((count, row[10]))
            if count % CHUNK_ROWS == 0:
                _flush(conn, tables)
        _flush(conn, tables)
    conn.close()
    return count
