"""A 问题清单 item from the responsible unit's report to 销号, through the pages.

The tracker (整改责任单位, anchored at 城关镇) sets its township item to 100%, which rolls the
county item up, and asks for 销号; the 组织部 approves; the published list's public page (on a
phone-sized screen, without login) then shows the item as 已销号 with no source reference.
"""

from __future__ import annotations

from datetime import date

import pytest

from zugong.accounts.models import Role
from zugong.inquiries.models import Problem, ProblemState
from zugong.inquiries.tests.support import make_list, make_problem, make_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password


def _login(page, base: str, username: str) -> None:  # noqa: ANN001 - a playwright Page
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _submit(page) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.get_by_test_id("inquiry-form").get_by_role("button", name="保存").click()


def test_tracker_reports_progress_and_the_department_closes_the_item(
    live_server, page, users, tree
) -> None:
    base = live_server.url
    admin = users[Role.DEPARTMENT_ADMIN]
    report = make_report()
    problem_list = make_list(tree.county, admin, "村务公开问题清单", published=True)
    county_item = make_problem(
        problem_list,
        tree.county,
        "村务公开不及时",
        source_kind="report",
        source_reference=f"举报件 #{report.pk}",
    )
    town_item = make_problem(
        problem_list,
        tree.town_a,
        "城关镇村务公开整改",
        parent=county_item,
        weight=1,
        deadline=date(2030, 6, 30),
    )
    make_problem(problem_list, tree.town_b, "东关街道村务公开整改", parent=county_item, weight=1)

    _login(page, base, users[Role.PROBLEM_TRACKER].username)
    page.goto(f"{base}/inquiries/problems/")
    assert "东关街道村务公开整改" not in page.content()
    page.get_by_role("link", name="城关镇村务公开整改").click()
    page.get_by_role("link", name="更新整改进度").click()
    page.fill("#id_progress", "100")
    page.fill("#id_measures", "各村公开栏已更新")
    _submit(page)
    assert "100%" in page.get_by_test_id("problem-progress").inner_text()
    page.get_by_role("link", name="申请销号").click()
    page.fill("#id_reason", "已按统一目录整改")
    _submit(page)
    assert page.get_by_test_id("problem-state").inner_text() == "申请销号"
    county_item.refresh_from_db()
    assert county_item.progress == 50

    _login(page, base, admin.username)
    page.goto(f"{base}/inquiries/problems/{town_item.pk}/")
    page.get_by_test_id("decide").click()
    page.select_option("#id_decision", "approve")
    page.fill("#id_reason", "经抽查整改到位")
    _submit(page)
    assert page.get_by_test_id("problem-state").inner_text() == "已销号"
    assert Problem.objects.get(pk=town_item.pk).state == ProblemState.CLOSED

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/portal/progress/{problem_list.pk}/")
    text = page.get_by_test_id("public-problems").inner_text()
    assert "城关镇村务公开整改" in text and "已销号" in text
    assert "举报" not in page.content()
