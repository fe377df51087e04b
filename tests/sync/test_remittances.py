"""Remittances reach the county by sync, are confirmed there, and the device learns it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.dayclose import close_day, preview
from app.workspace import Workspace
from db.models import RemittanceConfirmation
from sync.client import sync
from sync.server.county import CountyDatabase, CountyError
from sync.server.remittances import confirm, list_remittances
from tests.sync.helpers import pay_household
from ui.cli.main import main


def test_a_close_is_listed_confirmed_and_the_device_hears_of_it(
    county: CountyDatabase, make_device: object, capsys: pytest.CaptureFixture[str]
) -> None:
    device: Workspace = make_device()  # type: ignore[operator]
    sync(device)
    pay_household(device)
    pay_household(device, 1)
    expected = preview(device.db).expected_cash_fen
    done = close_day(device.db, counted_fen=expected - 1000, reference="YH-7781",
                     today=device.today, reason="一张十元假币，已报")  # fmt: skip
    sync(device)
    [listed] = list_remittances(county)
    assert (listed["receipts"], listed["counted_fen"], listed["difference_fen"]) == (
        2, expected - 1000, -1000,
    )  # fmt: skip
    assert listed["reference"] == "YH-7781" and not listed["confirmed"] and listed["villages"]
    code = main(["county", "remittances", "confirm", str(listed["id"]), "--by", "财务股",
                 "--db", county.url])  # fmt: skip
    assert code == 0
    capsys.readouterr()
    with pytest.raises(CountyError, match="已于"):
        confirm(county, str(listed["id"]))
    main(["county", "remittances", "--json", "--db", county.url])
    assert json.loads(capsys.readouterr().out)[0]["confirmed"]
    sync(device)
    with device.db.sessions() as session:
        row = session.scalar(select(RemittanceConfirmation))
    assert row is not None and row.event_id == done.event_id and row.confirmed_by == "财务股"
