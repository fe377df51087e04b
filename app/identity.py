"""Identity documents: validating, normalising and masking ID numbers (GB 11643-1999 and others)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from stdnum.cn import ric


class IdType(StrEnum):
    """医保证件类型 codes as the county exports write them."""

    RESIDENT = "01"  # 居民身份证(户口簿)
    FOREIGN_PERMANENT = "07"  # 外国人永久居留证
    FOREIGN_PASSPORT = "08"  # 外国人护照
    CHINESE_PASSPORT = "16"  # 中国护照
    HMT_RESIDENCE = "17"  # 港澳台居民居住证
    OTHER = "99"  # 其他


ID_TYPE_NAMES: dict[IdType, str] = {
    IdType.RESIDENT: "居民身份证(户口簿)",
    IdType.FOREIGN_PERMANENT: "外国人永久居留证",
    IdType.FOREIGN_PASSPORT: "外国人护照",
    IdType.CHINESE_PASSPORT: "中国护照",
    IdType.HMT_RESIDENCE: "港澳台居民居住证",
    IdType.OTHER: "其他",
}

# Labels seen in county exports, mapped to codes; matched after removing spaces and brackets.
_ID_TYPE_LABELS: dict[str, IdType] = {
    "居民身份证": IdType.RESIDENT,
    "身份证": IdType.RESIDENT,
    "居民身份证户口簿": IdType.RESIDENT,
    "户口簿": IdType.RESIDENT,
    "户口本": IdType.RESIDENT,
    "外国人永久居留证": IdType.FOREIGN_PERMANENT,
    "外国人永久居留身份证": IdType.FOREIGN_PERMANENT,
    "永久居留证": IdType.FOREIGN_PERMANENT,
    "外国人护照": IdType.FOREIGN_PASSPORT,
    "外国护照": IdType.FOREIGN_PASSPORT,
    "中国护照": IdType.CHINESE_PASSPORT,
    "护照": IdType.CHINESE_PASSPORT,
    "港澳台居民居住证": IdType.HMT_RESIDENCE,
    "港澳居民居住证": IdType.HMT_RESIDENCE,
    "台湾居民居住证": IdType.HMT_RESIDENCE,
    "其他": IdType.OTHER,
}

# Residence permits for Hong Kong, Macao and Taiwan residents use these region prefixes.
HMT_PREFIXES = ("810000", "820000", "830000")

_FULLWIDTH = str.maketrans({chr(0xFF01 + i): chr(0x21 + i) for i in range(94)} | {"\u3000": " "})
_SEPARATORS = re.compile(r"[\s\-_.·]+")
_DIGITS17 = re.compile(r"\d{17}[\dX]")
_DIGITS15 = re.compile(r"\d{15}")
_CN_PASSPORT = re.compile(r"(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E?\d{7})")
_FOREIGN_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
_OLD_PERMANENT = re.compile(r"[A-Z]{3}\d{12}")
_OTHER = re.compile(r"[A-Z0-9()（）]{3,30}")


class IdentityError(ValueError):
    """A user's ID input that cannot be accepted; str() is the Chinese message."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A validated identity document: its type, the normalised number and what it tells."""

    id_type: IdType
    number: str
    sex: str | None = None  # "M" / "F" where the number encodes it
    birth_date: date | None = None


def normalize(text: str) -> str:
    """Turn typed or pasted input into canonical form: half-width, no separators, upper case."""
    if not text:
        return ""
    if text.isascii() and text.isalnum():  # the common case, on the import's hot path
        return text.upper()
    text = unicodedata.normalize("NFKC", text).translate(_FULLWIDTH)
    return _SEPARATORS.sub("", text).upper()


