"""一张表 import of historical 发展党员 cases: a good sheet, rule boundaries, bad rows writing
nothing, and a person who already has an open case."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from zugong.conftest import code, make_member, valid_id
from zugong.core.models import ImportJob
from zugong.development import workflow as wf
from zugong.development.models import (
    NATIONAL_2014,
    NATIONAL_2026,
    Case,
    CaseStatus,
    CaseStep,
    PersonRole,
    StepPerson,
)
from zugong.development.services import open_case, set_rule_set_period
from zugong.members.models import Member, MemberType

pytestmark = pytest.mark.django_db

HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "所在党支部编码",
    "所在党支部名称",
    "递交入党申请书",
    "确定为入党积极分子",
    "确定为发展对象",
    "支部大会讨论接收",
    "上级党委审批",
    "入党宣誓",
    "转正支部大会",
    "转正审批",
    "培养联系人",
    "入党介绍人",
]
BIRTH = date(1990, 4, 1)
FULL_HISTORY = {
    "递交入党申请书": "2019-03-01",
    "确定为入党积极分子": "2019-09-01",
    "确定为发展对象": "2020-09-01",
    "支部大会讨论接收": "2020-11-10",
    "上级党委审批": "2020-12-10",
    "入党宣誓": "2020-12-20",
    "转正支部大会": "2021-11-10",
    "转正审批": "2021-12-01",
}


def sheet(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(name: str = "钱历史", birth: date = BIRTH, male: bool = True, **cells: object) -> list:
    values: dict[str, object] = {
        "姓名": name,
        "公民身份号码": valid_id(birth, male),
        "性别": "男" if male else "女",
        "所在党支部编码": "A1",
        "递交入党申请书": "2019-03-01",
    }
    values.update(cells)
    return [values.get(h) for h in HEADERS]


@pytest.fixture
def writer(client, users):  # noqa: ANN001, ANN201
    client.force_login(users["committee_admin"])
    return client


@pytest.fixture
def roster(tree):  # noqa: ANN001, ANN201
    return [make_member(tree.branch_a1, f"老党员{i}", birth=date(1970, 1, 1 + i)) for i in range(3)]


def upload(client, content: bytes) -> ImportJob:  # noqa: ANN001
    response = client.post(
        reverse("imports:upload", args=["development_cases"]),
        {"file": SimpleUploadedFile("发展党员.xlsx", content)},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


def messages_of(job: ImportJob) -> list[str]:
    return [f"{e['column']}|{e['message']}" for e in job.errors]


def test_template_downloads(writer):
    response = writer.get(reverse("imports:template", args=["development_cases"]))
    assert response.status_code == 200


def test_good_sheet_writes_cases_steps_people_and_members(writer, tree, roster):
    set_rule_set_period(actor=None, rule_set=NATIONAL_2026, effective_from=date(2026, 1, 1))
    kept = make_member(
        tree.branch_a1,
        "孙已在册",
        birth=date(1992, 6, 1),
        member_type=MemberType.PROBATIONARY,
        joined_on=date(2025, 9, 1),
        confirmed_on=None,
    )
    before = Member.objects.count()
    content = sheet(
        [
            row(
                **FULL_HISTORY,
                培养联系人="老党员0、老党员1",
                入党介绍人="老党员1，老党员2",
            ),
            row(
                "李在培",
                date(1998, 2, 1),
                male=False,
                所在党支部编码=None,
                所在党支部名称="城关镇东村党支部",
                递交入党申请书="2024-05-01",
                确定为入党积极分子="2025-01-10",
                确定为发展对象="2026-01-10",
            ),
            row(
                "孙已在册",
                date(1992, 6, 1),
                公民身份号码=kept.id_number,
                递交入党申请书="2023-01-05",
                确定为入党积极分子="2023-06-01",
                确定为发展对象="2024-06-01",
                支部大会讨论接收="2025-09-01",
                上级党委审批="2025-10-08",
            ),
        ]
    )
    job = upload(writer, content)
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert job.created_count == 3

    done = Case.objects.get(name="钱历史")
    assert done.status == CaseStatus.CLOSED and done.closed_on == date(2021, 12, 1)
    steps = list(CaseStep.objects.filter(case=done).select_related("definition"))
    assert {s.definition.code for s in steps} == {
        wf.APPLICATION,
        wf.ACTIVIST,
        wf.CULTIVATION_CONTACT,
        wf.CANDIDATE,
        wf.SPONSORS,
        wf.ADMISSION_MEETING,
        wf.ADMISSION_APPROVAL,
        wf.OATH,
        wf.CONVERSION_MEETING,
        wf.CONVERSION_APPROVAL,
    }
    assert all(s.rule_set == NATIONAL_2014 for s in steps)
    people = StepPerson.objects.filter(step__case=done)
    sponsors = people.filter(role=PersonRole.SPONSOR)
    assert sorted(p.name for p in sponsors) == ["老党员1", "老党员2"]
    assert all(p.member is not None for p in people)
    member = done.member
    assert member is not None and member.member_type == MemberType.FULL
    assert member.joined_on == date(2020, 11, 10)
    assert member.confirmed_on == date(2021, 11, 10)  # 预备期满一年
    # In the register (and the 党内统计) from the approval, 预备 until the 转正 approval.
    periods = member.periods.order_by("valid_from")
    assert [(p.valid_from, p.valid_to, p.member_type) for p in periods] == [
        (date(2020, 12, 10), date(2021, 12, 1), MemberType.PROBATIONARY),
        (date(2021, 12, 1), None, MemberType.FULL),
    ]
    assert done.history.first().history_change_reason.startswith("一张表导入")

    # Each step carries the rule set in force on its own date.
    open_ = Case.objects.get(name="李在培")
    assert open_.status == CaseStatus.OPEN and open_.member is None and open_.stage == 3
    stamps = dict(CaseStep.objects.filter(case=open_).values_list("definition__code", "rule_set"))
    assert stamps == {
        wf.APPLICATION: NATIONAL_2014,
        wf.ACTIVIST: NATIONAL_2014,
        wf.CANDIDATE: NATIONAL_2026,
    }
    assert open_.rule_set == NATIONAL_2026

    # An existing register record is linked, not duplicated.
    linked = Case.objects.get(name="孙已在册")
    assert linked.member_id == kept.pk
    assert Member.objects.count() == before + 1


def test_bad_row_writes_nothing(writer, tree, roster):
    before = Member.objects.count()
    content = sheet(
        [
            row(**FULL_HISTORY),
            row(
                "周过早",
                date(1991, 1, 1),
                递交入党申请书="2020-01-01",
                确定为入党积极分子="2020-06-01",
                # One day short of a year after 列为入党积极分子.
                确定为发展对象="2021-05-31",
            ),
            row(
                "吴跳步", date(1993, 1, 1), 递交入党申请书="2021-01-01", 确定为发展对象="2022-03-01"
            ),
            row(
                "郑倒序",
                date(1994, 1, 1),
                递交入党申请书="2021-05-01",
                确定为入党积极分子="2021-04-01",
            ),
        ]
    )
    job = upload(writer, content)
    assert job.status == ImportJob.Status.INVALID
    found = messages_of(job)
    assert any(
        m.startswith("确定为发展对象日期|确定为发展对象日期：列为入党积极分子（2020年6月1日）")
        and "第十三条" in m
        for m in found
    ), found
    assert any(m.startswith("确定为入党积极分子日期|") and "本列也须填写" in m for m in found), (
        found
    )
    assert any("不能早于递交入党申请书日期" in m for m in found), found
    assert Case.objects.count() == 0
    assert CaseStep.objects.count() == 0
    assert Member.objects.count() == before
    assert job.error_file


@pytest.mark.parametrize(
    ("candidate", "ok"), [("2020-05-31", False), ("2020-06-01", True), ("2020-06-02", True)]
)
def test_one_year_as_activist_boundary(writer, tree, candidate, ok):
    content = sheet(
        [
            row(
                递交入党申请书="2019-01-01",
                确定为入党积极分子="2019-06-01",
                确定为发展对象=candidate,
            )
        ]
    )
    job = upload(writer, content)
    assert (job.status == ImportJob.Status.DONE) is ok, job.errors


@pytest.mark.parametrize(
    ("applied", "ok"), [("2019-03-31", False), ("2019-04-01", True), ("2019-04-02", True)]
)
def test_age_eighteen_at_application_boundary(writer, tree, applied, ok):
    content = sheet([row(birth=date(2001, 4, 1), 递交入党申请书=applied)])
    job = upload(writer, content)
    assert (job.status == ImportJob.Status.DONE) is ok, job.errors
    if not ok:
        assert "未满18周岁" in job.errors[0]["message"]
        assert "依据" in job.errors[0]["message"]


@pytest.mark.parametrize(
    ("meeting", "ok"), [("2021-11-09", False), ("2021-11-10", True), ("2021-11-11", True)]
)
def test_probation_year_boundary(writer, tree, meeting, ok):
    history = dict(FULL_HISTORY, 转正支部大会=meeting, 转正审批="2021-12-20")
    job = upload(writer, sheet([row(**history)]))
    assert (job.status == ImportJob.Status.DONE) is ok, job.errors
    if not ok:
        assert any("届满前不能讨论转正" in e["message"] for e in job.errors)


def test_person_with_an_open_case_is_refused(writer, tree):
    birth = date(1996, 8, 8)
    open_case(
        actor=None,
        name="冯进行",
        id_number=valid_id(birth),
        birth_date=birth,
        gender=code("gender", "1"),
        org=tree.branch_a1,
        applied_on=date(2025, 3, 1),
    )
    case = Case.objects.get()
    job = upload(
        writer,
        sheet([row("冯进行", birth, 公民身份号码=case.id_number, 递交入党申请书="2020-03-01")]),
    )
    assert job.status == ImportJob.Status.INVALID
    assert any("已有进行中的发展党员档案" in m for m in messages_of(job))
    assert Case.objects.count() == 1


def test_branch_outside_scope_and_duplicate_rows_refused(writer, tree):
    same = valid_id(BIRTH)
    job = upload(
        writer,
        sheet([row(所在党支部编码="B1", 公民身份号码=same), row(公民身份号码=same)]),
    )
    found = messages_of(job)
    assert any("不存在或不在您的管理范围内" in m for m in found), found
    assert any("与第2行是同一人" in m for m in found), found
    assert Case.objects.count() == 0
