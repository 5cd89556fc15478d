"""Value grammars of cadres.md §1.5: months, 入党时间, ages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zugong.cadres.lrmx import (
    LrmxError,
    PartyJoined,
    age_on,
    format_month,
    format_party_joined,
    parse_month,
    parse_party_joined,
)
from zugong.cadres.lrmx.values import MAX_YEAR, MIN_YEAR

BOUNDED = settings(max_examples=200, deadline=None)
months = st.tuples(st.integers(MIN_YEAR, MAX_YEAR), st.integers(1, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("199001", (1990, 1)),
        ("1990.01", (1990, 1)),
        ("1990.1", (1990, 1)),
        ("19900115", (1990, 1)),
        ("1990.01.15", (1990, 1)),
        ("1990-01", (1990, 1)),
        ("  202412 ", (2024, 12)),
        ("20000229", (2000, 2)),
    ],
)
def test_parse_month_accepts_every_file_style(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_parse_month_empty_is_none(text: str) -> None:
    assert parse_month(text) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("199013", "月份 13 无效"),
        ("1990.00", "月份 0 无效"),
        ("19900230", "日期 30 日无效"),
        ("19010229", "日期 29 日无效"),  # 1901 is not a leap year
        ("1990年1月", "不是有效的年月"),
        ("90.01", "不是有效的年月"),
        ("abcdef", "不是有效的年月"),
        ("1990/01", "不是有效的年月"),
        ("099001", "年份"),
    ],
)
def test_parse_month_rejects_garbage_naming_the_field(text: str, fragment: str) -> None:
    with pytest.raises(LrmxError) as caught:
        parse_month(text, label="出生年月")
    assert "出生年月" in str(caught.value)
    assert fragment in str(caught.value)


def test_format_month_styles() -> None:
    assert format_month(1990, 1) == "199001"
    assert format_month(1990, 1, style="form") == "1990.01"
    with pytest.raises(LrmxError):
        format_month(1990, 13)


@BOUNDED
@given(months, st.sampled_from(["file", "form"]))
def test_month_round_trip(month: tuple[int, int], style: str) -> None:
    assert parse_month(format_month(*month, style=style)) == month


@BOUNDED
@given(
    months, st.integers(1, 28), st.sampled_from(["{y:04d}{m:02d}{d:02d}", "{y}.{m:02d}.{d:02d}"])
)
def test_month_with_day_keeps_the_month(month: tuple[int, int], day: int, pattern: str) -> None:
    text = pattern.format(y=month[0], m=month[1], d=day)
    assert parse_month(text) == month


@BOUNDED
@given(st.text(alphabet="0123456789.-年月/ a", max_size=12))
def test_parse_month_only_returns_or_raises_lrmx_error(text: str) -> None:
    try:
        result = parse_month(text)
    except LrmxError:
        return
    assert result is None or (MIN_YEAR <= result[0] <= MAX_YEAR and 1 <= result[1] <= 12)


@pytest.mark.parametrize(
    ("text", "cpc", "parties"),
    [
        ("", None, []),
        ("197204", (1972, 4), []),
        ("1972.04", (1972, 4), []),
        ("民盟", None, ["民盟"]),
        ("无党派", None, ["无党派"]),
        ("民建；民盟", None, ["民建", "民盟"]),
        ("九三；民建；民盟", None, ["九三", "民建", "民盟"]),
        ("200108；民建", (2001, 8), ["民建"]),
        ("200108；民建；民盟", (2001, 8), ["民建", "民盟"]),
        ("民建2001.08", (2001, 8), ["民建"]),
        ("民建200108", (2001, 8), ["民建"]),
        ("(民盟)", None, ["民盟"]),
        ("（民盟、民建）", None, ["民盟", "民建"]),
        ("(民盟、民建、九三)", None, ["民盟", "民建", "九三"]),
        ("200108(民建)", (2001, 8), ["民建"]),
        ("200108;民建", (2001, 8), ["民建"]),
    ],
)
def test_parse_party_joined_variants(
    text: str, cpc: tuple[int, int] | None, parties: list[str]
) -> None:
    assert parse_party_joined(text) == PartyJoined(cpc_month=cpc, parties=parties)


@pytest.mark.parametrize("text", ["200113", "民建2001.13", "197204；198001", "12；民盟"])
def test_parse_party_joined_rejects_bad_dates(text: str) -> None:
    with pytest.raises(LrmxError) as caught:
        parse_party_joined(text)
    assert "入党时间" in str(caught.value)


def test_format_party_joined_uses_file_grammar() -> None:
    assert format_party_joined(PartyJoined()) == ""
    assert format_party_joined(PartyJoined((1972, 4), [])) == "197204"
    assert format_party_joined(PartyJoined(None, ["民建", "民盟"])) == "民建；民盟"
    assert format_party_joined(PartyJoined((2001, 8), ["民建"])) == "200108；民建"


PARTY_NAMES = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三", "台盟", "无党派"]


@BOUNDED
@given(
    st.none() | months,
    st.lists(st.sampled_from(PARTY_NAMES), unique=True, max_size=3),
)
def test_party_joined_round_trip(cpc: tuple[int, int] | None, parties: list[str]) -> None:
    value = PartyJoined(cpc_month=cpc, parties=parties)
    assert parse_party_joined(format_party_joined(value)) == value


@pytest.mark.parametrize(
    ("birth", "reference", "age"),
    [
        ((1978, 6), (2025, 6), 47),  # birthday month counts as reached
        ((1978, 6), (2025, 5), 46),
        ((1978, 6), (2025, 7), 47),
        ((1978, 12), (2025, 1), 46),
        ((2000, 1), (2000, 1), 0),
    ],
)
def test_age_on_reference_month(
    birth: tuple[int, int], reference: tuple[int, int], age: int
) -> None:
    assert age_on(birth, reference) == age


@BOUNDED
@given(months, months)
def test_age_grows_by_one_per_twelve_months(
    birth: tuple[int, int], reference: tuple[int, int]
) -> None:
    later = (reference[0] + 1, reference[1])
    assert age_on(birth, later) == age_on(birth, reference) + 1
    whole_months = (reference[0] - birth[0]) * 12 + reference[1] - birth[1]
    assert age_on(birth, reference) == whole_months // 12
