"""`python -m bench`: import, lookup and start-up figures, each beside a same-run baseline."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import baseline
from bench.backup import backup_figures
from bench.encryption import encryption_figures
from bench.encryption import print_rows as encryption_rows
from bench.lookups import lookup_figures
from bench.payments import payment_figures
from bench.quotes import quote_figures
from bench.receipts import print_rows as receipt_rows
from bench.receipts import receipt_figures
from bench.reports import print_rows as report_rows
from bench.reports import report_figures
from bench.sync import sync_figures, sync_rows

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _child(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run Python code in a fresh process; (wall seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env or os.environ.copy(),
        text=True,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"benchmark child failed ({proc.returncode}): {code[:60]}")
    return wall, usage.ru_maxrss // 1024, out


IMPORT_CODE = """
import sys
from pathlib import Path
from app.workspace import open_workspace
ws = open_workspace(Path(sys.argv[1]), today="2023-10-15", create=True)
report = ws.import_roster(Path(sys.argv[2]))
ws.close()
assert not report.rejected, report.rejected[:3]
print(report.imported)
"""

BASELINE_CODE = """
import sys
from pathlib import Path
from bench.baseline import bare_import
print(bare_import(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def import_figures(csv: Path, work: Path, runs: int) -> dict[str, Any]:
    ours, bare, memory = [], [], []
    people = 0
    for run in range(runs):
        target = work / f"import-{run}.db"
        wall, rss, out = _child(IMPORT_CODE, str(target), str(csv))
        people = int(out.strip())
        ours.append(wall)
        memory.append(rss)
        target.unlink()
        bare_target = work / f"bare-{run}.db"
        baseline.empty_schema(bare_target)
        wall, _, out = _child(BASELINE_CODE, str(bare_target), str(csv))
        assert int(out.strip()) == people
        bare.append(wall)
        if run < runs - 1:
            bare_target.unlink()
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    return {
        "people": people,
        "runs": runs,
        "import_s": round(ours_s, 2),
        "import_rate": round(people / ours_s),
        "baseline_s": round(bare_s, 2),
        "baseline_rate": round(people / bare_s),
        "rate_ratio": round(bare_s / ours_s, 2),
        "peak_rss_mb": max(memory),
    }


STARTUP_CODE = """
import sys, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLineEdit
app = QApplication(sys.argv)
window = QMainWindow(); window.setCentralWidget(QLineEdit()); window.show()
app.processEvents()
print(f"ready_ms={(time.perf_counter() - t0) * 1000:.1f}")
"""


def startup_figures(demo_db: Path, runs: int) -> dict[str, Any]:
    env = os.environ.copy()
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    ours, bare = [], []
    app = [sys.executable, "-m", "ui.desktop.main", "--db", str(demo_db), "--quit-after-ready"]
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(app, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        ours.append((time.perf_counter() - start) * 1000)
        if "ready_ms=" not in out.stdout:
            raise SystemExit(f"the desktop app did not report ready: {out.stderr[-500:]}")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", STARTUP_CODE], capture_output=True, env=env, check=True
        )
        bare.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "start_to_ready_ms": round(statistics.median(ours)),
        "baseline_empty_window_ms": round(statistics.median(bare)),
    }


def search_ui_figures(roster_db: Path) -> dict[str, str]:
    """Keystroke to painted results in the real window, in its own offscreen Qt process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-m", "ui.desktop.bench_search", "--db", str(roster_db)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    line = out.stdout.strip().splitlines()[-1]
    return dict(item.split("=", 1) for item in line.split())


def dayclose_ui_figures(demo_db: Path, work: Path) -> dict[str, str]:
    """Ctrl+D to the day close screen painted with 500 receipts waiting, in its own Qt process."""
    db = work / "dayclose.db"
    shutil.copyfile(demo_db, db)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-m", "ui.desktop.bench_dayclose", "--db", str(db), "--receipts", "500"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    line = out.stdout.strip().splitlines()[-1]
    return dict(item.split("=", 1) for item in line.split())


def progress_ui_figures(roster_db: Path, work: Path) -> dict[str, str]:
    """The 进度 screen opened to its table filled, on the roster with a season of receipts (the
    one `bench.reports` measures), in its own offscreen Qt process."""
    from bench.reports import season_db

    db = work / "progress-ui.db"
    season_db(roster_db, db)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-m", "ui.desktop.bench_progress", "--db", str(db)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    db.unlink()
    line = out.stdout.strip().splitlines()[-1]
    return dict(item.split("=", 1) for item in line.split())


def unlock_ui_figures(demo_db: Path, work: Path) -> dict[str, str]:
    """Password to a usable desk (real Argon2id cost), in its own offscreen Qt process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    folder = work / "unlock-ui"
    folder.mkdir()
    out = subprocess.run(
        [sys.executable, "-m", "ui.desktop.bench_unlock", "--db", str(demo_db),
         "--work", str(folder)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    line = out.stdout.strip().splitlines()[-1]
    return dict(item.split("=", 1) for item in line.split())


def main() -> int:
    parser = argparse.ArgumentParser(description="村医保代收 benchmarks")
    parser.add_argument("--scale", choices=["honghu", "lengshi"], default="honghu")
    parser.add_argument("--runs", type=int, default=3, help="import runs (median)")
    parser.add_argument("--queries", type=int, default=300, help="lookups per kind")
    parser.add_argument("--skip-startup", action="store_true")
    args = parser.parse_args()

    from app.demo.counties import LENGSHI, SCALES
    from app.demo.generator import write_csv

    county = SCALES[args.scale]
    results: dict[str, Any] = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "scale": county.key,
    }
    with tempfile.TemporaryDirectory(prefix="vcollect-bench-") as tmp:
        work = Path(tmp)
        csv = work / f"{county.key}.csv"
        start = time.perf_counter()
        write_csv(county, csv)
        print(
            f"generated {csv.name} ({county.population} people)"
            f" in {time.perf_counter() - start:.1f} s"
        )
        results["import"] = imp = import_figures(csv, work, args.runs)
        print(f"import: {imp}")
        roster_db = work / "import-final.db"
        _child(IMPORT_CODE, str(roster_db), str(csv))
        results["lookup"] = lookup_figures(roster_db, args.queries, random.Random(7))
        results["quote"] = quote_figures(roster_db, random.Random(11))
        print(f"quote: {results['quote']}")
        results["search_ui"] = search_ui_figures(roster_db)
        print(f"search_ui: {results['search_ui']}")
        results["reports"] = report_figures(roster_db, work)
        print(f"reports: {results['reports']}")
        results["progress_ui"] = progress_ui_figures(roster_db, work)
        print(f"progress_ui: {results['progress_ui']}")
        results["receipts"] = receipt_figures()
        print(f"receipts: {results['receipts']}")
        demo_db = work / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "ui.cli.main", "demo", "init", "--db", str(demo_db)],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        results["payment"] = payment_figures(demo_db, work)
        print(f"payment: {results['payment']}")
        results["dayclose_ui"] = dayclose_ui_figures(demo_db, work)
        print(f"dayclose_ui: {results['dayclose_ui']}")
        lengshi_csv = work / "lengshi.csv"
        write_csv(LENGSHI, lengshi_csv)
        results["encryption"] = encryption_figures(demo_db, lengshi_csv, work)
        print(f"encryption: {results['encryption']}")
        results["unlock_ui"] = unlock_ui_figures(demo_db, work)
        print(f"unlock_ui: {results['unlock_ui']}")
        backup_work = work / "backup"
        backup_work.mkdir()
        results["backup"] = backup_figures(demo_db, backup_work)
        print(f"backup: {results['backup']}")
        results["sync"] = sync_figures(lengshi_csv, work)
        print(f"sync: {results['sync']}")
        if not args.skip_startup:
            results["startup"] = startup_figures(demo_db, 5)
    print_table(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


def print_table(results: dict[str, Any]) -> None:
    imp = results["import"]
    rows = [
        ("figure", "ours", "baseline (same run)", "ratio / target"),
        (
            f"import {imp['people']} people (median of {imp['runs']})",
            f"{imp['import_s']} s, {imp['import_rate']}/s",
            f"bare sqlite3 {imp['baseline_s']} s, {imp['baseline_rate']}/s",
            f"{imp['rate_ratio']}x (>= 0.5x, <= 60 s)",
        ),
        ("import peak memory", f"{imp['peak_rss_mb']} MB", "", "<= 400 MB"),
    ]
    for kind, figure in results["lookup"].items():
        rows.append(
            (
                f"lookup: {kind} (n={figure['n']})",
                f"median {figure['median_ms']} ms, p99 {figure['p99_ms']} ms",
                f"bare sqlite3 median {figure['baseline_median_ms']} ms",
                "median <= 5 ms, p99 <= 20 ms",
            )
        )
    q = results["quote"]
    rows.append(
        (
            f"quote one person (n={q['n']}, mixed cases)",
            f"median {q['median_us']} µs, p99 {q['p99_us']} µs",
            f"bare tier lookup {q['baseline_median_us']} µs",
            "median <= 50 µs",
        )
    )
    rows.append(
        (
            f"quote the whole roster ({q['roster_people']} people)",
            f"{q['roster_s']} s ({q['roster_due']} due)",
            f"bare sqlite3 reading the same rows {q['baseline_roster_read_s']} s",
            "<= 30 s",
        )
    )
    pay = results["payment"]
    rows.append(
        (
            f"record a 5-member payment, durably (n={pay['n']})",
            f"median {pay['median_ms']} ms",
            f"bare sqlite3 same rows, same sync {pay['baseline_median_ms']} ms",
            f"{pay['rate_ratio']}x (median <= 15 ms, >= 0.3x)",
        )
    )
    if "startup" in results:
        s = results["startup"]
        rows.append(
            (
                f"desktop start to usable window (median of {s['runs']})",
                f"{s['start_to_ready_ms']} ms",
                f"empty PySide6 window {s['baseline_empty_window_ms']} ms",
                "<= 2000 ms",
            )
        )
    if "search_ui" in results:
        ui = results["search_ui"]
        rows.append(
            (
                "keystroke to results on screen (Honghu roster)",
                " ".join(f"{k}={v}" for k, v in ui.items() if "ms" in k),
                "",
                "<= 50 ms",
            )
        )
    if "dayclose_ui" in results:
        dc = results["dayclose_ui"]
        rows.append(
            (
                f"day close screen opens ({dc['receipts']} receipts waiting)",
                f"median {dc['open_median_ms']} ms, max {dc['open_max_ms']} ms",
                f"preview query alone {dc['preview_only_median_ms']} ms",
                "<= 300 ms",
            )
        )
    if "receipts" in results:
        rows += receipt_rows(results["receipts"])
    if "encryption" in results:
        rows += [(a, b, c, d) for a, b, c, d in encryption_rows(results["encryption"])]
    if "unlock_ui" in results:
        un = results["unlock_ui"]
        rows.append(
            (
                "password to a usable desk (Argon2id 64 MiB)",
                f"sign-in {un['sign_in_to_desk_median_ms']} ms, unlock {un['unlock_median_ms']} ms",
                "",
                "<= 1000 ms",
            )
        )
    if "backup" in results:
        bk = results["backup"]["encrypted"]
        check = results["backup"]["check"]
        rows.append(
            (
                f"encrypted backup of the demo county ({bk['database_mb']} MB)",
                f"create {bk['create_s']} s, verify {bk['verify_full_s']} s,"
                f" restore {bk['restore_s']} s",
                f"plain create {results['backup']['plain']['create_s']} s",
                "",
            )
        )
        rows.append(
            (
                "start-up database check",
                f"{check['again_s']} s (first {check['first_s']} s)",
                "",
                "",
            )
        )
    if "reports" in results:
        rows += report_rows(results["reports"])
    if "progress_ui" in results:
        pu = results["progress_ui"]
        rows.append(
            (
                f"progress screen opened to its table filled ({pu['villages']} villages,"
                f" {pu['special_unpaid']} special-group members listed)",
                f"median {pu['open_median_ms']} ms, max {pu['open_max_ms']} ms",
                f"the report alone {pu['report_only_median_ms']} ms",
                "",
            )
        )
    if "sync" in results:
        rows += sync_rows(results["sync"])
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    print()
    for i, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())
