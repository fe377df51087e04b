"""County server fixtures: a county database on SQLite and on PostgreSQL, a real server process."""

from __future__ import annotations

import csv
import itertools
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.demo.counties import LENGSHI
from app.demo.generator import HEADER, generate
from app.workspace import Workspace, open_workspace
from sync.client import enroll
from sync.server.county import CountyDatabase, add_device, open_county
from sync.server.feed import import_roster

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2023-10-15"
PG_ENV = "VC_TEST_POSTGRES_URL"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROWS_PER_VILLAGE = 150
KEYS = ("household", "name", "id_type", "id_number", "sex", "birth_date", "relation",
        "village", "hukou_place", "phone", "categories", "status")  # fmt: skip


def _postgres() -> tuple[str | None, str]:
    """The PostgreSQL URL for the lane, or None with the reason it does not run."""
    url = os.environ.get(PG_ENV) or PG_DEFAULT
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return None, f"{url}: {type(exc).__name__}"
    return url, url


POSTGRES, POSTGRES_NOTE = _postgres()


def pytest_report_header() -> str:
    if POSTGRES:
        return f"county server PostgreSQL lane: ON ({POSTGRES_NOTE})"
    return f"county server PostgreSQL lane: NOT RUN (no server: {POSTGRES_NOTE}; set {PG_ENV})"


@pytest.fixture(scope="session")
def roster_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two villages of the Lengshi demo roster, whole households, as a county file."""
    path = tmp_path_factory.mktemp("roster") / "county.csv"
    rows = generate(LENGSHI, 1)
    kept: dict[str, int] = {}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for cells in itertools.islice(rows, 6000):
            village = cells["village"]
            if village not in kept and len(kept) == 2:
                continue
            count = kept.get(village, 0)
            if count >= ROWS_PER_VILLAGE and cells["relation"] == "02":
                kept[village] = 10**9  # the village is full: stop at a household's head
            if kept.get(village, 0) >= 10**9:
                continue
            kept[village] = count + 1
            writer.writerow([cells[k] for k in KEYS])
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def county_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh county database: a SQLite file, or a new schema in the PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'county.db'}"
        return
    if POSTGRES is None:
        pytest.skip(f"PostgreSQL lane not run: {POSTGRES_NOTE}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES else "?"
    yield f"{POSTGRES}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def county(
    county_url: str, roster_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CountyDatabase]:
    monkeypatch.setenv("VCOLLECT_TODAY", TODAY)
    db = open_county(county_url)
    import_roster(db, roster_csv)
    from sqlalchemy import insert

    from db.models import Setting
    from sync.server.api import REGION_KEY

    with db.writing() as conn:
        conn.execute(insert(Setting).values(key=REGION_KEY, value="lengshi-2024"))
    yield db
    db.close()


def villages(county: CountyDatabase) -> list[str]:
    from sqlalchemy import select

    from db.models import Village

    with county.reading() as conn:
        return list(conn.scalars(select(Village.code).order_by(Village.code)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """`vcollect county serve` in its own process, restartable on the same port; with `tls`
    (certificate and key files, which a test may swap between starts) it speaks https;
    `options` go on its command line as they are."""

    db_url: str
    port: int = field(default_factory=_free_port)
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


@pytest.fixture
def server(county: CountyDatabase) -> Iterator[ServerProcess]:
    process = ServerProcess(county.url)
    process.start()
    yield process
    process.stop()


DeviceFactory = Callable[..., Workspace]


@pytest.fixture
def make_device(
    county: CountyDatabase, server: ServerProcess, tmp_path: Path
) -> Iterator[DeviceFactory]:
    """Enrolled devices: each a fresh database with its own key, for the given villages."""
    opened: list[Workspace] = []

    def make(name: str = "dev", agent: str = "张三", village_index: int = 0) -> Workspace:
        new = add_device(county, agent, [villages(county)[village_index]])
        workspace = open_workspace(tmp_path / f"{name}.db", today=TODAY, create=True)
        enroll(workspace, server.url, new.code)
        opened.append(workspace)
        return workspace

    yield make
    for workspace in opened:
        workspace.close()


def http(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30)
