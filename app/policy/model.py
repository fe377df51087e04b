"""The policy of one region and benefit year, as loaded from its TOML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

StandardKind = Literal["individual", "full", "none", "closed"]
CoverFrom = Literal["benefit_start", "event", "payment", "next_month", "fixed"]
Applies = Literal["late", "period", "always"]
Mode = Literal["direct", "reimbursed"]

CASE_KINDS = (
    "newborn",
    "welfare_institution",
    "employee_lapse",
    "veteran",
    "released_prisoner",
    "special_group_late",
    "new_hukou",
    "college_freshman",
)
CASE_NAMES = {
    "newborn": "新生儿",
    "welfare_institution": "儿童福利机构接收儿童",
    "employee_lapse": "职工医保断保人员",
    "veteran": "复转军人",
    "released_prisoner": "刑满释放人员",
    "special_group_late": "困难群众因客观原因未在集中期参保",
    "new_hukou": "当年新迁入户口",
    "college_freshman": "新入学大中专院校学生",
}


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Tier:
    """A subsidy tier: who is in it, how much of the individual share, paid how."""

    name: str
    categories: tuple[str, ...]
    subsidy_fen: int  # of the individual standard, fixed or from a percentage at load
    mode: Mode
    percent: int | None = None  # when the notice gives a ratio
    department: str = ""  # who certifies, and refunds a reimbursed subsidy
    note: str = ""


@dataclass(frozen=True, slots=True)
class Cover:
    """When cover starts: from a point, then days or months later."""

    start_from: CoverFrom = "benefit_start"
    days: int = 0
    months: int = 0
    months_per_extra_lapse_year: int = 0  # 国办发〔2024〕38号 variable waiting period
    fixed: date | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """When a rule applies; unset fields do not matter."""

    within_days: int | None = None  # from the case's date to the payment, inclusive
    parent_insured: bool | None = None
    insured_last_year: bool | None = None
    event_in_benefit_year: bool | None = None  # the case's date (a birth) falls in the year


@dataclass(frozen=True, slots=True)
class Rule:
    """What a late payer (or a special case) pays and when their cover starts."""

    standard: StandardKind
    cover: Cover
    when: Condition = field(default_factory=Condition)
    kind: str | None = None  # the case kind; None for the region's late rules
    # When a case rule is considered: for late payments (the usual), only inside the
    # collection period (a freshman's earlier cover), or both.
    applies: Applies = "late"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    """An interpretation the file makes where its notice is ambiguous, and why."""

    topic: str
    choice: str
    reason: str


@dataclass(frozen=True, slots=True)
class OptionalProduct:
    name: str
    amount_fen: int
    note: str = ""


@dataclass(frozen=True)
class Policy:
    """Everything the engine needs for one region and benefit year."""

    key: str
    region: str
    benefit_year: int
    source: str
    individual_fen: int
    fiscal_fen: int
    collection: Period
    benefit: Period
    categories: dict[str, tuple[str, ...]]  # canonical -> variants as the notice writes them
    tiers: tuple[Tier, ...]
    late: tuple[Rule, ...]
    cases: tuple[Rule, ...]
    county_codes: tuple[str, ...] = ()
    participation_target: int | None = None  # percent
    special_groups_target: int | None = None  # percent
    work_fee_fen: int | None = None  # per person collected
    deposit_days: int | None = None
    deposit_cash_fen: int | None = None
    # Past either limit, refuse new cash until the day is closed (the notices let a county
    # enforce 第一时间上解 this way); False: the desk only warns.
    block_cash: bool = False
    # Whether a person with an undecided identity correction may still be charged (the receipt
    # then says the collection is provisional); the notices say no, so False unless a county says.
    provisional_collection: bool = False
    optional: tuple[OptionalProduct, ...] = ()
    choices: tuple[Choice, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # category -> words of the notice
    path: str = ""
    # Derived at load: every name (canonical or variant) -> canonical; canonical -> its tier.
    names: dict[str, str] = field(default_factory=dict)
    tier_of: dict[str, Tier] = field(default_factory=dict)

    @property
    def full_fen(self) -> int:
        """The full financing standard (筹资标准): individual plus fiscal."""
        return self.individual_fen + self.fiscal_fen

    @property
    def title(self) -> str:
        return f"{self.region}{self.benefit_year}年度"