@lru_cache(maxsize=256)
def id_type_from_label(label: str | None) -> IdType:
    """Map a code ("01") or a label ("居民身份证") to an ID type; empty means a resident ID."""
    cleaned = re.sub(r"[\s()（）]", "", normalize(label or ""))
    if not cleaned:
        return IdType.RESIDENT
    if cleaned.isdigit():
        try:
            return IdType(cleaned.zfill(2))
        except ValueError:
            raise IdentityError(f"未知的证件类型代码“{label}”") from None
    try:
        return _ID_TYPE_LABELS[cleaned]
    except KeyError:
        raise IdentityError(f"未知的证件类型“{label}”") from None


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits (X means 10)."""
    # stdnum's function takes the whole number and ignores its last character.
    return str(ric.calc_check_digit(first17 + "0"))


def upgrade_15(number: str) -> str:
    """Upgrade a 15-digit legacy number (born 19xx) to its 18-digit form."""
    body = number[:6] + "19" + number[6:]
    return body + check_character(body)


def _birth_date(digits: str, today: date) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdentityError(f"证件号码中的出生日期 {digits[:8]} 不存在") from None
    if born > today:
        raise IdentityError(f"证件号码中的出生日期 {born.isoformat()} 晚于今天")
    if born.year < 1880:
        raise IdentityError(f"证件号码中的出生日期 {born.isoformat()} 不合理")
    return born


def _gb11643(number: str, today: date, *, check_region: bool = True) -> IdNumber:
    """Validate an 18-character number in GB 11643 form; old region codes are accepted."""
    if len(number) == 15:
        if not _DIGITS15.fullmatch(number):
            raise IdentityError("15位证件号码只能包含数字")
        number = upgrade_15(number)
    if len(number) != 18:
        raise IdentityError(f"证件号码应为18位，输入的是{len(number)}位")
    if not _DIGITS17.fullmatch(number):
        raise IdentityError("证件号码前17位应为数字，最后一位为数字或X")
    # Region code shape only (province 11-83); retired county codes stay valid.
    if check_region and not ("11" <= number[:2] <= "83"):
        raise IdentityError(f"证件号码的地区码 {number[:6]} 不正确")
    born = _birth_date(number[6:14], today)
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdentityError("证件号码校验位不正确，请核对号码")
    sex = "M" if int(number[16]) % 2 else "F"
    id_type = IdType.HMT_RESIDENCE if number[:6] in HMT_PREFIXES else IdType.RESIDENT
    return IdNumber(id_type, number, sex, born)


def parse_id(text: str, id_type: IdType | str = IdType.RESIDENT, *, today: date) -> IdNumber:
    """Validate and normalise an ID number of the given type; raise IdentityError in Chinese."""
    kind = IdType(id_type)
    number = normalize(text)
    if not number:
        raise IdentityError("证件号码不能为空")
    if kind is IdType.RESIDENT:
        return _gb11643(number, today)
    if kind is IdType.HMT_RESIDENCE:
        parsed = _gb11643(number, today)
        if parsed.number[:6] not in HMT_PREFIXES:
            raise IdentityError("港澳台居民居住证号码应以810000、820000或830000开头")
        return parsed
    if kind is IdType.FOREIGN_PERMANENT:
        if _OLD_PERMANENT.fullmatch(number):
            return IdNumber(kind, number)
        if len(number) == 18 and number.startswith("9"):
            parsed = _gb11643(number, today, check_region=False)
            return IdNumber(kind, parsed.number, parsed.sex, parsed.birth_date)
        raise IdentityError("外国人永久居留证号码应为18位（9开头）或3个字母加12位数字")
    if kind is IdType.CHINESE_PASSPORT:
        if not _CN_PASSPORT.fullmatch(number):
            raise IdentityError("中国护照号码格式不正确（如E12345678）")
        return IdNumber(kind, number)
    if kind is IdType.FOREIGN_PASSPORT:
        if not _FOREIGN_PASSPORT.fullmatch(number):
            raise IdentityError("外国人护照号码应为5至20位字母或数字")
        return IdNumber(kind, number)
    if not _OTHER.fullmatch(number):
        raise IdentityError("证件号码应为3至30位字母或数字")
    return IdNumber(kind, number)


def mask(number: str) -> str:
    """Mask an ID number for display and print: keep the region code and the last four."""
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)
