"""The 选拔任用纪实 pages: forms, errors shown beside their fields (never a 500), documents,
the notice list, read-only cases, and a query-count guard on the list."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from zugong.cadres import selection_services as services
from zugong.cadres.models import (
    PostLevel,
    PublicNotice,
    SelectionCase,
    SelectionMode,
    SelectionStatus,
    SelectionStepKind,
)
from zugong.cadres.tests.test_selection_support import (
    DATES,
    make_cadre,
    open_case,
    section_post,
    step_details,
    walk,
)
from zugong.conftest import assert_flat_queries

pytestmark = pytest.mark.django_db
Step = SelectionStepKind


@pytest.fixture
def officer(client, users):  # noqa: ANN001, ANN201
    client.force_login(users["cadre_officer"])
    return client


@pytest.fixture
def case(unit_tree):  # noqa: ANN001, ANN201
    c = open_case(section_post(unit_tree.town_a))
    services.add_candidate(actor=None, case=c, cadre=make_cadre(unit_tree.dept, "王候选"))
    services.add_candidate(actor=None, case=c, cadre=make_cadre(unit_tree.town_b, "李候选"))
    return c


def _step_url(case: SelectionCase, step: str) -> str:
    return reverse("cadres:selection_step", args=[case.pk, step])


def test_create_a_case_through_the_form(officer, unit_tree):
    post = section_post(unit_tree.town_b, "副镇长")
    response = officer.post(
        reverse("cadres:selection_create"),
        {"post": post.pk, "mode": SelectionMode.PROMOTION, "opened_on": "2025-06-02"},
    )
    created = SelectionCase.objects.get(post=post)
    assert response.status_code == 302 and response.url == reverse(
        "cadres:selection_detail", args=[created.pk]
    )
    assert created.title == "河口镇副镇长人选选拔" and created.current_step == Step.MOTION


def test_exceptional_without_reason_is_shown_beside_the_field(officer, unit_tree):
    post = section_post(unit_tree.town_b, "副镇长")
    response = officer.post(
        reverse("cadres:selection_create"),
        {"post": post.pk, "mode": SelectionMode.EXCEPTIONAL, "opened_on": "2025-06-02"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="reason"' in body and "破格提拔必须写明破格的理由" in body


def test_add_a_candidate_and_see_the_checks(officer, case, unit_tree):
    cadre = make_cadre(unit_tree.dept, "赵新增", qualified=False)
    response = officer.post(
        reverse("cadres:selection_candidate_add", args=[case.pk]), {"cadre": cadre.pk}
    )
    assert response.status_code == 302
    body = officer.get(reverse("cadres:selection_detail", args=[case.pk])).content.decode()
    assert "赵新增" in body and "学历：档案未录入学历" in body and "第九条（四）" in body


def test_candidate_search_narrows_the_choices(officer, case, unit_tree):
    make_cadre(unit_tree.dept, "孙搜索")
    url = reverse("cadres:selection_candidate_add", args=[case.pk])
    assert "孙搜索" in officer.get(url, {"q": "孙"}).content.decode()
    assert "孙搜索" not in officer.get(url, {"q": "钱"}).content.decode()


def _post_step(client, case, step, **override):  # noqa: ANN001, ANN201
    details = step_details(case, step)
    data = {"done_on": DATES[step].isoformat(), "note": ""}
    if step == Step.RECOMMENDATION:
        data.update({k: v for k, v in details.items() if k != "votes"})
        for pk, v in details["votes"].items():
            data[f"talk_{pk}"], data[f"meeting_{pk}"] = v["talk"], v["meeting"]
    elif step == Step.INSPECTION:
        data.update({k: v for k, v in details.items() if k != "inspected"})
        data["inspected"] = [str(pk) for pk in details["inspected"]]
    else:
        data.update({k: v.isoformat() if isinstance(v, date) else v for k, v in details.items()})
    data.update(override)
    return client.post(_step_url(case, step), data)


def test_every_step_through_the_pages(officer, case, unit_tree):
    for step in SelectionStepKind.values[:8]:
        response = _post_step(officer, case, step)
        assert response.status_code == 302, (step, response.content.decode()[-3000:])
        case.refresh_from_db()
    assert case.current_step == Step.PROBATION
    timeline = officer.get(reverse("cadres:selection_detail", args=[case.pk]), {"tab": "timeline"})
    body = timeline.content.decode()
    assert "公示期：2025-10-11" not in body and "2025-09-29至2025-10-11（5个工作日）" in body
    assert "示组〔2025〕18号" in body and "测试干部科" in body


def test_vote_error_is_shown_beside_the_candidate_field(officer, case):
    walk(case, Step.MOTION)
    first = case.candidates.order_by("id").first()
    response = _post_step(officer, case, Step.RECOMMENDATION, **{f"talk_{first.pk}": 29})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-field="talk_{first.pk}"' in body and "谈话调研推荐票：29票" in body


def test_quorum_error_is_shown_not_a_500(officer, case):
    walk(case, Step.PERSONAL_MATTERS)
    response = _post_step(officer, case, Step.DECISION, members_present=6, votes_yes=6, votes_no=0)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="members_present"' in body and "不足应到会成员的2/3" in body


def test_bad_dates_and_missing_fields_show_errors(officer, case):
    response = officer.post(_step_url(case, Step.MOTION), {"done_on": "2025-13-40"})
    assert response.status_code == 200 and 'data-field="done_on"' in response.content.decode()
    response = officer.post(_step_url(case, Step.MOTION), {"done_on": "2025-01-01"})
    assert response.status_code == 200 and "不能早于" in response.content.decode()


def test_a_step_out_of_order_sends_back_with_a_message(officer, case):
    response = officer.get(_step_url(case, Step.DECISION), follow=True)
    assert "须按顺序逐个环节办理" in response.content.decode()


def test_unknown_step_is_404(officer, case):
    assert officer.get(_step_url(case, "nonsense")).status_code == 404


def test_notice_feedback_through_the_step_page(officer, case):
    walk(case, Step.PUBLIC_NOTICE)
    url = _step_url(case, Step.PUBLIC_NOTICE)
    response = officer.post(url, {"feedback_count": 2, "feedback_summary": "", "public_text": ""})
    assert (
        response.status_code == 200 and 'data-field="feedback_summary"' in response.content.decode()
    )
    officer.post(
        url,
        {"feedback_count": 2, "feedback_summary": "反映作风问题", "under_review": "on"},
    )
    notice = PublicNotice.objects.get(case=case)
    assert notice.feedback_count == 2 and notice.under_review
    body = officer.get(reverse("cadres:selection_detail", args=[case.pk])).content.decode()
    assert "核查中" in body and "核查清楚前不得任职" in body


def test_pause_resume_end_pages(officer, case):
    detail = reverse("cadres:selection_detail", args=[case.pk])
    response = officer.post(reverse("cadres:selection_pause", args=[case.pk]), {"on": ""})
    assert response.status_code == 200
    officer.post(
        reverse("cadres:selection_pause", args=[case.pk]),
        {"on": "2025-06-05", "reason": "机构改革"},
    )
    assert 'data-testid="resume"' in officer.get(detail).content.decode()
    officer.post(reverse("cadres:selection_resume", args=[case.pk]), {"on": "2025-06-06"})
    officer.post(
        reverse("cadres:selection_end", args=[case.pk]), {"on": "2025-06-07", "reason": "撤销"}
    )
    case.refresh_from_db()
    assert case.status == SelectionStatus.ENDED
    body = officer.get(detail).content.decode()
    assert 'data-testid="record-step"' not in body and 'data-testid="pause"' not in body
    response = officer.post(
        reverse("cadres:selection_end", args=[case.pk]), {"on": "2025-06-08", "reason": "再终止"}
    )
    assert response.status_code == 200 and "只能查看" in response.content.decode()
    history = officer.get(detail, {"tab": "history"}).content.decode()
    assert "测试干部科" in history and "终止" in history


def test_leader_reads_but_cannot_write(client, users, case):
    client.force_login(users["leader"])
    assert client.get(reverse("cadres:selection_detail", args=[case.pk])).status_code == 200
    assert client.get(_step_url(case, Step.MOTION)).status_code == 403
    body = client.get(reverse("cadres:selection_detail", args=[case.pk])).content.decode()
    assert 'data-testid="record-step"' not in body


def test_record_documents(officer, case):
    walk(case, Step.PUBLIC_NOTICE)
    docx = officer.get(reverse("cadres:selection_record_docx", args=[case.pk]))
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "民主推荐" in text and "县委常委会" in text and "王候选" in text
    pdf = officer.get(reverse("cadres:selection_record_pdf", args=[case.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    notice = PublicNotice.objects.get(case=case)
    word = officer.get(reverse("cadres:notice_docx", args=[notice.pk]))
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert (
        "干部任前公示" in paragraphs and "王候选" in paragraphs and "2025年10月11日" in paragraphs
    )
    assert officer.get(reverse("cadres:notice_pdf", args=[notice.pk])).content.startswith(b"%PDF")


def test_notice_list_shows_running_and_recent(officer, case, unit_tree):
    today = timezone.localdate()
    cadre = case.candidates.first().cadre
    PublicNotice.objects.create(
        case=case,
        cadre=cadre,
        public_text="x",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=5),
        working_days=5,
        unit_path=case.unit_path,
    )
    old = make_cadre(unit_tree.dept, "往期")
    PublicNotice.objects.create(
        case=case,
        cadre=old,
        public_text="y",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=20),
        working_days=5,
        unit_path=case.unit_path,
    )
    body = officer.get(reverse("cadres:notice_list")).content.decode()
    active, recent = body.split('data-testid="recent-notices"')
    assert "王候选" in active and "往期" in recent


def test_list_filters_and_export(officer, case, unit_tree):
    other = open_case(section_post(unit_tree.town_b, "副镇长"))
    services.pause_case(actor=None, case=other, on=date(2025, 6, 3), reason="待定")
    url = reverse("cadres:selection_list")
    assert "河口镇副镇长" in officer.get(url, {"status": "paused"}).content.decode()
    assert "城关镇党委副书记" not in officer.get(url, {"status": "paused"}).content.decode()
    assert "河口镇副镇长" not in officer.get(url, {"unit": unit_tree.town_a.pk}).content.decode()
    assert "城关镇党委副书记" in officer.get(url, {"q": "党委"}).content.decode()
    assert "城关镇党委副书记" in officer.get(url, {"step": "motion"}).content.decode()
    assert "选拔任用纪实" in officer.get(url, {"unit": "abc", "step": "<x>"}).content.decode()
    export = officer.get(url, {"export": "xlsx"})
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_leader_at_a_township_sees_only_its_cases(client, users, case, unit_tree):
    open_case(section_post(unit_tree.town_b, "副镇长"))
    client.force_login(users["leader"])
    body = client.get(reverse("cadres:selection_list")).content.decode()
    assert "城关镇党委副书记" in body and "河口镇副镇长" not in body


def test_rules_page_lists_parameters(officer):
    body = officer.get(reverse("cadres:selection_rules")).content.decode()
    assert "工龄（年）" in body and "公示工作日" in body


def test_list_queries_do_not_grow(officer, unit_tree, django_assert_max_num_queries):
    counter = iter(range(1000))
    post = section_post(unit_tree.town_a, "副镇长", seats=2)

    def grow(n: int) -> None:
        for _ in range(n):
            c = open_case(post, opened_on=date(2025, 1, 1) + timedelta(days=next(counter)))
            c.appointee = make_cadre(unit_tree.dept, "拟任", qualified=False)
            c.save()

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="selection-row"')

    assert_flat_queries(
        officer, reverse("cadres:selection_list"), grow, rows, django_assert_max_num_queries
    )


def test_elected_level_shown_on_detail(officer, unit_tree):
    post = section_post(unit_tree.town_a, "镇长", is_elected=True)
    post.level = PostLevel.SECTION_CHIEF
    post.save()
    c = open_case(post)
    body = officer.get(reverse("cadres:selection_detail", args=[c.pk])).content.decode()
    assert "选任制" in body


def test_step_pages_of_a_paused_case_send_back(officer, case):
    walk(case, Step.PUBLIC_NOTICE)
    services.pause_case(actor=None, case=case, on=date(2025, 10, 1), reason="核查")
    for step in (Step.PUBLIC_NOTICE, Step.APPOINTMENT):
        response = officer.get(_step_url(case, step), follow=True)
        assert "暂停" in response.content.decode() and response.redirect_chain
