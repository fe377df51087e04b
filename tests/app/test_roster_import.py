"""Roster import: encodings, headers, bad rows with reasons, idempotent re-import, cancel."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.identity import check_character
from app.roster.importer import RosterImporter
from app.roster.reader import RosterFileError
from app.workspace import Workspace, open_workspace
from db.models import Enrolment, Household, Person, SpecialGroup, Village

TODAY = date(2023, 10, 15)
HEADER = (
    "户号,姓名,证件类型,证件号码,性别,出生日期,与户主关系,村(社区),户籍地,"
    "联系电话,人员类别,参保状态"
)
VILLAGE = "430923101201"  # 南华村 in the demo county; unknown codes create the division


def make_id(born: date, seq: int, region: str = "430923") -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_character(body)


HEAD = make_id(date(1970, 3, 1), 11)
WIFE = make_id(date(1972, 6, 9), 22)
CHILD = make_id(date(2001, 1, 5), 31)
GOOD_ROWS = [
    f"H001,张三,01,{HEAD},男,1970-03-01,户主,{VILLAGE},湖南省安化县,13800000000,低保,未缴费",
    f"H001,李四,居民身份证,{WIFE},女,,配偶,{VILLAGE},湖南省安化县,,,",
    f"H001,张小明,,{CHILD},,,子,{VILLAGE},,,,职工医保",
]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = open_workspace(tmp_path / "roster.db", today=TODAY, create=True)
    yield ws
    ws.close()


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def count(ws: Workspace, model: type) -> int:
    with ws.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding_imports_everything(
    workspace: Workspace, tmp_path: Path, encoding: str
) -> None:
    report = workspace.import_roster(write(tmp_path, [HEADER, *GOOD_ROWS], encoding))
    assert report.to_json() == {"imported": 3, "updated": 0, "unchanged": 0, "rejected": []}
    with workspace.db.sessions() as s:
        head = s.scalars(select(Person).where(Person.id_number == HEAD)).one()
        assert (head.name, head.initials, head.sex, head.relation) == ("张三", "zs", "M", "02")
        assert head.household.village.code == VILLAGE
        assert [g.category for g in head.special_groups] == ["低保"]
        child = s.scalars(select(Person).where(Person.id_number == CHILD)).one()
        assert child.enrolments[0].status == "employee"
        assert child.enrolments[0].benefit_year == 2024  # collection in 2023 is for 2024


def test_reimporting_the_same_file_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    workspace.import_roster(path)
    again = workspace.import_roster(path)
    assert again.to_json() == {"imported": 0, "updated": 0, "unchanged": 3, "rejected": []}
    assert count(workspace, Person) == 3 and count(workspace, Household) == 1


def test_changes_are_counted_as_updates(workspace: Workspace, tmp_path: Path) -> None:
    workspace.import_roster(write(tmp_path, [HEADER, *GOOD_ROWS]))
    changed = [
        GOOD_ROWS[0].replace("13800000000", "13900000000"),
        GOOD_ROWS[1].replace(",,,", ",,特困,"),
        GOOD_ROWS[2].replace("职工医保", "死亡"),
    ]
    report = workspace.import_roster(write(tmp_path, [HEADER, *changed], name="2.csv"))
    assert (report.updated, report.unchanged) == (3, 0)
    with workspace.db.sessions() as s:
        assert s.scalar(select(Person.phone).where(Person.id_number == HEAD)) == "13900000000"
        assert s.scalar(select(SpecialGroup.category).join(Person).where(Person.id_number == WIFE))
        statuses = set(s.scalars(select(Enrolment.status)))
        assert "deceased" in statuses


def test_a_payment_made_here_is_not_undone_by_the_county_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    workspace.import_roster(path)
    with workspace.db.sessions.begin() as s:
        pid = s.scalar(select(Person.id).where(Person.id_number == HEAD))
        s.get(Enrolment, (pid, 2024)).status = "paid_here"  # type: ignore[union-attr]
    assert workspace.import_roster(path).unchanged == 3
    with workspace.db.sessions() as s:
        assert s.get(Enrolment, (pid, 2024)).status == "paid_here"  # type: ignore[union-attr]


def test_bad_rows_are_rejected_with_row_number_and_reason(
    workspace: Workspace, tmp_path: Path
) -> None:
    future = make_id(TODAY + timedelta(days=3), 1)
    lines = [
        "洪湖市某村2024年度参保花名册",  # a merged title row above the header
        HEADER,
        *GOOD_ROWS,  # rows 3-5
        "",  # an empty line is not a row
        f"H002,王五,01,{HEAD},男,,户主,{VILLAGE},,,,",  # 7: duplicate within the file
        f"H002,赵六,01,{HEAD[:-1]}{'0' if HEAD[-1] != '0' else '1'},男,,户主,{VILLAGE},,,,",  # 8
        f"H003,钱七,01,{future},,,户主,{VILLAGE},,,,",  # 9: born in the future
        f"H004,孙八,01,{make_id(date(1980, 1, 1), 1)},女,,户主,{VILLAGE},,,,",  # 10: sex differs
        f"H005,,01,{make_id(date(1981, 1, 1), 3)},,,户主,{VILLAGE},,,,",  # 11: no name
        f"H006,周九,01,{make_id(date(1982, 1, 1), 5)},,,户主,不存在村,,,,",  # 12: unknown village
        f"H007,吴十,01,{make_id(date(1983, 1, 1), 7)},,,户主,{VILLAGE},,,火星人,",  # 13
        f"H001,郑一,01,{make_id(date(1984, 1, 1), 9)},,,子,430923101202,,,,",  # 14: other village
        f"H008,冯二,01,{make_id(date(1985, 1, 1), 11)},,,户主,{VILLAGE},,123,,",  # 15: phone
    ]
    report = workspace.import_roster(write(tmp_path, lines))
    reasons = {r.row: r.reason for r in report.rejected}
    assert report.imported == 3
    assert sorted(reasons) == [7, 8, 9, 10, 11, 12, 13, 14, 15]
    assert "与第3行重复" in reasons[7]
    assert "校验位" in reasons[8]
    assert "晚于今天" in reasons[9]
    assert "性别与证件号码不符" in reasons[10]
    assert "姓名不能为空" in reasons[11]
    assert "未知的村(社区)“不存在村”" in reasons[12]
    assert "未知的人员类别“火星人”" in reasons[13]
    assert "户号H001在第3行属于" in reasons[14]
    assert "联系电话" in reasons[15]
    assert count(workspace, Person) == 3


def test_missing_required_columns_stop_the_file_with_a_message(
    workspace: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(RosterFileError, match="缺少必需的列：户号"):
        workspace.import_roster(write(tmp_path, ["姓名,证件号码,村(社区)", f"张三,{HEAD},南华村"]))
    assert count(workspace, Person) == 0


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02 not a roster", "名字,号码\n张三,1\n".encode("utf-16"), b""],
)
def test_unreadable_files_give_a_clear_message(
    workspace: Workspace, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(RosterFileError, match=r"找不到表头|无法识别文件编码"):
        workspace.import_roster(path)


def test_unsupported_and_missing_files(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="不存在"):
        workspace.import_roster(tmp_path / "nope.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RosterFileError, match="另存为"):
        workspace.import_roster(old)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK not really")
    with pytest.raises(RosterFileError, match="Excel"):
        workspace.import_roster(broken)


def test_xlsx_with_title_rows_and_typed_cells(workspace: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["冷市镇南华村 2024 年度花名册"])
    sheet.merge_cells("A1:L1")
    sheet.append(["填报单位：南华村"])
    sheet.append(HEADER.split(","))
    for line in GOOD_ROWS:
        cells: list[object] = line.split(",")
        cells[4] = None
        cells[5] = date(1970, 3, 1) if cells[3] == HEAD else None  # a real date cell
        cells[7] = int(VILLAGE)  # a code typed as a number
        sheet.append(cells)
    path = tmp_path / "roster.xlsx"
    book.save(path)
    report = workspace.import_roster(path)
    assert report.to_json()["imported"] == 3, report.rejected


def test_unknown_village_code_creates_the_division(workspace: Workspace, tmp_path: Path) -> None:
    header = "户号,姓名,证件号码,村代码,村(社区),乡镇(街道)"
    line = f"X1,张三,{HEAD},421083101201,新堤东村,新堤街道"
    report = workspace.import_roster(write(tmp_path, [header, line]))
    assert report.imported == 1
    with workspace.db.sessions() as s:
        village = s.get(Village, "421083101201")
        assert village is not None and village.name == "新堤东村"
        assert village.township.name == "新堤街道"


def _many(count: int) -> list[str]:
    return [HEADER] + [
        f"H{i:05d},张三,01,{make_id(date(1960, 1, 1) + timedelta(days=i), 1)},,,户主,{VILLAGE},,,,"
        for i in range(count)
    ]


def _importer(ws: Workspace, chunk_rows: int) -> RosterImporter:
    return RosterImporter(
        ws.db.engine.begin, today=TODAY, benefit_year=ws.benefit_year, chunk_rows=chunk_rows
    )


def test_cancel_keeps_what_was_committed(workspace: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, _many(5000))
    calls: list[int] = []
    report = _importer(workspace, 2000).run(
        path, progress=lambda f, n: calls.append(n), cancelled=lambda: True
    )
    assert report.cancelled and report.imported == 2000 and calls == [2000]
    assert count(workspace, Person) == 2000
    rest = workspace.import_roster(path)
    assert (rest.imported, rest.unchanged) == (3000, 2000)


def test_cancel_after_the_last_row_is_not_reported(workspace: Workspace, tmp_path: Path) -> None:
    report = _importer(workspace, 2000).run(write(tmp_path, _many(2000)), cancelled=lambda: True)
    assert (report.imported, report.cancelled) == (2000, False)


def test_rows_across_several_transactions(workspace: Workspace, tmp_path: Path) -> None:
    lines = _many(1500)
    lines[700] = lines[700].replace("张三", "")  # file row 701 (the header is row 1)
    report = _importer(workspace, 400).run(write(tmp_path, lines))
    assert report.imported == 1499
    assert [(r.row, r.reason) for r in report.rejected] == [(701, "姓名不能为空")]
