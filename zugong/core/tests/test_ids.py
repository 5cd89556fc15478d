from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zugong.core.ids import (
    check_id_number,
    id_check_char,
    mask_id_number,
    mask_phone,
    upgrade_15_to_18,
)

TODAY = date(2025, 6, 1)
# GB 11643-1999 appendix example: 11010519491231002X, born 1949-12-31, 女.
SAMPLE = "11010519491231002X"

regions = st.sampled_from(["110101", "320102", "440305", "650102", "810000", "999999"])
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.from_regex(r"[0-9]{3}", fullmatch=True)


def _make(region: str, born: date, seq: str) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq}"
    return first17 + id_check_char(first17)


def test_standard_example() -> None:
    result = check_id_number(SAMPLE, today=TODAY)
    assert result.ok, result.errors
    assert result.normalized == SAMPLE
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "2"
    assert result.warnings == []


def test_whitespace_and_lowercase_x_are_normalized() -> None:
    result = check_id_number(" 110105 19491231 002x ", today=TODAY)
    assert result.ok
    assert result.normalized == SAMPLE


def test_full_width_digits_are_folded() -> None:
    full_width = SAMPLE.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert check_id_number(full_width, today=TODAY).normalized == SAMPLE


@given(regions, births, sequences)
def test_computed_check_char_passes(region: str, born: date, seq: str) -> None:
    result = check_id_number(_make(region, born, seq), today=TODAY)
    assert result.ok, result.errors
    assert result.birth_date == born
    assert result.sex == ("1" if int(seq[-1]) % 2 else "2")


@given(regions, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_fails_checksum(
    region: str, born: date, seq: str, pos: int, delta: int
) -> None:
    valid = _make(region, born, seq)
    changed = valid[:pos] + str((int(valid[pos]) + delta) % 10) + valid[pos + 1 :]
    result = check_id_number(changed, today=TODAY)
    assert not result.ok
    assert any("校验位" in e for e in result.errors)


@given(
    st.sampled_from(["110101", "320102", "440305"]),
    st.dates(date(1900, 1, 1), date(1999, 12, 31)),
    sequences,
)
def test_15_to_18_round_trips_birth_date(region: str, born: date, seq: str) -> None:
    legacy = f"{region}{born:%y%m%d}{seq}"
    upgraded = upgrade_15_to_18(legacy)
    assert len(upgraded) == 18
    assert upgraded[:6] == region and upgraded[6:14] == f"{born:%Y%m%d}"
    result = check_id_number(legacy, today=TODAY)
    assert result.ok, result.errors
    assert result.normalized == upgraded
    assert result.birth_date == born
    assert any("15位" in w for w in result.warnings)


def test_upgrade_known_value() -> None:
    assert upgrade_15_to_18("110105491231002") == SAMPLE


@pytest.mark.parametrize(
    "value",
    ["", "1101051949123100", "1101051949123100212", "11010519491231002Y", "X1010519491231002X"],
)
def test_bad_shape_is_an_error(value: str) -> None:
    result = check_id_number(value, today=TODAY)
    assert not result.ok
    assert result.normalized is None
    assert all("公民身份号码" in e for e in result.errors)


def test_15_digit_with_x_rejected() -> None:
    assert not check_id_number("11010549123100X", today=TODAY).ok


def test_impossible_date_with_valid_checksum() -> None:
    first17 = "110101" + "20010229" + "123"
    result = check_id_number(first17 + id_check_char(first17), today=TODAY)
    assert not result.ok
    assert result.birth_date is None
    assert any("出生日期" in e and "不是有效日期" in e for e in result.errors)


def test_future_birth_date() -> None:
    tomorrow = TODAY + timedelta(days=1)
    result = check_id_number(_make("110101", tomorrow, "123"), today=TODAY)
    assert not result.ok
    assert any("晚于今天" in e for e in result.errors)
    assert check_id_number(_make("110101", TODAY, "123"), today=TODAY).ok


def test_birth_before_1900() -> None:
    result = check_id_number(_make("110101", date(1899, 12, 31), "123"), today=TODAY)
    assert not result.ok
    assert any("1900" in e for e in result.errors)


def test_sex_mismatch() -> None:
    assert check_id_number(SAMPLE, gender_code="2", today=TODAY).ok
    result = check_id_number(SAMPLE, gender_code="1", today=TODAY)
    assert not result.ok
    assert any("性别" in e and "不一致" in e for e in result.errors)
    # 未知/未说明 cannot contradict the number.
    assert check_id_number(SAMPLE, gender_code="9", today=TODAY).ok


def test_birth_date_mismatch() -> None:
    assert check_id_number(SAMPLE, birth_date=date(1949, 12, 31), today=TODAY).ok
    result = check_id_number(SAMPLE, birth_date=date(1949, 12, 30), today=TODAY)
    assert not result.ok
    assert any("出生日期" in e and "不一致" in e for e in result.errors)


def test_unknown_region_is_warning_not_error() -> None:
    result = check_id_number(_make("990101", date(1980, 5, 5), "011"), today=TODAY)
    assert result.ok
    assert any("99" in w for w in result.warnings)


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        id_check_char("123")
    with pytest.raises(ValueError):
        upgrade_15_to_18("12345678901234X")


def test_mask_id_number() -> None:
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_id_number(" 11010519491231002x") == "110105********002X"
    assert mask_id_number("") == ""
    assert mask_id_number("12") == "**"
    masked = mask_id_number("1234567")
    assert len(masked) == 7 and masked.count("*") >= 4


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("123") == "***"


@given(st.from_regex(r"[0-9]{1,20}", fullmatch=True))
def test_masks_keep_length_and_hide_something(value: str) -> None:
    for masked in (mask_id_number(value), mask_phone(value)):
        assert len(masked) == len(value)
        assert masked.count("*") >= min(4, (len(value) + 1) // 2)


@given(st.text(max_size=30))
def test_masks_never_crash(value: str) -> None:
    mask_id_number(value)
    mask_phone(value)
