"""A 县内转接 through its approvals in a real browser, each side logged in as itself.

东村党支部's secretary (branch_admin) applies from the member's 组织关系转接记录 page to move 孙转接
to 城关镇机关第一党支部 and agrees at the branch level; 城关镇党委's administrator (committee_admin)
and the 组织部 (department_admin) find it in their 待办 queue and approve; the 组织部 issues the
介绍信; 城关镇党委, which holds the receiving branch, receives the member; the member's page then
shows the new branch. Every account is in its own browser context (its own cookies).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from zugong.conftest import make_member
from zugong.transfers.models import CaseStatus, Level, Transfer, TransferKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "transfer_walkthrough.png"
MEMBER = "孙转接"


@pytest.fixture
def login(browser, live_server):  # noqa: ANN001, ANN201 - playwright Browser → a page factory
    contexts = []

    def _login(user):  # noqa: ANN001, ANN202 - a User → a logged-in Page
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _login
    for context in contexts:
        context.close()


def _act(page, action: str, label: str) -> None:  # noqa: ANN001 - a playwright Page
    """Open one action of the 可办理的操作 card and submit it with its defaults."""
    block = page.get_by_test_id("actions").locator(f'details[data-action="{action}"]')
    block.locator("summary").click()
    with page.expect_navigation():
        block.get_by_role("button", name=label).click()
    assert f"已{label}" in page.inner_text("main"), page.inner_text("main")


def _open_from_queue(page, base: str, transfer: Transfer) -> None:  # noqa: ANN001 - a Page
    """An approver finds the transfer in the 待办 tab of the queue and opens it."""
    page.goto(f"{base}/transfers/")
    queue = page.get_by_test_id("transfer-list")
    queue.get_by_role("link", name=MEMBER).click()
    page.wait_for_url(f"{base}/transfers/{transfer.pk}/")


def test_transfer_within_the_county_through_its_approvals(live_server, login, tree, users) -> None:
    base = live_server.url
    member = make_member(tree.branch_a1, MEMBER)
    target = tree.branch_a2a  # inside 城关镇: the committee admin can receive there

    # --- the branch secretary applies from the member's history page ------------------------
    secretary = login(users["branch_admin"])
    secretary.goto(f"{base}/members/{member.pk}/")
    secretary.locator(".nav-tabs").get_by_role("link", name="相关记录").click()
    secretary.wait_for_url(re.compile(r"\?tab=records$"))
    secretary.get_by_role("link", name=re.compile("组织关系转接记录")).click()
    secretary.wait_for_url(f"{base}/transfers/members/{member.pk}/")
    secretary.get_by_role("link", name="县内转接").click()
    secretary.wait_for_url(f"{base}/transfers/members/{member.pk}/within/")
    form = secretary.get_by_test_id("transfer-form")
    form.locator("#id_to_org").select_option(str(target.pk))
    form.locator("#id_reason").fill("工作调动至镇机关")
    with secretary.expect_navigation():
        form.get_by_role("button", name="提交").click()
    assert re.search(r"/transfers/\d+/$", secretary.url), secretary.inner_text("main")
    transfer = Transfer.objects.get(member=member)
    assert transfer.kind == TransferKind.WITHIN and transfer.to_org_id == target.pk
    assert transfer.chain == [Level.BRANCH, Level.COMMITTEE, Level.DEPARTMENT]
    assert secretary.get_by_test_id("transfer-status").inner_text() == "审批中"
    assert f"{tree.branch_a1.name} → {target.name}" in secretary.inner_text("main")

    # The chain starts at the branch (支部 → 党（工）委 → 组织部): the secretary agrees first.
    _act(secretary, "approve", "审核通过")
    assert "待党（工）委审核" in secretary.inner_text("main")

    # --- the township, then the 组织部, approve from their queues ---------------------------
    committee = login(users["committee_admin"])
    _open_from_queue(committee, base, transfer)
    _act(committee, "approve", "审核通过")

    department = login(users["department_admin"])
    _open_from_queue(department, base, transfer)
    _act(department, "approve", "审核通过")
    transfer.refresh_from_db()
    assert transfer.status == CaseStatus.APPROVED
    assert department.get_by_test_id("transfer-status").inner_text() == "已审批待开介绍信"

    # --- the 介绍信 is issued (numbered by its issuer, valid 3 months by default) ---------------
    _act(department, "issue_letter", "开具介绍信")
    transfer.refresh_from_db()
    assert transfer.status == CaseStatus.AWAITING_RECEIPT
    assert transfer.letter_number
    info = department.get_by_test_id("transfer-info").inner_text()
    assert f"第{transfer.letter_number}号" in info
    assert department.get_by_role("link", name=re.compile("下载介绍信")).is_visible()

    # --- the receiving side (城关镇党委 holds 机关第一党支部) receives the member -------------------
    committee.goto(f"{base}/transfers/{transfer.pk}/")
    _act(committee, "receive", "接收党员")
    transfer.refresh_from_db()
    assert transfer.status == CaseStatus.COMPLETED
    assert transfer.completed_on is not None
    assert committee.get_by_test_id("transfer-status").inner_text() == "已办结"

    # --- the member's page shows the new branch ---------------------------------------------
    committee.get_by_test_id("transfer-info").get_by_role("link", name=MEMBER).click()
    committee.wait_for_url(f"{base}/members/{member.pk}/")
    info = committee.get_by_test_id("member-info").inner_text()
    assert target.name in info
    assert tree.branch_a1.name not in info
    member.refresh_from_db()
    assert member.org_id == target.pk

    # The old branch's secretary no longer sees the member (out of scope is a 404) …
    response = secretary.goto(f"{base}/members/{member.pk}/")
    assert response is not None and response.status == 404
    # … and the history page lists the completed transfer with its letter number.
    committee.goto(f"{base}/transfers/members/{member.pk}/")
    row = committee.get_by_test_id("member-transfers").inner_text()
    assert transfer.letter_number in row and target.name in row

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    committee.screenshot(path=str(SCREENSHOT), full_page=True)
