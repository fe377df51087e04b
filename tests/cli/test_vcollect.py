"""vcollect as a clerk uses it: JSON output, --db/--today anywhere, Chinese errors, no traces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run

from app.identity import check_character


def test_find_and_stats_as_json(capsys: pytest.CaptureFixture[str], demo_db_path: Path) -> None:
    code, out, _ = run(capsys, "roster", "stats", "--json", "--db", str(demo_db_path))
    assert code == 0
    stats = json.loads(out)
    assert stats["people"] == 37288 and len(stats["villages"]) == 18
    code, out, _ = run(capsys, "--db", str(demo_db_path), "--json", "roster", "find", "zs")
    households = json.loads(out)
    assert code == 0 and households
    member = households[0]["members"][0]
    assert "*" in member["id_number"] and member["relation_name"]
    code, out, _ = run(
        capsys, "roster", "find", "zs", "--full-id", "--json", "--db", str(demo_db_path)
    )
    assert "*" not in json.loads(out)[0]["members"][0]["id_number"]


def test_text_output_is_chinese(capsys: pytest.CaptureFixture[str], demo_db_path: Path) -> None:
    code, out, _ = run(capsys, "roster", "stats", "--db", str(demo_db_path))
    assert code == 0 and out.startswith("人数 37288")
    code, out, _ = run(capsys, "roster", "find", "没有的人", "--db", str(demo_db_path))
    assert code == 0 and "未找到" in out


def test_import_reports_json_with_row_reasons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = "430923197003010" + "11"
    good = body + check_character(body)
    csv = tmp_path / "r.csv"
    csv.write_text(
        "户号,姓名,证件号码,村代码,村(社区)\n"
        f"H1,张三,{good},430923101201,南华村\nH1,李四,123,430923101201,南华村\n",
        encoding="gbk",
    )
    db = tmp_path / "new.db"
    code, out, _ = run(
        capsys, "roster", "import", str(csv), "--json", "--db", str(db), "--today", "2023-10-15"
    )
    assert code == 0
    assert json.loads(out) == {
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": [{"row": 3, "reason": "证件号码应为18位，输入的是3位"}],
    }
    code, out, _ = run(
        capsys, "roster", "import", str(csv), "--json", "--db", str(db), "--today", "2023-10-15"
    )
    assert json.loads(out)["unchanged"] == 1


def test_demo_init_then_if_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    code, out, _ = run(capsys, "demo", "init", "--db", db, "--json")
    assert code == 0 and json.loads(out)["imported"] == 37288
    code, _, err = run(capsys, "demo", "init", "--db", db)
    assert code == 1 and "已有演示数据" in err
    code, out, _ = run(capsys, "demo", "init", "--if-missing", "--db", db, "--json")
    assert code == 0 and json.loads(out) == {"demo": "lengshi", "created": False}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["roster", "stats", "--db", "/nonexistent/x.db"], 1, "数据库文件不存在"),
        (["roster", "frobnicate"], 2, "命令参数错误"),
        (["roster", "import", "/nonexistent.csv", "--db", "{tmp}/n.db"], 1, "文件不存在"),
        (
            ["roster", "stats", "--today", "2023-13-01", "--db", "{db}"],
            1,
            "日期“2023-13-01”格式不正确",
        ),
        (["roster", "find", "x", "--limit", "0", "--db", "{db}"], 2, "--limit"),
    ],
)
def test_user_mistakes_give_a_message_and_no_traceback(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    demo_db_path: Path,
    args: list[str],
    code: int,
    message: str,
) -> None:
    args = [a.format(tmp=tmp_path, db=demo_db_path) for a in args]
    result, out, err = run(capsys, *args)
    assert result == code
    assert message in err and "Traceback" not in err + out


def test_env_gives_db_and_date(
    capsys: pytest.CaptureFixture[str], demo_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VCOLLECT_DB", str(demo_db_path))
    monkeypatch.setenv("VCOLLECT_TODAY", "2024-10-01")
    code, out, _ = run(capsys, "roster", "stats", "--json")
    # 2024-10-01 collects for 2025, which has no task table in the demo county.
    assert code == 0 and json.loads(out)["villages"][0]["target"] is None


def test_a_bug_is_logged_not_shown(
    capsys: pytest.CaptureFixture[str],
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ui.cli.main.roster_stats", broken)
    code, out, err = run(capsys, "roster", "stats", "--db", str(demo_db_path))
    assert code == 70 and "内部错误" in err and "Traceback" not in err + out
    (log,) = (tmp_path / "xdg-state").rglob("village-collect.log")  # XDG dirs from conftest
    assert str(log) in err
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")


def test_business_date_setting(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    run(capsys, "demo", "init", "--db", db)
    code, out, _ = run(capsys, "settings", "today", "--json", "--db", db)
    assert json.loads(out) == {"today": "2023-10-15", "fixed": True, "benefit_year": 2024}
    code, out, _ = run(capsys, "settings", "today", "2024-11-01", "--db", db)
    assert code == 0 and "2024-11-01（固定日期），2025年度" in out
    code, out, _ = run(capsys, "settings", "today", "--clear", "--json", "--db", db)
    assert json.loads(out)["fixed"] is False
    code, _, err = run(capsys, "settings", "today", "2024-02-30", "--db", db)
    assert code == 1 and "格式不正确" in err
