"""A township administrator's day in a real browser: log in, browse the tree, find, open, stay in scope.

城关镇's administrator (role committee_admin anchored at 城关镇党委) logs in through the form,
expands a node of the organization tree (htmx), finds members by pinyin initials in the top
search box, opens a record, and is shown the 404 page for 东关街道's member and organization.
"""

from __future__ import annotations

import re
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
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "township_admin.png"
NOT_FOUND_TEXT = re.compile(r"Not Found|404|不存在|找不到|未找到")


@pytest.fixture
def people(tree) -> dict[str, Member]:  # noqa: ANN001 - the Tree fixture
    return {
        "ouyang": make_member(tree.branch_a1, "欧阳明月", male=False, phone="13800001111"),
        "shan": make_member(tree.branch_a2a, "单伟"),
        "zhang": make_member(tree.branch_a1, "张三"),
        # Same initials as 欧阳明月 ("oymy") but in the other township: must never show up.
        "elsewhere": make_member(tree.branch_b1, "欧阳明远"),
    }


def _text(page) -> str:  # noqa: ANN001 - a playwright Page
    return page.inner_text("body")


def test_township_admin_browses_searches_and_stays_in_scope(
    live_server, page, tree, users, people
) -> None:
    base = live_server.url
    admin = users["committee_admin"]

    # --- log in through the form (an anonymous visitor is sent to it) -------------------------
    response = page.goto(f"{base}/")
    assert response is not None and response.status == 200
    assert "/accounts/login/" in page.url
    assert "县委组织部组织工作平台" in _text(page)
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    scope = page.get_by_test_id("scope")
    assert "城关镇党委" in scope.inner_text()
    assert admin.display_name in _text(page)

    # --- the organization tree: expand 城关镇机关党总支 through its htmx button ------------------
    page.locator("#zg-nav").get_by_role(
        "link", name=re.compile(r"党组织$")
    ).click()  # after its icon
    page.wait_for_url(f"{base}/orgs/")
    org_tree = page.get_by_test_id("org-tree")
    assert "城关镇党委" in org_tree.inner_text()
    assert "3 名党员" in org_tree.inner_text()  # 城关镇's roll-up
    assert "东关街道" not in org_tree.inner_text()
    branch_node = page.locator(f'li.zg-node[data-org="{tree.branch_a2a.pk}"]')
    assert branch_node.count() == 0  # not loaded before the node is expanded

    page.get_by_role("button", name=f"展开{tree.general_a2.name}").click()
    branch_node.wait_for(state="visible")
    assert tree.branch_a2a.name in branch_node.inner_text()
    assert "1 名党员" in branch_node.inner_text()
    assert page.get_by_role("button", name=f"展开{tree.general_a2.name}").is_disabled()

    # --- find 欧阳明月 by pinyin initials in the top search box ------------------------------------
    search = page.get_by_role("searchbox", name="搜索党员")
    search.fill("oymy")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/members/\?q=oymy"))
    results = page.get_by_test_id("member-list")
    assert "欧阳明月" in results.inner_text()
    assert "欧阳明远" not in results.inner_text()  # same initials, other township
    assert "张三" not in results.inner_text()
    assert people["ouyang"].id_number not in results.inner_text()  # masked in the list

    # 单 as a surname reads shan: initials "sw", not "dw".
    search = page.get_by_role("searchbox", name="搜索党员")
    search.fill("sw")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/members/\?q=sw"))
    assert "单伟" in page.get_by_test_id("member-list").inner_text()
    search = page.get_by_role("searchbox", name="搜索党员")
    search.fill("dw")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/members/\?q=dw"))
    assert "单伟" not in page.get_by_test_id("member-list").inner_text()
    assert "没有符合条件的党员" in page.get_by_test_id("member-list").inner_text()

    # --- open the record: name and organization are shown ----------------------------------
    page.goto(f"{base}/members/?q=oymy")
    page.get_by_test_id("member-list").get_by_role("link", name="欧阳明月").click()
    page.wait_for_url(f"{base}/members/{people['ouyang'].pk}/")
    assert page.get_by_test_id("member-name").inner_text() == "欧阳明月"
    info = page.get_by_test_id("member-info").inner_text()
    assert tree.branch_a1.name in info
    assert "女" in info
    assert page.title().startswith("欧阳明月")

    # --- another township's member and organization by URL: the 404 page ------------------------
    elsewhere = people["elsewhere"]
    response = page.goto(f"{base}/members/{elsewhere.pk}/")
    assert response is not None and response.status == 404
    body = _text(page)
    assert NOT_FOUND_TEXT.search(body), body
    assert "欧阳明远" not in body
    assert elsewhere.id_number not in body

    response = page.goto(f"{base}/orgs/{tree.town_b.pk}/")
    assert response is not None and response.status == 404
    body = _text(page)
    assert NOT_FOUND_TEXT.search(body), body
    assert "东关街道" not in body

    response = page.goto(f"{base}/orgs/{tree.town_b.pk}/children/")
    assert response is not None and response.status == 404
    assert "东关街道北社区党支部" not in _text(page)

    # --- back on the record page for the screenshot a person can look at ------------------------
    response = page.goto(f"{base}/members/{people['ouyang'].pk}/")
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 0
