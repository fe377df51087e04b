"""The demo counties' shapes from the notices: Lengshi town (seed 001), Honghu city (seed 000)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoVillage:
    name: str
    population: int  # 实际人数
    target: int  # 任务数


@dataclass(frozen=True)
class DemoTownship:
    name: str
    villages: tuple[DemoVillage, ...]


@dataclass(frozen=True)
class DemoCounty:
    key: str
    county_code: str  # 6-digit region code, also used in ID numbers
    county_name: str
    hukou_prefix: str  # 户籍地 up to the county
    old_region_codes: tuple[str, ...]  # retired codes still printed on older IDs
    townships: tuple[DemoTownship, ...]
    benefit_year: int
    business_date: date  # inside the collection period, so the demo works today
    policy: str  # the policy file the demo county collects under

    @property
    def population(self) -> int:
        return sum(v.population for t in self.townships for v in t.villages)


# 冷市镇 2024 年度任务分解表 (seed 001, 附件): 实际人数 and 任务数 per village.
_LENGSHI = (
    ("南华村", 2888, 2471), ("文昌村", 1706, 1589), ("冷家嘴社区", 2580, 1960),
    ("家兴社区", 2849, 2431), ("金湖村", 1863, 1602), ("金阳村", 1490, 1269),
    ("高桥村", 3200, 2796), ("马桥村", 1585, 1427), ("大苍村", 1760, 1531),
    ("大桥水社区", 2558, 2198), ("梁家社区", 1972, 1673), ("董家村", 1568, 1221),
    ("琵琶村", 1062, 939), ("陶竹村", 2019, 1763), ("东庄坪村", 2670, 2409),
    ("胡家村", 1938, 1633), ("曲江社区", 1148, 796), ("玉新村", 2432, 1992),
)  # fmt: skip

# 洪湖市 2024 年度征收任务分解表 (seed 000, 附件): 计划征收人数 per township.
_HONGHU = (
    ("新堤街道", 53362), ("螺山镇", 31632), ("洪湖经济开发区", 13643), ("滨湖街道", 27046),
    ("小港管理区", 10436), ("万全镇", 53436), ("汊河镇", 43795), ("峰口镇", 62910),
    ("黄家口镇", 26965), ("沙口镇", 37435), ("瞿家湾镇", 12581), ("府场镇", 13967),
    ("戴家场镇", 44848), ("曹市镇", 45868), ("老湾回族乡", 11564), ("乌林镇", 39168),
    ("大沙湖管理区", 22937), ("大同湖管理区", 27138), ("燕窝镇", 29410), ("龙口镇", 32507),
    ("新滩镇", 27648),
)  # fmt: skip

_HONGHU_VILLAGE_WORDS = "东南西北中新红光胜利和平建设联合永丰长青民主幸福团结前进"


def _honghu_villages(township: str, population: int) -> tuple[DemoVillage, ...]:
    """Split a township's plan into villages of about 2,500 people (the notice gives no split)."""
    count = max(1, round(population / 2500))
    base, extra = divmod(population, count)
    stem = township[:2]
    villages = []
    for i in range(count):
        size = base + (1 if i < extra else 0)
        words = _HONGHU_VILLAGE_WORDS
        name = f"{stem}{words[i % len(words)]}{words[(i // len(words) + 7) % len(words)]}村"
        # The plan counts everyone to collect, special groups included (seed 000's note).
        villages.append(DemoVillage(name, size, size))
    return tuple(villages)


LENGSHI = DemoCounty(
    key="lengshi",
    county_code="430923",
    county_name="安化县",
    hukou_prefix="湖南省益阳市安化县",
    old_region_codes=("432325",),
    townships=(DemoTownship("冷市镇", tuple(DemoVillage(*row) for row in _LENGSHI)),),
    benefit_year=2024,
    business_date=date(2023, 10, 15),
    policy="lengshi-2024",
)

HONGHU = DemoCounty(
    key="honghu",
    county_code="421083",
    county_name="洪湖市",
    hukou_prefix="湖北省荆州市洪湖市",
    old_region_codes=("422424",),
    townships=tuple(DemoTownship(name, _honghu_villages(name, n)) for name, n in _HONGHU),
    benefit_year=2024,
    business_date=date(2023, 10, 15),
    policy="honghu-2024",
)

SCALES = {"lengshi": LENGSHI, "honghu": HONGHU}
