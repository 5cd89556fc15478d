"""A citizen files a 举报 on a phone (390×844) and later reads the reply with the code.

The citizen opens /portal/, reads the privacy notice, files a 任前公示 objection with a photo (the
browser solves the proof of work with pow.js), must tick "我已记下查询码" before leaving the code
page, and after a staff reply looks the case up with the code and reads it. No CSP violation may
appear in the browser console (the portal allows no inline script or style).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from zugong.supervision.crypto import seal
from zugong.supervision.models import MessageVisibility, Report, ReportMessage, ReportState
from zugong.supervision.tests.test_portal_support import (
    _fresh_cache,  # noqa: F401 - autouse: throttle counts left by other tests would block lookups
    active_notice,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "portal_report.png"
TEXT = "该同志在原单位任职期间，多次在工作日饮酒，群众反映较大。"
REPLY = "您反映的问题已核查，情况属实，已作出处理。感谢您的监督。"


def _photo() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMakerSecret"
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def phone(browser):  # noqa: ANN001, ANN201 - a playwright Browser → Page
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_citizen_files_a_report_on_a_phone_and_reads_the_reply(
    live_server, phone, unit_tree, users
):
    page = phone
    base = live_server.url
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    notice = active_notice(unit_tree.town_a, name="孙公示")

    page.goto(f"{base}/portal/")
    assert "不记录您的网络地址" in page.get_by_test_id("privacy-notice").inner_text()
    assert "孙公示" in page.content()
    page.get_by_test_id("report-link").click()
    page.wait_for_url(f"{base}/portal/report/")

    # The chooser of 公示 appears only for its channel (portal.js).
    assert page.locator("#id_notice").is_hidden()
    page.get_by_label("干部选拔任用和任前公示异议").check()
    assert page.locator("#id_notice").is_visible()
    assert page.locator("#id_org").is_hidden()
    page.select_option("#id_notice", str(notice.pk))
    page.fill("#id_text", TEXT)
    page.set_input_files(
        "#id_files", files=[{"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.get_by_role("button", name="提交").click()

    code_box = page.get_by_test_id("receipt-code")
    code_box.wait_for()
    code = code_box.inner_text().strip()
    assert len(code) == 19 and code.count("-") == 3
    assert "/portal/report/" in page.url and code.replace("-", "") not in page.url
    report = Report.objects.get()
    assert report.subject_notice_id == notice.pk and report.files.count() == 1
    assert report.state == ReportState.RECEIVED

    # Leaving needs the confirmation first: the required box stops the form.
    page.get_by_role("button", name="完成").click()
    assert code_box.is_visible()
    page.get_by_label("我已记下查询码").check()
    page.get_by_role("button", name="完成").click()
    page.wait_for_url(f"{base}/portal/?*")
    assert "有反映，核查中" in page.content()

    # The 干部监督科 replies (as the staff side stores it).
    ReportMessage.objects.create(
        report=report,
        author=users["supervision_officer"],
        visibility=MessageVisibility.PUBLIC,
        text_sealed=seal(REPLY),
        created_on=report.received_on,
    )
    Report.objects.filter(pk=report.pk).update(state=ReportState.ANSWERED)

    page.goto(f"{base}/portal/status/")
    page.fill("#id_code", code)
    page.get_by_role("button", name="查询").click()
    page.get_by_test_id("report-message").first.wait_for()
    assert page.get_by_test_id("report-state").inner_text() == "已反馈"
    assert REPLY in page.get_by_test_id("report-message").first.inner_text()

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
