"""The 组织生活台账 (meeting ledger) as .xlsx: one row per meeting, with who was away and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.life.models import Attendance, AttendanceStatus, Meeting

HEADERS = [
    "党组织",
    "组织编码",
    "会议类型",
    "类别",
    "召开日期",
    "开始时间",
    "地点",
    "主持人",
    "记录人",
    "主题",
    "应到",
    "实到",
    "请假",
    "缺席",
    "请假及缺席人员（原因）",
    "法定人数",
    "决议事项",
]


def _quorum(m: Meeting) -> str:
    if m.quorum_met is None:
        return "不要求"
    state = "达到" if m.quorum_met else "未达到"
    return f"{state}（{m.quorum_present}/{m.quorum_expected}）"


def meeting_rows(qs: QuerySet[Meeting]) -> Iterable[list[Any]]:
    away = Attendance.objects.exclude(status=AttendanceStatus.PRESENT).select_related("member")
    qs = qs.select_related("org", "meeting_type").prefetch_related(
        Prefetch(
            "attendances", queryset=away.only("meeting_id", "status", "reason", "member__name")
        )
    )
    # iterator() with prefetch_related fetches the away lists once per chunk, not per meeting.
    for m in qs.iterator(chunk_size=500):
        away_text = "；".join(
            f"{a.member.name}（{a.get_status_display()}：{a.reason}）" for a in m.attendances.all()
        )
        yield [
            m.org.name,
            m.org.code,
            m.meeting_type.name,
            m.meeting_type.get_category_display(),
            m.held_on,
            m.starts_at.strftime("%H:%M") if m.starts_at else "",
            m.place,
            m.host,
            m.recorder,
            m.topic,
            m.expected_count,
            m.present_count,
            m.leave_count,
            m.absent_count,
            away_text,
            _quorum(m),
            m.decisions,
        ]


register_exporter(
    Exporter(
        name="meetings",
        title="组织生活台账",
        headers=HEADERS,
        rows=meeting_rows,
        widths=[28, 14, 14, 12, 12, 8, 16, 8, 8, 30, 6, 6, 6, 6, 36, 14, 30],
    )
)
