"""A branch secretary records a 支部党员大会 on a phone (390×844): attendance, a photo, the list.

东村党支部's secretary (role branch_admin) logs in, opens 登记会议, finds the branch already
chosen and its roster ticked present, marks one member on leave with a reason, adds a photo,
saves, and sees the meeting on the record page and in the ledger list.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from zugong.conftest import make_member
from zugong.life.models import AttendanceStatus, Meeting, MeetingFile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "branch_meeting_phone.png"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (190, 20, 20)).save(out, "JPEG")
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


def test_branch_secretary_records_a_general_meeting_on_a_phone(live_server, phone, tree, users):
    page = phone
    base = live_server.url
    names = ["赵一", "钱二", "孙三", "李四", "周五"]
    people = {name: make_member(tree.branch_a1, name) for name in names}
    secretary = users["branch_admin"]

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", secretary.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/life/meetings/")
    page.get_by_role("link", name=re.compile("登记会议")).click()
    page.wait_for_url(f"{base}/life/meetings/new/")
    # The secretary's own branch is chosen and its roster is there, everyone present.
    assert page.locator("#id_org").input_value() == str(tree.branch_a1.pk)
    roster = page.get_by_test_id("roster")
    for name in names:
        assert name in roster.inner_text()
    assert page.locator(f"#att_{people['李四'].pk}_present").is_checked()

    page.select_option("#id_meeting_type", label="支部党员大会")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_starts_at", "14:30")
    page.fill("#id_place", "党员活动室")
    page.fill("#id_host", "赵一")
    page.fill("#id_recorder", "钱二")
    page.fill("#id_topic", "讨论本季度支部工作")
    page.fill("#id_content", "赵一通报了本季度支部工作。")
    page.fill("#id_decisions", "同意工作安排")

    li_si = people["李四"].pk
    page.locator(f'label[for="att_{li_si}_leave"]').tap()
    assert page.locator(f"#att_{li_si}_leave").is_checked()
    page.fill(f'input[name="reason_{li_si}"]', "外出务工")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": _photo()}],
    )
    page.get_by_role("button", name="保存").tap()

    page.wait_for_url(re.compile(r"/life/meetings/\d+/$"))
    assert page.get_by_test_id("meeting-topic").inner_text() == "讨论本季度支部工作"
    info = page.get_by_test_id("meeting-info").inner_text()
    assert "5 / 4" in info and "请假1" in info
    meeting = Meeting.objects.get()
    assert meeting.attendances.get(member_id=li_si).status == AttendanceStatus.LEAVE
    assert meeting.attendances.get(member_id=li_si).reason == "外出务工"
    assert meeting.quorum_met is True  # 4 of 5 voting members
    assert MeetingFile.objects.filter(meeting=meeting, original_name="现场.jpg").exists()

    page.get_by_role("link", name="出席情况").tap()
    assert "外出务工" in page.get_by_test_id("attendance").inner_text()

    page.goto(f"{base}/life/meetings/")
    listing = page.get_by_test_id("meeting-list").inner_text()
    assert "讨论本季度支部工作" in listing and "支部党员大会" in listing
    # Nothing overflows the phone's width on the list page.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
