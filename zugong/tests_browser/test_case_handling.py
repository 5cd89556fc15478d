"""A 举报 case from 受理 to 办结 through the /supervision/ pages.

The 干部监督科 account (role supervision_officer) 受理s a report waiting in the queue and 分办s it
to a handler (the assign page offers only handlers not excluded by 回避); the handler logs in,
records a 核查 note, writes the 反馈 the reporter reads with the code, and 办结s the case with a
result. The case page then shows the whole timeline and the access history.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from zugong.supervision.models import ReportState
from zugong.supervision.tests.test_case_support import TEXT, make_cadre, make_handler, make_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "case_handling.png"


def _login(page, base: str, username: str) -> None:  # noqa: ANN001 - a playwright Page
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _submit(page, testid: str) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.get_by_test_id(testid).get_by_role("button", name="保存").click()


def test_officer_routes_and_handler_closes_a_case(live_server, page, users, unit_tree) -> None:
    base = live_server.url
    subject = make_cadre(unit_tree.town_a, "被反映人")
    colleague = make_handler("tongshi", make_cadre(unit_tree.town_a, "同单位干部"))
    handler = make_handler("chengban", make_cadre(unit_tree.town_b, "承办干部"))
    report = make_report(cadre=subject)
    case_url = f"{base}/supervision/cases/{report.pk}/"

    # --- the 干部监督科: 受理 and 分办 --------------------------------------------------------------
    _login(page, base, users["supervision_officer"].username)
    page.goto(f"{base}/supervision/cases/")
    page.get_by_role("link", name=report.number).click()
    page.wait_for_url(case_url)
    assert TEXT in page.get_by_test_id("report-text").inner_text()
    page.get_by_test_id("case-actions").get_by_role("link", name="受理", exact=True).click()
    page.get_by_test_id("action-accept").locator("#id_note").fill("符合受理条件，予以受理")
    _submit(page, "action-accept")
    assert page.url == case_url, page.inner_text("main")
    assert "已受理" in page.get_by_test_id("case-state").inner_text()
    page.get_by_test_id("case-actions").get_by_role("link", name="分办").click()
    candidates = page.get_by_test_id("candidates").inner_text()
    assert "回避" in candidates and colleague.username in candidates
    form = page.get_by_test_id("action-assign")
    assert form.locator(f'input[name="handlers"][value="{colleague.pk}"]').count() == 0
    form.locator(f'input[name="handlers"][value="{handler.pk}"]').check()
    _submit(page, "action-assign")
    # Once assigned, the case is the handler's: the 干部监督科 sees it in the queue only.
    assert page.url == f"{base}/supervision/cases/", page.inner_text("main")
    row = page.get_by_test_id("case-row").filter(has_text=report.number)
    assert "核查中" in row.inner_text() and "chengban" in row.inner_text()
    assert page.goto(case_url).status == 404

    # --- the handler: 核查, 反馈, 办结 -------------------------------------------------------------
    _login(page, base, handler.username)
    page.goto(f"{base}/supervision/cases/")
    page.get_by_role("link", name=report.number).click()
    page.get_by_test_id("case-actions").get_by_role("link", name="核查记录").click()
    page.get_by_test_id("action-note").locator("#id_text").fill("调阅了相关材料，约谈知情人两名")
    _submit(page, "action-note")
    page.get_by_test_id("case-actions").get_by_role("link", name="反馈").click()
    page.get_by_test_id("action-answer").locator("#id_text").fill(
        "经核查，您反映的问题部分属实，已责令整改。"
    )
    _submit(page, "action-answer")
    assert "已反馈" in page.get_by_test_id("case-state").inner_text()
    page.get_by_test_id("case-actions").get_by_role("link", name="办结").click()
    form = page.get_by_test_id("action-close")
    form.locator("#id_result").select_option("partly_true")
    form.locator("#id_note").fill("已责令整改并在一定范围内通报")
    _submit(page, "action-close")
    assert page.url == case_url, page.inner_text("main")
    assert "已办结" in page.get_by_test_id("case-state").inner_text()
    events = page.get_by_test_id("case-events").inner_text()
    for step in ("受理", "分办", "核查记录", "反馈", "办结"):
        assert step in events
    assert "查看" in page.get_by_test_id("case-accesses").inner_text()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    report.refresh_from_db()
    assert report.state == ReportState.CLOSED and report.result == "partly_true"
    assert report.messages.filter(visibility="public").count() == 1
