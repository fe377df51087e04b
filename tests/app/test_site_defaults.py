"""The site file an IT officer puts beside the program or in /etc: read if there, never fatal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.site_defaults import ENV_SITE_FILE, SiteDefaults, site_defaults, site_files


def test_the_county_server_comes_from_the_site_file(tmp_path: Path) -> None:
    site = tmp_path / "village-collect.ini"
    # As Notepad saves it: a BOM, Windows line ends, a comment in Chinese.
    site.write_bytes(
        "\ufeff; 县医保局服务器\r\n[county]\r\nserver = https://10.0.0.5:8750 \r\n".encode()
    )
    assert site_defaults([tmp_path / "missing.ini", site]) == SiteDefaults(
        server="https://10.0.0.5:8750", source=site
    )


def test_no_file_means_no_defaults(tmp_path: Path) -> None:
    assert site_defaults([tmp_path / "missing.ini"]) == SiteDefaults()


def test_a_broken_file_is_logged_and_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "village-collect.ini"
    site.write_text("server = no section header\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert site_defaults([site]).server == ""
    assert "cannot be read" in caplog.text


def test_the_environment_names_the_only_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_SITE_FILE, str(tmp_path / "shared.ini"))
    assert site_files() == [tmp_path / "shared.ini"]
    monkeypatch.delenv(ENV_SITE_FILE)
    assert site_files()[-1].name == "village-collect.ini"
