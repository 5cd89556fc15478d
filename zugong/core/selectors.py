"""Reads shared by every app."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import QuerySet

from zugong.core.models import CodeItem, Holiday, HolidayYear
from zugong.core.workdays import HolidayOverride, WorkdayCalendar


def surname_overrides() -> dict[str, str]:
    """Local surname readings from the editable table `surname_pinyin`: {"尉迟": "yu chi"}."""
    return dict(
        CodeItem.objects.filter(table__code="surname_pinyin", is_active=True).values_list(
            "code", "name"
        )
    )


def code_items(table: str) -> QuerySet[CodeItem]:
    return CodeItem.objects.filter(table__code=table, is_active=True).order_by("sort_order", "code")


# The code tables are tiny and read on every list page: keep them per process for a minute.
# A save in this process clears the copy at once (signals in CoreConfig.ready); other
# processes see a change within CODE_CACHE_SECONDS.
CODE_CACHE_SECONDS = 60.0
_code_cache: dict[str, Any] = {}


def clear_code_cache(**_: Any) -> None:
    _code_cache.clear()


def _all_codes() -> tuple[dict[str, list[CodeItem]], dict[int, str], dict[tuple[str, str], int]]:
    now = time.monotonic()
    cached = _code_cache.get("all")
    if cached is None or now - cached[0] > CODE_CACHE_SECONDS:
        by_table: dict[str, list[CodeItem]] = {}
        for item in (
            CodeItem.objects.filter(is_active=True)
            .select_related("table")
            .order_by("sort_order", "code")
        ):
            by_table.setdefault(item.table.code, []).append(item)
        names = {item.pk: item.name for items in by_table.values() for item in items}
        ids = {(t, item.code): item.pk for t, items in by_table.items() for item in items}
        cached = (now, (by_table, names, ids))
        _code_cache["all"] = cached
    return cached[1]


def cached_code_items(table: str) -> list[CodeItem]:
    """The active items of a code table, for dropdowns on pages read often."""
    return _all_codes()[0].get(table, [])


def code_names() -> dict[int, str]:
    """Code item id → name, to label list rows without joining the code tables."""
    return _all_codes()[1]


def code_id(table: str, code: str) -> int | None:
    return _all_codes()[2].get((table, code))


def workday_calendar() -> WorkdayCalendar:
    """chinese-calendar plus the administrator's holiday table."""
    return WorkdayCalendar(
        overrides=[
            HolidayOverride(day=d, is_workday=w)
            for d, w in Holiday.objects.values_list("day", "is_workday")
        ],
        admin_years=HolidayYear.objects.values_list("year", flat=True),
    )
