"""Policy files and village tasks from the county: signed, applied on the device, forged refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.policy import PolicyError
from app.workspace import Workspace
from db.models import VillageTask
from sync.client import SyncError, apply_page, sync
from sync.server.county import CountyDatabase
from sync.server.feed import publish_policy, set_task

LOCAL_RULE = """\
# 冷市镇县级补充：允许身份更正待审核时先行收费（测试用）
extends = "lengshi-2024"
key = "lengshi-2024-county"
region = "安化县冷市镇（县级补充）"

[corrections]
provisional = true
note = "县医保局同意先行收费，更正驳回的退费"
"""


def test_a_published_policy_reaches_the_device_and_can_be_used(
    county: CountyDatabase, make_device: object, tmp_path: Path
) -> None:
    device: Workspace = make_device()  # type: ignore[operator]
    path = tmp_path / "lengshi-2024-county.toml"
    path.write_text(LOCAL_RULE, encoding="utf-8")
    published = publish_policy(county, path)
    assert published["key"] == "lengshi-2024-county"
    sync(device)
    assert device.policy_folder is not None
    assert (device.policy_folder / "lengshi-2024-county.toml").read_text(encoding="utf-8") == (
        LOCAL_RULE
    )
    device.set_region("lengshi-2024-county")
    policy = device.policy()
    assert policy.provisional_collection and policy.individual_fen == 38000


def test_a_policy_file_that_does_not_load_is_refused_at_the_county(
    county: CountyDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('key = "broken"\nbenefit_year = "next"\n', encoding="utf-8")
    with pytest.raises(PolicyError):
        publish_policy(county, path)


def test_a_forged_policy_file_is_not_applied(county: CountyDatabase, make_device: object) -> None:
    device: Workspace = make_device()  # type: ignore[operator]
    forged = {"key": "lengshi-2024", "text": "# nothing\n", "signature": "AAAA"}
    with pytest.raises(SyncError, match="签名不对"):
        apply_page(device, [{"cursor": 1, "kind": "policy", "body": forged}], 1)
    assert device.policy_folder is not None
    assert not (device.policy_folder / "lengshi-2024.toml").exists()


def test_a_village_task_reaches_its_devices(county: CountyDatabase, make_device: object) -> None:
    device: Workspace = make_device()  # type: ignore[operator]
    sync(device)
    with device.db.sessions() as session:
        village = session.scalar(select(VillageTask.village_code).limit(1)) or ""
        from db.models import Village

        village = village or str(session.scalar(select(Village.code).limit(1)))
    task = set_task(county, village, 140, 2024, None)
    assert task["population"] > 0
    sync(device)
    with device.db.sessions() as session:
        row = session.get(VillageTask, (village, 2024))
        assert row is not None
        assert (row.target, row.population) == (140, task["population"])
