"""一张表 imports of plans, opinions and problems: good sheets, bad rows (nothing written), the
roll-up after an import, and an exported sheet imported again."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zugong.accounts.models import Role
from zugong.core.models import ImportJob
from zugong.inquiries.models import InvestigationPlan, Opinion, Problem
from zugong.inquiries.tests.support import make_list, make_plan, make_problem

pytestmark = pytest.mark.django_db


def sheet(headers: list[str], rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, kind: str, content: bytes) -> ImportJob:  # noqa: ANN001
    response = client.post(
        reverse("imports:upload", args=[kind]), {"file": SimpleUploadedFile("表.xlsx", content)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


def messages_of(job: ImportJob) -> list[str]:
    return [f"{e['row']}|{e['column']}|{e['message']}" for e in job.errors]


@pytest.fixture
def admin(client, users):  # noqa: ANN001, ANN201
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    return client


PLAN_HEADERS = ["调研主题", "调研内容", "开始日期", "结束日期", "调研对象", "调研组成员"]


def test_plans_import_and_update_by_topic(admin, tree, users):
    make_plan(tree.county, users[Role.DEPARTMENT_ADMIN], "乡村振兴大调研")
    job = upload(
        admin,
        "inquiry_plans",
        sheet(
            PLAN_HEADERS,
            [
                [
                    "乡村振兴大调研",
                    "更新后的内容",
                    "2026-03-01",
                    "2026-05-31",
                    "城关镇党委、TB",
                    "张三、李四",
                ],
                ["基层减负大调研", "", "2026/4/1", "2026年6月30日", "A1", ""],
            ],
        ),
    )
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert (job.created_count, job.updated_count) == (1, 1)
    plan = InvestigationPlan.objects.get(topic="乡村振兴大调研")
    assert plan.description == "更新后的内容"
    assert sorted(t.code for t in plan.targets.all()) == ["TA", "TB"]
    assert sorted(plan.team.values_list("name", flat=True)) == ["张三", "李四"]


def test_plan_rows_with_errors_write_nothing(admin, tree):
    job = upload(
        admin,
        "inquiry_plans",
        sheet(
            PLAN_HEADERS,
            [
                ["好的一行", "", "2026-03-01", "2026-05-31", "", ""],
                ["日期颠倒", "", "2026-05-01", "2026-03-01", "", ""],
                ["外县对象", "", "2026-03-01", "2026-05-31", "邻县某村党支部", ""],
                ["好的一行", "", "2026-03-01", "2026-05-31", "", ""],
            ],
        ),
    )
    assert job.status == ImportJob.Status.INVALID
    assert messages_of(job) == [
        "3|结束日期|结束日期：不能早于开始日期",
        "4|调研对象|调研对象：您的管理范围内没有编码或名称为“邻县某村党支部”的正常组织",
        "5|调研主题|调研主题：与第2行重复",
    ]
    assert not InvestigationPlan.objects.exists()


OPINION_HEADERS = [
    "所属大调研",
    "来源",
    "意见类别",
    "涉及组织",
    "意见内容",
    "收集日期",
    "答复内容",
    "答复日期",
]


def test_opinions_import_with_answers_and_errors(admin, tree, users):
    make_plan(tree.county, users[Role.DEPARTMENT_ADMIN], "乡村振兴大调研")
    good = [
        "乡村振兴大调研",
        "来信",
        "作风建设",
        "TA",
        "希望简化办事流程",
        "2026-03-03",
        "已简化",
        "2026-03-10",
    ]
    bad = [
        ["没有这个调研", "来信", "作风", "", "内容", "2026-03-03", "", ""],
        ["乡村振兴大调研", "网上", "作风", "", "内容", "2026-03-03", "", ""],
        ["乡村振兴大调研", "来电", "作风", "", "内容", "2026-03-03", "已答复", ""],
    ]
    job = upload(admin, "inquiry_opinions", sheet(OPINION_HEADERS, [good, *bad]))
    assert job.status == ImportJob.Status.INVALID
    assert messages_of(job) == [
        "3|所属大调研|所属大调研：您的管理范围内没有主题为“没有这个调研”的大调研",
        "4|来源|来源：“网上”不是可选值，应填写“调研活动”、“来信”、“来电”、“其他”之一",
        "5|答复日期|答复内容和答复日期：要么都填写，要么都不填",
    ]
    assert not Opinion.objects.exists()
    job = upload(admin, "inquiry_opinions", sheet(OPINION_HEADERS, [good]))
    assert job.status == ImportJob.Status.DONE, job.errors
    opinion = Opinion.objects.get()
    assert opinion.org == tree.town_a and opinion.answered_by == users[Role.DEPARTMENT_ADMIN]


PROBLEM_HEADERS = [
    "问题清单",
    "问题",
    "上级问题",
    "问题类别",
    "责任单位",
    "责任人",
    "整改措施",
    "整改期限",
    "权重",
    "整改进度",
]


def test_problems_import_builds_the_tree_and_rolls_up(admin, tree, users):
    make_list(tree.county, users[Role.DEPARTMENT_ADMIN], "县级问题清单")
    job = upload(
        admin,
        "inquiry_problems",
        sheet(
            PROBLEM_HEADERS,
            [
                [
                    "县级问题清单",
                    "村务公开不及时",
                    "",
                    "作风",
                    "示范县委",
                    "",
                    "",
                    "2026-06-30",
                    1,
                    "",
                ],
                [
                    "县级问题清单",
                    "城关镇村务公开",
                    "村务公开不及时",
                    "作风",
                    "TA",
                    "王五",
                    "按月公开",
                    "2026-06-15",
                    3,
                    "100",
                ],
                [
                    "县级问题清单",
                    "东关街道村务公开",
                    "村务公开不及时",
                    "作风",
                    "TB",
                    "赵六",
                    "",
                    "2026-06-15",
                    1,
                    "20%",
                ],
            ],
        ),
    )
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    parent = Problem.objects.get(title="村务公开不及时")
    assert parent.children.count() == 2
    assert parent.progress == Decimal("80.00")  # (100 * 3 + 20) / 4


def test_problem_rows_with_errors_write_nothing(admin, tree, users):
    problem_list = make_list(tree.county, users[Role.DEPARTMENT_ADMIN], "县级问题清单")
    make_problem(
        problem_list,
        tree.county,
        "已销号问题",
        state="closed",
        closed_on="2026-03-01",
        progress="100",
    )
    job = upload(
        admin,
        "inquiry_problems",
        sheet(
            PROBLEM_HEADERS,
            [
                ["县级问题清单", "好问题", "", "", "TA", "", "", "", "", ""],
                ["县级问题清单", "下级", "后面的上级", "", "TA", "", "", "", "", ""],
                ["县级问题清单", "后面的上级", "", "", "TA", "", "", "", "", ""],
                ["县级问题清单", "进度超限", "", "", "TA", "", "", "", "", "150"],
                ["县级问题清单", "外县", "", "", "X1", "", "", "", "", ""],
                ["县级问题清单", "已销号问题", "", "", "C0", "", "", "", "", ""],
                ["县级问题清单", "权重", "", "", "TA", "", "", "", "-1", ""],
            ],
        ),
    )
    assert job.status == ImportJob.Status.INVALID
    assert messages_of(job) == [
        "3|上级问题|上级问题：“后面的上级”在第4行，应写在本行之前",
        "5|整改进度|整改进度：150超出范围，应在0到100之间",
        "6|责任单位|责任单位：您的管理范围内没有编码或名称为“X1”的正常组织",
        "7|问题|问题：该问题已销号，不能通过导入修改",
        "8|权重|权重：“-1”应为0到1000之间的整数",
    ]
    assert Problem.objects.count() == 1


def test_a_branch_admin_may_not_import_problems(client, tree, users):
    make_list(tree.branch_a1, users[Role.DEPARTMENT_ADMIN], "支部清单")
    client.force_login(users[Role.BRANCH_ADMIN])
    job = upload(
        client,
        "inquiry_problems",
        sheet(PROBLEM_HEADERS, [["支部清单", "问题", "", "", "A1", "", "", "", "", ""]]),
    )
    assert job.status == ImportJob.Status.INVALID
    assert "只有组织部、党（工）委管理员可以导入" in messages_of(job)[0]
    assert not Problem.objects.exists()


def test_an_exported_problem_sheet_imports_again(admin, tree, users):
    problem_list = make_list(tree.county, users[Role.DEPARTMENT_ADMIN], "县级问题清单")
    parent = make_problem(problem_list, tree.county, "县级问题")
    make_problem(
        problem_list, tree.town_a, "城关镇问题", parent=parent, progress="40", owner_name="王五"
    )
    response = admin.get(reverse("inquiries:problem_index") + "?export=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    book.active.cell(row=3, column=10).value = 70
    out = io.BytesIO()
    book.save(out)
    job = upload(admin, "inquiry_problems", out.getvalue())
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert (job.created_count, job.updated_count) == (0, 2)
    parent.refresh_from_db()
    assert parent.progress == Decimal("70.00")
    assert Problem.objects.get(title="城关镇问题").owner_name == "王五"


@pytest.mark.parametrize("kind", ["inquiry_plans", "inquiry_opinions", "inquiry_problems"])
def test_templates_download_with_the_import_headers(admin, kind):
    response = admin.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [str(c.value or "") for c in next(book.worksheets[0].iter_rows(max_row=1))]
    expected = {
        "inquiry_plans": "调研主题",
        "inquiry_opinions": "意见内容",
        "inquiry_problems": "责任单位",
    }
    assert any(expected[kind] in h for h in headers)
