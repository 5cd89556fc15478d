"""Pages: the tracker's narrow view, promotion forms, 销号 through the pages, uploads, the public
progress page, exports read back, and query-count guards on every list."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries
from zugong.inquiries.models import (
    Activity,
    Evidence,
    Opinion,
    Problem,
    ProblemEvent,
    ProblemState,
)
from zugong.inquiries.tests.support import (
    make_list,
    make_opinion,
    make_plan,
    make_problem,
    make_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_list(tree, users):
    return make_list(tree.county, users[Role.DEPARTMENT_ADMIN], "县级问题清单")


def login(client, users, role):  # noqa: ANN001, ANN201
    client.force_login(users[role])
    return client


# --- the tracker ----------------------------------------------------------------------------


def test_tracker_sees_own_problems_only(client, tree, users, county_list):
    own = make_problem(county_list, tree.branch_a1, "东村的问题")
    other = make_problem(county_list, tree.branch_b1, "北社区的问题")
    login(client, users, Role.PROBLEM_TRACKER)
    page = client.get(reverse("inquiries:problem_index")).content.decode()
    assert "东村的问题" in page and "北社区的问题" not in page
    assert client.get(reverse("inquiries:problem_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("inquiries:problem_detail", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("inquiries:problem_progress", args=[other.pk]), {"progress": "50"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.progress == 0


def test_tracker_is_refused_plans_opinions_and_lists(client, tree, users, county_list):
    plan = make_plan(tree.branch_a1, users[Role.DEPARTMENT_ADMIN])
    login(client, users, Role.PROBLEM_TRACKER)
    for url in (
        reverse("inquiries:plan_list"),
        reverse("inquiries:plan_detail", args=[plan.pk]),
        reverse("inquiries:opinion_list"),
        reverse("inquiries:problem_list_index"),
        reverse("inquiries:problem_list_detail", args=[county_list.pk]),
        reverse("inquiries:statistics"),
    ):
        assert client.get(url).status_code == 403, url


def test_tracker_updates_progress_and_the_parent_rolls_up(client, tree, users, county_list):
    parent = make_problem(county_list, tree.county, "县级问题")
    child = make_problem(county_list, tree.branch_a1, "东村", parent=parent, weight=1)
    make_problem(county_list, tree.branch_b1, "北社区", parent=parent, weight=3)
    login(client, users, Role.PROBLEM_TRACKER)
    response = client.post(
        reverse("inquiries:problem_progress", args=[child.pk]),
        {"progress": "80", "measures": "已完成公开栏"},
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.progress == Decimal("20.00")
    history = client.get(reverse("inquiries:problem_detail", args=[child.pk]) + "?tab=history")
    assert "整改进度（%）" in history.content.decode()  # the change is in the history


def test_progress_over_100_is_refused_with_a_named_field(client, tree, users, county_list):
    problem = make_problem(county_list, tree.branch_a1, "东村")
    login(client, users, Role.PROBLEM_TRACKER)
    response = client.post(
        reverse("inquiries:problem_progress", args=[problem.pk]), {"progress": "120"}
    )
    assert response.status_code == 400
    assert "整改进度（%）" in response.content.decode()


# --- 销号 through the pages ---------------------------------------------------------------------


def test_closure_request_and_approval_through_the_pages(client, tree, users, county_list):
    problem = make_problem(county_list, tree.branch_a1, "东村", progress="100")
    login(client, users, Role.PROBLEM_TRACKER)
    assert (
        client.post(
            reverse("inquiries:closure_request", args=[problem.pk]), {"reason": "已整改"}
        ).status_code
        == 302
    )
    assert client.get(reverse("inquiries:closure_decide", args=[problem.pk])).status_code == 403
    login(client, users, Role.COMMITTEE_ADMIN)
    assert (
        client.post(
            reverse("inquiries:closure_decide", args=[problem.pk]),
            {"decision": "approve", "reason": "同意"},
        ).status_code
        == 403
    )
    login(client, users, Role.DEPARTMENT_ADMIN)
    response = client.post(
        reverse("inquiries:closure_decide", args=[problem.pk]),
        {"decision": "approve", "reason": "整改到位"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED


def test_deciding_without_a_request_shows_a_clear_message(client, tree, users, county_list):
    problem = make_problem(county_list, tree.branch_a1, "东村")
    login(client, users, Role.DEPARTMENT_ADMIN)
    response = client.post(
        reverse("inquiries:closure_decide", args=[problem.pk]),
        {"decision": "approve", "reason": "同意"},
    )
    assert response.status_code == 400
    assert "没有待审核的销号申请" in response.content.decode()


# --- promotion through the pages ------------------------------------------------------------


def _problem_post(tree, county_list) -> dict:
    return {
        "problem_list": county_list.pk,
        "title": "村务公开不及时",
        "description": "部分村未按月公开",
        "responsible_org": tree.town_a.pk,
        "weight": "1",
    }


def test_report_promotion_page_is_for_the_supervision_office_only(client, tree, users, county_list):
    report = make_report()
    url = reverse("inquiries:report_promote", args=[report.pk])
    login(client, users, Role.DEPARTMENT_ADMIN)
    assert client.post(url, _problem_post(tree, county_list)).status_code == 403
    login(client, users, Role.SUPERVISION_OFFICER)
    page = client.get(url).content.decode()
    assert "举报原文" not in page and "李四" not in page  # the form starts empty
    assert client.post(url, _problem_post(tree, county_list)).status_code == 302
    problem = Problem.objects.get()
    assert problem.source_reference == f"举报件 #{report.pk}"
    assert problem.events.get().kind == ProblemEvent.Kind.PROMOTED


def test_report_reference_never_shown_to_the_tracker(client, tree, users, county_list):
    report = make_report()
    login(client, users, Role.SUPERVISION_OFFICER)
    client.post(
        reverse("inquiries:report_promote", args=[report.pk]), _problem_post(tree, county_list)
    )
    problem = Problem.objects.get()
    login(client, users, Role.PROBLEM_TRACKER)
    page = client.get(reverse("inquiries:problem_detail", args=[problem.pk])).content.decode()
    assert f"举报件 #{report.pk}" not in page


def test_opinion_promotion_writes_a_new_text(client, tree, users, county_list):
    opinion = make_opinion(make_plan(tree.county, users[Role.DEPARTMENT_ADMIN]), tree.town_a)
    login(client, users, Role.DEPARTMENT_ADMIN)
    page = client.get(reverse("inquiries:opinion_promote", args=[opinion.pk])).content.decode()
    assert "张三反映" not in page.split('data-testid="inquiry-form"', 1)[1]
    response = client.post(
        reverse("inquiries:opinion_promote", args=[opinion.pk]), _problem_post(tree, county_list)
    )
    assert response.status_code == 302
    assert Problem.objects.get().source_opinion == opinion


# --- uploads --------------------------------------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(out, "PNG")
    return out.getvalue()


def test_disguised_file_is_refused_and_nothing_is_stored(client, tree, users, county_list):
    problem = make_problem(county_list, tree.branch_a1, "东村")
    login(client, users, Role.PROBLEM_TRACKER)
    fake = SimpleUploadedFile("整改照片.jpg", b"MZ\x90\x00 this is an exe")
    response = client.post(reverse("inquiries:evidence_upload", args=[problem.pk]), {"file": fake})
    assert response.status_code == 400
    assert "按内容识别" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_stored_outside_the_web_root_and_downloaded_in_scope(
    client, tree, users, county_list, settings
):
    problem = make_problem(county_list, tree.branch_a1, "东村")
    login(client, users, Role.PROBLEM_TRACKER)
    client.post(
        reverse("inquiries:evidence_upload", args=[problem.pk]),
        {"file": SimpleUploadedFile("照片.png", _png())},
    )
    evidence = Evidence.objects.get()
    assert evidence.blob.name.startswith("inquiries/") and evidence.blob.name.endswith(".bin")
    assert "照片" not in evidence.blob.name
    response = client.get(reverse("inquiries:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    login(client, users, Role.COMMITTEE_ADMIN)  # 城关镇: the problem's unit lies in its subtree
    assert client.get(reverse("inquiries:evidence_download", args=[evidence.pk])).status_code == 200
    from zugong.accounts.models import User

    stranger = User.objects.create_user(
        username="s", role=Role.COMMITTEE_ADMIN, anchor_org=tree.town_b
    )
    client.force_login(stranger)
    assert client.get(reverse("inquiries:evidence_download", args=[evidence.pk])).status_code == 404


def test_activity_with_an_attached_minutes_file(client, tree, users):
    plan = make_plan(tree.county, users[Role.DEPARTMENT_ADMIN])
    login(client, users, Role.DEPARTMENT_ADMIN)
    response = client.post(
        reverse("inquiries:activity_create", args=[plan.pk]),
        {
            "kind": "forum",
            "held_on": "2026-03-05",
            "place": "城关镇会议室",
            "participants": "15",
            "minutes": "<script>alert(1)</script>座谈记录",
            "file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF"),
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.files.count() == 1
    page = client.get(reverse("inquiries:activity_detail", args=[activity.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


# --- opinions -------------------------------------------------------------------------------


def test_unanswered_opinions_are_marked_and_filtered(client, tree, users):
    plan = make_plan(tree.county, users[Role.DEPARTMENT_ADMIN])
    make_opinion(plan, topic="甲类")
    answered = make_opinion(plan, topic="乙类")
    login(client, users, Role.DEPARTMENT_ADMIN)
    response = client.post(
        reverse("inquiries:opinion_detail", args=[answered.pk]),
        {"answer": "已研究落实", "answered_on": "2026-03-10"},
    )
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.answered_by == users[Role.DEPARTMENT_ADMIN]
    page = client.get(reverse("inquiries:opinion_list") + "?answered=no").content.decode()
    assert "甲类" in page and "乙类" not in page and 'data-testid="unanswered"' in page


def test_an_empty_answer_is_refused(client, tree, users):
    opinion = make_opinion(make_plan(tree.county, users[Role.DEPARTMENT_ADMIN]))
    login(client, users, Role.DEPARTMENT_ADMIN)
    response = client.post(
        reverse("inquiries:opinion_detail", args=[opinion.pk]),
        {"answer": " ", "answered_on": "2026-03-10"},
    )
    assert response.status_code == 400
    assert "答复内容" in response.content.decode()
    assert not Opinion.objects.get().answer


# --- the public page ------------------------------------------------------------------------


def test_public_page_shows_published_lists_only_and_no_sources(client, tree, users):
    admin = users[Role.DEPARTMENT_ADMIN]
    published = make_list(tree.county, admin, "公开的清单", published=True)
    hidden = make_list(tree.county, admin, "内部清单")
    report = make_report()
    opinion = make_opinion(make_plan(tree.county, admin))
    make_problem(
        published,
        tree.town_a,
        "村务公开不及时",
        source_kind="report",
        source_reference=f"举报件 #{report.pk}",
    )
    make_problem(
        published,
        tree.town_b,
        "办事效率低",
        source_kind="opinion",
        source_reference=f"意见 #{opinion.pk}",
        source_opinion=opinion,
    )
    client.logout()
    index = client.get(reverse("portal_progress:index")).content.decode()
    assert "公开的清单" in index and "内部清单" not in index
    response = client.get(reverse("portal_progress:detail", args=[published.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "村务公开不及时" in page and "城关镇党委" in page and "<progress" in page
    for secret in ("举报", f"#{report.pk}", "意见 #", "原文", "张三", "来源"):
        assert secret not in page, secret
    assert 'style="' not in page and "<script>" not in page
    assert "sessionid" not in response.cookies
    assert client.get(reverse("portal_progress:detail", args=[hidden.pk])).status_code == 404


def test_publishing_is_a_switch(client, tree, users, county_list):
    login(client, users, Role.DEPARTMENT_ADMIN)
    client.post(
        reverse("inquiries:problem_list_publish", args=[county_list.pk]), {"published": "1"}
    )
    county_list.refresh_from_db()
    assert county_list.published
    client.logout()
    assert client.get(reverse("portal_progress:detail", args=[county_list.pk])).status_code == 200


# --- exports --------------------------------------------------------------------------------


def _sheet(response) -> list[tuple]:  # noqa: ANN001
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_problem_export_reads_back(client, tree, users, county_list):
    parent = make_problem(county_list, tree.county, "县级问题", deadline=date(2026, 6, 30))
    make_problem(
        county_list, tree.town_a, "城关镇问题", parent=parent, progress="40", owner_name="王五"
    )
    login(client, users, Role.DEPARTMENT_ADMIN)
    rows = _sheet(client.get(reverse("inquiries:problem_index") + "?export=xlsx"))
    assert rows[0][:3] == ("问题清单", "问题", "上级问题")
    assert rows[1][1] == "县级问题" and rows[1][7] == "2026-06-30"
    assert rows[2][1:3] == ("城关镇问题", "县级问题") and rows[2][5] == "王五" and rows[2][9] == 40


def test_opinion_and_plan_exports_read_back(client, tree, users):
    plan = make_plan(tree.county, users[Role.DEPARTMENT_ADMIN], "乡村振兴大调研")
    make_opinion(plan, tree.town_a, answer="已答复", answered_on=date(2026, 3, 9))
    login(client, users, Role.DEPARTMENT_ADMIN)
    opinions = _sheet(client.get(reverse("inquiries:opinion_list") + "?export=xlsx"))
    assert opinions[1][1:5] == ("乡村振兴大调研", "来信", "作风建设", "城关镇党委")
    assert opinions[1][9] == "已答复"
    plans = _sheet(client.get(reverse("inquiries:plan_list") + "?export=xlsx"))
    assert plans[1][0] == "乡村振兴大调研" and plans[1][2] == "2026-03-02"


def test_statistics_by_unit_and_topic_with_export(client, tree, users, county_list):
    make_problem(county_list, tree.town_a, "一", topic="作风", deadline=date(2020, 1, 1))
    make_problem(
        county_list,
        tree.town_a,
        "二",
        topic="作风",
        state="closed",
        closed_on=date(2026, 3, 1),
        progress="100",
    )
    make_problem(county_list, tree.town_b, "三", topic="服务")
    login(client, users, Role.DEPARTMENT_ADMIN)
    rows = _sheet(client.get(reverse("inquiries:statistics") + "?export=xlsx"))
    by = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by[("责任单位", "城关镇党委")] == (2, 1, 50, 1)
    assert by[("问题类别", "服务")] == (1, 0, 0, 0)


# --- query-count guards ---------------------------------------------------------------------


def _rows(marker: str):  # noqa: ANN202
    return lambda response: response.content.decode().count(marker)


def test_problem_index_queries_are_flat(
    client, tree, users, county_list, django_assert_max_num_queries
):
    login(client, users, Role.DEPARTMENT_ADMIN)
    counter = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            make_problem(county_list, tree.town_a, f"问题{next(counter)}")

    assert_flat_queries(
        client,
        reverse("inquiries:problem_index"),
        grow,
        _rows("/inquiries/problems/"),
        django_assert_max_num_queries,
    )


def test_problem_list_detail_queries_are_flat(
    client, tree, users, county_list, django_assert_max_num_queries
):
    login(client, users, Role.DEPARTMENT_ADMIN)
    parent = make_problem(county_list, tree.county, "县级问题")
    counter = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            make_problem(county_list, tree.town_a, f"乡镇问题{next(counter)}", parent=parent)

    assert_flat_queries(
        client,
        reverse("inquiries:problem_list_detail", args=[county_list.pk]),
        grow,
        _rows('data-depth="1"'),
        django_assert_max_num_queries,
    )


def test_opinion_and_plan_lists_queries_are_flat(
    client, tree, users, django_assert_max_num_queries
):
    login(client, users, Role.DEPARTMENT_ADMIN)
    plan = make_plan(tree.county, users[Role.DEPARTMENT_ADMIN])
    assert_flat_queries(
        client,
        reverse("inquiries:opinion_list"),
        lambda n: [make_opinion(plan, tree.town_a) for _ in range(n)],
        _rows("/inquiries/opinions/"),
        django_assert_max_num_queries,
    )
    counter = iter(range(1000))
    assert_flat_queries(
        client,
        reverse("inquiries:plan_list"),
        lambda n: [
            make_plan(tree.county, users[Role.DEPARTMENT_ADMIN], f"调研{next(counter)}")
            for _ in range(n)
        ],
        _rows("/inquiries/plans/"),
        django_assert_max_num_queries,
    )


def test_public_page_queries_are_flat(client, tree, users, django_assert_max_num_queries):
    from zugong.inquiries.models import Milestone

    published = make_list(tree.county, users[Role.DEPARTMENT_ADMIN], "公开", published=True)
    counter = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            p = make_problem(published, tree.town_a, f"公开问题{next(counter)}")
            Milestone.objects.create(problem=p, title="节点", planned_on=date(2026, 5, 1))

    client.logout()
    assert_flat_queries(
        client,
        reverse("portal_progress:detail", args=[published.pk]),
        grow,
        _rows('data-testid="public-problem"'),
        django_assert_max_num_queries,
    )
