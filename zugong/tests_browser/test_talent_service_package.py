"""The 人才办 grants a service package end to end, through the pages: registers a request for a
talent, assigns a service officer, 受理, 办理, 办结, records the talent's satisfaction, and finds
the request in the 已办结 queue."""

from __future__ import annotations

import pytest

from zugong.accounts.models import Role
from zugong.talents.models import ServiceRequest
from zugong.talents.tests.support_services import make_item, make_talent

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


def _save(page) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.get_by_test_id("talent-form").get_by_role("button", name="保存").click()


def test_the_talent_office_grants_a_service_package(live_server, page, users, tree) -> None:
    base = live_server.url
    office = users[Role.TALENT_OFFICE]
    talent = make_talent(tree.branch_a1, "林教授", employer="县人民医院")
    make_talent(tree.branch_b1, "周工", employer="县农科所")
    item = make_item(name="医疗绿色通道", amount="0", kind="service")

    _login(page, base, office.username)
    page.goto(f"{base}/talents/packages/")
    page.get_by_role("link", name="登记服务事项").click()
    page.select_option("#id_talent", str(talent.pk))
    page.select_option("#id_kind", "medical")
    page.select_option("#id_item", str(item.pk))
    page.fill("#id_content", "申请年度体检绿色通道")
    page.select_option("#id_source", "employer")
    _save(page)
    assert page.get_by_test_id("package-state").inner_text() == "待受理"
    assert "用人单位申请：县人民医院" in page.get_by_test_id("package-info").inner_text()

    page.get_by_role("link", name="指派服务专员").click()
    page.select_option("#id_assignee", str(office.pk))
    _save(page)
    assert page.get_by_test_id("package-assignee").inner_text() == office.display_name

    page.get_by_role("link", name="受理").click()
    _save(page)
    assert page.get_by_test_id("package-state").inner_text() == "已受理"

    page.get_by_role("link", name="开始办理").click()
    _save(page)
    assert page.get_by_test_id("package-state").inner_text() == "办理中"

    page.get_by_role("link", name="办结").click()
    page.fill("#id_result", "已安排县人民医院专家体检")
    _save(page)
    assert page.get_by_test_id("package-state").inner_text() == "已办结"

    page.get_by_role("link", name="满意度评价").click()
    page.select_option("#id_satisfaction", "5")
    page.fill("#id_feedback", "服务很及时")
    _save(page)
    assert "5 分：服务很及时" in page.get_by_test_id("package-satisfaction").inner_text()
    events = page.get_by_test_id("package-events").inner_text()
    for step in ("登记申请", "指派服务专员", "受理", "开始办理", "办结", "满意度评价"):
        assert step in events

    page.goto(f"{base}/talents/packages/")
    page.get_by_test_id("queues").get_by_role("link", name="已办结").click()
    listing = page.get_by_test_id("package-list").inner_text()
    assert "林教授" in listing and "周工" not in listing
    request = ServiceRequest.objects.get()
    assert request.number in listing
    assert (request.state, request.satisfaction, request.assignee_id) == ("done", 5, office.pk)
