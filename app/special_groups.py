"""特殊人群: the canonical special-group categories and the names the notices and exports use."""

from __future__ import annotations

import re

# Canonical category -> variants as written in the notices (seeds 000-004) and county exports.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "特困": ("特困人员", "农村特困", "城镇特困", "农村特困人员", "城镇特困人员", "特困供养",
             "特困供养人员", "分散供养特困", "集中供养特困"),
    "孤儿": ("孤儿",),
    "事实无人抚养儿童": ("事实无人抚养儿童",),
    "严重精神障碍": ("严重精神障碍患者",),
    "计生特殊困难家庭": ("计划生育特殊困难家庭", "计划生育特殊困难家庭成员", "计生特困家庭",
                         "计生特殊家庭"),
    "计生特别扶助": ("计划生育特别扶助", "计生特扶"),
    "计生户": ("计生户", "独生子女户", "双女户", "计划生育户"),
    "重度残疾": ("重度残疾人", "丧失劳动能力的重度残疾人", "丧失劳动能力残疾人", "一级残疾",
                 "二级残疾", "重残"),
    "特困优抚": ("特困优抚对象",),
    "低保": ("低保对象", "农村低保", "城镇低保", "低保户", "农村低保救助对象", "城镇低保救助对象",
             "低保家庭", "低保家庭成员", "最低生活保障家庭成员", "最低生活保障对象"),
    "低保边缘": ("低保边缘家庭成员", "最低生活保障边缘家庭成员", "低保边缘户"),
    "返贫致贫": ("返贫致贫人口",),
    "脱贫不稳定": ("脱贫不稳定人口", "脱贫不稳定户"),
    "边缘易致贫": ("边缘易致贫人口", "边缘易致贫户"),
    "突发严重困难": ("突发严重困难户", "突发严重困难人口"),
    "监测对象": ("防止返贫监测对象", "防返贫监测对象", "监测对象（风险未消除）",
                 "监测人员（风险未消除）"),
    "风险消除监测对象": ("监测对象（风险已消除）", "监测人员（风险已消除）", "已消除风险监测对象"),
    "脱贫人口": ("稳定脱贫人口", "已脱贫人口", "脱贫户"),
    "艾滋病": ("艾滋病患者", "艾滋病病人"),
}  # fmt: skip

# Health conditions: never printed, exported or shown beyond a generic label (PIPL art. 28).
SENSITIVE = frozenset({"严重精神障碍", "艾滋病"})

_NONE = {"", "无", "普通", "一般", "普通人员", "一般人员", "普通居民", "否"}
_LOOKUP = {variant: canon for canon, variants in CATEGORIES.items() for variant in variants} | {
    canon: canon for canon in CATEGORIES
}
_SPLIT = re.compile(r"[;；,，、/|\s]+")


class CategoryError(ValueError):
    """An unknown special-group name; str() is the Chinese message."""


def canonical(name: str) -> str:
    """The canonical category for a name as written ("农村特困人员" -> "特困")."""
    try:
        return _LOOKUP[name.strip()]
    except KeyError:
        raise CategoryError(f"未知的人员类别“{name}”") from None


def parse_categories(text: str | None) -> list[str]:
    """Split a 人员类别 cell ("低保;脱贫人口") into canonical categories, in order, deduplicated."""
    if not text:
        return []
    result: list[str] = []
    for part in _SPLIT.split(text or ""):
        if part in _NONE:
            continue
        category = canonical(part)
        if category not in result:
            result.append(category)
    return result
