"""A deterministic synthetic roster: households of 1-7 with valid IDs, names and special groups."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from app.demo.counties import DemoCounty
from app.identity import check_character
from app.roster.reader import RawRow

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤单"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉健国华建文斌波志鹏宇浩俊峰林东海亮晨新春生福贵荣成德祥"
GIVEN_FEMALE = "芳娟敏静丽艳娜秀英霞燕玲桂兰萍红梅琴云莲芬雪慧婷倩洁琳晶颖月凤翠珍玉菊花香"

# Per-person rates, chosen to look like a rural county; not from any statistic.
CATEGORY_RATES = (
    ("脱贫人口", 0.07), ("低保", 0.04), ("特困", 0.006), ("监测对象", 0.01),
    ("重度残疾", 0.008), ("低保边缘", 0.01), ("孤儿", 0.0005), ("严重精神障碍", 0.002),
)  # fmt: skip
STATUS_RATES = (("paid_elsewhere", 0.03), ("employee", 0.05), ("deceased", 0.004),
                ("moved_away", 0.004))  # fmt: skip
SIZE_WEIGHTS = (10, 18, 22, 22, 15, 9, 4)  # households of 1..7 members

STATUS_WORDS = {"due": "未缴费", "paid_elsewhere": "已缴费", "employee": "职工医保",
                "deceased": "死亡", "moved_away": "迁出"}  # fmt: skip
SEX_WORDS = {"M": "男", "F": "女"}
HEADER = ("户号", "姓名", "证件类型", "证件号码", "性别", "出生日期", "与户主关系", "村(社区)",
          "户籍地", "联系电话", "人员类别", "参保状态")  # fmt: skip


def village_code(county: DemoCounty, township_index: int, village_index: int, name: str) -> str:
    """12-digit statistical code: communities (社区) number from 001, villages from 201."""
    base = 1 if name.endswith("社区") else 201
    return f"{county.county_code}{township_index + 101:03d}{base + village_index:03d}"


def township_code(county: DemoCounty, township_index: int) -> str:
    return f"{county.county_code}{township_index + 101:03d}000"


class _Generator:
    def __init__(self, county: DemoCounty, seed: int) -> None:
        self.county = county
        self.rng = random.Random(f"{county.key}-{seed}")
        self.used: set[str] = set()
        self.today = county.business_date

    def name(self, sex: str, surname: str | None = None) -> str:
        rng = self.rng
        given = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
        first = surname or rng.choice(SURNAMES)
        if rng.random() < 0.7:
            return first + rng.choice(given) + rng.choice(given)
        return first + rng.choice(given)

    def id_number(self, born: date, sex: str) -> str:
        rng = self.rng
        codes = self.county.old_region_codes
        region = codes[0] if codes and born.year < 1985 and rng.random() < 0.2 else None
        region = region or self.county.county_code
        while True:
            seq = rng.randrange(0, 999)
            seq = seq - seq % 2 + (1 if sex == "M" else 0)
            body = f"{region}{born:%Y%m%d}{seq:03d}"
            number = body + check_character(body)
            if number not in self.used:
                self.used.add(number)
                return number

    def birth(self, age_low: int, age_high: int) -> date:
        age_days = self.rng.randint(age_low * 365, age_high * 365 + 364)
        return self.today - timedelta(days=age_days)

    def members(self, size: int) -> list[tuple[str, str, date, str]]:
        """(relation, sex, birth, surname) for a household of `size`."""
        rng = self.rng
        head_sex = "M" if rng.random() < 0.8 else "F"
        surname = rng.choice(SURNAMES)
        head_birth = self.birth(24, 78)
        people = [("02", head_sex, head_birth, surname)]
        head_age = (self.today - head_birth).days // 365
        if size >= 2:
            spouse_sex = "F" if head_sex == "M" else "M"
            low, high = max(20, head_age - 6), min(90, head_age + 4)
            people.append(("10", spouse_sex, self.birth(low, max(low, high)), ""))
        remaining = size - len(people)
        parents = 0
        if remaining and head_age < 50 and rng.random() < 0.5:
            parents = min(remaining, 2 if remaining >= 3 else 1)
            for i in range(parents):
                low = min(head_age + 20, 95)
                born = self.birth(low, min(low + 12, 100))
                if i == 0:
                    people.append(("51", "M", born, surname))
                else:
                    people.append(("52", "F", born, ""))
        for _ in range(size - len(people)):
            sex = "M" if rng.random() < 0.52 else "F"
            if head_age >= 55 and rng.random() < 0.5:
                relation = "41" if sex == "M" else "42"
                age = (0, max(0, min(20, head_age - 45)))
            else:
                relation = "20" if sex == "M" else "30"
                age = (0, max(0, min(35, head_age - 20)))
            people.append((relation, sex, self.birth(*age), surname))
        return people

    def rows(self) -> Iterator[dict[str, str]]:
        rng = self.rng
        county = self.county
        for t_index, township in enumerate(county.townships):
            for v_index, village in enumerate(township.villages):
                code = village_code(county, t_index, v_index, village.name)
                hukou = f"{county.hukou_prefix}{township.name}{village.name}"
                left = village.population
                number = 0
                while left > 0:
                    number += 1
                    size = min(left, rng.choices(range(1, 8), SIZE_WEIGHTS)[0])
                    left -= size
                    household = f"{code}{number:04d}"
                    poor = rng.random() < 0.15  # special groups cluster in households
                    for relation, sex, born, surname in self.members(size):
                        categories = []
                        if poor:
                            for category, rate in CATEGORY_RATES:
                                if rng.random() < rate * 5:
                                    categories.append(category)
                                    break
                        status = "due"
                        roll = rng.random()
                        for candidate, rate in STATUS_RATES:
                            if roll < rate:
                                status = candidate
                                break
                            roll -= rate
                        phone = ""
                        if relation == "02" or rng.random() < 0.3:
                            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
                        yield {
                            "household": household,
                            "name": self.name(sex, surname or None),
                            "id_type": "01",
                            "id_number": self.id_number(born, sex),
                            "sex": SEX_WORDS[sex],
                            "birth_date": born.isoformat(),
                            "relation": relation,
                            "village": code,
                            "township": township.name,
                            "hukou_place": hukou,
                            "phone": phone,
                            "categories": ";".join(categories),
                            "status": STATUS_WORDS[status],
                        }


def generate(county: DemoCounty, seed: int = 1) -> Iterator[dict[str, str]]:
    """Roster rows as text cells keyed like app.roster.reader.COLUMNS, deterministically."""
    return _Generator(county, seed).rows()


def raw_rows(county: DemoCounty, seed: int = 1) -> Iterator[tuple[RawRow, float]]:
    """The generated rows as the importer takes them (row numbers as in the CSV)."""
    total = max(county.population, 1)
    for index, cells in enumerate(generate(county, seed)):
        yield RawRow(index + 2, cells), (index + 1) / total


def write_csv(county: DemoCounty, path: Path, seed: int = 1, encoding: str = "utf-8-sig") -> int:
    """Write the generated roster as a county-style CSV; returns the number of people."""
    keys = ("household", "name", "id_type", "id_number", "sex", "birth_date", "relation",
            "village", "hukou_place", "phone", "categories", "status")  # fmt: skip
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for cells in generate(county, seed):
            writer.writerow([cells[k] for k in keys])
            count += 1
    return count
