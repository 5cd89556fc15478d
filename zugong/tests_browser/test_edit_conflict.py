"""Two people edit the same member in two browsers: the second save gets the conflict page.

城关镇's administrator and the department's administrator both open 赵六's edit form. The
township saves first; the department's save, from the form opened before, is refused with both
versions side by side and the township's name, and nothing of it is saved. Reopening the form
shows the saved values, and a save from there goes through.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from zugong.conftest import make_member
from zugong.members.models import Member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "edit_conflict.png"


def _log_in(browser, base: str, user) -> object:  # noqa: ANN001 - playwright Browser, a User
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    return page


def test_second_of_two_conflicting_saves_sees_both_versions(live_server, browser, tree, users):  # noqa: ANN001
    base = live_server.url
    member = make_member(tree.branch_a1, "赵六", address="老地址")
    edit = f"{base}/members/{member.pk}/edit/"
    township, department = users["committee_admin"], users["department_admin"]
    first = _log_in(browser, base, township)
    second = _log_in(browser, base, department)
    try:
        first.goto(edit)
        second.goto(edit)
        first.fill("#id_address", "东村1号")
        second.fill("#id_address", "西村2号")

        first.get_by_role("button", name="保存", exact=True).click()
        first.wait_for_url(f"{base}/members/{member.pk}/")
        assert "东村1号" in first.inner_text("body")

        second.get_by_role("button", name="保存", exact=True).click()
        conflict = second.get_by_test_id("edit-conflict")
        conflict.wait_for(state="visible")
        message = conflict.inner_text()
        assert "保存冲突" in message and township.display_name in message
        assert "您的修改没有保存" in message
        row = second.locator('tr[data-field="address"]')
        assert "不同" in row.inner_text()
        assert "西村2号" in row.inner_text() and "东村1号" in row.inner_text()
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        second.screenshot(path=str(SCREENSHOT), full_page=True)
        assert Member.objects.get(pk=member.pk).address == "东村1号"

        second.get_by_test_id("reopen").click()
        second.wait_for_url(edit)
        assert second.input_value("#id_address") == "东村1号"
        second.fill("#id_address", "西村2号")
        second.get_by_role("button", name="保存", exact=True).click()
        second.wait_for_url(f"{base}/members/{member.pk}/")
        assert Member.objects.get(pk=member.pk).address == "西村2号"
    finally:
        first.context.close()
        second.context.close()
