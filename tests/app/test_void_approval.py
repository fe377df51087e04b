"""A void above the limit needs a supervisor, whose name is signed into the void's event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app import accounts, ledger
from app.accounts import VOID_APPROVAL_KEY
from app.collection import ApprovalNeeded, needs_approval, void_receipt
from app.settings import set_setting
from app.workspace import Workspace, open_workspace
from db.models import LedgerEvent
from tests.app.test_collection import household_due, pay
from tests.cli.cli_runner import run

NOW = datetime(2024, 10, 15, 9, 0)


@pytest.fixture
def signed_workspace(demo_db_path: Path, cheap_kdf: None) -> Iterator[Workspace]:
    boss = accounts.create_first_account(demo_db_path, "张主任", "lengshi-2024", NOW)
    accounts.add_account(demo_db_path, boss, "李四", "agent", "258036", NOW)
    agent = accounts.sign_in(demo_db_path, "李四", "258036", NOW)
    workspace = open_workspace(demo_db_path, key=agent.data_key)
    workspace.sign_in_as(agent)
    with workspace.db.sessions.begin() as session:
        set_setting(session, VOID_APPROVAL_KEY, "50000")  # 500 yuan
    yield workspace
    workspace.close()


def last_void_body(workspace: Workspace) -> dict[str, object]:
    with workspace.db.sessions() as session:
        event = session.scalars(
            select(LedgerEvent).where(LedgerEvent.kind == "void").order_by(LedgerEvent.seq.desc())
        ).first()
        assert event is not None
        return ledger.body_of(event)


def test_over_the_limit_the_void_waits_for_a_supervisor(signed_workspace: Workspace) -> None:
    hid, people = household_due(signed_workspace)
    big = pay(signed_workspace, hid, people[:2])  # 760 yuan
    assert needs_approval(signed_workspace.db, big.receipt_no) == 50000
    with pytest.raises(ApprovalNeeded, match=r"超过 ¥500\.00，作废须管理员批准"):
        void_receipt(signed_workspace.db, big.receipt_no, "收错户")
    void_receipt(signed_workspace.db, big.receipt_no, "收错户", approved_by="张主任")
    body = last_void_body(signed_workspace)
    assert body["approved_by"] == "张主任" and body["agent"] == "李四"


def test_under_the_limit_the_agent_voids_alone(signed_workspace: Workspace) -> None:
    hid, people = household_due(signed_workspace)
    small = pay(signed_workspace, hid, people[:1])  # 380 yuan
    assert needs_approval(signed_workspace.db, small.receipt_no) is None
    void_receipt(signed_workspace.db, small.receipt_no, "重复收费")
    assert "approved_by" not in last_void_body(signed_workspace)


def test_a_training_database_without_accounts_needs_no_approval(
    demo_workspace: Workspace,
) -> None:
    hid, people = household_due(demo_workspace)
    paid = pay(demo_workspace, hid, people)
    assert needs_approval(demo_workspace.db, paid.receipt_no) is None
    void_receipt(demo_workspace.db, paid.receipt_no, "培训")


def test_the_command_line_takes_the_approver_and_their_password(
    signed_workspace: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hid, people = household_due(signed_workspace)
    big = pay(signed_workspace, hid, people[:2])
    path = signed_workspace.db.path
    signed_workspace.close()
    monkeypatch.setenv("VCOLLECT_USER", "李四")
    monkeypatch.setenv("VCOLLECT_PASSWORD", "258036")
    void = ["--db", str(path), "receipt", "void", big.receipt_no, "--reason", "收错户"]
    code, _out, err = run(capsys, *void)
    assert code == 1 and "须管理员批准" in err
    monkeypatch.setenv("VCOLLECT_APPROVER_PASSWORD", "wrong-secret")
    code, _out, err = run(capsys, *void, "--approver", "张主任")
    assert code == 1 and "账户名或密码不对" in err
    code, _out, err = run(capsys, *void, "--approver", "李四")
    assert code == 1
    monkeypatch.setenv("VCOLLECT_APPROVER_PASSWORD", "lengshi-2024")
    code, out, err = run(capsys, *void, "--approver", "张主任")
    assert code == 0 and "已作废" in out, err
