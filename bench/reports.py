"""Progress figures: the whole Honghu-scale roster's report, with a season of receipts on it."""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

YEAR = 2024
SHARE = 6  # households in ten that paid
VOID_EVERY = 50  # one receipt in fifty voided

_PAID_HOUSEHOLDS = f"""
    SELECT h.id FROM household h WHERE h.id % 10 < {SHARE} AND EXISTS (
        SELECT 1 FROM person p JOIN enrolment e ON e.person_id = p.id AND e.benefit_year = {YEAR}
        WHERE p.household_id = h.id AND e.status = 'due')
"""
_DUE = f"""
    FROM person p JOIN enrolment e ON e.person_id = p.id AND e.benefit_year = {YEAR}
    WHERE p.household_id = h.id AND e.status = 'due'
"""
SEASON = [
    f"""INSERT INTO ledger_event (seq, event_id, device_id, kind, created_at, body, prev_hash,
            hash, signature)
        SELECT id, 'bench-pay-' || id, 'BENCH', 'payment', '2023-10-15T00:00:00Z', '{{}}', '',
            'bench-pay-' || id, '' FROM ({_PAID_HOUSEHOLDS})""",
    f"""INSERT INTO payment (seq, receipt_no, device_id, household_id, payer_name, method,
            reference, total_fen, paid_on, created_at, agent, region, event_id)
        SELECT h.id, printf('BNCH-%07d-0', h.id), 'BENCH', h.id, '', 'cash', '',
            (SELECT count(*) * 38000 {_DUE}), date('2023-09-01', '+' || (h.id % 122) || ' days'),
            '2023-10-15 00:00:00.000000', '测速员', 'honghu-2024', 'bench-pay-' || h.id
        FROM household h WHERE h.id IN ({_PAID_HOUSEHOLDS})""",
    f"""INSERT INTO payment_line (payment_id, person_id, name, id_number, benefit_year,
            standard_fen, subsidy_fen, amount_fen, reimbursed_later_fen, benefit_start,
            benefit_end, provisional)
        SELECT pm.id, p.id, p.name, p.id_number, {YEAR}, 38000, 0, 38000, 0, '{YEAR}-01-01',
            '{YEAR}-12-31', 0
        FROM payment pm JOIN household h ON h.id = pm.household_id JOIN person p
            ON p.household_id = h.id JOIN enrolment e ON e.person_id = p.id
            AND e.benefit_year = {YEAR} WHERE e.status = 'due'""",
    f"""INSERT INTO ledger_event (seq, event_id, device_id, kind, created_at, body, prev_hash,
            hash, signature)
        SELECT 10000000 + id, 'bench-void-' || id, 'BENCH', 'void', '2023-10-16T00:00:00Z',
            '{{}}', '', 'bench-void-' || id, '' FROM payment WHERE id % {VOID_EVERY} = 0""",
    f"""INSERT INTO receipt_void (payment_id, reason, voided_at, agent, event_id)
        SELECT id, '测速', '2023-10-16 00:00:00.000000', '测速员', 'bench-void-' || id
        FROM payment WHERE id % {VOID_EVERY} = 0""",
    f"""UPDATE enrolment SET status = 'paid_here' WHERE benefit_year = {YEAR} AND person_id IN (
        SELECT l.person_id FROM payment_line l WHERE l.payment_id % {VOID_EVERY} != 0)""",
]

# The least any progress report reads: people per village against their status for the year.
BASELINE = f"""
    SELECT h.village_code, count(*), sum(e.status IN ('paid_here', 'paid_elsewhere'))
    FROM household h JOIN person p ON p.household_id = h.id
    LEFT JOIN enrolment e ON e.person_id = p.id AND e.benefit_year = {YEAR}
    WHERE e.status IS NULL OR e.status NOT IN ('employee', 'deceased', 'moved_away')
    GROUP BY h.village_code
"""


def season_db(roster_db: Path, target: Path) -> int:
    """A copy of the roster with a season's receipts (60% of households, 2% voided): the
    number of people paid."""
    source = sqlite3.connect(roster_db)
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    with copy:
        for statement in SEASON:
            copy.execute(statement)
    paid = copy.execute(
        "SELECT count(*) FROM enrolment WHERE status = 'paid_here' AND benefit_year = ?", (YEAR,)
    ).fetchone()[0]
    copy.close()
    return int(paid)


def _median_s(work: Any, runs: int) -> tuple[float, float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times), result


def report_figures(roster_db: Path, work: Path, runs: int = 5) -> dict[str, Any]:
    """The device's progress report on the Honghu roster with a season's receipts: the first
    run in a freshly opened workspace and the median of `runs`, beside bare sqlite3."""
    from app.policy import load_policy
    from app.reports import device_progress
    from app.workspace import open_workspace

    db = work / "reports.db"
    paid = season_db(roster_db, db)
    workspace = open_workspace(db, today="2023-10-15")
    policy = load_policy("honghu-2024")

    def report() -> Any:
        with workspace.db.engine.connect() as conn, conn.begin():
            return device_progress(conn, workspace.benefit_year, policy)

    first, median, progress = _median_s(report, runs)
    workspace.close()
    bare = sqlite3.connect(db)
    bare.execute("PRAGMA cache_size = -32000")
    _, bare_median, _ = _median_s(lambda: bare.execute(BASELINE).fetchall(), runs)
    people = int(bare.execute("SELECT count(*) FROM person").fetchone()[0])
    bare.close()
    db.unlink()
    return {
        "people": people,
        "villages": len(progress.villages),
        "townships": len(progress.townships),
        "paid_here": paid,
        "collected": progress.total.collected,
        "special_unpaid": progress.total.special_unpaid,
        "runs": runs,
        "first_s": round(first, 2),
        "median_s": round(median, 2),
        "baseline_median_s": round(bare_median, 2),
    }


def print_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The progress line of `make bench`'s table."""
    f = figures
    return [
        (
            f"progress report, {f['people']} people, {f['villages']} villages, {f['collected']}"
            f" paid"
            f" (median of {f['runs']})",
            f"{f['median_s']} s (first {f['first_s']} s)",
            f"bare sqlite3 count per village {f['baseline_median_s']} s",
            "<= 2 s",
        )
    ]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(report_figures(Path(sys.argv[1]), Path(tmp)))
