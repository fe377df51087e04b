"""Progress and the 催缴清单 against a hand count; the XLSX and PDF read back; nothing sensitive."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.identity import mask
from app.report_xlsx import TASK_COLUMNS, dunning_xlsx, progress_xlsx
from app.reports import percent, workspace_progress
from app.special_groups import CATEGORIES
from app.unpaid import ReportError, workspace_dunning
from app.workspace import Workspace, open_workspace
from printing.report_pdf import dunning_pdf, progress_pdf
from tests.report_roster import (
    EXPECTED,
    EXPECTED_DAILY,
    EXPECTED_DUNNING,
    EXPECTED_SPECIAL_UNPAID,
    EXPECTED_TOTAL,
    SENSITIVE_WORDS,
    TODAY,
    VILLAGE_A,
    VILLAGE_B,
    YEAR,
    Built,
    build_roster,
    figures,
    households_of,
    pay_season,
)

# Every special-group word a list could leak: canonical names and the notices' variants.
CATEGORY_WORDS = sorted({w for canon, variants in CATEGORIES.items() for w in (canon, *variants)})


@pytest.fixture
def season(tmp_path: Path) -> Iterator[tuple[Workspace, Built]]:
    workspace = open_workspace(tmp_path / "reports.db", today=TODAY, create=True)
    with workspace.db.sessions.begin() as session:
        built = build_roster(session)
    workspace.set_region("lengshi-2024")
    pay_season(workspace, built)
    yield workspace, built
    workspace.close()


def test_progress_matches_the_hand_count(season: tuple[Workspace, Built]) -> None:
    workspace, _ = season
    progress = workspace_progress(workspace)
    assert progress.benefit_year == YEAR and progress.source == "device"
    assert progress.participation_target == 98 and progress.special_groups_target == 100
    assert progress.work_fee_per_person_fen == 300
    assert {v.code: figures(v) for v in progress.villages} == EXPECTED
    assert figures(progress.total) == EXPECTED_TOTAL
    assert [(d.day, d.collected, d.cumulative) for d in progress.daily] == EXPECTED_DAILY
    assert households_of(progress.special_unpaid) == EXPECTED_SPECIAL_UNPAID  # type: ignore[arg-type]
    [township] = progress.townships
    assert township.name == "冷市镇" and figures(township) == EXPECTED_TOTAL
    a, b, c = progress.villages
    assert a.note == "完成率50%；参保率40%未达98%；他处已缴1人；特殊人群未缴1人"
    assert b.note == "任务数未下达；参保率25%未达98%；特殊人群未缴1人"
    assert c.note == "任务数未下达"
    assert progress.total.note.startswith("完成率50%；2个村未下达任务数；参保率35.7%未达98%")


def test_without_a_policy_there_is_no_fee_and_no_target(
    season: tuple[Workspace, Built], tmp_path: Path
) -> None:
    workspace, _ = season
    workspace.region = None
    progress = workspace_progress(workspace)
    assert progress.work_fee_per_person_fen is None and progress.total.work_fee_fen is None
    assert progress.participation_target is None
    assert "未达" not in progress.total.note
    assert figures(progress.total)[:-1] == EXPECTED_TOTAL[:-1]
    # Another year: nothing collected, nobody enrolled, every rate of an empty year.
    other = workspace_progress(workspace, 2023)
    assert other.total.collected == other.total.enrolled == other.total.amount_fen == 0
    assert other.daily == [] and other.total.target is None


def test_percentages_round_half_up() -> None:
    assert percent(1, 3) == 33.3 and percent(2, 3) == 66.7 and percent(5, 14) == 35.7
    assert percent(1, 2000) == 0.1 and percent(1, 8) == 12.5 and percent(8, 8) == 100.0
    assert percent(1, 0) is None and percent(0, None) is None


def test_dunning_list_by_household_with_phones(season: tuple[Workspace, Built]) -> None:
    workspace, built = season
    dunning = workspace_dunning(workspace)
    assert households_of(dunning.households) == EXPECTED_DUNNING  # type: ignore[arg-type]
    assert dunning.people == 5
    member = dunning.households[0].members[0]
    assert member.masked_id == mask(built.id_numbers["王四"]) and "*" in member.masked_id
    assert member.relation == "户主"
    only_b = workspace_dunning(workspace, ["乙村"])
    assert [h.village_code for h in only_b.households] == [VILLAGE_B, VILLAGE_B]
    by_code = workspace_dunning(workspace, [VILLAGE_A])
    assert [h.number for h in by_code.households] == ["A002", "A003"]
    with pytest.raises(ReportError, match="本设备没有村“丁村”"):
        workspace_dunning(workspace, ["丁村"])


def _workbook(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_xlsx_reads_back_as_numbers(season: tuple[Workspace, Built]) -> None:
    workspace, _ = season
    data = progress_xlsx(workspace_progress(workspace))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["任务分解表", "进度明细", "特殊人群未缴", "每日进度"]
    sheet = book["任务分解表"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "冷市镇2024年度城乡居民医保征缴任务分解表"
    assert rows[1] == TASK_COLUMNS
    assert [r[:6] for r in rows[2:]] == [
        (1, "甲村", 10, 8, 3, 950),
        (2, "乙村", 4, None, 1, 380),
        (3, "丙村", 0, None, 0, 0),
        ("合计", None, 14, 8, 4, 1330),
    ]
    assert rows[2][6].startswith("完成率50%")  # type: ignore[union-attr]
    for row in sheet.iter_rows(min_row=3):
        assert row[5].number_format == "0.00" and isinstance(row[5].value, int | float)
        assert isinstance(row[2].value, int)
    assert sheet.column_dimensions["B"].width == 18 and sheet.column_dimensions["G"].width == 48
    assert sheet.freeze_panes == "A3"
    detail = book["进度明细"]
    first = [c for c in next(detail.iter_rows(min_row=3, max_row=3))]
    labels = [c.value for c in next(detail.iter_rows(min_row=2, max_row=2))]
    completion = first[labels.index("完成率")]
    assert completion.value == 0.5 and completion.number_format == "0.0%"
    assert first[labels.index("工作经费（元）")].value == 9
    assert first[labels.index("他处已缴")].value == 1
    special = list(book["特殊人群未缴"].iter_rows(min_row=3, values_only=True))
    assert [(r[3], r[5], r[8]) for r in special] == [
        ("A002", "王四", "13900000004"),
        ("B002", "孙四", "13500000005"),
    ]
    days = list(book["每日进度"].iter_rows(min_row=3, values_only=True))
    assert [(d.date(), n, total) for d, n, total in days] == EXPECTED_DAILY  # type: ignore[union-attr]


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                            text=True, check=True)  # fmt: skip
    return result.stdout


def test_pdfs_read_back(season: tuple[Workspace, Built], tmp_path: Path) -> None:
    workspace, _ = season
    text = _pdf_text(progress_pdf(workspace_progress(workspace), TODAY), tmp_path)
    assert "冷市镇2024年度城乡居民医保征缴任务分解表" in text and "制表日期2023-10-15" in text
    assert "950.00" in text and "1,330.00" in text and "合计" in text
    assert "特殊人群未参保名单" in text and "王四" in text and "孙四" in text
    assert "第2页/共2页" in text.replace(" ", "")
    dunning = _pdf_text(dunning_pdf(workspace_dunning(workspace), TODAY), tmp_path)
    assert "催缴清单" in dunning and "甲村：未缴2户2人" in dunning and "乙村：未缴2户3人" in dunning
    assert "刘三" in dunning and "13600000001" in dunning and "走访人" in dunning


def test_no_export_names_a_category(season: tuple[Workspace, Built], tmp_path: Path) -> None:
    """Health conditions never, and the 催缴清单 no special-group mark at all."""
    workspace, _ = season
    progress = workspace_progress(workspace)
    dunning = workspace_dunning(workspace)
    texts = {
        "progress.pdf": _pdf_text(progress_pdf(progress), tmp_path),
        "dunning.pdf": _pdf_text(dunning_pdf(dunning), tmp_path),
        "progress.json": str(progress.to_json()),
        "dunning.json": str(dunning.to_json()),
    }
    for name, data in (("progress.xlsx", progress_xlsx(progress)),
                       ("dunning.xlsx", dunning_xlsx(dunning))):  # fmt: skip
        texts[name] = str(_workbook(data))
    for name, text in texts.items():
        for word in (*SENSITIVE_WORDS, *CATEGORY_WORDS):
            assert word not in text, (name, word)
    for name in ("dunning.pdf", "dunning.json", "dunning.xlsx"):
        assert "特殊" not in texts[name]
    assert "王四" in texts["dunning.pdf"] and "王四" in texts["progress.xlsx"]


def test_an_empty_list_still_prints(tmp_path: Path) -> None:
    workspace = open_workspace(tmp_path / "empty.db", today=TODAY, create=True)
    try:
        dunning = workspace_dunning(workspace)
        progress = workspace_progress(workspace)
    finally:
        workspace.close()
    assert dunning.households == [] and progress.villages == []
    assert "无未缴人员" in _pdf_text(dunning_pdf(dunning, date(2023, 10, 15)), tmp_path)
    assert "合计" in _pdf_text(progress_pdf(progress), tmp_path)
    assert _workbook(progress_xlsx(progress))["任务分解表"][-1][0] == "合计"


def test_both_ways_of_counting_agree_on_the_demo_county(demo_workspace: Workspace) -> None:
    """The device counts statuses other than due; the county scans everyone (it must also see
    its receipts): on the Lengshi demo roster (37,288 people) they give the same counts."""
    from sqlalchemy import false

    from app.report_queries import roster_counts

    with demo_workspace.db.engine.connect() as conn:
        fast = roster_counts(conn, YEAR)
        full = roster_counts(conn, YEAR, false())
    assert fast == full and len(fast) == 18
    progress = workspace_progress(demo_workspace)
    assert progress.total.population == 37288  # the task table's 实际人数
    assert sum(v.elsewhere for v in progress.villages) == progress.total.enrolled > 0
