"""ID numbers: GB 11643 check digits, dates, legacy and permit forms, other types, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.identity import (
    IdentityError,
    IdType,
    check_character,
    id_type_from_label,
    mask,
    normalize,
    parse_id,
    upgrade_15,
)

TODAY = date(2023, 10, 15)


def make_id(region: str, born: date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_character(body)


def test_numbers_the_domain_names_are_valid() -> None:
    # python-stdnum's region table rejects both; we must not (DOMAIN.md).
    old = parse_id("430923196203140216", today=TODAY)
    assert (old.sex, old.birth_date) == ("M", date(1962, 3, 14))
    permit = parse_id("810000198812120196", today=TODAY)
    assert permit.id_type is IdType.HMT_RESIDENCE
    assert parse_id("810000198812120196", "17", today=TODAY).number == "810000198812120196"


def test_wrong_check_digit_is_refused_in_chinese() -> None:
    with pytest.raises(IdentityError, match="校验位"):
        parse_id("430923196203140217", today=TODAY)


def test_input_is_normalised() -> None:
    number = make_id("430923", date(1990, 1, 1), 2)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert parse_id(fullwidth, today=TODAY).number == number
    assert parse_id(f" {number[:6]} {number[6:14]} {number[14:]} ", today=TODAY).number == number
    assert normalize("４３０９２３１９９００１０１００２ｘ") == "43092319900101002X"


def test_lower_case_x_is_stored_upper() -> None:
    for seq in range(1000):
        number = make_id("430923", date(1985, 5, 5), seq)
        if number.endswith("X"):
            break
    assert parse_id(number.lower(), today=TODAY).number == number


def test_future_and_impossible_birth_dates_are_refused() -> None:
    with pytest.raises(IdentityError, match="晚于今天"):
        parse_id(make_id("430923", TODAY + timedelta(days=1), 1), today=TODAY)
    with pytest.raises(IdentityError, match="不存在"):
        parse_id("43092319900230001" + "0", today=TODAY)


def test_region_code_shape() -> None:
    body = "000000199001010010"[:17]
    with pytest.raises(IdentityError, match="地区码"):
        parse_id(body + check_character(body), today=TODAY)


def test_length_and_characters() -> None:
    with pytest.raises(IdentityError, match="18位"):
        parse_id("4309231990", today=TODAY)
    with pytest.raises(IdentityError, match="为空"):
        parse_id("  ", today=TODAY)
    with pytest.raises(IdentityError, match="前17位"):
        parse_id("43092319900101A01X", today=TODAY)


def test_fifteen_digit_legacy_numbers_are_upgraded() -> None:
    legacy = "430923620314021"
    upgraded = parse_id(legacy, today=TODAY).number
    assert upgraded == upgrade_15(legacy) == "430923196203140216"


def test_other_id_types_have_their_own_checks() -> None:
    assert parse_id("E12345678", "16", today=TODAY).number == "E12345678"
    with pytest.raises(IdentityError, match="中国护照"):
        parse_id("12345", "16", today=TODAY)
    assert parse_id("ab123456", "08", today=TODAY).number == "AB123456"
    assert parse_id("USA110012345678", "07", today=TODAY).number == "USA110012345678"
    new_card = make_id("944110", date(1980, 1, 1), 11)
    assert parse_id(new_card, "07", today=TODAY).sex == "M"
    with pytest.raises(IdentityError, match="810000"):
        parse_id(make_id("430923", date(1990, 1, 1), 1), "17", today=TODAY)


def test_id_type_labels() -> None:
    assert id_type_from_label("") is IdType.RESIDENT
    assert id_type_from_label("居民身份证（户口簿）") is IdType.RESIDENT
    assert id_type_from_label("1") is IdType.RESIDENT
    assert id_type_from_label("港澳台居民居住证") is IdType.HMT_RESIDENCE
    with pytest.raises(IdentityError, match="证件类型"):
        id_type_from_label("驾驶证")


def test_masking_keeps_region_and_last_four() -> None:
    assert mask("430923196203140216") == "430923********0216"
    assert mask("E12345678") == "*****5678"


regions = st.sampled_from(["430923", "432325", "421083", "110101", "810000", "830000"])
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@given(regions, births, st.integers(0, 999))
def test_every_generated_number_validates_and_tells_sex_and_birth(
    region: str, born: date, seq: int
) -> None:
    parsed = parse_id(make_id(region, born, seq), today=TODAY)
    assert parsed.birth_date == born
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(regions, births, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(
    region: str, born: date, seq: int, position: int, delta: int
) -> None:
    number = make_id(region, born, seq)
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(IdentityError):
        parse_id(changed, today=TODAY)
