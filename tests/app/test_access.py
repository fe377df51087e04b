"""Revealing full ID numbers is on the signed record; masked lookups leave no trace."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.access import reveal_ids, reveals
from app.audit import verify_books
from app.workspace import Workspace, open_workspace
from db.models import Person
from tests.cli.cli_runner import run


def test_a_reveal_is_a_chained_event_naming_who_and_whom(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions() as session:
        people = session.execute(select(Person.id, Person.id_number).limit(2)).all()
    shown = reveal_ids(demo_workspace.db, [p.id for p in people], "收费台")
    assert shown == {p.id: p.id_number for p in people}
    (logged,) = reveals(demo_workspace.db)
    assert logged["person_ids"] == sorted(p.id for p in people)
    assert logged["where"] == "收费台" and logged["agent"]
    with demo_workspace.db.sessions() as session:
        assert verify_books(session).valid


def test_the_command_line_logs_full_ids_and_not_masked_ones(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db_path)]
    code, _out, _err = run(capsys, "roster", "find", "zs", *db)
    assert code == 0
    code, _out, _err = run(capsys, "roster", "find", "zs", "--full-id", *db)
    assert code == 0
    workspace = open_workspace(demo_db_path)
    try:
        (logged,) = reveals(workspace.db)
    finally:
        workspace.close()
    assert logged["where"] == "vcollect roster find --full-id"
    assert len(logged["person_ids"]) >= 1  # type: ignore[arg-type]
