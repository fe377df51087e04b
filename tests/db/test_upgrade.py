"""Upgrades: a database an older release wrote opens in this one, backed up first, all kept."""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from app.audit import verify_books
from app.collection import receipt_view, record_payment
from app.receipt_numbers import parse_receipt_no
from app.roster.search import find_households
from app.workspace import open_workspace
from db.database import open_database
from db.migrate import current_revision, head_revision

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Written by those releases' own vcollect: tests/fixtures/make_old_release_db.py says how.
RELEASES = ["old-release-0003.db", "old-release-0005.db"]

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(params=RELEASES)
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A copy of an older release's database, where the app keeps it (reading the committed
    file in place would leave SQLite's -wal and -shm files in the repository)."""
    path = tmp_path / "village-collect.db"
    shutil.copyfile(FIXTURES / request.param, path)
    return path


def tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {n: [c[1] for c in conn.execute(f'PRAGMA table_info("{n}")')] for (n,) in names}


def read_rows(path: Path, columns: dict[str, list[str]] | None = None) -> Rows:
    """Every row of every table (with `columns`: of those tables, only those columns), with
    bare sqlite3 and in an order that does not depend on rowids."""
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        columns = columns or tables(conn)
        out: Rows = {}
        for table, names in columns.items():
            listed = ", ".join(f'"{n}"' for n in names)
            order = ", ".join(str(i) for i in range(1, len(names) + 1))
            query = f'SELECT {listed} FROM "{table}" ORDER BY {order}'
            out[table] = [dict(row) for row in conn.execute(query)]
    return out


def schema(path: Path) -> list[tuple[str, str, str]]:
    """Tables, indexes and triggers as SQLite stores them."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
            "ORDER BY type, name"
        ).fetchall()


def dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def test_an_older_release_database_opens_with_everything_kept(old_db: Path) -> None:
    with closing(sqlite3.connect(old_db)) as conn:
        columns = tables(conn)
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    before, as_it_was = read_rows(old_db), dump(old_db)
    assert revision != head_revision()
    assert before["payment"] and before["receipt_void"] and before["receipt_print"]

    workspace = open_workspace(old_db)
    try:
        # Backed up before anything changed: the old schema, its revision and every row.
        backup = workspace.db.backup
        assert backup is not None
        pattern = rf"{re.escape(old_db.name)}\.before-{head_revision()}-\d{{8}}T\d{{6}}\.bak"
        assert re.fullmatch(pattern, backup.name)
        assert list(old_db.parent.glob("*.bak")) == [backup]
        assert dump(backup) == as_it_was

        # At head, and exactly the schema a new install makes (triggers included).
        assert current_revision(workspace.db.engine) == head_revision()
        open_database(old_db.parent / "new" / "fresh.db", create=True).close()
        assert schema(old_db) == schema(old_db.parent / "new" / "fresh.db")

        # Every row the old release wrote is there unchanged: people, households, payments,
        # their lines and amounts, voids, prints, the ledger, settings.
        after = read_rows(old_db, columns)
        assert after.pop("alembic_version") != before.pop("alembic_version")
        assert after == before

        # The current code reads them: the books check out, and each receipt as issued.
        with workspace.db.sessions() as session:
            report = verify_books(session)
            assert report.valid, report.problem
            assert report.events == len(before["ledger_event"])
            voided = {row["payment_id"] for row in before["receipt_void"]}
            for payment in before["payment"]:
                view = receipt_view(session, payment["receipt_no"])
                lines = [r for r in before["payment_line"] if r["payment_id"] == payment["id"]]
                assert view.total_fen == payment["total_fen"]
                assert sorted(line.amount_fen for line in view.lines) == sorted(
                    line["amount_fen"] for line in lines
                )
                assert not any(line.provisional for line in view.lines)
                assert view.voided == (payment["id"] in voided)

            # The household the old release left unpaid, found by the initials it stored.
            (household,) = find_households(session, "lsh", workspace.benefit_year)
        due = [m.person_id for m in household.members if m.status == "due"]
        assert len(due) == 3

        paid = record_payment(
            workspace.db, workspace.policy(), household.household_id, due,
            method="cash", paid_on=workspace.today,
        )  # fmt: skip
        issued = [parse_receipt_no(p["receipt_no"]) for p in before["payment"]]
        prefix, last = max(issued, key=lambda number: number[1])
        assert parse_receipt_no(paid.receipt_no) == (prefix, last + 1)
        assert paid.total_fen > 0
        with workspace.db.sessions() as session:
            report = verify_books(session)
        assert report.valid and report.events == len(before["ledger_event"]) + 1
    finally:
        workspace.close()
