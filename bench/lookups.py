"""Lookup latencies at the counter, beside bare sqlite3 running the same indexed query."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.roster.search import find_households
from app.workspace import open_workspace

HIGH = "\U0010ffff"


def _queries(conn: sqlite3.Connection, n: int, rng: random.Random) -> dict[str, list[str]]:
    top = conn.execute("SELECT max(id) FROM person").fetchone()[0]
    sample = []
    for pid in rng.sample(range(1, top + 1), n):
        row = conn.execute(
            "SELECT p.id_number, p.name, p.initials, h.number FROM person p"
            " JOIN household h ON h.id = p.household_id WHERE p.id = ?",
            (pid,),
        ).fetchone()
        sample.append(row)
    return {
        "full ID": [r[0] for r in sample],
        "ID suffix (4-6)": [r[0][-rng.choice((4, 5, 6)) :] for r in sample],
        "name prefix": [r[1][:2] for r in sample],
        "pinyin initials": [r[2][: rng.choice((2, 3))] for r in sample],
        "household no.": [r[3] for r in sample],
    }


# The same indexed query bare, without loading households and members.
BARE: dict[str, Callable[[sqlite3.Connection, str], list[Any]]] = {
    "full ID": lambda c, q: c.execute(
        "SELECT household_id FROM person WHERE id_number = ?", (q,)
    ).fetchall(),
    "ID suffix (4-6)": lambda c, q: c.execute(
        "SELECT household_id FROM person WHERE id_reversed BETWEEN ? AND ? LIMIT 20",
        (q[::-1], q[::-1] + HIGH),
    ).fetchall(),
    "name prefix": lambda c, q: c.execute(
        "SELECT household_id FROM person WHERE name BETWEEN ? AND ? LIMIT 20", (q, q + HIGH)
    ).fetchall(),
    "pinyin initials": lambda c, q: c.execute(
        "SELECT household_id FROM person WHERE initials BETWEEN ? AND ? LIMIT 20", (q, q + HIGH)
    ).fetchall(),
    "household no.": lambda c, q: c.execute(
        "SELECT id FROM household WHERE number = ?", (q,)
    ).fetchall(),
}


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def lookup_figures(db: Path, n: int, rng: random.Random) -> dict[str, dict[str, Any]]:
    bare = sqlite3.connect(db)
    queries = _queries(bare, n, rng)
    workspace = open_workspace(db, today="2023-10-15")
    figures: dict[str, dict[str, Any]] = {}
    with workspace.db.sessions() as session:
        find_households(session, queries["full ID"][0], workspace.benefit_year)  # warm up
        for kind, texts in queries.items():
            ours, base = [], []
            for text in texts:
                start = time.perf_counter()
                results = find_households(session, text, workspace.benefit_year)
                ours.append((time.perf_counter() - start) * 1000)
                assert results, f"{kind} {text!r} found nothing"
                start = time.perf_counter()
                BARE[kind](bare, text)
                base.append((time.perf_counter() - start) * 1000)
            figures[kind] = {
                "n": len(texts),
                "median_ms": round(statistics.median(ours), 2),
                "p99_ms": round(_p99(ours), 2),
                "baseline_median_ms": round(statistics.median(base), 3),
            }
    workspace.close()
    bare.close()
    return figures
