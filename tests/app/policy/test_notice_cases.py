"""An independent table of quotes taken from the five notices in /work/shared/seeds/.

Every number comes from the notice cited beside the case (000 洪湖市 2024, 001 冷市镇 2024,
002 湖南省 2024, 003 遂平县 2025, 004 武汉市江岸区 2023), read together with the choices fixed
where the notices are silent or ambiguous (numbered "choice N" below). Money is integer fen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from app.policy import PersonFacts, PolicyError, Quote, load_policy, quote

HONGHU = "honghu-2024"
HUNAN = "hunan-2024"
LENGSHI = "lengshi-2024"
SUIPING = "suiping-2025"
WUHAN = "wuhan-jiangan-2023"
REGIONS = (HONGHU, HUNAN, LENGSHI, SUIPING, WUHAN)

# Individual standards (个人缴费标准) and full financing (个人 + 财政补助), in fen.
HH_STD = 38000  # 000: 2024年度洪湖市城乡居民医保个人缴费标准为每人380元
HN_STD = 38000  # 002: 2024年度全省居民医保个人缴费标准统一为380元/人 (001 the same)
HN_FULL = 38000 + 64000  # 002: 按当年度居民医保筹资标准（含个人缴费部分和财政补助部分）; 640元/人
SP_STD = 40000  # 003: 2024年城乡居民基本医疗保险个人缴费标准400元，财政补助标准670元
WH_STD = 35000  # 004: 2023 年度城乡居民基本医疗保险个人缴费标准确定为 350 元

# Benefit years (待遇享受期 / 待遇保障期).
HH_YEAR = (date(2024, 1, 1), date(2024, 12, 31))
HN_YEAR = (date(2024, 1, 1), date(2024, 12, 31))  # 002: 待遇享受期为2024年的1月1日至12月31日
SP_YEAR = (date(2025, 1, 1), date(2025, 12, 31))  # 003: 待遇保障期为2025年1月1日至12月31日
WH_YEAR = (date(2023, 1, 1), date(2023, 12, 31))

# A day inside each collection period.
HH_IN = date(2023, 10, 15)  # 000: 集中征收日期为2023年9月1日至2023年12月31日
HN_IN = date(2023, 10, 15)  # 002: 集中参保缴费期为2023年9月1日至12月31日
SP_IN = date(2024, 10, 15)  # 003: 2024年9月20日-12月31日
WH_IN = date(2022, 10, 15)  # 004: 正常缴费期限为每年的 9 月 1 日至 12 月 31 日

_UNSET: Any = object()  # "not asserted"


@dataclass(frozen=True)
class Want:
    due: bool
    reason: str
    standard: int = 0
    subsidy: int = 0
    due_now: int = 0
    later: int = 0
    mode: str | None = _UNSET
    tiered: bool | None = None  # True: a tier is named; False: tier is None; None: not asserted
    start: date | None = _UNSET
    end: date | None = _UNSET
    says: tuple[str, ...] = ()  # substrings of the explanation


def direct(std: int, sub: int, year: tuple[date, date], *, says: tuple[str, ...] = ()) -> Want:
    """Choice 2: a direct subsidy is deducted at the counter."""
    return Want(True, "due", std, sub, std - sub, 0, "direct", True, year[0], year[1], says)


def reimbursed(std: int, sub: int, year: tuple[date, date], *, says: tuple[str, ...] = ()) -> Want:
    """Choice 2: 先缴后补, the full standard now and the subsidy refunded later."""
    return Want(True, "due", std, sub, std, sub, "reimbursed", True, year[0], year[1], says)


def plain(std: int, start: date, end: date, *, tiered: bool | None = False) -> Want:
    """Due at the standard with no subsidy."""
    return Want(True, "due", std, 0, std, 0, None, tiered, start, end)


def assessed(std: int, fen: int, year: tuple[date, date]) -> Want:
    """Choice 8: 核定应缴 overrides the computed due; the rest is a direct subsidy."""
    return Want(True, "due", std, std - fen, fen, 0, "direct", None, year[0], year[1], ("核定",))


def not_due(reason: str) -> Want:
    """Choice 9 / the API: not due, every amount 0."""
    return Want(False, reason)


def case(
    cid: str,
    region: str,
    paid_on: date,
    want: Want,
    *categories: str,
    **facts: Any,
) -> Any:
    return pytest.param(region, (categories, facts), paid_on, want, id=cid)


def person(categories: tuple[str, ...], facts: dict[str, Any]) -> PersonFacts:
    values: dict[str, Any] = {
        "categories": categories,
        "born": None,
        "status": "due",
        "case": None,
        "case_date": None,
        "insured_last_year": False,
        "parent_insured": False,
        "assessed_fen": None,
        "lapse_years": 0,
    }
    values.update(facts)
    if values["case"] == "newborn" and values["born"] is None:
        values["born"] = values["case_date"]
    return PersonFacts(**values)


def days(d: date, n: int) -> date:
    return d + timedelta(days=n)


STATUSES = ("paid_here", "paid_elsewhere", "employee", "deceased", "moved_away")

# ---------------------------------------------------------------------------------------------
# 000 洪湖市 2024
# ---------------------------------------------------------------------------------------------
# 三(二)1 农村特困人员、城镇特困人员、孤儿、严重精神障碍患者、计划生育特殊困难家庭成员、
#        丧失劳动能力的重度（二级及以上）残疾人、特困优抚对象资助标准为380元/人，个人不缴费。
HH_T1 = ("农村特困人员", "城镇特困人员", "孤儿", "严重精神障碍患者", "计划生育特殊困难家庭成员",
         "丧失劳动能力的重度残疾人", "特困优抚对象")  # fmt: skip
# 三(二)2 农村低保救助对象、城镇低保救助对象、最低生活保障家庭成员、返贫致贫人口资助标准为
#        342元/人，个人缴费38元/人。
HH_T2 = ("农村低保救助对象", "城镇低保救助对象", "最低生活保障家庭成员", "返贫致贫人口")
# 三(二)3 脱贫不稳定人口、边缘易致贫人口、突发严重困难户资助标准为190元/人，个人缴费190元/人。
HH_T3 = ("脱贫不稳定人口", "边缘易致贫人口", "突发严重困难户")

HONGHU_CASES = [
    *(case(f"honghu-t1-380-个人不缴费-{c}", HONGHU, HH_IN, direct(HH_STD, 38000, HH_YEAR), c)
      for c in HH_T1),
    *(case(f"honghu-t2-资助342-个人缴费38-{c}", HONGHU, HH_IN, direct(HH_STD, 34200, HH_YEAR), c)
      for c in HH_T2),
    *(case(f"honghu-t3-资助190-个人缴费190-{c}", HONGHU, HH_IN, direct(HH_STD, 19000, HH_YEAR), c)
      for c in HH_T3),
    # 三(二)4 脱贫人口资助标准为66元/人，个人缴费314元/人。
    case("honghu-t4-脱贫人口-资助66-个人缴费314", HONGHU, HH_IN,
         direct(HH_STD, 6600, HH_YEAR), "脱贫人口"),
    # 五: 未纳入农村低收入人口监测范围的稳定脱贫人口 is on the subsidy list; the only tier that
    # fits is 4 (脱贫人口), since the unstable ones (脱贫不稳定人口) are tier 3.
    case("honghu-t4-稳定脱贫人口-is-脱贫人口-66", HONGHU, HH_IN,
         direct(HH_STD, 6600, HH_YEAR), "稳定脱贫人口"),
    # 三(二)3 names exactly the three 监测 groups (五: 纳入相关部门监测范围的脱贫不稳定人口、
    # 边缘易致贫人口、突发严重困难人口); 002 defines 防止返贫监测对象（包括脱贫不稳定户、
    # 边缘易致贫户、突发严重困难户）. A roster flag written as the collective name is tier 3 too.
    case("honghu-t3-防止返贫监测对象-is-the-three-190", HONGHU, HH_IN,
         direct(HH_STD, 19000, HH_YEAR), "防止返贫监测对象"),
    # 三(一) 个人缴费标准为每人380元 - no special group.
    case("honghu-ordinary-380", HONGHU, HH_IN, plain(HH_STD, *HH_YEAR)),
    # 低保边缘 is in none of 三(二)1-4 (and not in 五): no subsidy in Honghu.
    case("honghu-最低生活保障边缘家庭成员-not-a-honghu-tier", HONGHU, HH_IN,
         plain(HH_STD, *HH_YEAR), "最低生活保障边缘家庭成员"),
    # 按"就高不就低"和"不重复享受"的原则给予补贴 (choice 1).
    case("honghu-就高不就低-低保+特困-pays-0", HONGHU, HH_IN,
         direct(HH_STD, 38000, HH_YEAR), "农村低保救助对象", "农村特困人员"),
    case("honghu-就高不就低-脱贫人口+低保-pays-38", HONGHU, HH_IN,
         direct(HH_STD, 34200, HH_YEAR), "脱贫人口", "最低生活保障家庭成员"),
    case("honghu-就高不就低-脱贫人口+脱贫不稳定-pays-190", HONGHU, HH_IN,
         direct(HH_STD, 19000, HH_YEAR), "脱贫人口", "脱贫不稳定人口"),
    case("honghu-不重复享受-孤儿+重度残疾-once", HONGHU, HH_IN,
         direct(HH_STD, 38000, HH_YEAR), "孤儿", "丧失劳动能力的重度残疾人"),
    # 四 集中征收日期为2023年9月1日至2023年12月31日 (boundaries inclusive, choice 3).
    case("honghu-四-day-before-0831-before_collection", HONGHU, date(2023, 8, 31),
         not_due("before_collection")),
    case("honghu-四-first-day-0901-whole-2024", HONGHU, date(2023, 9, 1), plain(HH_STD, *HH_YEAR)),
    case("honghu-四-last-day-1231-whole-2024", HONGHU, date(2023, 12, 31),
         plain(HH_STD, *HH_YEAR)),
    # 四 未在集中缴费时间段缴费的，自缴费之日起180天后享受待遇。
    case("honghu-四-day-after-20240101-180天后", HONGHU, date(2024, 1, 1),
         plain(HH_STD, date(2024, 6, 29), HH_YEAR[1])),
    case("honghu-四-late-0315-180天后-0911", HONGHU, date(2024, 3, 15),
         plain(HH_STD, date(2024, 9, 11), HH_YEAR[1])),
    case("honghu-四-late-低保-still-pays-38-180天后", HONGHU, date(2024, 3, 15),
         Want(True, "due", HH_STD, 34200, 3800, 0, "direct", True, date(2024, 9, 11),
              HH_YEAR[1]), "农村低保救助对象"),
    case("honghu-四-late-0704-180天后-is-1231", HONGHU, date(2024, 7, 4),
         plain(HH_STD, date(2024, 12, 31), HH_YEAR[1])),
    case("honghu-四-late-0705-180天后-crosses-1231-no_cover", HONGHU, date(2024, 7, 5),
         not_due("no_cover_this_year")),
    case("honghu-after-benefit-year-20250101-year_over", HONGHU, date(2025, 1, 1),
         not_due("year_over")),
    # Choice 5: Honghu names no special cases; a newborn paying late waits 180 days too.
    case("honghu-no-cases-newborn-late-180天后", HONGHU, date(2024, 2, 10),
         plain(HH_STD, date(2024, 8, 8), HH_YEAR[1]), case="newborn", case_date=date(2024, 2, 1)),
    case("honghu-no-cases-veteran-late-180天后", HONGHU, date(2024, 3, 15),
         plain(HH_STD, date(2024, 9, 11), HH_YEAR[1]), case="veteran"),
    # Choice 3: the college_freshman exception is Hunan's, not Honghu's.
    case("honghu-college_freshman-whole-2024", HONGHU, HH_IN, plain(HH_STD, *HH_YEAR),
         case="college_freshman"),
    # Choice 8: 核定应缴.
    case("honghu-核定应缴-100", HONGHU, HH_IN, assessed(HH_STD, 10000, HH_YEAR),
         assessed_fen=10000),
    case("honghu-核定应缴-0-overrides-低保-38", HONGHU, HH_IN, assessed(HH_STD, 0, HH_YEAR),
         "农村低保救助对象", assessed_fen=0),
    # Explanations name the region and the yuan amounts.
    case("honghu-explains-洪湖市-342-38", HONGHU, HH_IN,
         direct(HH_STD, 34200, HH_YEAR, says=("洪湖市", "342", "38")), "最低生活保障家庭成员"),
    case("honghu-explains-洪湖市-66-314", HONGHU, HH_IN,
         direct(HH_STD, 6600, HH_YEAR, says=("洪湖市", "66", "314")), "脱贫人口"),
    *(case(f"honghu-status-{s}", HONGHU, HH_IN, not_due(s), status=s) for s in STATUSES),
    case("honghu-status-paid_here-特困-amounts-0", HONGHU, HH_IN, not_due("paid_here"),
         "农村特困人员", status="paid_here"),
]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# 002 湖南省 2024 and 001 冷市镇 2024 (the same rules: choice 4)
# ---------------------------------------------------------------------------------------------
# 002 二(四) / 001 二(四)3: 对特困供养人员参加居民医保的个人缴费部分给予全额资助（重度残疾人、
# 孤儿、事实无人抚养儿童参照执行），对低保对象、监测对象、最低生活保障边缘家庭成员给予50%的资助。
HN_FULL_CATS = ("特困供养人员", "特困人员", "重度残疾人", "孤儿", "事实无人抚养儿童")
# 监测对象 = 防止返贫监测对象（包括脱贫不稳定户、边缘易致贫户、突发严重困难户）.
HN_HALF_CATS = ("低保对象", "监测对象", "防止返贫监测对象", "脱贫不稳定户", "边缘易致贫户",
                "突发严重困难户", "最低生活保障边缘家庭成员")  # fmt: skip
HN_BIRTH = date(2024, 1, 10)
HN_LAPSE = date(2024, 3, 1)
HN_CLOSED = date(2024, 3, 15)


def hunan_cases(region: str, tag: str) -> list[Any]:
    y0, y1 = HN_YEAR
    return [
        *(case(f"{tag}-全额资助-{c}", region, HN_IN, direct(HN_STD, 38000, HN_YEAR), c)
          for c in HN_FULL_CATS),
        *(case(f"{tag}-50%资助-190-{c}", region, HN_IN, direct(HN_STD, 19000, HN_YEAR), c)
          for c in HN_HALF_CATS),
        # 稳定脱贫人口 is a coverage target (一) but not in 资助 (二(四)): no subsidy.
        case(f"{tag}-稳定脱贫人口-target-not-资助", region, HN_IN, plain(HN_STD, y0, y1),
             "稳定脱贫人口"),
        case(f"{tag}-ordinary-380", region, HN_IN, plain(HN_STD, y0, y1)),
        # Choice 1: highest tier, never two.
        case(f"{tag}-就高-低保+重度残疾-全额", region, HN_IN, direct(HN_STD, 38000, HN_YEAR),
             "低保对象", "重度残疾人"),
        case(f"{tag}-不重复-低保+低保边缘-190-once", region, HN_IN,
             direct(HN_STD, 19000, HN_YEAR), "低保对象", "最低生活保障边缘家庭成员"),
        case(f"{tag}-就高-稳定脱贫+监测对象-50%", region, HN_IN, direct(HN_STD, 19000, HN_YEAR),
             "稳定脱贫人口", "监测对象"),
        # 集中参保缴费期为2023年9月1日至12月31日.
        case(f"{tag}-缴费期-0831-before_collection", region, date(2023, 8, 31),
             not_due("before_collection")),
        case(f"{tag}-缴费期-first-day-0901", region, date(2023, 9, 1), plain(HN_STD, y0, y1)),
        case(f"{tag}-缴费期-last-day-1231", region, date(2023, 12, 31), plain(HN_STD, y0, y1)),
        # 除已明确的特殊情形外，未在集中参保缴费期内参保缴费的，原则上不得中途参保.
        case(f"{tag}-不得中途参保-0101-closed", region, date(2024, 1, 1), not_due("closed")),
        case(f"{tag}-不得中途参保-低保-closed", region, HN_CLOSED, not_due("closed"), "低保对象"),
        case(f"{tag}-after-benefit-year-year_over", region, date(2025, 1, 1), not_due("year_over")),
        # Case paid within the period: the whole year, whatever the case (choice 3).
        case(f"{tag}-newborn-paid-in-period-whole-2024", region, date(2023, 11, 20),
             plain(HN_STD, y0, y1), case="newborn", case_date=date(2023, 10, 1)),
        case(f"{tag}-new_hukou-paid-in-period-individual-whole-2024", region, HN_IN,
             plain(HN_STD, y0, y1), case="new_hukou", case_date=date(2023, 9, 20)),
        # 新入学大中专院校学生医保待遇享受期为2023年9月1日至2024年12月31日.
        case(f"{tag}-新入学大中专-20230901-20241231", region, HN_IN,
             plain(HN_STD, date(2023, 9, 1), y1), case="college_freshman"),
        # 除已明确的特殊情形外 ... 原则上不得中途参保: the freshman sentence sets the benefit
        # period of students enrolled with their school; it names no late enrolment, so a
        # freshman paying after 12-31 gets no (retroactive) cover.
        case(f"{tag}-新入学大中专-paid-late-not-a-特殊情形-closed", region, HN_CLOSED,
             not_due("closed"), case="college_freshman"),
        # 新生儿出生后90天内...自出生之日所发生的合规医疗费用均可纳入医保报销 (个人缴费标准).
        case(f"{tag}-新生儿-90天内-exactly-90-from-birth", region, days(HN_BIRTH, 90),
             plain(HN_STD, HN_BIRTH, y1), case="newborn", case_date=HN_BIRTH),
        case(f"{tag}-新生儿-90天内-低保-50%", region, days(HN_BIRTH, 30),
             Want(True, "due", HN_STD, 19000, 19000, 0, "direct", True, HN_BIRTH, y1),
             "低保对象", case="newborn", case_date=HN_BIRTH),
        # 新生儿未在 90 天内参保缴费 ... 按当年度居民医保筹资标准 ... 一次性足额缴纳 ...
        # 从缴费到账之日起 30 日后享受医保待遇.
        case(f"{tag}-新生儿-91天-筹资标准1020-30日后", region, days(HN_BIRTH, 91),
             plain(HN_FULL, date(2024, 5, 10), y1, tiered=None),
             case="newborn", case_date=HN_BIRTH),
        case(f"{tag}-新生儿-91天-特困-no-subsidy-on-1020", region, days(HN_BIRTH, 91),
             plain(HN_FULL, date(2024, 5, 10), y1, tiered=None),
             "特困人员", case="newborn", case_date=HN_BIRTH),
        # 儿童福利机构接收的儿童 ... 随参随缴，自进入儿童福利机构之日起享受医保待遇.
        case(f"{tag}-儿童福利机构-from-entry", region, date(2024, 6, 3),
             plain(HN_STD, date(2024, 5, 20), y1),
             case="welfare_institution", case_date=date(2024, 5, 20)),
        case(f"{tag}-儿童福利机构-孤儿-全额-from-entry", region, date(2024, 6, 3),
             Want(True, "due", HN_STD, 38000, 0, 0, "direct", True, date(2024, 5, 20), y1),
             "孤儿", case="welfare_institution", case_date=date(2024, 5, 20)),
        # 在断保 90 天内 ... 自职工医保断保之日起享受医保待遇.
        case(f"{tag}-职工医保断保-exactly-90-from-lapse", region, days(HN_LAPSE, 90),
             plain(HN_STD, HN_LAPSE, y1), case="employee_lapse", case_date=HN_LAPSE),
        # 职工医保断保的人员未在断保 90 天内参保缴费 -> 筹资标准, 30 日后.
        case(f"{tag}-职工医保断保-91-筹资标准-30日后", region, days(HN_LAPSE, 91),
             plain(HN_FULL, date(2024, 6, 30), y1, tiered=None),
             case="employee_lapse", case_date=HN_LAPSE),
        # 复转军人、刑满释放人员可自参保缴费之日起享受医保待遇 (个人缴费标准).
        case(f"{tag}-复转军人-from-payment", region, date(2024, 4, 15),
             plain(HN_STD, date(2024, 4, 15), y1), case="veteran"),
        case(f"{tag}-刑满释放-from-payment", region, date(2024, 8, 2),
             plain(HN_STD, date(2024, 8, 2), y1), case="released_prisoner"),
        # 困难群众 ... 经排查核实属于客观原因在集中参保缴费期未参保的，可自参保缴费之日起享受.
        case(f"{tag}-困难群众客观原因-特困-pays-0-from-payment", region, HN_CLOSED,
             Want(True, "due", HN_STD, 38000, 0, 0, "direct", True, HN_CLOSED, y1),
             "特困人员", case="special_group_late"),
        case(f"{tag}-困难群众客观原因-低保-190-from-payment", region, HN_CLOSED,
             Want(True, "due", HN_STD, 19000, 19000, 0, "direct", True, HN_CLOSED, y1),
             "低保对象", case="special_group_late"),
        # 当年新迁入户口 -> 筹资标准 一次性足额缴纳, 从缴费到账之日起 30 日后 (2024 is leap).
        case(f"{tag}-新迁入户口-1020-0201+30日-0302", region, date(2024, 2, 1),
             plain(HN_FULL, date(2024, 3, 2), y1, tiered=None), case="new_hukou"),
        case(f"{tag}-新迁入户口-低保-no-subsidy-on-1020", region, date(2024, 2, 1),
             plain(HN_FULL, date(2024, 3, 2), y1, tiered=None), "低保对象", case="new_hukou"),
        case(f"{tag}-新迁入户口-1201+30日-is-1231", region, date(2024, 12, 1),
             plain(HN_FULL, date(2024, 12, 31), y1, tiered=None), case="new_hukou"),
        case(f"{tag}-新迁入户口-1202+30日-no_cover", region, date(2024, 12, 2),
             not_due("no_cover_this_year"), case="new_hukou"),
        case(f"{tag}-核定应缴-0-is-not-unset", region, HN_IN, assessed(HN_STD, 0, HN_YEAR),
             assessed_fen=0),
        case(f"{tag}-核定应缴-95-overrides-低保", region, HN_IN, assessed(HN_STD, 9500, HN_YEAR),
             "低保对象", assessed_fen=9500),
        *(case(f"{tag}-status-{s}", region, HN_IN, not_due(s), status=s) for s in STATUSES),
        case(f"{tag}-status-deceased-late-case-still-deceased", region, date(2024, 4, 15),
             not_due("deceased"), case="veteran", status="deceased"),
    ]  # fmt: skip


HUNAN_CASES = hunan_cases(HUNAN, "hunan")
LENGSHI_CASES = [
    *hunan_cases(LENGSHI, "lengshi"),
    case("lengshi-explains-冷市镇-190", LENGSHI, HN_IN,
         direct(HN_STD, 19000, HN_YEAR, says=("冷市镇", "190")), "最低生活保障边缘家庭成员"),
]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# 003 遂平县 2025 benefit year (collection 2024-09-20..12-31)
# ---------------------------------------------------------------------------------------------
SP_BIRTH = date(2025, 2, 1)
SP_LATE = date(2025, 1, 15)

SUIPING_CASES = [
    # 三 1. 特困人员、监测人员（风险未消除）由政府免征代缴，个人无需缴纳居民医保费。
    case("suiping-免征代缴-特困人员", SUIPING, SP_IN, direct(SP_STD, 40000, SP_YEAR), "特困人员"),
    case("suiping-免征代缴-监测对象", SUIPING, SP_IN, direct(SP_STD, 40000, SP_YEAR), "监测对象"),
    # 低保人员政府直接资助90元/人，个人只需缴费310元/人。
    case("suiping-低保-直接资助90-缴310", SUIPING, SP_IN,
         direct(SP_STD, 9000, SP_YEAR), "低保对象"),
    # (一) 县财政全额资助对象：孤儿 ... 脱贫人口; 2. 其他资助对象：实行个人先正常缴费400元参保，
    # 然后政府资助部分通过各主管部门进行资助。
    case("suiping-全额-先缴后补-孤儿", SUIPING, SP_IN, reimbursed(SP_STD, 40000, SP_YEAR), "孤儿"),
    case("suiping-全额-先缴后补-脱贫人口", SUIPING, SP_IN,
         reimbursed(SP_STD, 40000, SP_YEAR), "脱贫人口"),
    # (二) 县财政定额资助对象（90元/人）：残联认定的重度残疾人员；艾滋病患者、计生户 (先缴后补).
    case("suiping-定额90-先缴后补-重度残疾人员", SUIPING, SP_IN,
         reimbursed(SP_STD, 9000, SP_YEAR), "重度残疾人员"),
    case("suiping-定额90-先缴后补-艾滋病患者", SUIPING, SP_IN,
         reimbursed(SP_STD, 9000, SP_YEAR), "艾滋病患者"),
    case("suiping-定额90-先缴后补-计生户", SUIPING, SP_IN,
         reimbursed(SP_STD, 9000, SP_YEAR), "计生户"),
    case("suiping-ordinary-400", SUIPING, SP_IN, plain(SP_STD, *SP_YEAR)),
    # Choice 1: the largest subsidy wins; a tie goes to direct.
    case("suiping-就高-低保+脱贫人口-reimbursed-400", SUIPING, SP_IN,
         reimbursed(SP_STD, 40000, SP_YEAR), "低保对象", "脱贫人口"),
    case("suiping-就高-孤儿+重度残疾-reimbursed-400", SUIPING, SP_IN,
         reimbursed(SP_STD, 40000, SP_YEAR), "孤儿", "重度残疾人员"),
    case("suiping-tie-400-特困+孤儿-direct-wins", SUIPING, SP_IN,
         direct(SP_STD, 40000, SP_YEAR), "孤儿", "特困人员"),
    case("suiping-tie-400-监测对象+脱贫人口-direct-wins", SUIPING, SP_IN,
         direct(SP_STD, 40000, SP_YEAR), "脱贫人口", "监测对象"),
    case("suiping-tie-90-低保+重度残疾-direct-wins-缴310", SUIPING, SP_IN,
         direct(SP_STD, 9000, SP_YEAR), "重度残疾人员", "低保对象"),
    # 一 集中征缴时间 2024年9月20日-12月31日.
    case("suiping-征缴-0919-before_collection", SUIPING, date(2024, 9, 19),
         not_due("before_collection")),
    case("suiping-征缴-first-day-0920", SUIPING, date(2024, 9, 20), plain(SP_STD, *SP_YEAR)),
    case("suiping-征缴-last-day-1231", SUIPING, date(2024, 12, 31), plain(SP_STD, *SP_YEAR)),
    # Choice 6 (国办发〔2024〕38号 via DOMAIN.md; the Suiping notice has no late rule):
    # 3-month waiting period, +1 month per lapse year beyond the first.
    case("suiping-late-day-after-20250101-3个月", SUIPING, date(2025, 1, 1),
         plain(SP_STD, date(2025, 4, 1), SP_YEAR[1])),
    case("suiping-late-lapse0-3个月", SUIPING, SP_LATE,
         plain(SP_STD, date(2025, 4, 15), SP_YEAR[1])),
    case("suiping-late-lapse1-3个月", SUIPING, SP_LATE,
         plain(SP_STD, date(2025, 4, 15), SP_YEAR[1]), lapse_years=1),
    case("suiping-late-lapse2-4个月", SUIPING, SP_LATE,
         plain(SP_STD, date(2025, 5, 15), SP_YEAR[1]), lapse_years=2),
    case("suiping-late-lapse3-5个月", SUIPING, SP_LATE,
         plain(SP_STD, date(2025, 6, 15), SP_YEAR[1]), lapse_years=3),
    case("suiping-late-0930+3个月-is-1230", SUIPING, date(2025, 9, 30),
         plain(SP_STD, date(2025, 12, 30), SP_YEAR[1])),
    case("suiping-late-1001+3个月-crosses-1231-no_cover", SUIPING, date(2025, 10, 1),
         not_due("no_cover_this_year")),
    case("suiping-after-benefit-year-year_over", SUIPING, date(2026, 1, 1), not_due("year_over")),
    # Newborns within 90 days are exempt from the waiting period: covered from birth.
    case("suiping-newborn-exactly-90-from-birth", SUIPING, days(SP_BIRTH, 90),
         plain(SP_STD, SP_BIRTH, SP_YEAR[1]), case="newborn", case_date=SP_BIRTH),
    case("suiping-newborn-91-waits-3个月", SUIPING, days(SP_BIRTH, 91),
         plain(SP_STD, date(2025, 8, 3), SP_YEAR[1]), case="newborn", case_date=SP_BIRTH),
    case("suiping-核定应缴-0-overrides-孤儿-reimbursed", SUIPING, SP_IN,
         assessed(SP_STD, 0, SP_YEAR), "孤儿", assessed_fen=0),
    case("suiping-核定应缴-150", SUIPING, SP_IN, assessed(SP_STD, 15000, SP_YEAR),
         assessed_fen=15000),
    case("suiping-explains-遂平县-90-310", SUIPING, SP_IN,
         direct(SP_STD, 9000, SP_YEAR, says=("遂平县", "90", "310")), "低保对象"),
    case("suiping-explains-先缴后补-400", SUIPING, SP_IN,
         reimbursed(SP_STD, 40000, SP_YEAR, says=("遂平县", "400")), "脱贫人口"),
    *(case(f"suiping-status-{s}", SUIPING, SP_IN, not_due(s), status=s) for s in STATUSES),
    case("suiping-status-employee-孤儿-nothing-later", SUIPING, SP_IN, not_due("employee"),
         "孤儿", status="employee"),
]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# 004 武汉市江岸区 2023 benefit year (collection 2022-09-01..12-31)
# ---------------------------------------------------------------------------------------------
# 二(四) 特困供养人员、孤儿、最低生活保障家庭成员、特困优抚对象、严重精神障碍患者、计划生育特殊
# 困难家庭中经核定的特困家庭夫妻及其伤残子女、计划生育特别扶助对象、丧失劳动能力的残疾人等
# ... 个人缴费由区人民政府按照有关规定进行补助。 (choice 7: 100%, direct)
WH_CATS = ("特困供养人员", "孤儿", "最低生活保障家庭成员", "低保家庭", "特困优抚对象",
           "严重精神障碍患者", "计生特困家庭", "计划生育特别扶助对象",
           "丧失劳动能力的残疾人")  # fmt: skip
WH_BIRTH = date(2023, 3, 1)

WUHAN_CASES = [
    *(case(f"wuhan-区政府补助-350-{c}", WUHAN, WH_IN, direct(WH_STD, 35000, WH_YEAR), c)
      for c in WH_CATS),
    case("wuhan-ordinary-350", WUHAN, WH_IN, plain(WH_STD, *WH_YEAR)),
    # 民政 certifies 最低生活保障边缘家庭成员 (一), but 二(四) does not list it for 补助.
    case("wuhan-低保边缘-not-in-二(四)-pays-350", WUHAN, WH_IN, plain(WH_STD, *WH_YEAR),
         "最低生活保障边缘家庭成员"),
    # 若同时符合多种政府补助条件，按就高不就低的原则给予补助，不得重复享受。
    case("wuhan-不得重复享受-孤儿+低保-once", WUHAN, WH_IN, direct(WH_STD, 35000, WH_YEAR),
         "孤儿", "最低生活保障家庭成员"),
    # 正常缴费期限为每年的 9 月 1 日至 12 月 31 日.
    case("wuhan-缴费期限-0831-before_collection", WUHAN, date(2022, 8, 31),
         not_due("before_collection")),
    case("wuhan-缴费期限-first-day-0901", WUHAN, date(2022, 9, 1), plain(WH_STD, *WH_YEAR)),
    case("wuhan-缴费期限-last-day-1231", WUHAN, date(2022, 12, 31), plain(WH_STD, *WH_YEAR)),
    # 上年度在本市参保缴费的本市户籍居民，从缴费次月起享受当年余下月份的居民医保待遇.
    case("wuhan-逾期-上年度参保-0101-次月-0201", WUHAN, date(2023, 1, 1),
         plain(WH_STD, date(2023, 2, 1), WH_YEAR[1]), insured_last_year=True),
    case("wuhan-逾期-上年度参保-0315-次月-0401", WUHAN, date(2023, 3, 15),
         plain(WH_STD, date(2023, 4, 1), WH_YEAR[1]), insured_last_year=True),
    case("wuhan-逾期-上年度参保-1130-次月-1201", WUHAN, date(2023, 11, 30),
         plain(WH_STD, date(2023, 12, 1), WH_YEAR[1]), insured_last_year=True),
    case("wuhan-逾期-上年度参保-1201-次月-2024-no_cover", WUHAN, date(2023, 12, 1),
         not_due("no_cover_this_year"), insured_last_year=True),
    # 上年度未在本市参保缴费的 ... 从缴费次月起的第 7 个月享受当年余下月份的居民医保待遇.
    case("wuhan-逾期-未参保-0101-第7个月-0801", WUHAN, date(2023, 1, 1),
         plain(WH_STD, date(2023, 8, 1), WH_YEAR[1])),
    case("wuhan-逾期-未参保-0315-第7个月-1001", WUHAN, date(2023, 3, 15),
         plain(WH_STD, date(2023, 10, 1), WH_YEAR[1])),
    case("wuhan-逾期-未参保-0531-第7个月-1201", WUHAN, date(2023, 5, 31),
         plain(WH_STD, date(2023, 12, 1), WH_YEAR[1])),
    case("wuhan-逾期-未参保-0601-第7个月-2024-no_cover", WUHAN, date(2023, 6, 1),
         not_due("no_cover_this_year")),
    case("wuhan-after-benefit-year-year_over", WUHAN, date(2024, 1, 1), not_due("year_over")),
    # 二(三)3 新生儿父母任意一方参加本市基本医疗保险 ... 免缴出生当年参保费用 ... 新生儿在出生起
    # 90 日内参保登记的，享受自出生日起至当年年底居民医保待遇，超过 90 日的，在参保登记后次月
    # 享受待遇至当年年底。
    case("wuhan-新生儿-免缴-exactly-90-from-birth", WUHAN, days(WH_BIRTH, 90),
         Want(True, "due", 0, 0, 0, 0, None, False, WH_BIRTH, WH_YEAR[1]),
         case="newborn", case_date=WH_BIRTH, parent_insured=True),
    case("wuhan-新生儿-免缴-91-次月", WUHAN, days(WH_BIRTH, 91),
         Want(True, "due", 0, 0, 0, 0, None, False, date(2023, 6, 1), WH_YEAR[1]),
         case="newborn", case_date=WH_BIRTH, parent_insured=True),
    case("wuhan-新生儿-免缴-1015-born-1220-paid-from-birth", WUHAN, date(2023, 12, 20),
         Want(True, "due", 0, 0, 0, 0, None, False, date(2023, 10, 15), WH_YEAR[1]),
         case="newborn", case_date=date(2023, 10, 15), parent_insured=True),
    # 免缴出生当年参保费用（次年以新生儿本人身份参保缴费）: born in 2022 and paying for 2023
    # (the 次年) the child pays the standard.  This goes beyond choice 7's "pays nothing".
    case("wuhan-新生儿-born-2022-次年以本人身份缴费-350", WUHAN, date(2022, 11, 20),
         plain(WH_STD, *WH_YEAR), case="newborn", case_date=date(2022, 10, 1),
         parent_insured=True),
    # The same child born 2022-12-01 and registered on 2023-01-20 (within 二(二) 新生儿正常参保
    # 登记或者参保缴费期限为出生 90 日及以内): 2022 is the free 出生当年; the 2023 quote is the
    # 次年, paid as the child itself, with no cover before the 2023 year.
    case("wuhan-新生儿-born-20221201-paid-0120-次年-350", WUHAN, date(2023, 1, 20),
         plain(WH_STD, *WH_YEAR), case="newborn", case_date=date(2022, 12, 1),
         parent_insured=True),
    case("wuhan-核定应缴-200", WUHAN, WH_IN, assessed(WH_STD, 20000, WH_YEAR), assessed_fen=20000),
    case("wuhan-explains-江岸区-350", WUHAN, WH_IN,
         direct(WH_STD, 35000, WH_YEAR, says=("江岸区", "350")), "特困供养人员"),
    *(case(f"wuhan-status-{s}", WUHAN, WH_IN, not_due(s), status=s) for s in STATUSES),
]  # fmt: skip

CASES = [*HONGHU_CASES, *HUNAN_CASES, *LENGSHI_CASES, *SUIPING_CASES, *WUHAN_CASES]

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _observed(q: Quote, want: Want) -> dict[str, Any]:
    got: dict[str, Any] = {
        "due": q.due,
        "reason": q.reason,
        "standard_fen": q.standard_fen,
        "subsidy_fen": q.subsidy_fen,
        "due_now_fen": q.due_now_fen,
        "reimbursed_later_fen": q.reimbursed_later_fen,
    }
    if want.mode is not _UNSET:
        got["subsidy_mode"] = q.subsidy_mode
    if want.tiered is not None:
        got["tier_named"] = q.tier is not None
    if want.start is not _UNSET:
        got["benefit_start"] = q.benefit_start
    if want.end is not _UNSET:
        got["benefit_end"] = q.benefit_end
    return got


def _expected(want: Want) -> dict[str, Any]:
    exp: dict[str, Any] = {
        "due": want.due,
        "reason": want.reason,
        "standard_fen": want.standard,
        "subsidy_fen": want.subsidy,
        "due_now_fen": want.due_now,
        "reimbursed_later_fen": want.later,
    }
    if want.mode is not _UNSET:
        exp["subsidy_mode"] = want.mode
    if want.tiered is not None:
        exp["tier_named"] = want.tiered
    if want.start is not _UNSET:
        exp["benefit_start"] = want.start
    if want.end is not _UNSET:
        exp["benefit_end"] = want.end
    return exp


@pytest.mark.parametrize(("region", "person_args", "paid_on", "want"), CASES)
def test_notice_case(
    region: str, person_args: tuple[tuple[str, ...], dict[str, Any]], paid_on: date, want: Want
) -> None:
    categories, facts = person_args
    q = quote(person(categories, facts), load_policy(region), paid_on=paid_on)
    assert isinstance(q, Quote)
    assert _observed(q, want) == _expected(want)
    # Choice 2: whatever the mode, what the resident finally bears is standard - subsidy.
    assert q.due_now_fen - q.reimbursed_later_fen == q.standard_fen - q.subsidy_fen
    assert all(
        isinstance(v, int) and not isinstance(v, bool)
        for v in (q.standard_fen, q.subsidy_fen, q.due_now_fen, q.reimbursed_later_fen)
    ), "money is integer fen"
    assert _HAN.search(q.explanation), q.explanation
    for text in want.says:
        assert text in q.explanation, (text, q.explanation)


def test_case_ids_are_unique() -> None:
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("key", REGIONS)
def test_every_notice_region_loads(key: str) -> None:
    load_policy(key)


def test_unknown_region_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        load_policy("nowhere-2030")
