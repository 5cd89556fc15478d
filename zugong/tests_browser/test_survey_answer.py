"""A citizen answers a 评绩 survey on a phone, then tries again from the same browser and is
refused; the answers count once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from zugong.surveys.models import OptionTally, Participation, QuestionKind
from zugong.surveys.tests.support import make_survey

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "survey_answer.png"
FORM_SCREENSHOT = SCREENSHOT.with_name("survey_form.png")


@pytest.fixture
def phone(browser):  # noqa: ANN001, ANN201 - a playwright Browser → BrowserContext
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield context
    context.close()


def test_a_citizen_answers_once_on_a_phone(live_server, phone, tree):
    survey = make_survey(tree.branch_a1, title="东村党支部服务满意度评议")
    base = live_server.url
    page = phone.new_page()
    page.set_default_timeout(15_000)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base}/portal/surveys/")
    page.get_by_role("link", name="东村党支部服务满意度评议").click()
    page.wait_for_url(f"{base}/portal/surveys/{survey.pk}/")
    # A second tab of the same browser opens the form before the first one is sent.
    second = phone.new_page()
    second.goto(f"{base}/portal/surveys/{survey.pk}/")

    # Submitting without the required rating names the question.
    page.get_by_test_id("survey-submit").click()
    errors = page.get_by_test_id("survey-errors")
    assert "第1题“总体满意度”：此题为必答题" in errors.inner_text()

    page.get_by_label("4分 满意").check()
    page.get_by_label("是", exact=True).check()
    page.get_by_label("办事效率").check()
    page.get_by_label("政策宣传").check()
    page.locator("textarea").fill("希望延长周末办理时间")
    page.screenshot(path=str(FORM_SCREENSHOT), full_page=True)
    page.get_by_test_id("survey-submit").click()
    assert "提交成功" in page.get_by_test_id("survey-thanks").inner_text()

    # Again from the same browser: the page refuses, and so does the older tab's form.
    page.goto(f"{base}/portal/surveys/{survey.pk}/")
    refused = page.get_by_test_id("survey-refused")
    assert "每台设备只能提交一次" in refused.inner_text()
    assert page.get_by_test_id("survey-form").count() == 0
    second.get_by_label("1分 很不满意").check()
    second.get_by_label("否", exact=True).check()
    second.get_by_test_id("survey-submit").click()
    assert "每台设备只能提交一次" in second.get_by_test_id("survey-refused").inner_text()

    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # The browser holds the device cookie, scoped and out of reach of scripts, and no session.
    cookies = {c["name"]: c for c in phone.cookies()}
    assert "sessionid" not in cookies
    device = cookies["zg_survey_device"]
    assert (device["path"], device["httpOnly"], device["sameSite"]) == (
        "/portal/surveys/",
        True,
        "Lax",
    )

    assert Participation.objects.filter(survey=survey).count() == 1
    rating = survey.questions.get(kind=QuestionKind.RATING)
    counts = dict(OptionTally.objects.filter(question=rating).values_list("index", "count"))
    assert counts == {0: 0, 1: 0, 2: 0, 3: 1, 4: 0}
