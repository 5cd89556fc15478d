"""一张表 import of meeting records: a good sheet, and bad rows that write nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from zugong.conftest import make_member
from zugong.core.models import Finding, ImportJob
from zugong.life import tally
from zugong.life.models import Attendance, Meeting, MeetingTally
from zugong.life.tests.conftest import record
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

HEADERS = [
    "组织编码",
    "组织名称",
    "会议类型",
    "日期",
    "开始时间",
    "地点",
    "主持人",
    "记录人",
    "主题",
    "内容",
    "决议",
    "主讲人",
    "出席党员",
    "请假党员",
    "缺席党员",
]


def sheet(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(**cells: object) -> list[object]:
    values = {
        "组织编码": "A1",
        "会议类型": "主题党日",
        "日期": "2026-03-05",
        "主题": "主题党日活动",
    }
    values.update(cells)
    return [values.get(h) for h in HEADERS]


def upload(client, content: bytes) -> ImportJob:  # noqa: ANN001
    response = client.post(
        reverse("imports:upload", args=["meetings"]),
        {"file": SimpleUploadedFile("会议.xlsx", content)},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


@pytest.fixture
def writer(client, users):  # noqa: ANN001, ANN201
    client.force_login(users["committee_admin"])
    return client


def errors(job: ImportJob) -> list[str]:
    return [e["message"] for e in job.errors]


def test_good_sheet(writer, tree, branch, mtypes):
    content = sheet(
        [
            row(
                会议类型="支部党员大会",
                开始时间="14:30",
                地点="活动室",
                主持人="赵一",
                出席党员="赵一、钱二，孙三;李四 周五",
                请假党员="吴六（外出务工）",
                缺席党员="郑七(无故)",
            ),
            row(组织编码=None, 组织名称="城关镇东村党支部", 日期="2026/4/5", 主题="四月主题党日"),
            row(会议类型="党课", 日期="2026-04-20", 主讲人="赵一", 主题="党课：党章"),
            row(组织编码="TA", 会议类型="民主生活会", 日期="2026-01-20", 主题="年度民主生活会"),
        ]
    )
    job = upload(writer, content)
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert job.created_count == 4
    general = Meeting.objects.get(meeting_type=mtypes["branch_general_meeting"])
    assert general.starts_at.strftime("%H:%M") == "14:30"
    assert (
        general.expected_count,
        general.present_count,
        general.leave_count,
        general.absent_count,
    ) == (10, 5, 1, 1)
    assert general.quorum_met is True  # 5 of 8 voting members
    assert Attendance.objects.get(meeting=general, member__name="郑七").reason == "无故"
    assert general.history.get().history_change_reason == "一张表导入"
    assert general.recorded_by.username == "u_committee_admin"
    lecture = Meeting.objects.get(meeting_type=mtypes["party_lecture"])
    assert lecture.lecturer.name == "赵一"
    kept = set(
        MeetingTally.objects.values_list("org_id", "meeting_type_id", "year", "month_mask", "count")
    )
    tally.rebuild_tallies()
    assert kept == set(
        MeetingTally.objects.values_list("org_id", "meeting_type_id", "year", "month_mask", "count")
    )


def test_below_quorum_import_is_flagged(writer, tree, branch, mtypes):
    job = upload(writer, sheet([row(会议类型="支部党员大会", 出席党员="赵一、钱二、孙三、李四")]))
    assert job.status == ImportJob.Status.DONE
    m = Meeting.objects.get()
    assert m.quorum_met is False
    assert Finding.objects.filter(
        subject_type="meeting", subject_id=m.pk, rule_id="life.quorum_not_met"
    ).exists()


def test_a_bad_row_writes_nothing(writer, tree, branch, mtypes):
    make_member(tree.branch_a1, "赵一")  # a second 赵一: the name is ambiguous
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    record(tree.branch_a1, mtypes["theme_party_day"], date(2026, 2, 1), today=timezone.localdate())
    content = sheet(
        [
            row(日期="2026-03-01"),  # good
            row(日期=future),  # future date
            row(日期="2026-03-09", 出席党员="赵一"),  # ambiguous name
            row(日期="2026-03-10", 出席党员="无名氏"),  # unknown name
            row(日期="2026-03-11", 请假党员="钱二"),  # no reason
            row(会议类型="民主生活会"),  # wrong org kind
            row(组织编码="B1"),  # out of scope
            row(日期="2026-02-01"),  # already in the system
            row(日期="2026-03-20", 开始时间="09:00"),
            row(日期="2026-03-20"),  # same day as the row above, blank time
            row(会议类型="支部委员会会议", 组织编码="A2A"),  # no committee elected
            row(会议类型="开会"),  # unknown type
            row(会议类型="党课", 日期="2026-03-25"),  # no lecturer
        ]
    )
    job = upload(writer, content)
    assert job.status == ImportJob.Status.INVALID
    messages = "\n".join(errors(job))
    assert "晚于今天" in messages
    assert "有2名党员叫“赵一”" in messages
    assert "“无名氏”不在“城关镇东村党支部”的党员名单中" in messages
    assert "“钱二”须在姓名后用括号注明原因" in messages
    assert "“民主生活会”由党委（党组）、党总支召开" in messages
    assert "“B1”不存在或不在您的管理范围内" in messages
    assert "系统中已登记本组织当天的同类会议" in messages
    assert "与第10行是同一组织同一天的同类会议" in messages
    assert "没有登记本届支部委员会" in messages
    assert "“开会”不是系统中的会议类型" in messages
    assert "主讲人：党课须填写主讲人" in messages
    rows_with_errors = {e["row"] for e in job.errors}
    assert rows_with_errors == set(range(3, 15)) - {10}  # row 10 is the first of the pair
    assert Meeting.objects.count() == 1  # only the one recorded before the import
    # The marked sheet comes back.
    marked = load_workbook(io.BytesIO(job.error_file.read()))
    assert marked.active.max_row >= 14


def test_branch_group_uses_the_branch_roster(writer, tree, branch, mtypes):
    create_org(
        actor=None, parent=tree.branch_a1, name="第一党小组", code="A1G1", kind="branch_group"
    )
    job = upload(writer, sheet([row(组织编码="A1G1", 会议类型="党小组会", 出席党员="赵一、钱二")]))
    assert job.status == ImportJob.Status.DONE, job.errors
    m = Meeting.objects.get()
    assert (m.expected_count, m.present_count) == (10, 2)


def test_template_download(writer):
    response = writer.get(reverse("imports:template", args=["meetings"]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in ws[1]]
    assert "会议类型*" in headers and "出席党员" in headers
