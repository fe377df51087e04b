"""vcollect dayclose: preview, a close counted by denomination with its slip, nothing twice."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_runner import run
from test_collect import due_members


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
