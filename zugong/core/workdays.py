"""Working days on the Chinese statutory holiday and 调休 calendar.

Pure functions over chinesecalendar plus an administrator-maintained table of
overrides; the caller loads that table from the database and passes it in, so
this module never imports Django models.

chinesecalendar only knows the years the State Council has announced. For any
other year we fall back to Monday–Friday, and every result says so through
``unknown_years`` / ``warning`` rather than silently guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar


def _probe_chinesecalendar_years(first: int = 1900, last: int = 2200) -> frozenset[int]:
    # The library raises NotImplementedError outside its data; probing is more
    # robust than reading its private tables, whose layout may change.
    years: set[int] = set()
    for year in range(first, last + 1):
        try:
            chinese_calendar.is_workday(date(year, 7, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


CHINESECALENDAR_YEARS: frozenset[int] = _probe_chinesecalendar_years()

# Guard against an override table that turns every day into a holiday.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class HolidayOverride:
    day: date
    is_workday: bool  # True for 调休 working days (makeup_workday), False for holidays


@dataclass
class WorkdayResult:
    value: date | int | bool
    unknown_years: set[int] = field(default_factory=set)

    @property
    def warning(self) -> str | None:
        if not self.unknown_years:
            return None
        years = "、".join(str(y) for y in sorted(self.unknown_years))
        return f"{years}年的法定节假日和调休安排尚未录入，结果按普通周末推算，仅供参考"


def _as_date(d: date) -> date:
    # datetime is a date subclass but would never match a date key.
    return d.date() if isinstance(d, datetime) else d


class WorkdayCalendar:
    def __init__(
        self,
        overrides: Iterable[HolidayOverride] = (),
        admin_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, bool] = {_as_date(o.day): bool(o.is_workday) for o in overrides}
        self._admin_years: frozenset[int] = frozenset(int(y) for y in admin_years)

    def is_known_year(self, year: int) -> bool:
        return year in CHINESECALENDAR_YEARS or year in self._admin_years

    def _status(self, d: date) -> tuple[bool, int | None]:
        """(is working day, year that had to fall back to Mon–Fri or None)."""
        if d in self._overrides:
            return self._overrides[d], None
        if d.year in CHINESECALENDAR_YEARS:
            return chinese_calendar.is_workday(d), None
        is_weekday = d.weekday() < 5
        if d.year in self._admin_years:
            return is_weekday, None
        return is_weekday, d.year

    def is_workday(self, d: date) -> WorkdayResult:
        workday, unknown = self._status(_as_date(d))
        return WorkdayResult(workday, {unknown} if unknown is not None else set())

    def _nth_workday_from(self, first: date, n: int) -> WorkdayResult:
        """The n-th working day in first, first+1, ... (first included)."""
        unknown: set[int] = set()
        day = first
        count = 0
        for _ in range(_MAX_SCAN_DAYS + 7 * n):
            workday, year = self._status(day)
            if year is not None:
                unknown.add(year)
            if workday:
                count += 1
                if count == n:
                    return WorkdayResult(day, unknown)
            day += timedelta(days=1)
        raise ValueError("日历中连续过长时间没有工作日，请检查节假日设置")

    def add_workdays(self, start: date, n: int) -> WorkdayResult:
        """The n-th working day after ``start`` (``start`` itself not counted)."""
        if n < 1:
            raise ValueError("n must be >= 1")
        return self._nth_workday_from(_as_date(start) + timedelta(days=1), n)

    def workdays_between(self, start: date, end: date) -> WorkdayResult:
        """Working days in the inclusive range [start, end]; 0 if end < start."""
        start, end = _as_date(start), _as_date(end)
        unknown: set[int] = set()
        count = 0
        day = start
        while day <= end:
            workday, year = self._status(day)
            if year is not None:
                unknown.add(year)
            count += workday
            day += timedelta(days=1)
        return WorkdayResult(count, unknown)

    def end_of_notice_period(self, start: date, n: int) -> WorkdayResult:
        """Last day of an n-working-day 公示 starting on ``start``.

        ``start`` counts as day 1 when it is a working day; otherwise the
        period begins on the next working day.
        """
        if n < 1:
            raise ValueError("n must be >= 1")
        return self._nth_workday_from(_as_date(start), n)
