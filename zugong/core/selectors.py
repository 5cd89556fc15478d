"""Reads shared by every app."""

from __future__ import annotations

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


def workday_calendar() -> WorkdayCalendar:
    """chinese-calendar plus the administrator's holiday table."""
    return WorkdayCalendar(
        overrides=[
            HolidayOverride(day=d, is_workday=w)
            for d, w in Holiday.objects.values_list("day", "is_workday")
        ],
        admin_years=HolidayYear.objects.values_list("year", flat=True),
    )
