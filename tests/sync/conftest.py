"""County server fixtures: a county database on SQLite and on PostgreSQL, a real server process."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.workspace import Workspace, open_workspace
from sync.client import enroll
from sync.server.county import CountyDatabase, add_device
from tests.county_server import (
    TODAY,
    ServerProcess,
    make_county,
    village_codes,
    write_roster,
)

PG_ENV = "VC_TEST_POSTGRES_URL"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROWS_PER_VILLAGE = 150


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
    return write_roster(tmp_path_factory.mktemp("roster") / "county.csv", ROWS_PER_VILLAGE)


@pytest.fixture(params=["sqlite", "postgresql"])
def county_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh county database: a SQLite file, or a new schema in the PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'county.db'}"
        return
    if POSTGRES is None:
        pytest.skip(reason=f"PostgreSQL lane not run: {POSTGRES_NOTE}")
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
    db = make_county(county_url, roster_csv)
    yield db
    db.close()


def villages(county: CountyDatabase) -> list[str]:
    return village_codes(county)


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
