"""Loading and checking policy files (TOML): one per region and year, addable without code."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.money import MoneyError, yuan_to_fen
from app.policy.model import (
    CASE_KINDS,
    Choice,
    Condition,
    Cover,
    OptionalProduct,
    Period,
    Policy,
    Rule,
    Tier,
)
from app.special_groups import CATEGORIES as KNOWN_CATEGORIES

BUILT_IN = Path(__file__).with_name("regions")
ENV_POLICY_DIR = "VCOLLECT_POLICY_DIR"  # a county's own files, searched before the built-in ones

_TOP_KEYS = {
    "key", "region", "benefit_year", "source", "extends", "county_codes", "standards", "periods",
    "categories", "tiers", "late", "cases", "targets", "work_fee", "deposit", "corrections",
    "optional", "choices", "labels",
}  # fmt: skip
_STANDARDS = {"individual", "full", "none", "closed"}
_COVER_FROM = {"benefit_start", "event", "payment", "next_month", "fixed"}


class PolicyError(ValueError):
    """A policy that cannot be found or is wrong; str() names the file and the value (Chinese)."""


Folders = Sequence[Path]


def search_path(folders: Folders = ()) -> list[Path]:
    """Where policy files are looked for: `folders` (a device's files from its county),
    then VCOLLECT_POLICY_DIR, then the built-in ones."""
    extra = os.environ.get(ENV_POLICY_DIR)
    env = [Path(p) for p in extra.split(os.pathsep) if p] if extra else []
    return [*folders, *env, BUILT_IN]


def available(folders: Folders = ()) -> list[str]:
    """Keys of every policy file on the search path."""
    keys = {
        path.stem
        for folder in search_path(folders)
        if folder.is_dir()
        for path in folder.glob("*.toml")
    }
    return sorted(keys)


def find_file(key: str, folders: Folders = ()) -> Path:
    for folder in search_path(folders):
        candidate = folder / f"{key}.toml"
        if candidate.is_file():
            return candidate
    known = "、".join(available(folders)) or "无"
    raise PolicyError(f"未知的地区政策“{key}”。可用的有：{known}")


def load_policy(key: str, folders: Folders = ()) -> Policy:
    """The policy with this key (e.g. "honghu-2024"), from the search path."""
    return load_policy_file(find_file(key, folders), folders)


def load_policy_file(path: Path, folders: Folders = ()) -> Policy:
    """Load and check one policy file; PolicyError names the file and what is wrong."""
    data = _read_with_parents(path, seen=(), folders=folders)
    return _Checker(path, data).policy()


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:  # its message carries the line and column
        raise PolicyError(f"政策文件 {path.name} 格式错误：{exc}") from None
    except OSError as exc:
        raise PolicyError(f"无法读取政策文件 {path}：{exc.strerror}") from None


def _read_with_parents(path: Path, seen: tuple[str, ...], folders: Folders) -> dict[str, Any]:
    """A file's table with its `extends` parent merged under it: a table the child gives
    replaces the parent's key by key; a list the child gives replaces the parent's list, except
    `choices`, which add up (the child's rules still rest on the parent's interpretations)."""
    data = _read(path)
    parent_key = data.pop("extends", None)
    if parent_key is None:
        return data
    if not isinstance(parent_key, str):
        raise PolicyError(f"政策文件 {path.name}：extends 应为另一政策的名称")
    if parent_key in seen:
        raise PolicyError(f"政策文件 {path.name}：extends 形成循环（{' → '.join(seen)}）")
    parent = _read_with_parents(find_file(parent_key, folders), (*seen, path.stem), folders)
    for name, value in data.items():
        if isinstance(value, dict) and isinstance(parent.get(name), dict):
            parent[name] = {**parent[name], **value}
        elif name == "choices":
            parent[name] = [*parent.get(name, []), *value]
        else:
            parent[name] = value
    return parent


class _Checker:
    """Turns a TOML table into a Policy, with a message naming the file and key on any error."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, where: str, message: str) -> PolicyError:
        return PolicyError(f"政策文件 {self.path.name}，{where}：{message}")

    def get(
        self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str
    ) -> Any:
        if key not in table:
            raise self.fail(where, f"缺少 {key}")
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(f"{where}.{key}", f"值“{value}”类型不对")
        return value

    def fen(self, value: Any, where: str) -> int:
        try:
            fen = yuan_to_fen(value)
        except MoneyError as exc:
            raise self.fail(where, str(exc)) from None
        if fen < 0:
            raise self.fail(where, f"金额“{value}”不能为负数")
        return fen

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.fail(where, f"未知的设置项 {'、'.join(extra)}（拼写错误？）")

    def period(self, periods: dict[str, Any], name: str) -> Period:
        value = periods.get(name)
        where = f"periods.{name}"
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(d, date) for d in value)
        ):
            raise self.fail(where, "应为 [开始日期, 结束日期]，如 [2023-09-01, 2023-12-31]")
        start, end = value
        if start > end:
            raise self.fail(where, f"开始日期 {start} 晚于结束日期 {end}")
        return Period(start, end)

    def policy(self) -> Policy:
        data = self.data
        self.unknown_keys(data, _TOP_KEYS, "顶层")
        key = self.get(data, "key", str, "顶层")
        if key != self.path.stem:
            raise self.fail("key", f"“{key}”应与文件名“{self.path.stem}”一致")
        year = self.get(data, "benefit_year", int, "顶层")
        standards = self.get(data, "standards", dict, "顶层")
        self.unknown_keys(standards, {"individual", "fiscal", "note"}, "standards")
        individual = self.fen(self.get(standards, "individual", (int, str), "standards"),
                              "standards.individual")  # fmt: skip
        fiscal = self.fen(standards.get("fiscal", 0), "standards.fiscal")
        periods = self.get(data, "periods", dict, "顶层")
        self.unknown_keys(periods, {"collection", "benefit"}, "periods")
        collection = self.period(periods, "collection")
        benefit = self.period(periods, "benefit")
        if collection.start >= benefit.end:
            raise self.fail("periods", "集中缴费期应在待遇享受期结束之前")
        if benefit.start.year != year:
            raise self.fail("periods.benefit", f"待遇期应属于 benefit_year {year}")
        categories, names = self.categories()
        tiers = self.tiers(individual, categories)
        tier_of = {c: t for t in tiers for c in t.categories}
        targets = data.get("targets", {})
        self.unknown_keys(targets, {"participation", "special_groups", "note"}, "targets")
        for name in ("participation", "special_groups"):
            if name in targets and not 0 < self.get(targets, name, int, "targets") <= 100:
                raise self.fail(f"targets.{name}", "应为 1 至 100 的百分数")
        fee = data.get("work_fee", {})
        self.unknown_keys(fee, {"per_person", "note"}, "work_fee")
        deposit = data.get("deposit", {})
        self.unknown_keys(deposit, {"max_days", "max_cash", "block_cash", "note"}, "deposit")
        block_cash = deposit.get("block_cash", False)
        if not isinstance(block_cash, bool):
            raise self.fail(
                "deposit.block_cash", "应为 true（超过限期限额后停收现金）或 false（只提醒）"
            )
        corrections = data.get("corrections", {})
        self.unknown_keys(corrections, {"provisional", "note"}, "corrections")
        provisional = corrections.get("provisional", False)
        if not isinstance(provisional, bool):
            raise self.fail("corrections.provisional", "应为 true 或 false")
        return Policy(
            key=key,
            region=self.get(data, "region", str, "顶层"),
            benefit_year=year,
            source=self.get(data, "source", str, "顶层"),
            individual_fen=individual,
            fiscal_fen=fiscal,
            collection=collection,
            benefit=benefit,
            categories=categories,
            tiers=tiers,
            late=self.rules(data.get("late", []), "late", case=False),
            cases=self.rules(data.get("cases", []), "cases", case=True),
            county_codes=tuple(data.get("county_codes", ())),
            participation_target=targets.get("participation"),
            special_groups_target=targets.get("special_groups"),
            work_fee_fen=self.fen(fee["per_person"], "work_fee.per_person") if fee else None,
            deposit_days=deposit.get("max_days"),
            deposit_cash_fen=(
                self.fen(deposit["max_cash"], "deposit.max_cash") if "max_cash" in deposit else None
            ),
            block_cash=block_cash,
            provisional_collection=provisional,
            optional=tuple(
                OptionalProduct(
                    self.get(item, "name", str, f"optional[{i}]"),
                    self.fen(
                        self.get(item, "amount", (int, str), f"optional[{i}]"),
                        f"optional[{i}].amount",
                    ),
                    item.get("note", ""),
                )
                for i, item in enumerate(data.get("optional", []))
            ),
            choices=tuple(
                Choice(
                    self.get(item, "topic", str, f"choices[{i}]"),
                    self.get(item, "choice", str, f"choices[{i}]"),
                    self.get(item, "reason", str, f"choices[{i}]"),
                )
                for i, item in enumerate(data.get("choices", []))
            ),
            labels=self.labels(categories),
            path=str(self.path),
            names=names,
            tier_of=tier_of,
        )

    def categories(self) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
        table = self.get(self.data, "categories", dict, "顶层")
        categories: dict[str, tuple[str, ...]] = {}
        names: dict[str, str] = {}
        for canonical, variants in table.items():
            where = f"categories.{canonical}"
            if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
                raise self.fail(where, '应为该类别在通知中的写法列表，如 ["农村特困人员"]')
            categories[canonical] = tuple(variants)
            for name in (canonical, *variants):
                if names.get(name, canonical) != canonical:
                    raise self.fail(where, f"写法“{name}”同时属于“{names[name]}”")
                names[name] = canonical
        # Names the roster import knows also resolve, when they map to a category of this file.
        for canonical, variants in KNOWN_CATEGORIES.items():
            if canonical in categories:
                for name in variants:
                    names.setdefault(name, canonical)
        return categories, names

    def labels(self, categories: dict[str, tuple[str, ...]]) -> dict[str, str]:
        """How a category reads in this notice's words, where it differs from the usual."""
        table = self.data.get("labels", {})
        for category, label in table.items():
            if category not in categories:
                raise self.fail(f"labels.{category}", "未知的类别（请先在 [categories] 中列出）")
            if not isinstance(label, str):
                raise self.fail(f"labels.{category}", "应为文字")
        return dict(table)

    def tiers(self, individual: int, categories: dict[str, tuple[str, ...]]) -> tuple[Tier, ...]:
        tiers = []
        owner: dict[str, str] = {}
        for i, item in enumerate(self.data.get("tiers", [])):
            where = f"tiers[{i}]"
            self.unknown_keys(
                item,
                {"name", "categories", "amount", "percent", "mode", "department", "note"},
                where,
            )
            name = self.get(item, "name", str, where)
            where = f"tiers[{i}]（{name}）"
            members = self.get(item, "categories", list, where)
            for category in members:
                if category not in categories:
                    raise self.fail(where, f"未知的类别“{category}”（请先在 [categories] 中列出）")
                if category in owner:
                    raise self.fail(where, f"类别“{category}”已在“{owner[category]}”中，档次重叠")
                owner[category] = name
            if ("amount" in item) == ("percent" in item):
                raise self.fail(where, "amount（定额）与 percent（比例）须且只须给出一个")
            percent = None
            if "percent" in item:
                percent = self.get(item, "percent", int, where)
                if not 0 < percent <= 100:
                    raise self.fail(f"{where}.percent", f"比例 {percent}% 应在 1 至 100 之间")
                subsidy = (individual * percent * 2 + 100) // 200
            else:
                subsidy = self.fen(item["amount"], f"{where}.amount")
                if subsidy > individual:
                    raise self.fail(f"{where}.amount", f"资助 {item['amount']} 元高于个人缴费标准")
            mode = item.get("mode", "direct")
            if mode not in ("direct", "reimbursed"):
                raise self.fail(
                    f"{where}.mode", f"“{mode}”应为 direct（直接减免）或 reimbursed（先缴后补）"
                )
            tiers.append(
                Tier(
                    name,
                    tuple(members),
                    subsidy,
                    mode,
                    percent,
                    item.get("department", ""),
                    item.get("note", ""),
                )
            )
        return tuple(tiers)

    def rules(self, items: Any, table: str, *, case: bool) -> tuple[Rule, ...]:
        if not isinstance(items, list):
            raise self.fail(table, "应为 [[...]] 规则列表")
        rules = []
        for i, item in enumerate(items):
            where = f"{table}[{i}]"
            allowed = {"standard", "cover", "when", "note"} | (
                {"kind", "applies"} if case else set()
            )
            self.unknown_keys(item, allowed, where)
            kind = None
            if case:
                kind = self.get(item, "kind", str, where)
                if kind not in CASE_KINDS:
                    raise self.fail(
                        f"{where}.kind", f"未知的特殊情形“{kind}”，应为 {'、'.join(CASE_KINDS)}"
                    )
            standard = self.get(item, "standard", str, where)
            if standard not in _STANDARDS:
                raise self.fail(
                    f"{where}.standard", f"“{standard}”应为 {'、'.join(sorted(_STANDARDS))}"
                )
            cover = item.get("cover", {})
            self.unknown_keys(
                cover, {"from", "days", "months", "months_per_extra_lapse_year", "date"},
                f"{where}.cover",
            )  # fmt: skip
            start_from = cover.get("from", "benefit_start")
            if start_from not in _COVER_FROM:
                raise self.fail(
                    f"{where}.cover.from", f"“{start_from}”应为 {'、'.join(sorted(_COVER_FROM))}"
                )
            if start_from == "fixed" and not isinstance(cover.get("date"), date):
                raise self.fail(f"{where}.cover", 'from = "fixed" 需要 date')
            for number in ("days", "months", "months_per_extra_lapse_year"):
                if number in cover and (not isinstance(cover[number], int) or cover[number] < 0):
                    raise self.fail(f"{where}.cover.{number}", "应为不小于 0 的整数")
            applies = item.get("applies", "late")
            if applies not in ("late", "period", "always"):
                raise self.fail(f"{where}.applies", f"“{applies}”应为 late、period 或 always")
            when = item.get("when", {})
            self.unknown_keys(
                when,
                {"within_days", "parent_insured", "insured_last_year", "event_in_benefit_year"},
                f"{where}.when",
            )
            rules.append(
                Rule(
                    standard=standard,
                    cover=Cover(
                        start_from,
                        cover.get("days", 0),
                        cover.get("months", 0),
                        cover.get("months_per_extra_lapse_year", 0),
                        cover.get("date"),
                    ),
                    when=Condition(
                        when.get("within_days"),
                        when.get("parent_insured"),
                        when.get("insured_last_year"),
                        when.get("event_in_benefit_year"),
                    ),
                    kind=kind,
                    applies=applies,
                    note=item.get("note", ""),
                )
            )
        return tuple(rules)
