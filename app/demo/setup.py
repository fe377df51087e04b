"""Creating the demo county in a database: divisions, tasks, the fixed business date, the roster."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, insert, select

from app.clock import BUSINESS_DATE_KEY
from app.demo.counties import DemoCounty
from app.demo.generator import raw_rows, township_code, village_code
from app.roster.importer import ImportReport, Progress, RosterImporter
from app.settings import get_setting, set_setting
from app.workspace import DEMO_KEY, REGION_KEY
from db.database import Database
from db.models import County, Person, Township, Village, VillageTask


class DemoExistsError(Exception):
    """The database already holds a roster; str() is the Chinese message."""


def demo_county_key(db: Database) -> str | None:
    with db.sessions() as session:
        return get_setting(session, DEMO_KEY)


def init_demo(
    db: Database,
    county: DemoCounty,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Fill an empty database with the demo county; refuse one that already has people."""
    with db.sessions.begin() as session:
        if session.scalar(select(func.count()).select_from(Person)):
            existing = get_setting(session, DEMO_KEY)
            what = f"演示数据（{existing}）" if existing else "花名册数据"
            raise DemoExistsError(f"数据库中已有{what}，演示数据只能建在新的数据库中。")
        county_code = county.county_code + "000000"
        if session.get(County, county_code) is None:
            session.add(County(code=county_code, name=county.county_name))
        session.flush()
        for t_index, township in enumerate(county.townships):
            t_code = township_code(county, t_index)
            if session.get(Township, t_code) is None:
                session.execute(
                    insert(Township).values(
                        code=t_code, name=township.name, county_code=county_code
                    )
                )
            for v_index, village in enumerate(township.villages):
                v_code = village_code(county, t_index, v_index, village.name)
                if session.get(Village, v_code) is None:
                    session.execute(
                        insert(Village).values(code=v_code, name=village.name, township_code=t_code)
                    )
                session.merge(
                    VillageTask(
                        village_code=v_code,
                        benefit_year=county.benefit_year,
                        population=village.population,
                        target=village.target,
                    )
                )
        set_setting(session, BUSINESS_DATE_KEY, county.business_date.isoformat())
        set_setting(session, DEMO_KEY, county.key)
        set_setting(session, REGION_KEY, county.policy)
        set_setting(session, "agent_name", "演示代收员")
    importer = RosterImporter(
        db.engine.begin, today=county.business_date, benefit_year=county.benefit_year
    )
    return importer.run_rows(raw_rows(county), progress, cancelled)
