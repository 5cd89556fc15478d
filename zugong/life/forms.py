"""The meeting form (quick entry on a phone) and the attendance read from the roster's radios."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict

from zugong.accounts.models import User
from zugong.core.forms import DateInput, ZForm
from zugong.life import selectors
from zugong.life.models import AttendanceStatus, Meeting, MeetingType
from zugong.life.services import AttendanceEntry
from zugong.members.models import Member
from zugong.orgs.models import Organization

_ATTENDANCE_KEY = re.compile(r"^att_(\d{1,12})$")
MAX_FILES = 20


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%H:%M", **kwargs)  # type: ignore[arg-type]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos at once (a phone's gallery picker returns a list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(items) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传{MAX_FILES}个文件")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class MeetingForm(ZForm):
    org = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    meeting_type = forms.ModelChoiceField(label="会议类型", queryset=MeetingType.objects.none())
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    starts_at = forms.TimeField(label="开始时间", required=False, widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label="时长（分钟）", required=False, min_value=1, max_value=1440
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    host = forms.CharField(label="主持人", max_length=40, required=False)
    recorder = forms.CharField(label="记录人", max_length=40, required=False)
    topic = forms.CharField(label="主题", max_length=200)
    agenda = forms.CharField(label="议程", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(
        label="会议内容（记录）", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    decisions = forms.CharField(
        label="决议事项", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    observers = forms.CharField(label="列席人员", max_length=300, required=False)
    lecturer = forms.ModelChoiceField(
        label="党课主讲人", queryset=Member.objects.none(), required=False
    )
    lecturer_name = forms.CharField(
        label="主讲人（非本库党员）",
        max_length=40,
        required=False,
        help_text="主讲人不在本组织党员名单中时填写",
    )
    attachments = MultipleFileField(
        label="照片和文件",
        required=False,
        help_text="可多选；照片 JPG/PNG/WebP 不超过10MB，文件 PDF/DOCX/XLSX 不超过20MB",
    )

    # The fields laid out in the main grid (lecturer and the roster come with the roster part).
    MAIN_FIELDS = (
        "org",
        "meeting_type",
        "held_on",
        "starts_at",
        "duration_minutes",
        "place",
        "host",
        "recorder",
        "topic",
        "agenda",
        "content",
        "decisions",
        "observers",
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        meeting: Meeting | None = None,
        roster_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.meeting_orgs(user)
        self.fields["meeting_type"].queryset = selectors.meeting_types()
        self.fields["lecturer"].queryset = Member.objects.filter(
            org_path__startswith=user.scope.path or "\0"
        )
        self.fields["org"].widget.attrs.update(
            {
                "hx-get": roster_url,
                "hx-target": "#roster",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        if meeting is not None:
            # An edit keeps the organization: its roster is what the attendance was ticked from.
            self.fields["org"].disabled = True
            self.fields["org"].queryset = Organization.objects.filter(pk=meeting.org_id)
            del self.fields["attachments"]

    def main_fields(self) -> list:
        return [self[name] for name in self.MAIN_FIELDS]


def initial_from(meeting: Meeting) -> dict[str, Any]:
    return {
        "org": meeting.org_id,
        "meeting_type": meeting.meeting_type_id,
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place,
        "host": meeting.host,
        "recorder": meeting.recorder,
        "topic": meeting.topic,
        "agenda": meeting.agenda,
        "content": meeting.content,
        "decisions": meeting.decisions,
        "observers": meeting.observers,
        "lecturer": meeting.lecturer_id,
        "lecturer_name": meeting.lecturer_name,
    }


def attendance_from_post(data: QueryDict) -> list[AttendanceEntry]:
    """Each roster radio att_<member id> with its reason_<member id>; the service checks them."""
    entries = []
    for key in data:
        match = _ATTENDANCE_KEY.match(key)
        if match is None:
            continue
        pk = int(match.group(1))
        status = data.get(key, AttendanceStatus.PRESENT)
        entries.append(
            AttendanceEntry(member_id=pk, status=status, reason=data.get(f"reason_{pk}", ""))
        )
    return entries


class UploadForm(ZForm):
    attachments = MultipleFileField(label="照片和文件", required=False)
