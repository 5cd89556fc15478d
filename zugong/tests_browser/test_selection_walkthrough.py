"""One 选拔任用纪实 from 动议 to 任职, every step recorded through the /cadres/selection/ pages.

The 干部科 account (role cadre_officer, anchored at 示范县) starts the case for 城关镇党委副书记,
adds two people from the archive, then records 动议, 民主推荐, 考察, 纪委监委意见, 个人有关事项核查,
讨论决定, 任前公示 (starting Monday 2025-09-29: five working days across 国庆 with the 调休
Saturday end on 2025-10-11) and 任职, and finally checks the appointee's 主职 and the 公示 dates.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from zugong.cadres.models import PostHolding, PostLevel, PublicNotice, SelectionCase
from zugong.cadres.tests.test_selection_support import DATES, NOTICE_END, hold, make_cadre
from zugong.cadres.unit_services import create_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "selection_walkthrough.png"


def _save(page, testid: str = "step-form") -> None:  # noqa: ANN001 - a playwright Page
    with page.expect_navigation():
        page.get_by_test_id(testid).get_by_role("button", name=re.compile("保存|增加")).click()


def _fill(form, values: dict[str, object]) -> None:  # noqa: ANN001 - a playwright Locator
    for name, value in values.items():
        field = form.locator(f"#id_{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(value.isoformat() if isinstance(value, date) else str(value))


def test_cadre_officer_walks_a_selection_from_motion_to_appointment(
    live_server, page, users, unit_tree
) -> None:
    base = live_server.url
    post = create_post(
        actor=None, unit=unit_tree.town_a, title="党委副书记", level=PostLevel.SECTION_DEPUTY
    )
    wang = make_cadre(unit_tree.dept, "王选拔", current_post_text="县财政局预算股股长")
    hold(wang, unit_tree.dept, "预算股股长", "", date(2015, 3, 1), document="示财〔2015〕3号")
    li = make_cadre(unit_tree.town_b, "李备选")

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", users["cadre_officer"].username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    # --- 启动选拔（动议） ---------------------------------------------------------------------
    page.goto(f"{base}/cadres/selection/")
    page.get_by_test_id("selection-create").click()
    form = page.get_by_test_id("selection-form")
    _fill(form, {"post": post.pk, "mode": "promotion", "opened_on": date(2025, 6, 2)})
    form.locator("#id_reason").fill("原党委副书记调任，岗位空缺")
    _save(page, "selection-form")
    assert re.search(r"/cadres/selection/\d+/$", page.url), page.inner_text("main")
    case = SelectionCase.objects.get(post=post)
    detail = f"{base}/cadres/selection/{case.pk}/"

    # --- two people from the archive, each checked at once ---------------------------------------
    for cadre in (wang, li):
        page.goto(detail)
        page.get_by_test_id("add-candidate").click()
        page.get_by_test_id("candidate-form").locator("#id_cadre").select_option(str(cadre.pk))
        _save(page, "candidate-form")
        assert page.url == detail, page.inner_text("main")
    assert "符合任职条件" in page.get_by_test_id("candidates").inner_text()
    first, second = case.candidates.order_by("id")

    steps: list[tuple[str, dict[str, object]]] = [
        ("motion", {"form": "书记专题会", "scope": "全县乡科级干部"}),
        (
            "recommendation",
            {
                "talk_due": 30,
                "talk_present": 28,
                "meeting_due": 60,
                "meeting_present": 55,
                f"talk_{first.pk}": 20,
                f"meeting_{first.pk}": 41,
                f"talk_{second.pk}": 6,
                f"meeting_{second.pk}": 12,
            },
        ),
        (
            "inspection",
            {"team": "张组长、李组员", "talked_count": 25, "opinion": "政治素质好，实绩突出。"},
        ),
        (
            "discipline_opinion",
            {
                "letter_on": date(2025, 7, 25),
                "conclusion": "无影响使用的问题",
                "reply": "未发现问题",
            },
        ),
        ("personal_matters", {"result": "一致"}),
        (
            "decision",
            {
                "meeting": "县委常委会",
                "members_due": 11,
                "members_present": 10,
                "votes_yes": 9,
                "votes_no": 1,
                "votes_abstain": 0,
                "appointee": first.pk,
            },
        ),
        ("public_notice", {}),
        ("appointment", {"document_no": "示组〔2025〕18号", "talk_on": date(2025, 10, 20)}),
    ]
    for code, values in steps:
        page.goto(detail)
        page.get_by_test_id("record-step").click()
        page.wait_for_url(re.compile(rf"/steps/{code}/$"))
        form = page.get_by_test_id("step-form")
        form.locator("#id_done_on").fill(DATES[code].isoformat())
        _fill(form, values)
        if code == "inspection":
            for c in (first, second):
                form.locator(f'input[name="inspected"][value="{c.pk}"]').check()
        _save(page)
        errors = "" if "tab=timeline" in page.url else form.inner_text()
        assert "tab=timeline" in page.url, f"{code} was refused: {errors}"
        assert "已记录" in page.inner_text("main")

    # --- the result -------------------------------------------------------------------------------
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "公示期：2025-09-29至2025-10-11（5个工作日）" in timeline
    assert "任职文件：示组〔2025〕18号" in timeline
    notice = PublicNotice.objects.get(case=case)
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        DATES["public_notice"],
        NOTICE_END,
        5,
    )
    assert "王选拔" in notice.public_text and "县财政局预算股股长" in notice.public_text
    current = PostHolding.objects.get(cadre=wang, is_main=True, ended_on__isnull=True)
    assert current.post == post and current.started_on == DATES["appointment"]
    assert current.probation_until == date(2026, 10, 20)
    assert PostHolding.objects.get(cadre=wang, title="预算股股长").ended_on == DATES["appointment"]
    page.goto(detail)
    assert page.get_by_test_id("current-step").inner_text() == "试用期满考核"
    assert "2025-09-29 至 2025-10-11" in page.get_by_test_id("notice-period").inner_text()

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
