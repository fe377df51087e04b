"""vcollect quote and vcollect policy, as a clerk or a script uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run
from sqlalchemy import select

from app.workspace import open_workspace
from db.models import Person

KEYS = {
    "due", "reason", "standard_fen", "subsidy_fen", "subsidy_mode", "due_now_fen",
    "reimbursed_later_fen", "tier", "benefit_start", "benefit_end", "explanation",
}  # fmt: skip


def test_quote_json_for_a_region(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    code, out, _ = run(
        capsys, "quote", "--region", "honghu-2024", "--category", "农村低保救助对象",
        "--paid-on", "2023-10-15", "--json", "--db", db,
    )  # fmt: skip
    answer = json.loads(out)
    assert code == 0 and set(answer) >= KEYS
    assert (answer["due_now_fen"], answer["subsidy_fen"], answer["subsidy_mode"]) == (
        3800, 34200, "direct",
    )  # fmt: skip
    assert answer["explanation"] == "低保对象资助342元，个人缴费38元（洪湖市2024年度，就高不就低）"


def test_quote_late_cases_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "q.db")
    code, out, _ = run(
        capsys, "quote", "--region", "wuhan-jiangan-2023", "--case", "newborn",
        "--case-date", "2023-02-01", "--parent-insured", "--paid-on", "2023-03-01",
        "--json", "--db", db,
    )  # fmt: skip
    answer = json.loads(out)
    assert (answer["due_now_fen"], answer["benefit_start"]) == (0, "2023-02-01")
    code, out, _ = run(
        capsys, "quote", "--region", "wuhan-jiangan-2023", "--paid-on", "2023-03-15", "--db", db
    )
    assert code == 0 and "2023年10月1日起享受待遇" in out


def test_quote_by_id_uses_the_roster_and_the_devices_region(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path
) -> None:
    workspace = open_workspace(demo_db_path)
    with workspace.db.sessions() as session:
        number = session.scalar(select(Person.id_number).limit(1))
    workspace.close()
    code, out, _ = run(
        capsys, "quote", "--id", str(number).lower(), "--json", "--db", str(demo_db_path)
    )
    answer = json.loads(out)
    assert code == 0 and answer["region"] == "lengshi-2024" and answer["paid_on"] == "2023-10-15"


def test_policy_show_and_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "policy", "show", "suiping-2025", "--db", str(tmp_path / "x.db"))
    assert code == 0
    assert "遂平县2025年度" in out and "先缴后补" in out and "解释选择" in out
    code, out, _ = run(capsys, "policy", "list", "--json")
    assert {p["key"] for p in json.loads(out)} >= {"honghu-2024", "wuhan-jiangan-2023"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "nowhere-2030"], "未知的地区政策“nowhere-2030”"),
        (["--region", "honghu-2024", "--category", "火星人"], "未知的人员类别“火星人”"),
        (["--region", "honghu-2024", "--paid-on", "2023-02-30"], "日期“2023-02-30”格式不正确"),
        (
            ["--region", "hunan-2024", "--case", "newborn", "--paid-on", "2024-02-01"],
            "需要给出日期",
        ),
        (["--region", "honghu-2024", "--assessed", "abc"], "不是数字"),
        (["--id", "430923196203140216"], "花名册中没有"),
    ],
)
def test_quote_errors_are_clear(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "quote", *args, "--db", str(demo_db_path))
    assert code == 1 and message in err and "Traceback" not in err + out


def test_unknown_case_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "quote", "--region", "honghu-2024", "--case", "astronaut")
    assert code == 2 and "astronaut" in err


def test_settings_region(capsys: pytest.CaptureFixture[str], demo_db_path: Path) -> None:
    db = str(demo_db_path)
    code, out, _ = run(capsys, "settings", "region", "honghu-2024", "--json", "--db", db)
    assert json.loads(out) == {"region": "honghu-2024"}
    code, _, err = run(capsys, "settings", "region", "nowhere-2030", "--db", db)
    assert code == 1 and "未知的地区政策" in err
