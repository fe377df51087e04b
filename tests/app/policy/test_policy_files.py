"""Policy files: the shipped ones load; a broken one says which file and value; a new region is
added by writing a file, with no code change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.policy import PersonFacts, PolicyError, available, load_policy, load_policy_file, quote

SHIPPED = ["honghu-2024", "hunan-2024", "lengshi-2024", "suiping-2025", "wuhan-jiangan-2023"]

# A county none of the notices covers, written only here.
NEW_REGION = """
key = "xinxian-2026"
region = "新县"
benefit_year = 2026
source = "测试用虚构通知"
county_codes = ["999999"]

[standards]
individual = 410
fiscal = 700

[periods]
collection = [2025-09-01, 2025-12-31]
benefit = [2026-01-01, 2026-12-31]

[categories]
"特困" = ["特困人员"]
"低保" = []
"退役军人困难户" = ["困难退役军人"]

[[tiers]]
name = "全额"
categories = ["特困"]
percent = 100

[[tiers]]
name = "定额"
categories = ["低保", "退役军人困难户"]
amount = "100.50"
mode = "reimbursed"
department = "民政局"

[[late]]
standard = "full"
cover = { from = "payment", days = 60 }

[work_fee]
per_person = 2

[deposit]
max_days = 10
max_cash = 2000
"""


@pytest.fixture
def county_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    monkeypatch.setenv("VCOLLECT_POLICY_DIR", str(folder))
    return folder


def write(folder: Path, text: str, key: str = "xinxian-2026") -> Path:
    path = folder / f"{key}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("key", SHIPPED)
def test_shipped_files_load_and_cite_their_notice(key: str) -> None:
    policy = load_policy(key)
    assert policy.source and policy.tiers and policy.region in policy.title
    assert all(t.subsidy_fen <= policy.individual_fen for t in policy.tiers)


def test_a_new_region_is_a_file(county_dir: Path) -> None:
    write(county_dir, NEW_REGION)
    assert "xinxian-2026" in available()
    policy = load_policy("xinxian-2026")
    in_period = quote(PersonFacts(categories=("困难退役军人",)), policy, date(2025, 10, 1))
    assert (in_period.due_now_fen, in_period.reimbursed_later_fen) == (41000, 10050)
    assert in_period.subsidy_mode == "reimbursed" and "民政局" in in_period.explanation
    late = quote(PersonFacts(categories=("特困人员",)), policy, date(2026, 2, 1))
    # Late at the full financing standard: no subsidy of the individual share applies.
    assert (late.due_now_fen, late.subsidy_fen) == (111000, 0)
    assert late.benefit_start == date(2026, 4, 2)
    assert policy.work_fee_fen == 200
    assert (policy.deposit_days, policy.deposit_cash_fen) == (10, 200000)
    assert not policy.block_cash  # the desk warns; refusing cash is a county's choice
    write(county_dir, NEW_REGION.replace("max_cash = 2000", "max_cash = 2000\nblock_cash = true"))
    assert load_policy("xinxian-2026").block_cash


def test_extends_inherits_and_overrides(county_dir: Path) -> None:
    write(
        county_dir,
        'extends = "hunan-2024"\nkey = "mytown-2024"\nregion = "某镇"\nbenefit_year = 2024\n'
        'source = "某镇方案"\n[work_fee]\nper_person = 5\n[targets]\nparticipation = 97\n',
        key="mytown-2024",
    )
    policy = load_policy("mytown-2024")
    hunan = load_policy("hunan-2024")
    assert policy.tiers == hunan.tiers and policy.cases == hunan.cases
    assert (policy.work_fee_fen, policy.participation_target) == (500, 97)
    assert policy.special_groups_target == 100  # kept from Hunan's [targets]
    assert policy.choices == hunan.choices  # the interpretations it rests on come along


BROKEN = [
    ('categories = ["特困", "火星人"]', "未知的类别“火星人”"),
    ('categories = ["特困", "低保"]', "已在“全额”中，档次重叠"),
    ("collection = [2025-09-01, 2025-12-31]", "开始日期 2025-12-31 晚于结束日期 2025-09-01",
     "collection = [2025-12-31, 2025-09-01]"),
    ("percent = 100", "须且只须给出一个", "amount = 50\npercent = 100"),
    ('amount = "100.50"', "资助 500 元高于个人缴费标准", 'amount = "500"'),
    ("percent = 100", "比例 120%", "percent = 120"),
    ('amount = "100.50"', "不用浮点数", "amount = 100.5"),
    ('amount = "100.50"', "精确到分以下", 'amount = "100.505"'),
    ("individual = 410", "未知的设置项 individul", "individul = 410"),
    ('standard = "full"', "“half”应为", 'standard = "half"'),
    ('cover = { from = "payment", days = 60 }', "“tomorrow”应为", 'cover = { from = "tomorrow" }'),
    ('key = "xinxian-2026"', "应与文件名“xinxian-2026”一致", 'key = "oldtown-2026"'),
    ("benefit = [2026-01-01, 2026-12-31]", "待遇期应属于 benefit_year 2026",
     "benefit = [2027-01-01, 2027-12-31]"),
    ("max_cash = 2000", "deposit.block_cash：应为 true（超过限期限额后停收现金）或 false（只提醒）",
     'max_cash = 2000\nblock_cash = "yes"'),
    ("max_cash = 2000", "未知的设置项 block_cahs", "max_cash = 2000\nblock_cahs = true"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("find", "message", "replace"), [(b[0], b[1], b[2] if len(b) > 2 else None) for b in BROKEN]
)
def test_a_broken_file_names_the_file_and_the_value(
    county_dir: Path, find: str, message: str, replace: str | None
) -> None:
    text = NEW_REGION
    if replace is None:  # the find text is the broken line, replacing the tier-1 categories
        text = text.replace('categories = ["特困"]', find, 1)
    else:
        assert find in text
        text = text.replace(find, replace, 1)
    path = write(county_dir, text)
    with pytest.raises(PolicyError) as error:
        load_policy_file(path)
    assert "xinxian-2026.toml" in str(error.value)
    assert message in str(error.value)


def test_syntax_errors_give_the_line(county_dir: Path) -> None:
    path = write(county_dir, NEW_REGION.replace("[standards]", "[standards"))
    with pytest.raises(PolicyError, match=r"xinxian-2026\.toml 格式错误.*line 8"):
        load_policy_file(path)


def test_extends_loops_and_unknown_regions(county_dir: Path) -> None:
    write(county_dir, 'extends = "b-2024"\nkey = "a-2024"\n', key="a-2024")
    write(county_dir, 'extends = "a-2024"\nkey = "b-2024"\n', key="b-2024")
    with pytest.raises(PolicyError, match="循环"):
        load_policy("a-2024")
    with pytest.raises(PolicyError, match=r"未知的地区政策“nowhere-2030”。可用的有：.*honghu-2024"):
        load_policy("nowhere-2030")
