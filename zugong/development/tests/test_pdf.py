"""The 发展党员 documents as PDF: 公示 (three kinds), 纪实表, 政审记录 — same access as the .docx."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from zugong.core.documents import render_html
from zugong.development import workflow as wf
from zugong.development.pdf import notice_context, record_context, review_context
from zugong.development.selectors import case_steps
from zugong.development.tests.support import TODAY, new_case, walk

pytestmark = pytest.mark.django_db


def _assert_pdf(response, filename: str) -> None:  # noqa: ANN001
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(filename)}"
    assert response.content.startswith(b"%PDF")
    # The CJK font is embedded: a real form is tens of kilobytes, never an empty page.
    assert len(response.content) > 5000


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("candidate", "拟确定为发展对象"),
        ("admission", "拟接收为预备党员"),
        ("conversion", "拟转为正式党员"),
    ],
)
def test_notice_pdf_each_kind(client, users, world, kind, phrase):
    case = walk(world, new_case(world), wf.CONVERSION_MEETING)
    client.force_login(users["branch_admin"])
    response = client.get(reverse("development:notice_pdf", args=[case.pk]), {"kind": kind})
    _assert_pdf(response, f"{case.name}{phrase}公示.pdf")


def test_notice_pdf_without_kind_is_the_next_notice(client, users, world):
    case = new_case(world)
    client.force_login(users["branch_admin"])
    response = client.get(reverse("development:notice_pdf", args=[case.pk]))
    _assert_pdf(response, f"{case.name}拟确定为发展对象公示.pdf")


def test_notice_html_has_the_facts_and_period(world):
    case = walk(world, new_case(world), wf.ADMISSION_MEETING, including=True)
    steps = list(case_steps(case))
    html = render_html(
        "development/print/notice.html", notice_context(case, "admission", steps, TODAY)
    )
    assert f"关于{case.name}同志拟接收为预备党员的公示" in html
    assert "城关镇东村党支部" in html
    assert "公示时间：" in html and "入党介绍人" in html
    # The meeting being publicised is not listed as a fact of its own notice.
    assert "支部大会接收为预备党员时间" not in html


def test_record_pdf_and_html(client, users, world):
    case = walk(world, new_case(world), wf.POLITICAL_REVIEW, including=True)
    client.force_login(users["branch_admin"])
    _assert_pdf(
        client.get(reverse("development:record_pdf", args=[case.pk])),
        f"{case.name}发展党员纪实表.pdf",
    )
    steps = list(case_steps(case))
    html = render_html("development/print/record.html", record_context(case, steps, []))
    assert "发展党员工作全程纪实表" in html
    for s in steps:
        assert s.definition.name in html


def test_review_pdf_after_and_before_review(client, users, world):
    done = walk(world, new_case(world), wf.POLITICAL_REVIEW, including=True)
    blank = new_case(world, name="钱未审")
    client.force_login(users["branch_admin"])
    _assert_pdf(
        client.get(reverse("development:review_pdf", args=[done.pk])),
        f"{done.name}政治审查记录.pdf",
    )
    _assert_pdf(
        client.get(reverse("development:review_pdf", args=[blank.pk])),
        f"{blank.name}政治审查记录.pdf",
    )
    after = render_html(
        "development/print/review.html", review_context(done, list(case_steps(done)))
    )
    assert "审查结论：合格" in after and "第十六条" in after and "函调或外调" in after
    before = render_html(
        "development/print/review.html", review_context(blank, list(case_steps(blank)))
    )
    assert "审查结论：□合格　□不合格" in before
    assert "审查日期：____年__月__日" in before


@pytest.mark.parametrize("name", ["notice_pdf", "record_pdf", "review_pdf"])
def test_pdf_out_of_scope_is_404(client, users, world, name):
    case = new_case(world, org=world.tree.branch_b1)
    client.force_login(users["branch_admin"])
    assert client.get(reverse(f"development:{name}", args=[case.pk])).status_code == 404


def test_case_detail_links_the_pdfs(client, users, world):
    case = new_case(world)
    client.force_login(users["branch_admin"])
    page = client.get(reverse("development:case_detail", args=[case.pk])).content.decode()
    for name in ("notice_pdf", "record_pdf", "review_pdf"):
        assert reverse(f"development:{name}", args=[case.pk]) in page
