"""A leader opens the 驾驶舱: the charts are drawn beside their tables, a township's name opens
its own cockpit, a number opens the member list behind it, one panel downloads as .xlsx; a
cadre officer sees the cadre section of their units and nothing of the party side."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import make_member
from zugong.stats import structure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password


def _login(page, base: str, username: str) -> None:  # noqa: ANN001 - the Playwright page
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_leader_reads_drills_down_and_exports(live_server, page, users, tree) -> None:  # noqa: ANN001
    make_member(tree.branch_a1, "甲", birth=date(1995, 3, 1))
    make_member(tree.branch_a1, "乙", male=False, birth=date(1962, 1, 1))
    make_member(tree.branch_b1, "丙", birth=date(1988, 8, 8))
    structure.rebuild()
    base = live_server.url
    _login(page, base, users[Role.LEADER].username)
    page.get_by_role("link", name="驾驶舱").click()
    page.get_by_test_id("cockpit-section-members").wait_for()
    # ECharts draws into a canvas inside each chart's element.
    page.locator("#chart-age canvas").first.wait_for()
    assert page.locator(".zg-chart canvas").count() >= 8
    gender = page.get_by_test_id("cockpit-table-gender")
    assert "合计" in gender.inner_text() and "3" in gender.inner_text()

    with page.expect_download() as download:
        page.get_by_test_id("cockpit-export-gender").click()
    with open(download.value.path(), "rb") as downloaded:
        rows = list(load_workbook(downloaded).active.iter_rows(min_row=2, values_only=True))
    assert {r[2]: r[3] for r in rows} == {"男": 2, "女": 1}

    with page.expect_navigation():
        page.get_by_test_id("cockpit-table-children").get_by_role(
            "link", name=tree.town_a.name
        ).click()
    assert f"驾驶舱 · {tree.town_a.name}" in page.locator("h1").inner_text()
    age = page.get_by_test_id("cockpit-table-age")
    with page.expect_navigation():
        age.get_by_role("row", name="61岁及以上").get_by_role("link").click()
    assert "/members/" in page.url
    assert "乙" in page.locator("main").inner_text()
    assert "甲" not in page.locator("main").inner_text()


def test_cadre_officer_sees_the_cadre_section_only(
    live_server, page, users, tree, unit_tree
) -> None:  # noqa: ANN001
    structure.rebuild()
    base = live_server.url
    _login(page, base, users[Role.CADRE_OFFICER].username)
    page.goto(f"{base}/cockpit/")
    page.get_by_test_id("cockpit-section-cadres").wait_for()
    assert page.get_by_test_id("cockpit-section-members").count() == 0
    assert page.get_by_test_id("headline").count() == 0
    with page.expect_navigation():
        page.get_by_test_id("cockpit-table-units").get_by_role(
            "link", name=unit_tree.town_a.name
        ).click()
    assert unit_tree.town_a.name in page.locator("h1").inner_text()
