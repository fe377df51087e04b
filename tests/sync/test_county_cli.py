"""vcollect county as a clerk types it: roster, policy, devices, tasks, payments, conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.server.county import CountyDatabase, add_device
from tests.county_server import ServerProcess, village_codes
from ui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_county_commands(
    roster_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("VCOLLECT_COUNTY_DB", str(tmp_path / "county.db"))
    monkeypatch.setenv("VCOLLECT_TODAY", "2023-10-15")
    code, out, _ = run(capsys, "county", "roster", "import", str(roster_csv), "--json")
    imported = json.loads(out)
    assert code == 0 and imported["published"] == imported["imported"] > 0
    assert run(capsys, "county", "region", "lengshi-2024")[0] == 0
    code, _, err = run(capsys, "county", "region", "nowhere-2024")
    assert code == 1 and "未知的地区政策" in err

    code, out, _ = run(capsys, "county", "device", "add", "--agent", "张三",
                       "--village", "430923101201", "--json")  # fmt: skip
    added = json.loads(out)
    assert code == 0 and len(added["code"]) == 14 and added["receipt_prefix"] == "0001"
    code, _, err = run(capsys, "county", "device", "add", "--agent", "李四", "--village", "无此村")
    assert code == 1 and "找不到村" in err
    code, out, _ = run(capsys, "county", "device", "list", "--json")
    assert [d["enrolled"] for d in json.loads(out)] == [False]
    code, out, _ = run(capsys, "county", "device", "revoke", str(added["id"]), "--json")
    assert json.loads(out)["revoked"]

    code, out, _ = run(capsys, "county", "task", "set", "430923101201", "--target", "120",
                       "--json")  # fmt: skip
    task = json.loads(out)
    assert code == 0 and task["target"] == 120 and task["benefit_year"] == 2024

    code, out, _ = run(capsys, "county", "payments", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, "county", "conflicts")
    assert code == 0 and "没有冲突" in out
    code, out, _ = run(capsys, "county", "corrections", "list")
    assert code == 0 and "没有更正申请" in out
    code, _, err = run(capsys, "county", "corrections", "decide", "7", "--reject", "--reason", "x")
    assert code == 1 and "找不到更正申请" in err


def test_an_agent_enrolls_with_the_address_the_site_file_brings(
    county: CountyDatabase, server: ServerProcess, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    db = ["--db", str(tmp_path / "laptop.db")]
    code = add_device(county, "张三", [village_codes(county)[0]]).code
    out_code, _, err = run(capsys, *db, "device", "enroll", "--code", code)
    assert out_code == 1 and "--server" in err and "village-collect.ini" in err
    site = tmp_path / "village-collect.ini"
    site.write_text(f"[county]\nserver = {server.url}\n", encoding="utf-8")
    monkeypatch.setenv("VCOLLECT_SITE_FILE", str(site))
    out_code, out, err = run(capsys, *db, "device", "enroll", "--code", code, "--json")
    assert out_code == 0, err
    answer = json.loads(out)
    assert answer["agent"] == "张三" and len(answer["villages"]) == 1, answer
