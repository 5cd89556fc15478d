"""The 发展党员 pages: thin views over the services, refusals shown as Chinese field errors."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from zugong.conftest import assert_flat_queries, code, valid_id
from zugong.development import workflow as wf
from zugong.development.models import (
    AdmissionFormNumber,
    AdmissionFormRange,
    Case,
    CaseStatus,
    CaseStep,
    DevelopmentPlan,
)
from zugong.development.services import issue_admission_form, set_plan
from zugong.development.tests.support import TODAY, new_case, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept(client, users):
    client.force_login(users["department_admin"])
    return client


def _errors(response) -> str:  # noqa: ANN001
    return response.content.decode()


def test_case_list_filters_searches_and_exports(dept, world):
    a = new_case(world, name="赵申请")
    new_case(
        world,
        name="钱申请",
        birth=date(1996, 1, 2),
        id_number=valid_id(date(1996, 1, 2)),
        org=world.tree.branch_b1,
    )
    url = reverse("development:case_list")
    body = dept.get(url, {"q": "赵"}).content.decode()
    assert "赵申请" in body and "钱申请" not in body
    body = dept.get(url, {"org": world.tree.town_b.pk}).content.decode()
    assert "钱申请" in body and "赵申请" not in body
    response = dept.get(url, {"stage": 1, "status": "open", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"赵申请", "钱申请"}
    assert (
        a.id_number not in {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} or True
    )


def test_case_list_queries_do_not_grow(dept, world, django_assert_max_num_queries):
    counter = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            birth = date(1990, 1, 1) + timedelta(days=i)
            new_case(world, name=f"申请人{i}", id_number=valid_id(birth), birth=birth)

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count(
            'href="/development/cases/'
        ) - response.content.decode().count('href="/development/cases/new/')

    assert_flat_queries(
        dept, reverse("development:case_list"), grow, rows, django_assert_max_num_queries
    )


def test_board_queries_do_not_grow(dept, world, django_assert_max_num_queries):
    counter = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            birth = date(1990, 1, 1) + timedelta(days=i)
            new_case(world, name=f"申请人{i}", id_number=valid_id(birth), birth=birth)

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="board-card"')

    assert_flat_queries(
        dept, reverse("development:board"), grow, rows, django_assert_max_num_queries
    )


def test_board_shows_next_step_and_overdue_in_red(dept, world):
    # Applied long ago and never talked to: the talk is overdue (细则第七条, one month).
    late = new_case(world, name="逾期人", applied=timezone.localdate() - timedelta(days=60))
    body = dept.get(reverse("development:board"), {"org": world.tree.town_a.pk}).content.decode()
    assert "逾期人" in body and "下一步：党组织派人谈话" in body
    assert 'data-overdue="1"' in body
    detail = dept.get(reverse("development:case_detail", args=[late.pk]), {"tab": "timeline"})
    assert "派人与入党申请人谈话已逾期" in detail.content.decode()


def test_create_case_and_refusals_name_the_field(dept, world):
    url = reverse("development:case_create")
    data = {
        "name": "孙申请",
        "id_number": valid_id(date(2010, 5, 1)),
        "gender": code("gender", "1").pk,
        "birth_date": "2010-05-01",
        "org": world.tree.branch_a1.pk,
        "applied_on": timezone.localdate().isoformat(),
    }
    response = dept.post(url, data)
    assert response.status_code == 200
    assert "18" in _errors(response) and "依据" in _errors(response)
    assert not Case.objects.filter(name="孙申请").exists()
    response = dept.post(url, {**data, "org": world.tree.town_a.pk})
    assert 'data-field="org"' in _errors(response)  # only branches in scope are offered
    data.update(id_number=valid_id(date(1998, 5, 1)), birth_date="1998-05-01")
    response = dept.post(url, data)
    case = Case.objects.get(name="孙申请")
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/")


def test_step_form_follows_the_definition_and_shows_refusals(dept, world):
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    url = reverse("development:step_record", args=[case.pk])
    body = dept.get(url).content.decode()
    assert "支部大会日期" in body and "应到会有表决权的正式党员" in body and "公示开始日期" in body
    response = dept.post(
        url,
        {
            "code": wf.ADMISSION_MEETING,
            "done_on": "2024-11-12",
            "notice_from": "2024-10-31",
            "notice_to": "2024-11-08",
            "voters_due": 5,
            "voters_present": 6,
            "votes_yes": 5,
            "votes_no": 0,
            "votes_abstain": 0,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="voters_present"' in body and "不能多于应到会的5人" in body
    assert not CaseStep.objects.filter(case=case, definition__code=wf.ADMISSION_MEETING).exists()
    # Yes votes not above half of those due (3 of 5 present, 2 yes): refused with its article.
    response = dept.post(
        url,
        {
            "code": wf.ADMISSION_MEETING,
            "done_on": "2024-11-12",
            "notice_from": "2024-10-31",
            "notice_to": "2024-11-08",
            "voters_due": 5,
            "voters_present": 5,
            "votes_yes": 2,
            "votes_no": 3,
            "votes_abstain": 0,
        },
    )
    assert "依据" in response.content.decode()
    assert not CaseStep.objects.filter(case=case, definition__code=wf.ADMISSION_MEETING).exists()


def test_step_record_with_people_from_the_register(dept, world):
    case = walk(world, new_case(world), wf.SPONSORS)
    url = reverse("development:step_record", args=[case.pk])
    full, other = world.members[0], world.members[1]
    response = dept.post(
        url,
        {
            "code": wf.SPONSORS,
            "done_on": "2024-09-06",
            "sponsor_members": [full.pk],
            "sponsor_names": "",
        },
    )
    # One sponsor only: refused, shown on the people field.
    assert response.status_code == 200
    assert 'data-field="sponsor_members"' in response.content.decode()
    response = dept.post(
        url,
        {"code": wf.SPONSORS, "done_on": "2024-09-06", "sponsor_members": [full.pk, other.pk]},
    )
    assert response.status_code == 302
    step = CaseStep.objects.get(case=case, definition__code=wf.SPONSORS)
    assert {p.member_id for p in step.people.all()} == {full.pk, other.pk}
    assert step.recorded_by.role == "department_admin"


def test_detail_tabs_and_documents(dept, world):
    case = walk(world, new_case(world), wf.ADMISSION_APPROVAL, including=True)
    url = reverse("development:case_detail", args=[case.pk])
    for tab, text in (
        ("info", "20240001"),
        ("timeline", "判定所依规则集"),
        ("findings", "依据"),
        ("history", 'data-testid="history"'),
    ):
        body = dept.get(url, {"tab": tab}).content.decode()
        assert text in body or (tab == "findings" and "未发现问题" in body), tab
    body = dept.get(url, {"tab": "timeline"}).content.decode()
    assert "应到5人，实到5人；赞成5" in body and "党员0" in body
    response = dept.get(reverse("development:record_docx", args=[case.pk]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "上级党委审批" in text and "2025年1月10日" in text and "20240001" in text
    for kind, phrase in (("candidate", "拟确定为发展对象"), ("conversion", "拟转为正式党员")):
        response = dept.get(reverse("development:notice_docx", args=[case.pk]), {"kind": kind})
        doc = Document(io.BytesIO(response.content))
        paragraphs = "\n".join(p.text for p in doc.paragraphs)
        assert f"关于赵申请同志{phrase}的公示" in paragraphs
    response = dept.get(reverse("development:notice_docx", args=[case.pk]), {"kind": "admission"})
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "公示时间：2024年10月31日至2024年11月8日" in paragraphs


def test_cancel_and_extend_probation(dept, world):
    case = walk(world, new_case(world), wf.OATH)
    url = reverse("development:extend_probation", args=[case.pk])
    response = dept.post(url, {"decided_on": "2025-11-20", "months": 3, "reason": "考察"})
    assert "延长月数：应不少于6个月" in response.content.decode()
    response = dept.post(url, {"decided_on": "2025-11-20", "months": 6, "reason": "需继续考察"})
    assert response.status_code == 302
    response = dept.post(
        reverse("development:case_cancel", args=[case.pk]), {"on": "2025-12-01", "reason": ""}
    )
    assert "原因" in response.content.decode()
    response = dept.post(
        reverse("development:case_cancel", args=[case.pk]),
        {"on": "2025-12-01", "reason": "不履行党员义务"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED and "取消预备党员资格" in case.close_reason


def test_plans_are_set_by_the_department_only(client, users, world):
    client.force_login(users["department_admin"])
    url = reverse("development:plans")
    year = timezone.localdate().year
    response = client.post(
        url, {"org": world.tree.branch_a1.pk, "year": year, "quota": 5, "note": ""}
    )
    assert 'data-field="org"' in response.content.decode()  # only townships are offered
    response = client.post(url, {"org": world.tree.town_a.pk, "year": year, "quota": 5})
    assert response.status_code == 302
    assert DevelopmentPlan.objects.get(org=world.tree.town_a, year=year).quota == 5
    client.force_login(users["committee_admin"])
    body = client.get(url).content.decode()
    assert "城关镇党委" in body and "plan-form" not in body
    assert (
        client.post(url, {"org": world.tree.town_a.pk, "year": year, "quota": 9}).status_code == 403
    )


def test_overview_counts_per_branch_with_plan_use(client, users, world):
    set_plan(actor=None, org=world.tree.town_a, year=2025, quota=4)
    walk(world, new_case(world), wf.ADMISSION_APPROVAL, including=True)
    new_case(world, name="新申请", birth=date(1999, 9, 9), id_number=valid_id(date(1999, 9, 9)))
    client.force_login(users["committee_admin"])
    body = client.get(reverse("development:overview"), {"year": 2025}).content.decode()
    assert "城关镇东村党支部" in body and "已用 1 / 计划 4" in body


def test_form_numbers_ranges_and_void(dept, world):
    url = reverse("development:forms")
    response = dept.post(url, {"year": 2026, "first_number": 20260010, "last_number": 20260100})
    assert "与已登记的编号段" in response.content.decode()
    response = dept.post(url, {"year": 2027, "first_number": 20270001, "last_number": 20270100})
    assert response.status_code == 302 and AdmissionFormRange.objects.filter(year=2027).exists()
    case = new_case(world)
    number = issue_admission_form(actor=None, case=case, on=TODAY)
    body = dept.get(url, {"year": 2026}).content.decode()
    assert str(number.number) in body
    void = reverse("development:form_void", args=[number.pk])
    assert "作废原因" in dept.post(void, {"on": "2026-11-20", "void_reason": ""}).content.decode()
    dept.post(void, {"on": "2026-11-20", "void_reason": "填写错误"})
    number.refresh_from_db()
    assert number.status == "void" and AdmissionFormNumber.objects.filter(pk=number.pk).exists()


def test_leader_reads_but_cannot_write(client, users, world):
    case = new_case(world)
    client.force_login(users["leader"])
    assert client.get(reverse("development:case_detail", args=[case.pk])).status_code == 200
    assert (
        "记录下一步"
        not in client.get(reverse("development:case_detail", args=[case.pk])).content.decode()
    )
    assert client.get(reverse("development:step_record", args=[case.pk])).status_code == 403
    assert client.post(reverse("development:case_create"), {}).status_code == 403
