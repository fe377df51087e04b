"""vcollect pay, receipt verify/void and ledger verify, as scripts and checks use them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli_runner import run


def due_members(capsys: pytest.CaptureFixture[str], db: str, query: str = "0216") -> list[str]:
    _, out, _ = run(capsys, "roster", "find", query, "--json", "--full-id", "--db", db)
    for household in json.loads(out):
        members = [m["id_number"] for m in household["members"] if m["status"] == "due"]
        if len(members) >= 2:
            return members
    raise AssertionError("no household with two members due")


def test_pay_verify_void(capsys: pytest.CaptureFixture[str], demo_db_path: Path) -> None:
    db = str(demo_db_path)
    members = due_members(capsys, db)
    args = [a for m in members for a in ("--member", m)]
    code, out, _ = run(
        capsys, "pay", *args, "--method", "wechat", "--reference", "WX1", "--json", "--db", db
    )
    paid = json.loads(out)
    assert code == 0 and paid["total_fen"] == sum(line["amount_fen"] for line in paid["lines"])
    code, out, err = run(capsys, "pay", *args, "--db", db)
    assert code == 1 and "不能重复收费" in err
    code, out, _ = run(capsys, "ledger", "verify", "--json", "--db", db)
    # The --full-id lookup's reveal, then the one payment: the refused one left nothing.
    assert json.loads(out) == {"events": 2, "valid": True, "first_bad": None, "problem": ""}
    code, _, err = run(capsys, "receipt", "void", paid["receipt_no"], "--reason", " ", "--db", db)
    assert code == 1 and "须填写原因" in err
    code, out, _ = run(
        capsys, "receipt", "void", paid["receipt_no"], "--reason", "重复", "--db", db
    )
    assert code == 0 and "已作废" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--method", "alipay"], "须填写交易单号"),
        (["--tendered", "1"], "少于应收"),
        (["--member", "430923196203140216"], "花名册中没有"),
    ],
)
def test_pay_refusals(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path, extra: list[str], message: str
) -> None:
    db = str(demo_db_path)
    members = due_members(capsys, db)
    code, out, err = run(capsys, "pay", "--member", members[0], *extra, "--db", db)
    assert code == 1 and message in err and "Traceback" not in err
    code, out, _ = run(capsys, "ledger", "verify", "--json", "--db", db)
    assert json.loads(out)["events"] == 1  # the --full-id lookup's reveal only


def test_ledger_verify_names_the_tampered_event(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path
) -> None:
    db = str(demo_db_path)
    for query in ("0216", "1234"):
        members = due_members(capsys, db, query)
        run(capsys, "pay", "--member", members[0], "--db", db)
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER ledger_event_no_update")
    raw.execute("UPDATE ledger_event SET body = replace(body, '38000', '3800') WHERE seq = 2")
    raw.commit()
    raw.close()
    code, out, _ = run(capsys, "ledger", "verify", "--json", "--db", db)
    report = json.loads(out)
    assert code == 1 and report["valid"] is False and report["first_bad"] == 2
    assert "第2号事件" in report["problem"] and "改动" in report["problem"]


def test_receipt_verify_rejects_junk(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path
) -> None:
    code, out, _ = run(capsys, "receipt", "verify", "hello", "--json", "--db", str(demo_db_path))
    assert code == 1 and json.loads(out) == {"valid": False, "reason": "这不是本系统的收据二维码"}


def test_receipt_render_prints_then_counts_reprints(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path, tmp_path: Path
) -> None:
    db = str(demo_db_path)
    members = due_members(capsys, db)
    _, out, _ = run(capsys, "pay", "--member", members[0], "--json", "--db", db)
    receipt_no = json.loads(out)["receipt_no"]
    first, again = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run(capsys, "receipt", "render", receipt_no, "--out", str(first), "--db", db)[0] == 0
    code, _, err = run(capsys, "receipt", "render", receipt_no, "--out", str(again), "--db", db)
    assert code == 1 and "--reprint" in err and not again.exists()
    code, out, _ = run(
        capsys, "receipt", "render", receipt_no, "--out", str(again), "--reprint", "--json",
        "--db", db,
    )  # fmt: skip
    assert json.loads(out)["copy"] == 1
    text = subprocess.run(["pdftotext", str(again), "-"], capture_output=True, text=True).stdout
    assert receipt_no in text and "重打 (第1次)" in text and "2023-10-15" in text
    assert members[0] not in text  # the full ID never appears on the receipt
    escpos = tmp_path / "r.bin"
    code, _, _ = run(
        capsys, "receipt", "render", receipt_no, "--format", "escpos", "--out", str(escpos),
        "--reprint", "--db", db,
    )  # fmt: skip
    assert code == 0 and escpos.read_bytes().startswith(b"\x1b@")
