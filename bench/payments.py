"""Recording payments durably: ours (quote, event, signature, receipt) beside bare sqlite3."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.collection import quote_household, record_payment
from app.workspace import open_workspace
from db.models import Household

SIZE = 5


def _households(db: Path, count: int) -> list[tuple[int, list[int]]]:
    workspace = open_workspace(db)
    policy, found = workspace.policy(), []
    with workspace.db.sessions() as session:
        for hid in session.scalars(select(Household.id).order_by(Household.id)):
            quotes = quote_household(session, hid, policy, workspace.today)
            payable = [q.person_id for q in quotes if q.payable]
            if len(payable) == SIZE:
                found.append((hid, payable))
                if len(found) == count:
                    break
    workspace.close()
    return found


def _bare(db: Path, households: list[tuple[int, list[int]]]) -> list[float]:
    """The same rows (event, payment, 5 lines, 5 statuses) with the same durability, per
    payment, without quoting, signing or checking anything."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    times = []
    for n, (hid, people) in enumerate(households, start=1):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        digest = hashlib.sha256(str(n).encode()).hexdigest()
        conn.execute(
            "INSERT INTO ledger_event (seq, event_id, device_id, kind, created_at, body,"
            " prev_hash, hash, signature) VALUES (?, ?, 'D', 'payment', '', '{}', '', ?, '')",
            (n, f"bare-{n}", digest),
        )
        cur = conn.execute(
            "INSERT INTO payment (seq, receipt_no, device_id, household_id, payer_name, method,"
            " reference, total_fen, tendered_fen, paid_on, created_at, agent, region, event_id)"
            " VALUES (?, ?, 'D', ?, 'x', 'cash', '', 190000, NULL, '2023-10-15',"
            " '2023-10-15 00:00:00', 'a', 'r', ?)",
            (n, f"BARE-{n}", hid, f"bare-{n}"),
        )
        for pid in people:
            conn.execute(
                "INSERT INTO payment_line (payment_id, person_id, name, id_number, benefit_year,"
                " standard_fen, subsidy_fen, subsidy_mode, amount_fen, reimbursed_later_fen, tier,"
                " benefit_start, benefit_end) VALUES (?, ?, 'x', 'x', 2024, 38000, 0, NULL, 38000,"
                " 0, NULL, '2024-01-01', '2024-12-31')",
                (cur.lastrowid, pid),
            )
            conn.execute(
                "UPDATE enrolment SET status = 'paid_here'"
                " WHERE person_id = ? AND benefit_year = 2024",
                (pid,),
            )
        conn.execute("COMMIT")
        times.append(time.perf_counter() - start)
    conn.close()
    return times


def payment_figures(demo_db: Path, work: Path, count: int = 60) -> dict[str, Any]:
    ours_db, bare_db = work / "pay-ours.db", work / "pay-bare.db"
    shutil.copyfile(demo_db, ours_db)
    shutil.copyfile(demo_db, bare_db)
    households = _households(ours_db, count)
    workspace = open_workspace(ours_db)
    policy, today = workspace.policy(), workspace.today or date.today()
    ours = []
    for hid, people in households:
        start = time.perf_counter()
        record_payment(workspace.db, policy, hid, people, method="cash", paid_on=today)
        ours.append(time.perf_counter() - start)
    workspace.close()
    bare = _bare(bare_db, households)
    ours_ms, bare_ms = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    return {
        "n": len(households),
        "median_ms": round(ours_ms, 2),
        "baseline_median_ms": round(bare_ms, 2),
        "rate_ratio": round(bare_ms / ours_ms, 2),
    }
