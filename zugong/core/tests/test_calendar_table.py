"""The administrator's holiday table wins over chinese-calendar, and unknown years are shown."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from zugong.core.models import Holiday, HolidayYear
from zugong.core.selectors import workday_calendar

pytestmark = pytest.mark.django_db


def test_admin_entries_override_and_complete_a_year():
    calendar = workday_calendar()
    assert calendar.is_workday(date(2025, 10, 1)).value is False
    Holiday.objects.create(day=date(2025, 10, 1), is_workday=True, name="测试：改为上班")
    assert workday_calendar().is_workday(date(2025, 10, 1)).value is True

    result = workday_calendar().add_workdays(date(2030, 12, 28), 3)
    assert 2030 in result.unknown_years
    assert result.warning and "2030" in result.warning
    HolidayYear.objects.create(year=2030, source="测试")
    HolidayYear.objects.create(year=2031, source="测试")
    assert workday_calendar().add_workdays(date(2030, 12, 28), 3).warning is None


@freeze_time("2026-11-21")
def test_home_page_warns_about_next_year_until_it_is_entered(client, users):
    client.force_login(users["department_admin"])
    assert "2027年的法定节假日和调休安排尚未录入" in client.get("/").content.decode()
    HolidayYear.objects.create(year=2027, source="国务院办公厅通知")
    assert "2027年的法定节假日" not in client.get("/").content.decode()


def test_code_cache_follows_edits():
    from zugong.core.models import CodeItem, CodeTable
    from zugong.core.selectors import cached_code_items, code_id, code_names

    assert code_id("gender", "2") is not None
    table = CodeTable.objects.get(code="org_category")
    item = CodeItem.objects.create(table=table, code="99", name="本县新增类别")
    assert code_id("org_category", "99") == item.pk
    assert code_names()[item.pk] == "本县新增类别"
    item.is_active = False
    item.save()
    assert "99" not in {i.code for i in cached_code_items("org_category")}
