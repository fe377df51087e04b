"""Turning one roster row's text cells into a checked record, or a Chinese reason to reject it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.identity import IdentityError, IdType, id_type_from_label, normalize, parse_id
from app.money import MoneyError, yuan_to_fen
from app.pinyin import initials
from app.relations import RelationError, relation_code
from app.special_groups import CategoryError, parse_categories

STATUS_LABELS = {
    "due": "应缴",
    "paid_here": "本处已缴",
    "paid_elsewhere": "已在他处缴费",
    "employee": "参加职工医保",
    "deceased": "已故",
    "moved_away": "已迁出",
}

_STATUS_WORDS = {
    "": "due", "应缴": "due", "未缴": "due", "未缴费": "due", "待缴": "due", "待缴费": "due",
    "正常": "due", "未参保": "due", "应参保": "due",
    "已缴": "paid_elsewhere", "已缴费": "paid_elsewhere", "已参保": "paid_elsewhere",
    "外地已缴": "paid_elsewhere", "学校已缴": "paid_elsewhere", "在校缴费": "paid_elsewhere",
    "异地参保": "paid_elsewhere", "已在他处缴费": "paid_elsewhere", "本处已缴": "paid_elsewhere",
    "职工医保": "employee", "参加职工医保": "employee", "职工": "employee", "职工参保": "employee",
    "死亡": "deceased", "已故": "deceased", "已死亡": "deceased", "去世": "deceased",
    "迁出": "moved_away", "已迁出": "moved_away", "户口迁出": "moved_away",
}  # fmt: skip

_SEX_WORDS = {
    "男": "M",
    "1": "M",
    "M": "M",
    "男性": "M",
    "女": "F",
    "2": "F",
    "F": "F",
    "女性": "F",
}
_NO_PHONE = {"", "无", "-", "/", "暂无", "0"}
_PHONE = re.compile(r"\+?[\d\- ]{7,20}")
_PHONE_SPLIT = re.compile(r"[/,;，；、]")
_DATE_PARTS = re.compile(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})")
_NAME_BAD = re.compile(r"[0-9!@#$%^&*=+<>?{}\[\]\\|~`\"]")
MAX_NAME = 30


@dataclass(frozen=True, slots=True)
class RosterRecord:
    """A valid roster row, normalised and ready to store."""

    household: str
    village: str  # as written: a 12-digit code or a name
    village_code: str
    township: str
    name: str
    initials: str
    id_type: str
    id_number: str
    sex: str | None
    birth_date: date | None
    relation: str
    hukou_place: str
    phone: str
    categories: tuple[str, ...]
    status: str
    assessed_fen: int | None  # 核定应缴 set by the county, in fen


class RowError(ValueError):
    """Why a row is rejected; str() is the Chinese reason shown with the row number."""


def parse_date(text: str) -> date:
    match = _DATE_PARTS.match(text.strip())
    if not match:
        raise RowError(f"出生日期“{text}”无法识别，应为 YYYY-MM-DD")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise RowError(f"出生日期“{text}”不存在") from None


def _phone(text: str) -> str:
    if len(text) == 11 and text.isdigit():  # a mobile number, as most cells hold
        return text
    value = normalize(text) if text else ""
    if value in _NO_PHONE:
        return ""
    parts = [p for p in _PHONE_SPLIT.split(text.replace("\u3000", " ")) if p.strip()]
    cleaned = [normalize(p) for p in parts]
    if not all(_PHONE.fullmatch(p) for p in cleaned):
        raise RowError(f"联系电话“{text}”格式不正确")
    return "/".join(cleaned)


def name_of(text: str) -> str:
    """A person's name with stray spaces removed, or RowError saying what is wrong."""
    name = text if text.isprintable() and " " not in text else re.sub(r"\s+", "", text)
    name = name.replace("\u3000", "")
    if not name:
        raise RowError("姓名不能为空")
    if len(name) > MAX_NAME or _NAME_BAD.search(name):
        raise RowError(f"姓名“{text}”含有不允许的字符或过长")
    return name


def parse_record(cells: dict[str, str], today: date) -> RosterRecord:
    """Check one row's cells; raise RowError with the first problem found."""
    household = normalize(cells.get("household", ""))
    if not household:
        raise RowError("户号不能为空")
    if len(household) > 32:
        raise RowError(f"户号“{household}”过长")
    village = cells.get("village", "").strip()
    village_code = normalize(cells.get("village_code", ""))
    if not village and not village_code:
        raise RowError("村(社区)不能为空")
    if village_code and not re.fullmatch(r"\d{12}", village_code):
        raise RowError(f"村代码“{village_code}”应为12位数字")
    name = name_of(cells.get("name", ""))
    try:
        id_type = id_type_from_label(cells.get("id_type"))
        ident = parse_id(cells.get("id_number", ""), id_type, today=today)
        relation = relation_code(cells.get("relation"))
        categories = tuple(parse_categories(cells.get("categories")))
    except (IdentityError, RelationError, CategoryError) as exc:
        raise RowError(str(exc)) from None
    sex_text = cells.get("sex", "").strip()
    sex = _SEX_WORDS.get(sex_text) or _SEX_WORDS.get(normalize(sex_text)) if sex_text else None
    if sex_text and sex is None:
        raise RowError(f"性别“{cells.get('sex')}”无法识别，应为男或女")
    birth_text = cells.get("birth_date", "").strip()
    birth = None
    if birth_text and not (ident.birth_date and birth_text == ident.birth_date.isoformat()):
        birth = parse_date(birth_text)
    if ident.sex is not None:
        if sex is not None and sex != ident.sex:
            raise RowError("性别与证件号码不符")
        sex = ident.sex
    if ident.birth_date is not None:
        if birth is not None and birth != ident.birth_date:
            raise RowError(f"出生日期 {birth.isoformat()} 与证件号码不符")
        birth = ident.birth_date
    elif birth is not None and birth > today:
        raise RowError(f"出生日期 {birth.isoformat()} 晚于今天")
    status_text = cells.get("status", "")
    status = _STATUS_WORDS.get(status_text)
    if status is None:
        status_text = re.sub(r"\s", "", status_text)
        status = _STATUS_WORDS.get(status_text)
    if status is None:
        raise RowError(f"未知的参保状态“{status_text}”")
    assessed_text = cells.get("assessed", "").strip()
    assessed = None
    if assessed_text:
        try:
            assessed = yuan_to_fen(assessed_text)
        except MoneyError as exc:
            raise RowError(f"核定应缴：{exc}") from None
        if assessed < 0:
            raise RowError(f"核定应缴金额“{assessed_text}”不能为负数")
    id_number = ident.number
    kind = ident.id_type if id_type is IdType.RESIDENT else id_type
    return RosterRecord(
        household=household,
        village=village,
        village_code=village_code,
        township=cells.get("township", "").strip(),
        name=name,
        initials=initials(name),
        id_type=kind.value,
        id_number=id_number,
        sex=sex,
        birth_date=birth,
        relation=relation,
        hukou_place=cells.get("hukou_place", "").strip()[:128],
        phone=_phone(cells.get("phone", "")),
        categories=categories,
        status=status,
        assessed_fen=assessed,
    )
