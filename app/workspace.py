"""The open workspace a face works in: the database, the business date and the benefit year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.clock import BUSINESS_DATE_KEY, benefit_year, business_date, is_fixed
from app.policy import Policy, PolicyError, load_policy
from app.roster.importer import ImportReport, Progress, RosterImporter
from app.settings import get_setting, set_setting
from db.database import Database, open_database

if TYPE_CHECKING:
    from app.accounts import SignedIn

DEMO_KEY = "demo_county"
REGION_KEY = "policy_region"  # the policy file this device collects under
POLICY_FOLDER = "policies"  # beside the database: policy files the county sent


@dataclass
class Workspace:
    db: Database
    today: date
    date_fixed: bool  # a training/demo date, not the system's: the window title says so
    demo: str | None  # the demo county's key when this is demo data
    region: str | None = None  # policy key, e.g. "lengshi-2024"
    signed: SignedIn | None = None  # who signed in (None: a training database without accounts)

    @property
    def benefit_year(self) -> int:
        return benefit_year(self.today)

    @property
    def policy_folder(self) -> Path | None:
        """Where policy files the county sent are kept: beside the database."""
        return self.db.path.parent / POLICY_FOLDER if self.db.path is not None else None

    @property
    def policy_folders(self) -> list[Path]:
        folder = self.policy_folder
        return [folder] if folder is not None else []

    def import_roster(
        self,
        path: Path,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportReport:
        importer = RosterImporter(
            self.db.engine.begin, today=self.today, benefit_year=self.benefit_year
        )
        return importer.run(path, progress, cancelled)

    def policy(self, region: str | None = None) -> Policy:
        """The policy for `region`, else the device's; PolicyError when neither is set."""
        key = region or self.region
        if not key:
            raise PolicyError(
                "本设备尚未设定地区政策，请用“vcollect settings region 地区”设定，或给出 --region"
            )
        return load_policy(key, self.policy_folders)

    def set_region(self, region: str) -> None:
        """Make `region` this device's policy (checked by loading it first)."""
        load_policy(region, self.policy_folders)
        with self.db.sessions.begin() as session:
            set_setting(session, REGION_KEY, region)
        self.region = region

    def fix_business_date(self, day: date | None) -> None:
        """Store a fixed business date (training, demo), or with None go back to the system's."""
        with self.db.sessions.begin() as session:
            set_setting(session, BUSINESS_DATE_KEY, day.isoformat() if day else None)

    def sign_in_as(self, signed: SignedIn) -> None:
        """The signed-in agent: the name on receipts, voids and day closes from now on."""
        from app.collection import AGENT_KEY

        self.signed = signed
        with self.db.sessions.begin() as session:
            if get_setting(session, AGENT_KEY) != signed.name:
                set_setting(session, AGENT_KEY, signed.name)

    def close(self) -> None:
        self.db.close()


def open_workspace(
    path: Path | str,
    *,
    today: str | date | None = None,
    create: bool = False,
    key: bytes | None = None,
) -> Workspace:
    """Open the database at `path` (migrating it) with the business date resolved; `key` is
    the data key of an encrypted database (app.accounts signs in to get it)."""
    db = open_database(path, create=create, key=key)
    try:
        with db.sessions() as session:
            day = business_date(session, today)
            fixed = is_fixed(session, today)
            demo = get_setting(session, DEMO_KEY)
            region = get_setting(session, REGION_KEY)
    except BaseException:
        db.close()
        raise
    return Workspace(db, day, fixed, demo, region)
