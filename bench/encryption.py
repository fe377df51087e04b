"""What encryption at rest costs: the same import, lookups and payments, plain and SQLCipher."""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from app import accounts
from app.collection import record_payment
from app.roster.search import find_households
from app.workspace import open_workspace
from bench.payments import _households
from db.cipher import encrypt_file

KEY = bytes(range(32))  # a fixed key: the figures compare storage, not key handling
LOOKUPS = 300


def _import_s(csv: Path, db: Path, key: bytes | None) -> float:
    start = time.perf_counter()
    workspace = open_workspace(db, today="2023-10-15", create=True, key=key)
    report = workspace.import_roster(csv)
    workspace.close()
    assert not report.rejected
    return time.perf_counter() - start


def _payments_ms(
    plain: Path, cipher: Path, households: list[tuple[int, list[int]]]
) -> tuple[float, float]:
    """Median ms per payment, encrypted and plain, alternating payment by payment: fsync
    dominates and varies with whatever else uses the disk, and alternation shares that out."""
    workspaces = [open_workspace(cipher, key=KEY), open_workspace(plain)]
    policy = workspaces[0].policy()
    times: list[list[float]] = [[], []]
    for hid, people in households:
        for n, workspace in enumerate(workspaces):
            start = time.perf_counter()
            record_payment(
                workspace.db, policy, hid, people, method="cash", paid_on=workspace.today
            )
            times[n].append(time.perf_counter() - start)
    for workspace in workspaces:
        workspace.close()
    encrypted, unencrypted = (statistics.median(t) * 1000 for t in times)
    return encrypted, unencrypted


def _queries(db: Path, rng: random.Random) -> list[str]:
    conn = sqlite3.connect(db)
    top = conn.execute("SELECT max(id) FROM person").fetchone()[0]
    texts = []
    for pid in rng.sample(range(1, top + 1), LOOKUPS):
        number, name, initials = conn.execute(
            "SELECT id_number, name, initials FROM person WHERE id = ?", (pid,)
        ).fetchone()
        texts += [number, number[-4:], name[:2], initials[:3]]
    conn.close()
    return texts


def _lookups_ms(db: Path, key: bytes | None, texts: list[str]) -> float:
    workspace = open_workspace(db, today="2023-10-15", key=key)
    times = []
    with workspace.db.sessions() as session:
        find_households(session, texts[0], workspace.benefit_year)  # warm the cache
        for text in texts:
            start = time.perf_counter()
            find_households(session, text, workspace.benefit_year)
            times.append(time.perf_counter() - start)
    workspace.close()
    return statistics.median(times) * 1000


def _unlock_ms(work: Path, demo_db: Path) -> float:
    """Sign-in with the real Argon2id cost, then opening the encrypted database."""
    db = work / "unlock.db"
    shutil.copyfile(demo_db, db)
    now = datetime.now()
    accounts.create_first_account(db, "基准", "bench-secret-2024", now)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        signed = accounts.sign_in(db, "基准", "bench-secret-2024", now)
        open_workspace(db, key=signed.data_key).close()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def encryption_figures(demo_db: Path, csv: Path, work: Path, runs: int = 3) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    plain_imports, cipher_imports = [], []
    for run in range(runs):
        plain_imports.append(_import_s(csv, work / f"enc-import-plain-{run}.db", None))
        cipher_imports.append(_import_s(csv, work / f"enc-import-cipher-{run}.db", KEY))
    figures["import_s"] = round(statistics.median(cipher_imports), 2)
    figures["import_plain_s"] = round(statistics.median(plain_imports), 2)

    plain, cipher = work / "enc-plain.db", work / "enc-cipher.db"
    shutil.copyfile(demo_db, plain)
    shutil.copyfile(demo_db, cipher)
    encrypt_file(cipher, KEY)
    texts = _queries(plain, random.Random(5))
    figures["lookup_ms"] = round(_lookups_ms(cipher, KEY, texts), 3)
    figures["lookup_plain_ms"] = round(_lookups_ms(plain, None, texts), 3)
    households = _households(plain, 60)
    encrypted, unencrypted = _payments_ms(plain, cipher, households)
    figures["payment_ms"] = round(encrypted, 2)
    figures["payment_plain_ms"] = round(unencrypted, 2)
    for name in ("import", "lookup", "payment"):
        unit = "s" if name == "import" else "ms"
        ours, base = figures[f"{name}_{unit}"], figures[f"{name}_plain_{unit}"]
        figures[f"{name}_cost_pct"] = round((ours / base - 1) * 100, 1)
    figures["unlock_core_ms"] = round(_unlock_ms(work, demo_db))
    return figures


def print_rows(figures: dict[str, Any]) -> list[list[str]]:
    rows = []
    for name, unit in (("import", "s"), ("lookup", "ms"), ("payment", "ms")):
        rows.append(
            [
                f"encrypted {name} (median)",
                f"{figures[f'{name}_{unit}']} {unit}",
                f"{figures[f'{name}_plain_{unit}']} {unit} unencrypted",
                f"{figures[f'{name}_cost_pct']:+.1f} %",
            ]
        )
    rows.append(["sign-in + open (Argon2id)", f"{figures['unlock_core_ms']} ms", "", "<= 1000 ms"])
    return rows


if __name__ == "__main__":
    import sys
    import tempfile

    from app.demo.counties import LENGSHI
    from app.demo.generator import write_csv
    from app.demo.setup import init_demo
    from db.database import open_database

    with tempfile.TemporaryDirectory(prefix="vcollect-enc-") as tmp:
        work = Path(tmp)
        csv = work / "lengshi.csv"
        write_csv(LENGSHI, csv)
        demo = work / "demo.db"
        database = open_database(demo, create=True)
        init_demo(database, LENGSHI)
        database.close()
        result = encryption_figures(demo, csv, work, runs=int(sys.argv[1]) if sys.argv[1:] else 3)
        print(result)
        for row in print_rows(result):
            print("  ".join(row))
