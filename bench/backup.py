"""Backups and the start-up check on the Lengshi demo: time and size, encrypted and plain."""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from app import accounts
from app.backup import create_backup, restore_backup, verify_backup
from app.collection import record_payment
from app.demo.counties import LENGSHI
from app.demo.setup import init_demo
from app.health import check_database
from app.workspace import open_workspace
from bench.payments import _households
from db.database import open_database

PAYMENTS = 300  # ledger events before the measurements: a busy fortnight of one village
RUNS = 5
SECRET = "lengshi-2024"


def _median_s(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _pay(db: Path, key: bytes | None, households: list[tuple[int, list[int]]]) -> None:
    workspace = open_workspace(db, key=key)
    policy = workspace.policy()
    for hid, people in households:
        record_payment(workspace.db, policy, hid, people, method="cash", paid_on=workspace.today)
    workspace.close()


def backup_figures(demo_db: Path, work: Path, payments: int = PAYMENTS) -> dict[str, Any]:
    plain = work / "plain.db"
    shutil.copyfile(demo_db, plain)
    households = _households(plain, payments + 20)
    _pay(plain, None, households[:payments])
    cipher = work / "cipher.db"
    shutil.copyfile(plain, cipher)
    key = accounts.create_first_account(cipher, "张主任", SECRET, datetime.now()).data_key
    figures: dict[str, Any] = {"people": LENGSHI.population, "ledger_events": payments}
    for label, db, db_key in (("encrypted", cipher, key), ("plain", plain, None)):
        folder = work / f"backups-{label}"
        made: list[Path] = []

        def create(
            db: Path = db, k: bytes | None = db_key, f: Path = folder, made: list[Path] = made
        ) -> None:
            made.append(create_backup(db, f, key=k))

        seconds = _median_s(create)
        latest = made[-1]
        figures[label] = {
            "database_mb": round(db.stat().st_size / 1e6, 1),
            "backup_mb": round(latest.stat().st_size / 1e6, 1),
            "create_s": round(seconds, 2),
            "verify_files_s": round(_median_s(partial(verify_backup, latest)), 3),
            "verify_full_s": round(_median_s(partial(verify_backup, latest, db_key)), 2),
        }
        fresh = work / f"restored-{label}"

        def restore(p: Path = latest, k: bytes | None = db_key, f: Path = fresh) -> None:
            shutil.rmtree(f, ignore_errors=True)
            restore_backup(p, f / "restored.db", key=k)

        figures[label]["restore_s"] = round(_median_s(restore), 2)
    first = check_database(cipher, key)  # no note yet: the whole ledger
    again = _median_s(lambda: check_database(cipher, key))
    _pay(cipher, key, households[payments : payments + 20])
    newer = check_database(cipher, key)
    opened = open_database(cipher, key=key)
    on_open = _median_s(lambda: check_database(opened))
    opened.close()
    figures["check"] = {
        "first_s": round(first.seconds, 3),
        "first_events": first.events_checked,
        "again_s": round(again, 3),
        "after_20_payments_s": round(newer.seconds, 3),
        "after_20_payments_events": newer.events_checked,
        "on_open_database_s": round(on_open, 3),
        "ok": first.ok and newer.ok,
    }
    return figures


def main() -> None:
    """`python -m bench.backup [LENGSHI.db]`: the figures as JSON (a demo is made if none)."""
    with tempfile.TemporaryDirectory(prefix="vcollect-bench-backup-") as tmp:
        work = Path(tmp)
        if len(sys.argv) > 1:
            demo = Path(sys.argv[1])
        else:
            demo = work / "demo.db"
            db = open_database(demo, create=True)
            init_demo(db, LENGSHI)
            db.close()
        print(json.dumps(backup_figures(demo, work), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
