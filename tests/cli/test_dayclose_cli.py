"""vcollect dayclose: preview, a close counted by denomination with its slip, nothing twice."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_runner import run
from test_collect import due_members

from app.workspace import open_workspace
from sync.client import apply_page


def test_preview_close_and_slip(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path, tmp_path: Path
) -> None:
    db = str(demo_db_path)
    code, out, _ = run(capsys, "dayclose", "--preview", "--db", db)
    assert code == 0 and "没有待上解的收据" in out
    members = due_members(capsys, db)
    args = [a for m in members for a in ("--member", m)]
    code, out, _ = run(capsys, "pay", *args, "--json", "--db", db)
    total = json.loads(out)["total_fen"]
    code, out, _ = run(capsys, "dayclose", "--preview", "--json", "--db", db)
    seen = json.loads(out)
    assert seen["expected_cash_fen"] == total and len(seen["receipts"]) == 1
    hundreds, rest = divmod(total, 10000)
    code, _, err = run(capsys, "dayclose", "--count", f"100={hundreds}", "--reference", "",
                       "--db", db)  # fmt: skip
    assert code == 1 and "存款凭条号" in err
    code, _, err = run(capsys, "dayclose", "--count", "3=1", "--reference", "R", "--db", db)
    assert code == 1 and "面额" in err
    slip = tmp_path / "slip.pdf"
    code, out, _ = run(
        capsys, "dayclose", "--count", f"100={hundreds}", "--count", f"10={rest // 1000}",
        "--reference", "YH001", "--reason", "按实点上解", "--slip", str(slip), "--json",
        "--db", db,
    )  # fmt: skip
    closed = json.loads(out)
    assert code == 0 and closed["counted_fen"] == hundreds * 10000 + rest // 1000 * 1000
    text = subprocess.run(["pdftotext", str(slip), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "上解单" in text and "YH001" in text
    code, _, err = run(capsys, "dayclose", "--counted-fen", "0", "--reference", "R", "--db", db)
    assert code == 1 and "没有待上解" in err


def test_list_shows_every_close_and_the_countys_confirmation(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path
) -> None:
    db = str(demo_db_path)
    code, out, _ = run(capsys, "dayclose", "--list", "--db", db)
    assert code == 0 and out.strip() == "尚无日结记录"
    run(capsys, "pay", *[a for m in due_members(capsys, db) for a in ("--member", m)], "--db", db)
    code, out, _ = run(capsys, "dayclose", "--preview", "--json", "--db", db)
    expected = json.loads(out)["expected_cash_fen"]
    code, out, _ = run(capsys, "dayclose", "--counted-fen", str(expected - 1000), "--reference",
                       "YH-31", "--reason", "一张十元假币", "--json", "--db", db)  # fmt: skip
    event_id = json.loads(out)["event_id"]

    code, out, _ = run(capsys, "dayclose", "--list", "--db", db)
    assert code == 0 and out.startswith("2023-10-15  收据 1 张  ")
    assert "短款 ¥10.00  存款参考号 YH-31  县医保局待确认" in out

    # The county's confirmation, as a sync pull applies it.
    workspace = open_workspace(demo_db_path)
    try:
        apply_page(workspace, [{"kind": "confirmation", "body": {
            "event_id": event_id, "device_id": "x", "confirmed_at": "2023-10-17T10:00:00",
            "confirmed_by": "财务股"}}], 1)  # fmt: skip
    finally:
        workspace.close()
    code, out, _ = run(capsys, "dayclose", "--list", "--json", "--db", db)
    [listed] = json.loads(out)
    assert listed["event_id"] == event_id and listed["receipts"] == 1
    assert (listed["expected_cash_fen"], listed["counted_fen"]) == (expected, expected - 1000)
    assert (listed["difference_fen"], listed["reason"], listed["reference"]) == (
        -1000, "一张十元假币", "YH-31",
    )  # fmt: skip
    assert listed["confirmed"] and listed["confirmed_by"] == "财务股"
    assert listed["confirmed_at"] == "2023-10-17T10:00:00"
    code, out, _ = run(capsys, "dayclose", "--list", "--db", db)
    assert "县医保局已确认 2023-10-17" in out
