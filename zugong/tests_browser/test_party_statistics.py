"""The 组织部 asks for last year's 党内统计 年报 through the pages: a year still running is refused
with the reason, the report runs as a task, its tables and consistency check are shown, and the
.xlsx comes down in the tables' layout."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import code, valid_id
from zugong.members.models import Member, MemberType
from zugong.members.services import create_member
from zugong.stats.models import OrgPeriod, StatsRun

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password


def _member(org, name: str, on: date, serial: int) -> Member:  # noqa: ANN001
    birth = date(1980, 1, serial)
    return create_member(
        actor=None,
        member=Member(
            name=name,
            gender=code("gender", "2" if serial % 2 else "1"),
            id_number=valid_id(birth, serial % 2 == 0),
            birth_date=birth,
            member_type=MemberType.FULL,
            joined_on=date(2001, 7, 1),
            confirmed_on=date(2002, 7, 1),
            org=org,
        ),
        on=on,
    )


def test_department_runs_and_exports_the_annual_report(live_server, page, users, tree) -> None:
    base = live_server.url
    last_year = timezone.localdate().year - 1
    OrgPeriod.objects.update(valid_from=date(last_year - 2, 1, 1))
    _member(tree.branch_a1, "甲", date(last_year - 1, 3, 1), 1)
    _member(tree.branch_b1, "乙", date(last_year, 5, 1), 2)
    _member(tree.branch_a2a, "丙", date(last_year, 6, 1), 3)

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", users[Role.DEPARTMENT_ADMIN].username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="党内统计年报").click()

    form = page.get_by_test_id("stats-request")
    form.locator("input[name=year]").fill(str(last_year + 1))
    with page.expect_navigation():
        form.get_by_role("button", name="开始统计").click()
    assert "晚于今天" in page.get_by_test_id("year-error").inner_text()
    assert not StatsRun.objects.exists()

    form.locator("input[name=year]").fill(str(last_year))
    with page.expect_navigation():
        form.get_by_role("button", name="开始统计").click()
    page.get_by_test_id("checks").wait_for()
    assert "全部相符" in page.get_by_test_id("checks").inner_text()
    t1 = page.get_by_test_id("table-t1")
    total = t1.get_by_test_id("row").first
    assert total.locator("[data-col=start]").inner_text() == "1"
    assert total.locator("[data-col=end]").inner_text() == "3"

    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    with open(download.value.path(), "rb") as downloaded:
        workbook = load_workbook(downloaded)
    assert "第二表" in workbook.sheetnames
    assert workbook["第二表"]["B6"].value == 3
