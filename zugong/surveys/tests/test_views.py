from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from zugong.cadres.archive_services import create_cadre
from zugong.conftest import assert_flat_queries, valid_id
from zugong.surveys import services
from zugong.surveys.models import QuestionKind, SubjectKind, Survey, SurveyStatus
from zugong.surveys.tests.support import answer, make_survey

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"surveys:{name}", args=args)


def xlsx(response) -> object:  # noqa: ANN001
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_create_edit_question_publish_close(client, users, tree):
    client.force_login(users["department_admin"])
    now = timezone.localtime()
    response = client.post(
        url("create"),
        {
            "title": "东村党支部满意度测评",
            "subject_kind": SubjectKind.ORGANIZATION,
            "organization": tree.branch_a1.pk,
            "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.org_path == tree.branch_a1.path
    response = client.post(
        url("question_add", survey.pk),
        {
            "kind": QuestionKind.SINGLE,
            "text": "支部活动是否经常",
            "options_text": "经常\n偶尔\n没有",
            "required": "on",
        },
    )
    assert response.status_code == 302
    question = survey.questions.get()
    assert question.options == ["经常", "偶尔", "没有"]
    assert client.post(url("publish", survey.pk)).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.PUBLISHED
    # Published: no more edits, the edit page sends back with a message.
    response = client.get(url("edit", survey.pk))
    assert response.status_code == 302
    response = client.post(url("question_delete", survey.pk, question.pk), follow=True)
    assert "不能再修改" in response.content.decode()
    assert survey.questions.count() == 1
    client.post(url("close", survey.pk))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def test_form_errors_are_in_chinese_and_name_the_field(client, users, tree):
    client.force_login(users["department_admin"])
    now = timezone.localtime()
    response = client.post(
        url("create"),
        {
            "title": "",
            "subject_kind": SubjectKind.ORGANIZATION,
            "organization": tree.other_branch.pk,
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "问卷标题：" in body
    assert "评议党组织：所选党组织不在您的管理范围内" in body
    assert "<li>截止时间必须晚于开始时间。</li>" in body
    assert not Survey.objects.exists()
    survey = make_survey(tree.branch_a1, publish=False)
    response = client.post(
        url("question_add", survey.pk),
        {"kind": QuestionKind.MULTIPLE, "text": "多选", "options_text": "一个"},
    )
    assert "选项：选择题至少需要两个选项" in response.content.decode()


def test_results_stay_hidden_from_staff_until_closing(client, users, tree):
    client.force_login(users["department_admin"])
    survey = make_survey(tree.branch_a1)
    answer(survey, rating=5, text="<b>只在结束后可见</b>")
    answer(survey, rating=4)
    body = client.get(url("detail", survey.pk)).content.decode()
    assert 'data-testid="survey-responses">2<' in body  # the count only
    assert 'data-testid="results-hidden"' in body
    assert "只在结束后可见" not in body and "result-mean" not in body
    response = client.get(url("results_export", survey.pk))
    assert response.status_code == 302
    services.close_survey(actor=None, survey=survey)
    body = client.get(url("detail", survey.pk)).content.decode()
    assert 'data-testid="result-mean">4.50<' in body
    # Text answers are readable by staff after closing, escaped.
    assert "&lt;b&gt;只在结束后可见&lt;/b&gt;" in body


def test_the_results_export_holds_aggregates_only(client, users, tree):
    client.force_login(users["department_admin"])
    survey = make_survey(tree.branch_a1)
    answer(survey, rating=5, single=0, multiple=[0, 1], text="私人意见甲")
    answer(survey, rating=2, single=1, multiple=[1], text="私人意见乙")
    answer(survey, rating=4, single=1, multiple=[])
    services.close_survey(actor=None, survey=survey)
    response = client.get(url("results_export", survey.pk))
    assert response.status_code == 200
    wb = xlsx(response)
    assert wb.sheetnames == ["概况", "第1题", "第2题", "第3题", "第4题"]
    cells = [
        str(c)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert not any("私人意见" in c for c in cells)
    rating = {r[0]: r for r in wb["第1题"].iter_rows(values_only=True) if r and r[0]}
    assert rating["作答人数"][1] == 3
    assert rating["平均分"][1] == pytest.approx(3.67)
    assert rating["5分 很满意"][1:] == (1, pytest.approx(0.3333, abs=1e-4))
    single = {r[0]: r[1] for r in wb["第2题"].iter_rows(values_only=True) if r and r[0]}
    assert (single["是"], single["否"], single["不清楚"]) == (1, 2, 0)
    text = {r[0]: r[1] for r in wb["第4题"].iter_rows(values_only=True) if r and r[0]}
    assert text["文字意见条数"] == 2
    # No sheet has a row per respondent: every sheet is at most its options long.
    for ws in wb.worksheets[1:]:
        assert ws.max_row <= 6 + 5


def test_the_list_is_filtered_searched_and_exported(client, users, tree):
    client.force_login(users["department_admin"])
    make_survey(tree.branch_a1, title="东村评议")
    ended = make_survey(tree.branch_b1, title="北社区评议")
    answer(ended)
    services.close_survey(actor=None, survey=ended)
    make_survey(tree.other_branch, title="邻县评议")  # out of scope
    body = client.get(url("list")).content.decode()
    assert "东村评议" in body and "北社区评议" in body and "邻县评议" not in body
    body = client.get(url("list"), {"phase": "ended"}).content.decode()
    assert "北社区评议" in body and "东村评议" not in body
    body = client.get(url("list"), {"q": "北社区"}).content.decode()
    assert "北社区评议" in body and "东村评议" not in body
    assert client.get(url("list"), {"phase": "<x>", "kind": "bad"}).status_code == 200
    response = client.get(url("list"), {"export": "xlsx", "phase": "ended"})
    rows = list(xlsx(response).active.iter_rows(values_only=True))
    assert rows[0][0] == "问卷标题" and len(rows) == 2
    assert rows[1][0] == "北社区评议" and rows[1][3] == "已结束" and rows[1][7] == 1


def test_the_list_queries_are_flat(client, users, tree, django_assert_max_num_queries):
    client.force_login(users["department_admin"])
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(made)
            survey = make_survey(tree.branch_a1 if i % 2 else tree.branch_b1, title=f"问卷{i}")
            answer(survey)

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["page_obj"].object_list)

    assert_flat_queries(client, url("list"), grow, rows, django_assert_max_num_queries)


def test_the_detail_queries_do_not_grow_with_answers(
    client, users, tree, django_assert_max_num_queries
):
    client.force_login(users["department_admin"])
    survey = make_survey(tree.branch_a1)
    answer(survey, text="一")
    services.close_survey(actor=None, survey=survey)
    client.get(url("detail", survey.pk))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url("detail", survey.pk))
    survey.status = SurveyStatus.PUBLISHED
    survey.closes_at = timezone.now() + timedelta(days=1)
    survey.save()
    for i in range(20):
        answer(survey, text=f"意见{i}")
    services.close_survey(actor=None, survey=survey)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url("detail", survey.pk))


def test_cadre_surveys_follow_the_unit_scope(client, users, tree, unit_tree):
    birth = date(1978, 4, 1)
    cadre = create_cadre(
        actor=None,
        name="李四",
        gender="男",
        id_number=valid_id(birth),
        birth_date=birth,
        unit=unit_tree.town_a,
    )
    survey = services.create_survey(
        actor=users["system_admin"],
        data=services.SurveyInput(
            title="李四同志满意度",
            description="",
            subject_kind=SubjectKind.CADRE,
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=3),
            cadre=cadre,
        ),
    )
    client.force_login(users["system_admin"])
    assert client.get(url("detail", survey.pk)).status_code == 200
    # The 组织部 account here has no unit anchor: a cadre survey is outside its scope.
    client.force_login(users["department_admin"])
    assert client.get(url("detail", survey.pk)).status_code == 404
    assert "李四同志满意度" not in client.get(url("list")).content.decode()
    client.force_login(users["cadre_officer"])
    assert client.get(url("detail", survey.pk)).status_code == 403


def test_qr_codes_are_real_images_of_the_public_address(client, users, tree):
    client.force_login(users["department_admin"])
    survey = make_survey(tree.branch_a1)
    response = client.get(url("qr", survey.pk))
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag.endswith("svg")
    response = client.get(url("qr", survey.pk), {"format": "png"})
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG" and image.size[0] > 100
    body = client.get(url("print", survey.pk)).content.decode()
    assert url("qr", survey.pk) in body
    assert f"http://testserver/portal/surveys/{survey.pk}/" in body
