"""A township scores a branch and sees its star, through the pages.

The 党（工）委管理员 of 城关镇 opens the 标准化 overview, its township's branch list and a
branch's score sheet, enters the manual items (one above its range first: refused with the
item and its range named), saves, and sees the total and the star; the automatic items show the
figures they were computed from. The township list then shows the branch with its star.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from zugong.accounts.models import Role
from zugong.orgs.standardization.models import AnnualScore
from zugong.orgs.tests.matrix_standardization import general_template

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


def _general_items():  # noqa: ANN202
    """The manual items of the seeded general checklist (seeded again after a flush)."""
    return [i for i in general_template().items.order_by("sort_order") if not i.is_auto]


def test_a_township_scores_a_branch_and_sees_its_star(live_server, page, users, tree) -> None:
    base = live_server.url
    year = timezone.localdate().year
    manual = _general_items()

    _login(page, base, users[Role.COMMITTEE_ADMIN].username)
    page.goto(f"{base}/standards/")
    page.get_by_test_id("overview").get_by_role("link", name="城关镇党委").click()
    page.get_by_test_id("branches").get_by_role("link", name="城关镇东村党支部").click()
    assert "尚未评分" in page.get_by_test_id("score-summary").inner_text()
    sheet = page.get_by_test_id("score-sheet")
    assert "组织生活检查" in sheet.inner_text()  # the automatic items show their source

    for item in manual:
        page.fill(f"input[name='item_{item.pk}']", str(item.max_points))
    e1 = next(i for i in manual if i.code == "E1")
    page.fill(f"input[name='item_{e1.pk}']", "9")
    with page.expect_navigation():
        page.get_by_test_id("save-score").click()
    errors = page.get_by_test_id("score-errors").inner_text()
    assert "E1 活动阵地" in errors and "0至7分" in errors
    assert not AnnualScore.objects.exists()

    page.fill(f"input[name='item_{e1.pk}']", "6")
    page.fill(f"input[name='note_{e1.pk}']", "入党誓词未上墙")
    with page.expect_navigation():
        page.get_by_test_id("save-score").click()
    score = AnnualScore.objects.get(org=tree.branch_a1, year=year)
    assert page.get_by_test_id("score-total").inner_text() == str(score.total)
    assert page.get_by_test_id("score-stars-text").inner_text() == f"{score.stars}星"
    assert page.get_by_test_id("score-stars").inner_text() == "★" * score.stars + "☆" * (
        5 - score.stars
    )
    # The sheet stays editable for the committee, with the saved points and notes filled in.
    assert page.input_value(f"input[name='item_{e1.pk}']") == "6"
    assert page.input_value(f"input[name='note_{e1.pk}']") == "入党誓词未上墙"

    page.goto(f"{base}/standards/township/{tree.town_a.pk}/?year={year}")
    row = page.get_by_test_id("branches").get_by_role("row", name="城关镇东村党支部")
    assert str(score.total) in row.inner_text() and "已评分" in row.inner_text()
    # The distribution chart is drawn (zugong/charts.js) beside its table.
    page.wait_for_selector("#chart-stars canvas")
