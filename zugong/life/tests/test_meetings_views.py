"""Meeting pages: the ledger list and its export, the record's tabs, quick entry, files, .docx."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from zugong.conftest import assert_flat_queries, make_member
from zugong.life.models import AttendanceStatus, Meeting, MeetingFile
from zugong.life.services import AttendanceEntry
from zugong.life.tests.conftest import present, record
from zugong.life.tests.test_meetings_uploads import jpeg_with_exif, upload

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'href="/life/meetings/\d+/"')


def rows(response) -> int:  # noqa: ANN001
    return len(ROW_LINK.findall(response.content.decode()))


@pytest.fixture
def writer(client, users):  # noqa: ANN001, ANN201
    client.force_login(users["branch_admin"])
    return client


def _today() -> date:
    return timezone.localdate()


def test_list_filters_search_and_scope(client, users, tree, branch, mtypes):
    a = record(
        tree.branch_a1,
        mtypes["theme_party_day"],
        date(2026, 1, 8),
        topic="学习二十大精神",
        place="村委会",
        today=_today(),
    )
    b = record(
        tree.branch_a1,
        mtypes["branch_general_meeting"],
        date(2026, 2, 3),
        topic="讨论发展对象",
        host="赵一",
        attendance=present(branch.full[:2]),
        today=_today(),
    )
    make_member(tree.branch_b1, "丙")
    c = record(
        tree.branch_b1,
        mtypes["theme_party_day"],
        date(2026, 1, 9),
        topic="东关主题党日",
        today=_today(),
    )
    client.force_login(users["committee_admin"])
    url = reverse("life:meeting_list")

    def topics(query: str = "") -> set[str]:
        response = client.get(url + query)
        assert response.status_code == 200
        body = response.content.decode()
        return {m.topic for m in (a, b, c) if m.topic in body}

    assert topics() == {a.topic, b.topic}  # 东关 is another township
    assert topics(f"?type={mtypes['branch_general_meeting'].pk}") == {b.topic}
    assert topics("?category=org_life") == {a.topic}
    assert topics("?year=2026&month=1") == {a.topic}
    assert topics("?date_from=2026-02-01&date_to=2026-02-28") == {b.topic}
    assert topics("?quorum=unmet") == {b.topic}
    assert topics("?q=村委") == {a.topic}
    assert topics("?q=赵一") == {b.topic}
    assert topics(f"?org={tree.branch_a1.pk}") == {a.topic, b.topic}
    assert client.get(url + f"?org={tree.branch_b1.pk}").status_code == 404


def test_export_is_the_ledger(client, users, tree, branch, mtypes):
    attendance = [
        *present(branch.full[:5]),
        AttendanceEntry(branch.full[5].pk, AttendanceStatus.LEAVE, "住院"),
        AttendanceEntry(branch.full[6].pk, AttendanceStatus.ABSENT, "无故"),
    ]
    record(
        tree.branch_a1,
        mtypes["branch_general_meeting"],
        date(2026, 3, 2),
        attendance=attendance,
        topic="季度党员大会",
        today=_today(),
    )
    record(
        tree.branch_a1, mtypes["theme_party_day"], date(2025, 3, 2), topic="去年的", today=_today()
    )
    client.force_login(users["leader"])
    response = client.get(
        reverse("life:meeting_list") + f"?org={tree.branch_a1.pk}&year=2026&export=xlsx"
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(ws.values)
    assert values[0][0] == "党组织" and len(values) == 2
    row = dict(zip(values[0], values[1], strict=True))
    assert row["主题"] == "季度党员大会" and row["召开日期"] == "2026-03-02"
    assert row["应到"] == 10 and row["实到"] == 5
    assert "孙三" not in row["请假及缺席人员（原因）"]
    assert "吴六（请假：住院）" in row["请假及缺席人员（原因）"]
    assert "郑七（缺席：无故）" in row["请假及缺席人员（原因）"]
    assert row["法定人数"] == "达到（5/8）"


def test_list_query_count_is_flat(
    client, users, tree, branch, mtypes, django_assert_max_num_queries
):
    client.force_login(users["department_admin"])
    days = itertools.count(1)

    def grow(n: int) -> None:
        for _ in range(n):
            record(
                tree.branch_a1,
                mtypes["theme_party_day"],
                _today() - timedelta(days=next(days)),
                attendance=present(branch.full[:1]),
                today=_today(),
            )

    assert_flat_queries(
        client, reverse("life:meeting_list"), grow, rows, django_assert_max_num_queries
    )


@pytest.mark.parametrize(
    ("tab", "text"),
    [
        ("info", "村委会"),
        ("attendance", "外出"),
        ("files", "现场.jpg"),
        ("findings", "第十一条"),
        ("history", "新建"),
    ],
)
def test_detail_tabs(client, users, tree, branch, mtypes, tab, text):
    from zugong.life import services

    attendance = present(branch.full[:3]) + [
        AttendanceEntry(branch.full[3].pk, AttendanceStatus.LEAVE, "外出")
    ]
    m = record(
        tree.branch_a1,
        mtypes["branch_general_meeting"],
        place="村委会",
        attendance=attendance,
        today=_today(),
    )
    services.add_meeting_files(actor=None, meeting=m, files=[upload("现场.jpg", jpeg_with_exif())])
    client.force_login(users["leader"])
    response = client.get(reverse("life:meeting_detail", args=[m.pk]) + f"?tab={tab}")
    assert response.status_code == 200
    body = response.content.decode()
    assert text in body


def test_leader_sees_no_write_buttons(client, users, tree, branch, mtypes):
    m = record(tree.branch_a1, mtypes["theme_party_day"], today=_today())
    client.force_login(users["leader"])
    body = client.get(reverse("life:meeting_detail", args=[m.pk])).content.decode()
    assert reverse("life:meeting_edit", args=[m.pk]) not in body
    assert reverse("life:meeting_delete", args=[m.pk]) not in body
    assert client.post(reverse("life:meeting_delete", args=[m.pk])).status_code == 403
    assert Meeting.objects.filter(pk=m.pk).exists()


def _post_data(tree, mtypes, branch, **extra) -> dict:  # noqa: ANN001
    data = {
        "org": tree.branch_a1.pk,
        "meeting_type": mtypes["branch_general_meeting"].pk,
        "held_on": _today().isoformat(),
        "starts_at": "14:30",
        "place": "党员活动室",
        "host": "赵一",
        "recorder": "钱二",
        "topic": "讨论确定发展对象",
        "content": "会议讨论了……",
        "decisions": "同意列为发展对象",
    }
    for m in branch.everyone:
        data[f"att_{m.pk}"] = "present"
        data[f"reason_{m.pk}"] = ""
    data.update(extra)
    return data


def test_create_with_attendance_and_photo(writer, tree, branch, mtypes):
    leave = branch.full[7]
    data = _post_data(
        tree, mtypes, branch, **{f"att_{leave.pk}": "leave", f"reason_{leave.pk}": "外出务工"}
    )
    data["attachments"] = [upload("现场照片.jpg", jpeg_with_exif())]
    response = writer.post(reverse("life:meeting_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Meeting.objects.get()
    assert response["Location"] == reverse("life:meeting_detail", args=[m.pk])
    assert (m.expected_count, m.present_count, m.leave_count, m.quorum_met) == (10, 9, 1, True)
    assert m.attendances.get(member=leave).reason == "外出务工"
    assert m.recorded_by.username == "u_branch_admin"
    (photo,) = MeetingFile.objects.all()
    assert photo.original_name == "现场照片.jpg"


def test_create_form_preselects_the_branch_and_shows_its_roster(writer, tree, branch):
    response = writer.get(reverse("life:meeting_create"))
    body = response.content.decode()
    assert f'<option value="{tree.branch_a1.pk}" selected>' in body
    assert all(m.name in body for m in branch.everyone)
    assert 'name="attachments"' in body and "multiple" in body


def test_create_errors_name_the_member_and_field(writer, tree, branch, mtypes):
    leave = branch.full[7]
    data = _post_data(tree, mtypes, branch, **{f"att_{leave.pk}": "absent"})
    data["held_on"] = (_today() + timedelta(days=1)).isoformat()
    response = writer.post(reverse("life:meeting_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "晚于今天" in body
    assert not Meeting.objects.exists()
    data["held_on"] = _today().isoformat()
    body = writer.post(reverse("life:meeting_create"), data).content.decode()
    assert "“王八”缺席，须填写缺席原因" in body
    # The posted choice is kept on the redisplayed roster.
    assert re.search(
        rf'id="att_{leave.pk}_absent" value="absent" autocomplete="off"\s+checked', body
    )


def test_create_refuses_another_orgs_member(writer, tree, branch, mtypes):
    stranger = make_member(tree.branch_a2a, "外来人")
    data = _post_data(tree, mtypes, branch, **{f"att_{stranger.pk}": "present"})
    body = writer.post(reverse("life:meeting_create"), data).content.decode()
    assert "“外来人”不在本组织党员名单中" in body
    assert not Meeting.objects.exists()


def test_create_bad_photo_is_named(writer, tree, branch, mtypes):
    data = _post_data(tree, mtypes, branch)
    data["attachments"] = [upload("伪装.jpg", b"<?php echo 1; ?>")]
    body = writer.post(reverse("life:meeting_create"), data).content.decode()
    assert "附件“伪装.jpg”" in body and not Meeting.objects.exists()


def test_roster_partial(writer, tree, branch, client, users):
    url = reverse("life:meeting_roster")
    body = writer.get(url + f"?org={tree.branch_a1.pk}").content.decode()
    assert "赵一" in body and "出席情况" in body
    assert writer.get(url + f"?org={tree.branch_a2a.pk}").status_code == 404
    assert writer.get(url).status_code == 200


def test_edit_and_delete(writer, tree, branch, mtypes):
    m = record(
        tree.branch_a1,
        mtypes["branch_general_meeting"],
        attendance=present(branch.everyone),
        today=_today(),
    )
    response = writer.get(reverse("life:meeting_edit", args=[m.pk]))
    assert response.status_code == 200 and "赵一" in response.content.decode()
    data = _post_data(tree, mtypes, branch, topic="改过的主题", held_on=m.held_on.isoformat())
    response = writer.post(reverse("life:meeting_edit", args=[m.pk]), data)
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.topic == "改过的主题" and m.org_id == tree.branch_a1.pk
    assert writer.get(reverse("life:meeting_delete", args=[m.pk])).status_code == 405
    response = writer.post(reverse("life:meeting_delete", args=[m.pk]))
    assert response.status_code == 302 and not Meeting.objects.exists()


def test_upload_download_and_delete_file(writer, tree, branch, mtypes):
    m = record(tree.branch_a1, mtypes["theme_party_day"], today=_today())
    url = reverse("life:meeting_file_upload", args=[m.pk])
    response = writer.post(url, {"attachments": [upload("文件.txt", b"plain text")]}, follow=True)
    assert "附件“文件.txt”" in response.content.decode()
    response = writer.post(url, {"attachments": [upload("现场.jpg", jpeg_with_exif())]})
    assert response.status_code == 302
    item = MeetingFile.objects.get()
    response = writer.get(reverse("life:meeting_file_download", args=[item.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]
    assert b"SecretPhone" not in b"".join(response.streaming_content)
    response = writer.post(reverse("life:meeting_file_delete", args=[item.pk]))
    assert response.status_code == 302 and not MeetingFile.objects.exists()


def test_docx_record(client, users, tree, branch, mtypes):
    attendance = present(branch.full[:6]) + [
        AttendanceEntry(branch.full[6].pk, AttendanceStatus.LEAVE, "住院治疗")
    ]
    m = record(
        tree.branch_a1,
        mtypes["branch_general_meeting"],
        topic="讨论接收预备党员",
        host="赵一",
        recorder="钱二",
        decisions="同意接收",
        attendance=attendance,
        today=_today(),
    )
    client.force_login(users["leader"])
    response = client.get(reverse("life:meeting_docx", args=[m.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "讨论接收预备党员" in text and "同意接收" in text and "签字" in text
    assert "支部党员大会记录" in text
    assert "主持人" in cells and "赵一" in cells and "钱二" in cells
    assert "请假：郑七（住院治疗）" in cells and "2026年3月10日" in cells
    assert "应到人数" in cells and "10" in cells


def test_a_long_roster_is_not_ticked_on_the_phone(writer, tree, monkeypatch):
    from zugong.life.views import meetings as views

    monkeypatch.setattr(views, "ROSTER_FORM_LIMIT", 2)
    for name in ("甲", "乙", "丙"):
        make_member(tree.branch_a1, name)
    body = writer.get(reverse("life:meeting_roster") + f"?org={tree.branch_a1.pk}").content.decode()
    assert "名单中有3名党员" in body and 'name="att_' not in body
