"""Shared fixtures: a Lengshi demo database made once per run and copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo.counties import LENGSHI
from app.demo.setup import init_demo
from app.workspace import Workspace, open_workspace
from db.database import open_database


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's database, date or log folder."""
    monkeypatch.delenv("VCOLLECT_DB", raising=False)
    monkeypatch.delenv("VCOLLECT_TODAY", raising=False)
    for name in ("VCOLLECT_USER", "VCOLLECT_PASSWORD", "VCOLLECT_NEW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    # Nor the machine's site file (/etc/village-collect): none, unless a test writes one.
    monkeypatch.setenv("VCOLLECT_SITE_FILE", str(tmp_path / "no-site-file.ini"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "lengshi.db"
    db = open_database(path, create=True)
    report = init_demo(db, LENGSHI)
    assert report.imported == LENGSHI.population and not report.rejected
    db.close()
    return path


@pytest.fixture
def demo_db_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the Lengshi demo database (37,288 people)."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_workspace(demo_db_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_db_path)
    yield workspace
    workspace.close()


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at 1 MiB and one pass: sign-in tests test the logic, not the cost (the bench
    measures the real parameters)."""
    from app import keyring

    monkeypatch.setattr(keyring, "KDF_MEMORY_KIB", 1024)
    monkeypatch.setattr(keyring, "KDF_ITERATIONS", 1)
