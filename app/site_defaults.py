"""What the county IT officer sets once for every laptop: a site file read at the first run."""

from __future__ import annotations

import configparser
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("village_collect")

ENV_SITE_FILE = "VCOLLECT_SITE_FILE"
SITE_FILE = "village-collect.ini"


@dataclass(frozen=True, slots=True)
class SiteDefaults:
    """Defaults an installation brings; every one may be changed on the laptop afterwards."""

    server: str = ""  # the county server's address, so agents type only their code
    source: Path | None = None  # the file they came from


def site_files() -> list[Path]:
    """Where the site file may be, first match wins: beside the installed program (what an
    installer or a copied folder carries), then the system's settings folder. VCOLLECT_SITE_FILE
    names the one file to read instead (tests, or a file on a shared drive)."""
    if explicit := os.environ.get(ENV_SITE_FILE):
        return [Path(explicit)]
    places = []
    if getattr(sys, "frozen", False):  # the bundle: beside village-collect(.exe)
        places.append(Path(sys.executable).resolve().parent / SITE_FILE)
    if sys.platform == "win32":
        places.append(
            Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "village-collect" / SITE_FILE
        )
    else:
        places.append(Path("/etc/village-collect") / SITE_FILE)
    return places


def site_defaults(places: list[Path] | None = None) -> SiteDefaults:
    """The first site file's defaults; none when there is no file or it cannot be read (the
    agent then types them: a broken file must not stop a laptop from starting)."""
    for path in site_files() if places is None else places:
        if not path.is_file():
            continue
        parser = configparser.ConfigParser()
        try:
            with path.open(encoding="utf-8-sig") as handle:  # Notepad writes a BOM
                parser.read_file(handle)
        except (OSError, UnicodeDecodeError, configparser.Error):
            log.warning("Site file %s cannot be read; ignored", path, exc_info=True)
            return SiteDefaults(source=path)
        return SiteDefaults(server=parser.get("county", "server", fallback="").strip(), source=path)
    return SiteDefaults()
