"""Every portal page: the strict CSP, no inline script or style, scripts in text escaped, and the
active 任前公示 list."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from zugong.supervision import portal_services
from zugong.supervision.privacy import PORTAL_HEADERS
from zugong.supervision.tests.test_portal_support import (
    ADD_URL,
    REPORT_URL,
    STATUS_URL,
    _fresh_cache,  # noqa: F401 - autouse fixture
    active_notice,
    portal_urls,
    receipt_from,
    reply,
    submit,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "portal"


def _all_responses(client, unit_tree, users) -> list:  # noqa: ANN001
    notice = active_notice(unit_tree.town_a)
    responses = [client.get(url) for url in portal_urls()]
    responses.append(client.get(f"{REPORT_URL}?notice={notice.pk}"))
    sent = submit(client, files=None)
    responses.append(sent)
    responses.append(submit(client, text="太短"))
    code = receipt_from(sent.content.decode())
    responses.append(client.post(STATUS_URL, {"code": code}))
    responses.append(client.post(STATUS_URL, {"code": "wrong"}))
    responses.append(client.post(ADD_URL, {"code": code, "text": "补充"}))
    responses.append(client.get(ADD_URL))  # 405
    responses.append(client.get("/portal/missing/"))  # 404
    return responses


def test_every_portal_response_sends_the_csp_and_no_inline_code(client, unit_tree, users):
    for response in _all_responses(client, unit_tree, users):
        where = f"{response.request['PATH_INFO']} ({response.status_code})"
        assert response["Content-Security-Policy"] == PORTAL_HEADERS["Content-Security-Policy"], (
            where
        )
        assert "script-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"inline <script> in {where}"
        assert not INLINE_STYLE.search(html), f"style attribute in {where}"
        assert not INLINE_HANDLER.search(html), f"inline event handler in {where}"


def test_portal_templates_have_no_inline_script_or_style():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not INLINE_SCRIPT.search(text), template.name
        assert not INLINE_STYLE.search(text), template.name
        assert not INLINE_HANDLER.search(text), template.name


def test_scripts_in_text_are_escaped_on_every_page(client, unit_tree, users):
    notice = active_notice(unit_tree.town_a, name="<b>王</b>", public_text=SCRIPT)
    pages = [
        client.get("/portal/").content.decode(),
        client.get("/portal/notices/").content.decode(),
    ]
    refused = submit(client, text=SCRIPT, subject_text=SCRIPT, website="robot")  # re-rendered form
    pages.append(refused.content.decode())
    sent = submit(client, channel="selection", notice=notice.pk, text=SCRIPT + "（内容足够长）")
    code = receipt_from(sent.content.decode())
    report = portal_services.find_by_receipt(code)
    reply(report, SCRIPT, author=users["supervision_officer"])
    client.post(ADD_URL, {"code": code, "text": SCRIPT})
    pages.append(client.post(STATUS_URL, {"code": code}).content.decode())
    for html in pages:
        assert '<script>alert("x")' not in html and "<img src=x" not in html
        assert "<b>王</b>" not in html
    assert "&lt;script&gt;" in pages[1] and "&lt;b&gt;王&lt;/b&gt;" in pages[0]
    assert pages[-1].count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 2  # reply + own


def test_the_notices_page_lists_only_running_notices(client, unit_tree):
    today = timezone.localdate()
    running = active_notice(unit_tree.town_a, name="在公示")
    active_notice(
        unit_tree.town_b,
        name="已结束",
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=10),
    )
    active_notice(
        unit_tree.dept,
        name="未开始",
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=10),
    )
    html = client.get("/portal/notices/").content.decode()
    assert "在公示" in html and "已结束" not in html and "未开始" not in html
    assert "（5 个工作日）" in html
    assert f"{REPORT_URL}?notice={running.pk}" in html
    assert "有反映，核查中" not in html
    # A notice that is over cannot be chosen on the form either.
    ended = submit(client, channel="selection", notice=running.pk + 1)
    assert ended.templates[0].name == "portal/report_form.html"


def test_a_notice_with_feedback_shows_only_that_it_is_being_checked(client, unit_tree):
    notice = active_notice(unit_tree.town_a)
    submit(client, channel="selection", notice=notice.pk, text="该同志在原单位工作作风有问题。")
    notice.refresh_from_db()
    notice.feedback_summary = "内部核查摘要，不公开"
    notice.save()
    for url in ("/portal/notices/", "/portal/"):
        html = client.get(url).content.decode()
        assert "有反映，核查中" in html
        assert "工作作风" not in html and "内部核查摘要" not in html and "1 件" not in html


def test_home_links_every_part_of_the_portal(client):
    html = client.get("/portal/").content.decode()
    for link in ("/portal/report/", "/portal/status/", "/portal/surveys/", "/portal/privacy/"):
        assert f'href="{link}' in html
    assert "我要反映问题" in html and "查询办理情况" in html


def test_notice_lists_are_flat_in_queries(client, unit_tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    active_notice(unit_tree.town_a, name="甲")
    counts = {}
    for url in ("/portal/notices/", "/portal/", "/portal/report/?channel=selection"):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts[url] = len(ctx.captured_queries)
    for n in range(6):
        active_notice(unit_tree.dept, name=f"乙{n}")
    for url, small in counts.items():
        with django_assert_max_num_queries(small):
            assert client.get(url).status_code == 200
