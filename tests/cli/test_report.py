"""vcollect report progress and dunning: JSON, text, the files, and the mistakes a user makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run
from openpyxl import load_workbook

from tests.report_roster import EXPECTED_TOTAL, TODAY, season_db


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "season.db"
    season_db(path)
    return str(path)


def test_progress_json_and_text(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "report", "progress", "--json", "--db", db, "--today", str(TODAY))
    assert code == 0
    data = json.loads(out)
    total = data["total"]
    assert (total["population"], total["target"], total["collected"], total["amount_fen"]) == (
        EXPECTED_TOTAL[0], EXPECTED_TOTAL[2], EXPECTED_TOTAL[3], EXPECTED_TOTAL[4],
    )  # fmt: skip
    assert [v["name"] for v in data["villages"]] == ["甲村", "乙村", "丙村"]
    assert data["daily"][-1] == {"day": "2023-10-12", "collected": 2, "cumulative": 4}
    assert data["files"] == [] and data["special_unpaid"][0]["household"] == "A002"
    code, out, _ = run(capsys, "report", "progress", "--db", db, "--today", str(TODAY))
    assert code == 0 and "合计" in out and "工作经费 12 元（每人 3 元 × 4 人）" in out
    assert "特殊人群未参保 2 人（2 户）" in out


def test_progress_files(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    xlsx, pdf = tmp_path / "任务分解表.xlsx", tmp_path / "任务分解表.pdf"
    code, out, err = run(
        capsys, "report", "progress", "--xlsx", str(xlsx), "--pdf", str(pdf), "--db", db,
        "--today", str(TODAY),
    )  # fmt: skip
    assert code == 0, err
    assert f"已输出 {xlsx}" in out and f"已输出 {pdf}" in out
    assert load_workbook(xlsx)["任务分解表"]["F6"].value == 1330
    assert pdf.read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, "report", "progress", "--xlsx", str(tmp_path / "无" / "x.xlsx"),
                       "--db", db)  # fmt: skip
    assert code == 1 and "无法写入" in err and "Traceback" not in err


def test_dunning(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "report", "dunning", "--village", "乙村", "--json", "--db", db,
                       "--today", str(TODAY))  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["households"] == 2 and data["people"] == 3
    assert [m["name"] for h in data["list"] for m in h["members"]] == ["刘三", "孙四", "孙五"]
    code, out, _ = run(capsys, "report", "dunning", "--db", db, "--today", str(TODAY))
    assert code == 0 and "催缴清单：4 户 5 人" in out and "户号 A002 户主 王四" in out
    pdf = tmp_path / "催缴清单.pdf"
    code, out, _ = run(capsys, "report", "dunning", "--pdf", str(pdf), "--db", db,
                       "--today", str(TODAY))  # fmt: skip
    assert code == 0 and pdf.exists() and "王四" not in out and "4 户 5 人" in out
    code, _, err = run(capsys, "report", "dunning", "--village", "丁村", "--db", db)
    assert code == 1 and err.strip() == "错误：本设备没有村“丁村”，请用村名或12位村代码"
