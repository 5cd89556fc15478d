from datetime import date, datetime, timedelta

import pytest

from zugong.core.workdays import (
    CHINESECALENDAR_YEARS,
    HolidayOverride,
    WorkdayCalendar,
    WorkdayResult,
)

# First year after chinesecalendar's data, detected rather than hard-coded.
UNKNOWN_YEAR = max(CHINESECALENDAR_YEARS) + 1


def _first_monday(year: int) -> date:
    d = date(year, 3, 1)
    return d + timedelta(days=-d.weekday() % 7)


def test_probe_found_a_contiguous_range_including_2025() -> None:
    assert 2025 in CHINESECALENDAR_YEARS
    assert (
        frozenset(range(min(CHINESECALENDAR_YEARS), max(CHINESECALENDAR_YEARS) + 1))
        == CHINESECALENDAR_YEARS
    )


def test_national_day_2025_and_makeup_sunday() -> None:
    cal = WorkdayCalendar()
    holiday = cal.is_workday(date(2025, 10, 1))
    assert holiday.value is False
    assert holiday.warning is None
    makeup = cal.is_workday(date(2025, 9, 28))  # Sunday, 调休上班
    assert makeup.value is True
    assert makeup.unknown_years == set()


def test_national_day_2025_boundaries() -> None:
    cal = WorkdayCalendar()
    assert cal.is_workday(date(2025, 9, 30)).value is True  # day before
    assert cal.is_workday(date(2025, 10, 8)).value is False  # last day of the holiday
    assert cal.is_workday(date(2025, 10, 9)).value is True  # day after
    assert cal.is_workday(date(2025, 10, 11)).value is True  # Saturday makeup day
    assert cal.is_workday(date(2025, 10, 12)).value is False  # ordinary Sunday
    assert cal.add_workdays(date(2025, 9, 30), 1).value == date(2025, 10, 9)
    assert cal.workdays_between(date(2025, 10, 1), date(2025, 10, 8)).value == 0
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 10, 9)).value == 2


def test_admin_override_wins() -> None:
    cal = WorkdayCalendar(
        overrides=[
            HolidayOverride(date(2025, 10, 1), is_workday=True),
            HolidayOverride(date(2025, 9, 30), is_workday=False),
        ]
    )
    assert cal.is_workday(date(2025, 10, 1)).value is True
    assert cal.is_workday(date(2025, 9, 30)).value is False
    assert cal.add_workdays(date(2025, 9, 29), 1).value == date(2025, 10, 1)


def test_add_workdays_across_spring_festival_2026() -> None:
    cal = WorkdayCalendar()
    # 2026-02-14 (Sat) is a makeup day; 02-15..02-23 are off.
    assert cal.add_workdays(date(2026, 2, 13), 1).value == date(2026, 2, 14)
    assert cal.add_workdays(date(2026, 2, 13), 2).value == date(2026, 2, 24)
    assert cal.add_workdays(date(2026, 2, 12), 3).value == date(2026, 2, 24)
    assert cal.add_workdays(date(2026, 2, 14), 1).value == date(2026, 2, 24)
    assert cal.workdays_between(date(2026, 2, 9), date(2026, 2, 28)).value == 11
    assert cal.add_workdays(date(2026, 2, 13), 2).warning is None


def test_add_workdays_rejects_non_positive() -> None:
    with pytest.raises(ValueError):
        WorkdayCalendar().add_workdays(date(2025, 1, 2), 0)


def test_end_of_notice_period() -> None:
    cal = WorkdayCalendar()
    # Start on a working day: it counts as day 1.
    assert cal.end_of_notice_period(date(2025, 9, 22), 5).value == date(2025, 9, 26)
    assert cal.end_of_notice_period(date(2025, 9, 22), 1).value == date(2025, 9, 22)
    # Five working days from Fri 09-26: 26, 28 (Sun makeup), 29, 30, then 10-09.
    assert cal.end_of_notice_period(date(2025, 9, 26), 5).value == date(2025, 10, 9)
    # Starting on a holiday: the period begins on the next working day
    # (10-09, 10-10, 10-11 Sat makeup, 10-13, 10-14).
    assert cal.end_of_notice_period(date(2025, 10, 1), 5).value == date(2025, 10, 14)


def test_unknown_year_falls_back_with_warning() -> None:
    cal = WorkdayCalendar()
    monday = _first_monday(UNKNOWN_YEAR)
    result = cal.is_workday(monday)
    assert result.value is True
    assert result.unknown_years == {UNKNOWN_YEAR}
    assert result.warning == (
        f"{UNKNOWN_YEAR}年的法定节假日和调休安排尚未录入，结果按普通周末推算，仅供参考"
    )
    sunday = cal.is_workday(monday - timedelta(days=1))
    assert sunday.value is False and sunday.unknown_years == {UNKNOWN_YEAR}
    assert not cal.is_known_year(UNKNOWN_YEAR)


def test_unknown_year_range_spanning_years() -> None:
    cal = WorkdayCalendar()
    last_known = UNKNOWN_YEAR - 1
    result = cal.workdays_between(date(last_known, 12, 1), date(UNKNOWN_YEAR, 1, 31))
    assert result.unknown_years == {UNKNOWN_YEAR}
    # Mon–Fri fallback: a week in the unknown year contributes five days.
    added = cal.add_workdays(date(last_known, 12, 31), 5)
    assert added.value.year == UNKNOWN_YEAR
    assert added.warning is not None and str(UNKNOWN_YEAR) in added.warning


def test_admin_declared_year_has_no_warning() -> None:
    holiday = date(UNKNOWN_YEAR, 10, 1)
    cal = WorkdayCalendar(
        overrides=[HolidayOverride(holiday, is_workday=False)],
        admin_years=[UNKNOWN_YEAR],
    )
    assert cal.is_known_year(UNKNOWN_YEAR)
    monday = _first_monday(UNKNOWN_YEAR)
    result = cal.is_workday(monday)
    assert result.value is True and result.warning is None
    assert cal.is_workday(holiday).value is False
    span = cal.workdays_between(date(UNKNOWN_YEAR, 1, 1), date(UNKNOWN_YEAR, 12, 31))
    assert span.warning is None and span.unknown_years == set()


def test_override_in_undeclared_year_is_exact_for_that_day() -> None:
    day = date(UNKNOWN_YEAR, 10, 1)
    cal = WorkdayCalendar(overrides=[HolidayOverride(day, is_workday=False)])
    assert cal.is_workday(day).warning is None
    assert cal.workdays_between(day, day.replace(day=31)).warning is not None


def test_warning_lists_several_years_in_order() -> None:
    result = WorkdayResult(0, {2032, 2031})
    assert result.warning is not None and result.warning.startswith("2031、2032年")
    assert WorkdayResult(True).warning is None


def test_datetime_is_accepted() -> None:
    cal = WorkdayCalendar(overrides=[HolidayOverride(date(2025, 10, 9), is_workday=False)])
    assert cal.is_workday(datetime(2025, 10, 9, 9, 30)).value is False
