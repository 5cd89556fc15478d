"""示范创建 through the pages: a township nominates a village, the 组织部 is refused a skipped
stage, scores it, accepts and names it; the named list and the progress chart show it."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from zugong.accounts.models import Role
from zugong.campaigns.models import CampaignKind, Candidate, Stage
from zugong.campaigns.tests.support import make_campaign

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password


@pytest.fixture(autouse=True)
def _kinds(_seeded_reference_data) -> None:  # noqa: ANN001, PT004
    if not CampaignKind.objects.exists():
        import_module("zugong.campaigns.migrations.0002_seed_kinds").seed(apps, None)


def _login(page, base: str, username: str) -> None:  # noqa: ANN001 - a playwright Page
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _submit(page) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.get_by_test_id("campaign-form").get_by_role("button", name="保存").click()


def test_a_village_from_nomination_to_naming(live_server, page, users, tree) -> None:
    base = live_server.url
    campaign = make_campaign(tree.county, users[Role.DEPARTMENT_ADMIN], "village", target=1)

    # The township nominates one of its villages.
    _login(page, base, users[Role.COMMITTEE_ADMIN].username)
    page.goto(f"{base}/campaigns/{campaign.pk}/candidates/new/")
    page.select_option("#id_org", str(tree.branch_a1.pk))
    page.fill("#id_declared_on", "2026-03-01")
    _submit(page)
    assert page.get_by_test_id("candidate-stage").inner_text() == "申报"
    candidate = Candidate.objects.get()

    # The 组织部 tries to skip 培育 and is told the rule; then goes step by step.
    _login(page, base, users[Role.DEPARTMENT_ADMIN].username)
    page.goto(f"{base}/campaigns/candidates/{candidate.pk}/stage/")
    page.select_option("#id_to_stage", Stage.ACCEPTED)
    _submit(page)
    assert "不能跳过阶段" in page.locator("[data-field=to_stage]").inner_text()
    page.select_option("#id_to_stage", Stage.CULTIVATING)
    _submit(page)
    assert page.get_by_test_id("candidate-stage").inner_text() == "培育"

    page.goto(f"{base}/campaigns/candidates/{candidate.pk}/score/")
    first, second = campaign.criteria.all()
    page.fill(f"#id_c{first.pk}", "45")
    page.fill(f"#id_c{second.pk}", "50")
    _submit(page)
    assert "得分超出范围" in page.locator(f"[data-field=c{first.pk}]").inner_text()
    page.fill(f"#id_c{first.pk}", "38.5")
    _submit(page)
    assert page.get_by_test_id("total-score").inner_text().startswith("88.5")

    for stage, number in ((Stage.ACCEPTED, ""), (Stage.NAMED, "青组〔2026〕12号")):
        page.goto(f"{base}/campaigns/candidates/{candidate.pk}/stage/")
        page.select_option("#id_to_stage", stage)
        page.fill("#id_decision_number", number)
        _submit(page)
    assert page.get_by_test_id("candidate-stage").inner_text() == "命名"
    assert "青组〔2026〕12号" in page.get_by_test_id("decision").inner_text()

    page.goto(f"{base}/campaigns/named/")
    assert page.get_by_test_id("candidate-row").count() == 1
    page.goto(f"{base}/campaigns/progress/?year=2026")
    page.wait_for_selector("#chart-progress canvas")
    row = page.get_by_test_id("progress-row").first
    assert row.locator("[data-col=named]").inner_text() == "1"
