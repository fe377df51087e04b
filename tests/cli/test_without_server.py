"""The agents' bundle leaves the county server's packages out: vcollect still starts, and a
county command that needs them says so in one Chinese line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run


def test_vcollect_starts_without_fastapi() -> None:
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in ("fastapi", "uvicorn", "psycopg"))
    code = f"import sys; {blocked}; import ui.cli.main as m; m.build_parser()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_county_serve_without_uvicorn(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    code, _, err = run(capsys, "county", "serve", "--db", str(tmp_path / "county.db"))
    assert code == 1 and "县级服务组件" in err and "uvicorn" in err
    assert "Traceback" not in err and "内部错误" not in err
