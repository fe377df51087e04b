"""vcollect county report progress: the county roster and every device's receipts, hand-counted."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.reports import workspace_progress
from db.models import Setting
from sync.client import sync
from sync.server.api import REGION_KEY
from sync.server.county import CountyDatabase, open_county
from sync.server.reports import county_progress
from sync.server.schema import CountyPayment, CountyPaymentLine
from tests.report_roster import (
    AMOUNTS,
    EXPECTED,
    EXPECTED_DAILY,
    EXPECTED_SPECIAL_UNPAID,
    EXPECTED_TOTAL,
    PAYMENTS,
    TODAY,
    VILLAGE_A,
    VILLAGE_B,
    VOIDED,
    Built,
    build_roster,
    figures,
    households_of,
)
from tests.sync.helpers import pay_household
from ui.cli.main import main


def receipt(
    conn: object, built: Built, device: str, number: str, household: str, names: list[str],
    day: date, *, voided: bool = False,
) -> None:  # fmt: skip
    """A receipt as ingest stores it (county_payment and its lines)."""
    village = VILLAGE_A if household.startswith("A") else VILLAGE_B
    payment_id = conn.execute(  # type: ignore[attr-defined]
        insert(CountyPayment).values(
            event_id=f"{device}-{number}", device_id=device, receipt_no=number,
            village_code=village, household=household, payer=names[0], method="cash",
            reference="", total_fen=sum(AMOUNTS[n] for n in names), paid_on=day, agent="张三",
            voided=voided, void_reason="收错了户" if voided else "",
        )
    ).inserted_primary_key[0]  # fmt: skip
    conn.execute(  # type: ignore[attr-defined]
        insert(CountyPaymentLine),
        [{"payment_id": payment_id, "id_number": built.id_numbers[n], "name": n,
          "benefit_year": 2024, "amount_fen": AMOUNTS[n]} for n in names],
    )  # fmt: skip


@pytest.fixture
def hand_county(
    county_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[CountyDatabase, Built]]:
    """The hand-counted roster at the county, its receipts from two devices (one voided)."""
    monkeypatch.setenv("VCOLLECT_TODAY", TODAY.isoformat())
    county = open_county(county_url)
    with Session(bind=county.engine) as session, session.begin():
        built = build_roster(session)
        session.add(Setting(key=REGION_KEY, value="lengshi-2024"))
    with county.writing() as conn:
        for n, (household, names, day) in enumerate(PAYMENTS, start=1):
            device = "DEV2" if household.startswith("B") else "DEV1"
            receipt(conn, built, device, f"R{n}", household, names, day,
                    voided=household == VOIDED)  # fmt: skip
    yield county, built
    county.close()


def test_county_progress_matches_the_hand_count(
    hand_county: tuple[CountyDatabase, Built],
) -> None:
    county, built = hand_county
    progress = county_progress(county)
    assert progress.source == "county" and progress.benefit_year == 2024
    assert {v.code: figures(v) for v in progress.villages} == EXPECTED
    assert figures(progress.total) == EXPECTED_TOTAL
    assert [(d.day, d.collected, d.cumulative) for d in progress.daily] == EXPECTED_DAILY
    assert households_of(progress.special_unpaid) == EXPECTED_SPECIAL_UNPAID  # type: ignore[arg-type]
    # Paid on two devices: the person counts once, the money twice (a refund is owed).
    with county.writing() as conn:
        receipt(conn, built, "DEV1", "R9", "B001", ["刘一"], date(2023, 10, 13))
    again = county_progress(county)
    b = next(v for v in again.villages if v.code == VILLAGE_B)
    assert (b.collected, b.enrolled, b.amount_fen) == (1, 1, 76000)


def test_county_report_command(
    hand_county: tuple[CountyDatabase, Built], capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    county, _ = hand_county
    xlsx = tmp_path / "全县.xlsx"
    code = main(["county", "report", "progress", "--db", county.url, "--json", "--xlsx",
                 str(xlsx)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["source"] == "county" and data["total"]["collected"] == 4
    assert data["files"] == [str(xlsx)]
    rows = list(load_workbook(io.BytesIO(xlsx.read_bytes()))["任务分解表"].values)
    assert rows[0][0] == "冷市镇2024年度城乡居民医保征缴任务分解表（县级汇总）"
    assert rows[-1][:6] == ("合计", None, 14, 8, 4, 1330)
    code = main(["county", "report", "progress", "--db", county.url])
    out, _ = capsys.readouterr()
    assert code == 0 and "工作经费 12 元" in out and "甲村" in out


def test_the_county_sees_what_the_devices_collected(
    county: CountyDatabase, make_device: object
) -> None:
    """Through a real server: two devices pay, one voids; both reports agree on the village."""
    first = make_device("a", "张三")  # type: ignore[operator]
    second = make_device("b", "李四")  # type: ignore[operator]
    sync(first)
    sync(second)
    pay_household(first)
    pay_household(second, 1)
    from app.collection import void_receipt

    voided, _ = pay_household(first, 2)
    void_receipt(first.db, voided, "录入有误")
    sync(first)
    sync(second)
    sync(first)  # the second device's receipt comes down as paid elsewhere
    at_county = county_progress(county)
    village = at_county.villages[0]
    here = workspace_progress(first).villages[0]
    there = workspace_progress(second).villages[0]
    assert village.code == here.code == there.code
    assert village.collected == here.collected + there.collected > 0
    assert village.amount_fen == here.amount_fen + there.amount_fen
    assert village.enrolled == here.enrolled
    assert here.elsewhere == there.collected + village.elsewhere
    assert sum(v.collected for v in at_county.villages) == village.collected
