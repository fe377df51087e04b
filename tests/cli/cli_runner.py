"""Running vcollect in-process as a user would, for the command-line tests."""

from __future__ import annotations

import pytest

from ui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one vcollect command."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
