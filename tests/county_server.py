"""A real county server for tests: a small county roster, the county database, and
`vcollect county serve` in its own process (shared by tests/sync and tests/ui)."""

from __future__ import annotations

import csv
import itertools
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select

from app.demo.counties import LENGSHI
from app.demo.generator import HEADER, generate
from db.models import Setting, Village
from sync.server.api import REGION_KEY
from sync.server.county import CountyDatabase, open_county
from sync.server.feed import import_roster

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2023-10-15"
REGION = "lengshi-2024"
KEYS = ("household", "name", "id_type", "id_number", "sex", "birth_date", "relation",
        "village", "hukou_place", "phone", "categories", "status")  # fmt: skip


def write_roster(path: Path, per_village: int) -> Path:
    """Two villages of the Lengshi demo roster, about `per_village` people each in whole
    households, as a county file."""
    kept: dict[str, int] = {}
    full = 10**9
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for cells in itertools.islice(generate(LENGSHI, 1), 6000):
            village = cells["village"]
            if village not in kept and len(kept) == 2:
                continue
            count = kept.get(village, 0)
            if count >= per_village and cells["relation"] == "02":
                kept[village] = full  # the village is full: stop at a household's head
            if kept.get(village, 0) >= full:
                continue
            kept[village] = count + 1
            writer.writerow([cells[k] for k in KEYS])
    return path


def make_county(url: str, roster: Path) -> CountyDatabase:
    """A county database with the roster imported and the Lengshi policy set."""
    county = open_county(url)
    import_roster(county, roster)
    with county.writing() as conn:
        conn.execute(insert(Setting).values(key=REGION_KEY, value=REGION))
    return county


def village_codes(county: CountyDatabase) -> list[str]:
    with county.reading() as conn:
        return list(conn.scalars(select(Village.code).order_by(Village.code)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """`vcollect county serve` in its own process, restartable on the same port; with `tls`
    (certificate and key files, which a test may swap between starts) it speaks https;
    `options` go on its command line as they are."""

    db_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    log: list[str] = field(default_factory=list)
    tls: tuple[Path, Path] | None = None
    options: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable, "-c", "from ui.cli.main import main; raise SystemExit(main())",
            "county", "serve", "--db", self.db_url, "--port", str(self.port),
        ]  # fmt: skip
        if self.tls is not None:
            command += ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]
        command += self.options
        env = os.environ | {"VCOLLECT_TODAY": TODAY, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        assert self.process.stderr is not None
        # Block on the server's own log until it says it listens: no polling, no sleeping.
        for line in self.process.stderr:
            self.log.append(line)
            if "Uvicorn running on" in line:
                break
        else:
            raise RuntimeError("county server did not start:\n" + "".join(self.log))
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()

    def _drain(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.log.append(line)
        process.stderr.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, as a power cut would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
