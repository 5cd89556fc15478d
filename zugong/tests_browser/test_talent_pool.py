"""The 人才办 works the pool through the pages: finds a talent by pinyin initials, is refused a
grant whose tier condition the talent does not meet (the message names the condition), grants an
item the talent qualifies for from the matching page, and sees 人才底数 drawn with ECharts."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.accounts.models import Role
from zugong.talents.models import Grant
from zugong.talents.tests import support

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


def test_talent_office_matches_and_grants(live_server, page, users, tree) -> None:
    base = live_server.url
    policy = support.policy(tree.county, "县高层次人才若干措施")
    settle = support.item(policy, "安家补贴（A类）", {"categories": ["high_level"], "tiers": ["A"]})
    medical = support.item(
        policy, "医疗绿色通道", {"categories": ["high_level"]}, kind="service", amount=0
    )
    talent = support.talent(tree.branch_a1, "欧阳博士", tier="B", arrived_on=date(2024, 3, 1))
    support.talent(tree.town_b, "李农", category="rural_practical", tier="")

    _login(page, base, users[Role.TALENT_OFFICE].username)
    page.goto(f"{base}/talents/?q=oybs")
    rows = page.get_by_test_id("talent-row")
    assert rows.count() == 1 and "欧阳博士" in rows.first.inner_text()

    # A grant the tier does not allow is refused, naming the condition; nothing is written.
    page.goto(f"{base}/talents/{talent.pk}/grants/new/?item={settle.pk}")
    with page.expect_navigation():
        page.get_by_test_id("talent-form").get_by_role("button", name="保存").click()
    assert "不符合享受条件“人才层次”" in page.locator("ul.errorlist[data-field=item]").inner_text()
    assert not Grant.objects.exists()

    # The matching page offers the item the talent qualifies for; granting it from there.
    page.goto(f"{base}/talents/matching/")
    assert page.get_by_test_id("eligible-count").inner_text() == "1"
    with page.expect_navigation():
        page.get_by_test_id("matching-eligible").get_by_role(
            "link", name="兑现", exact=True
        ).click()
    with page.expect_navigation():
        page.get_by_test_id("talent-form").get_by_role("button", name="保存").click()
    assert "享受中" in page.get_by_test_id("talent-grants").inner_text()
    assert Grant.objects.get().item == medical

    page.goto(f"{base}/talents/statistics/")
    page.wait_for_selector("#chart-category canvas")
    assert "2" in page.get_by_test_id("stats-total").inner_text()
