"""Every write to the meeting records: create, edit, delete, attachments.

Each write keeps the per-year tally (zugong.life.tally) and the meeting's findings in step, in the
same transaction. Checks raise ValidationError with a Chinese message that names the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.files import remove_files_on_commit
from zugong.core.models import Finding
from zugong.core.rules.registry import SUBJECT_KINDS
from zugong.core.services import FINDING_BATCH, refresh_findings
from zugong.life import selectors, tally
from zugong.life.models import (
    Attendance,
    AttendanceStatus,
    Holder,
    Meeting,
    MeetingFile,
    MeetingType,
    Quorum,
)
from zugong.life.uploads import prepare_upload
from zugong.members.models import Member, MemberType
from zugong.orgs.models import Organization, OrgKind

COMMITTEE_KINDS = frozenset(
    {
        OrgKind.COUNTY_COMMITTEE,
        OrgKind.PARTY_COMMITTEE,
        OrgKind.PARTY_GROUP,
        OrgKind.PRIMARY_PARTY_COMMITTEE,
        OrgKind.GENERAL_BRANCH,
    }
)
HOLDER_KINDS: dict[str, frozenset[str] | None] = {
    Holder.BRANCH: frozenset({OrgKind.BRANCH}),
    Holder.BRANCH_GROUP: frozenset({OrgKind.BRANCH_GROUP}),
    Holder.COMMITTEE: COMMITTEE_KINDS,
    Holder.ANY: None,
}
COMMITTEE_MEETING = "branch_committee_meeting"
# The meeting fields a caller may set; everything else is computed here.
DATA_FIELDS = (
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
    "lecturer",
    "lecturer_name",
)
TEXT_FIELDS = frozenset(
    {"place", "host", "recorder", "topic", "agenda", "content", "decisions", "observers"}
)


@dataclass(frozen=True)
class AttendanceEntry:
    """One person on the roster: present, on leave or absent (with a reason for the latter two)."""

    member_id: int
    status: str = AttendanceStatus.PRESENT
    reason: str = ""


@dataclass
class Roster:
    """Who should attend, and the committee seats, as of the meeting date."""

    members: dict[int, Member]
    seat_names: set[str]
    seat_count: int
    has_team: bool


# --- checks shared with the import ---------------------------------------------------------


def holder_error(org: Organization, meeting_type: MeetingType) -> str | None:
    """Why this organization cannot hold this type of meeting, or None when it can."""
    kinds = HOLDER_KINDS.get(meeting_type.holder)
    if kinds is not None and org.kind not in kinds:
        return (
            f"会议类型：“{meeting_type.name}”由{meeting_type.get_holder_display()}召开，"
            f"“{org.name}”是{org.get_kind_display()}"
        )
    return None


def future_error(held_on: date, today: date) -> str | None:
    if held_on > today:
        return f"召开日期：{held_on:%Y-%m-%d}晚于今天，不能登记尚未召开的会议"
    return None


def load_roster(org: Organization, on: date, *, meeting: Meeting | None = None) -> Roster:
    """The roster as of `on`; an edit keeps those recorded already (they may have moved since)."""
    members = {m.pk: m for m in selectors.roster_members(org)}
    if meeting is not None and meeting.pk:
        recorded = Member.objects.filter(attendances__meeting=meeting).exclude(pk__in=members)
        members.update({m.pk: m for m in recorded})
    team = selectors.current_team(org)
    seats = selectors.current_team_seats(org, on) if team is not None else []
    return Roster(
        members=members,
        seat_names={s.person_name.strip() for s in seats},
        seat_count=len(seats),
        has_team=team is not None,
    )


def _check_org(actor: User | None, org: Organization, meeting_type: MeetingType) -> None:
    if actor is not None and not actor.scope.contains(org.path):
        raise PermissionError("不在本账号的管理范围内")
    if not org.is_active:
        raise ValidationError({"org": f"党组织：“{org.name}”已撤销，不能登记会议"})
    error = holder_error(org, meeting_type)
    if error:
        raise ValidationError({"meeting_type": error})


def _check_committee(org: Organization, meeting_type: MeetingType, roster: Roster) -> None:
    if meeting_type.code == COMMITTEE_MEETING and not roster.has_team:
        raise ValidationError(
            {
                "meeting_type": f"会议类型：“{org.name}”没有登记本届支部委员会，"
                "不能召开支部委员会会议（请先在党组织的领导班子中登记换届选举结果）"
            }
        )


def _check_duplicate(meeting: Meeting) -> None:
    same_day = Meeting.objects.filter(
        org_id=meeting.org_id, meeting_type_id=meeting.meeting_type_id, held_on=meeting.held_on
    )
    if meeting.pk:
        same_day = same_day.exclude(pk=meeting.pk)
    for other in same_day.only("starts_at", "topic"):
        # Two meetings on one day differ only by their start time; a blank time cannot tell.
        if (
            meeting.starts_at is None
            or other.starts_at is None
            or other.starts_at == meeting.starts_at
        ):
            when = f"{meeting.held_on:%Y-%m-%d}" + (
                f" {other.starts_at:%H:%M}" if other.starts_at else ""
            )
            raise ValidationError(
                {
                    "held_on": f"召开日期：本组织{when}已登记同类会议“{other.topic}”，"
                    "同一天的两次会议须分别填写不同的开始时间"
                }
            )


def _apply_data(meeting: Meeting, data: Mapping[str, Any], meeting_type: MeetingType) -> None:
    for name in DATA_FIELDS:
        if name in data:
            value = data[name]
            if name in TEXT_FIELDS or name == "lecturer_name":
                value = (value or "").strip()
            setattr(meeting, name, value)
    if not meeting_type.has_lecturer:
        meeting.lecturer = None
        meeting.lecturer_name = ""


def _check_data(meeting: Meeting, meeting_type: MeetingType, roster: Roster, today: date) -> None:
    errors: dict[str, str] = {}
    if meeting.held_on is None:
        errors["held_on"] = "召开日期：必须填写"
    else:
        error = future_error(meeting.held_on, today)
        if error:
            errors["held_on"] = error
    if not (meeting.topic or "").strip():
        errors["topic"] = "主题：必须填写"
    if meeting_type.has_lecturer:
        if meeting.lecturer_id is None and not meeting.lecturer_name:
            errors["lecturer"] = f"党课主讲人：{meeting_type.name}须填写主讲人"
        elif meeting.lecturer_id is not None and meeting.lecturer_id not in roster.members:
            errors["lecturer"] = (
                "党课主讲人：所选党员不在本组织党员名单中，本组织以外的主讲人请填写在“主讲人（非本库党员）”"
            )
    if errors:
        raise ValidationError(errors)


def build_attendance(
    meeting: Meeting, entries: Sequence[AttendanceEntry], roster: Roster
) -> list[Attendance]:
    """Attendance rows for the meeting, with the vote and committee snapshots; counts follow."""
    errors: list[str] = []
    seen: set[int] = set()
    rows: list[Attendance] = []
    statuses = set(AttendanceStatus.values)
    for entry in entries:
        member = roster.members.get(entry.member_id)
        if member is None:
            other = Member.objects.filter(pk=entry.member_id).only("name").first()
            who = f"“{other.name}”" if other else f"编号{entry.member_id}的党员"
            errors.append(
                f"出席情况：{who}不在本组织党员名单中（属其他党组织或党籍不正常），不能登记"
            )
            continue
        if entry.member_id in seen:
            errors.append(f"出席情况：“{member.name}”重复登记")
            continue
        seen.add(entry.member_id)
        if entry.status not in statuses:
            errors.append(f"出席情况：“{member.name}”的出席情况应为出席、请假或缺席")
            continue
        reason = (entry.reason or "").strip()
        if entry.status != AttendanceStatus.PRESENT and not reason:
            label = AttendanceStatus(entry.status).label
            errors.append(f"出席情况：“{member.name}”{label}，须填写{label}原因")
            continue
        if len(reason) > 100:
            errors.append(f"出席情况：“{member.name}”的原因不能超过100个字")
            continue
        rows.append(
            Attendance(
                meeting=meeting,
                member=member,
                status=entry.status,
                reason=reason if entry.status != AttendanceStatus.PRESENT else "",
                # 预备党员 have no vote (党章第七条); the snapshot keeps an old quorum right.
                has_vote=member.member_type == MemberType.FULL,
                is_committee_member=member.name.strip() in roster.seat_names,
                held_on=meeting.held_on,
            )
        )
    if errors:
        raise ValidationError({"attendance": errors})
    apply_counts(meeting, rows, roster)
    return rows


def apply_counts(meeting: Meeting, rows: Sequence[Attendance], roster: Roster) -> None:
    """应到/实到/请假/缺席 and the quorum: strictly more than half (5 of 8 passes, 4 of 8 fails)."""
    meeting.expected_count = len(roster.members)
    meeting.present_count = sum(1 for a in rows if a.status == AttendanceStatus.PRESENT)
    meeting.leave_count = sum(1 for a in rows if a.status == AttendanceStatus.LEAVE)
    meeting.absent_count = sum(1 for a in rows if a.status == AttendanceStatus.ABSENT)
    quorum = meeting.meeting_type.quorum
    if quorum == Quorum.VOTING_MEMBERS:
        meeting.quorum_expected = sum(
            1 for m in roster.members.values() if m.member_type == MemberType.FULL
        )
        meeting.quorum_present = sum(
            1 for a in rows if a.status == AttendanceStatus.PRESENT and a.has_vote
        )
    elif quorum == Quorum.COMMITTEE:
        meeting.quorum_expected = roster.seat_count
        meeting.quorum_present = sum(
            1 for a in rows if a.status == AttendanceStatus.PRESENT and a.is_committee_member
        )
    else:
        meeting.quorum_expected = meeting.quorum_present = 0
        meeting.quorum_met = None
        return
    meeting.quorum_met = quorum_met(meeting.quorum_present, meeting.quorum_expected)


def quorum_met(present: int, expected: int) -> bool:
    """半数以上: more than half of those expected; nobody expected is never a quorum."""
    return expected > 0 and present * 2 > expected


def _store_files(
    meeting: Meeting, files: Iterable[UploadedFile], actor: User | None, stored: list[str]
) -> list[MeetingFile]:
    prepared = [prepare_upload(f) for f in files]  # every file is checked before any is stored
    items = []
    for p in prepared:
        item = MeetingFile(
            meeting=meeting,
            kind=p.kind,
            original_name=p.original_name,
            content_type=p.content_type,
            size=p.size,
            uploaded_by=actor,
        )
        item.file.save(p.content.name, p.content, save=False)
        stored.append(item.file.name)
        item.save()
        items.append(item)
    return items


def _delete_stored(names: list[str]) -> None:
    """Files written before the transaction failed would be orphans on disk."""
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _finish(meeting: Meeting, member_ids: Iterable[int] = ()) -> None:
    refresh_findings("meeting", [meeting])
    refresh_life_findings({meeting.org_id}, member_ids)


def refresh_life_findings(org_ids: Iterable[int], member_ids: Iterable[int]) -> None:
    """The organization's compliance and its attendees' 6-month absence follow each change at
    once, instead of waiting for the daily refresh_findings."""
    org_ids, member_ids = list(org_ids), list(member_ids)
    for subject_type, ids in (("org_life", org_ids), ("member_life", member_ids)):
        kind = SUBJECT_KINDS[subject_type]
        for start in range(0, len(ids), FINDING_BATCH):
            subjects = list(kind.queryset().filter(pk__in=ids[start : start + FINDING_BATCH]))
            if subjects:
                refresh_findings(subject_type, subjects)


# --- the writes ------------------------------------------------------------------------------


def create_meeting(
    *,
    actor: User | None,
    org: Organization,
    meeting_type: MeetingType,
    data: Mapping[str, Any],
    attendance: Sequence[AttendanceEntry] = (),
    files: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> Meeting:
    """Record a meeting with its attendance and attachments; below quorum it is saved but flagged."""
    stored: list[str] = []
    try:
        return _create_meeting(actor, org, meeting_type, data, attendance, files, today, stored)
    except BaseException:
        _delete_stored(stored)
        raise


@transaction.atomic
def _create_meeting(
    actor: User | None,
    org: Organization,
    meeting_type: MeetingType,
    data: Mapping[str, Any],
    attendance: Sequence[AttendanceEntry],
    files: Sequence[UploadedFile],
    today: date | None,
    stored: list[str],
) -> Meeting:
    _check_org(actor, org, meeting_type)
    meeting = Meeting(org=org, org_path=org.path, meeting_type=meeting_type, recorded_by=actor)
    _apply_data(meeting, data, meeting_type)
    held_on = meeting.held_on or timezone.localdate()
    roster = load_roster(org, held_on)
    _check_committee(org, meeting_type, roster)
    _check_data(meeting, meeting_type, roster, today or timezone.localdate())
    _check_duplicate(meeting)
    rows = build_attendance(meeting, attendance, roster)
    meeting.full_clean(exclude=["org_path", "recorded_by"])
    meeting.save()
    for row in rows:
        row.meeting = meeting
    Attendance.objects.bulk_create(rows)
    _store_files(meeting, files, actor, stored)
    tally.meeting_changed(None, meeting)
    _finish(meeting, [row.member_id for row in rows])
    return meeting


def update_meeting(
    *,
    actor: User | None,
    meeting: Meeting,
    meeting_type: MeetingType,
    data: Mapping[str, Any],
    attendance: Sequence[AttendanceEntry],
    today: date | None = None,
) -> Meeting:
    """Save an edit: the data, and the attendance replaced as a whole (the counts follow)."""
    return _update_meeting(actor, meeting, meeting_type, data, attendance, today)


@transaction.atomic
def _update_meeting(
    actor: User | None,
    meeting: Meeting,
    meeting_type: MeetingType,
    data: Mapping[str, Any],
    attendance: Sequence[AttendanceEntry],
    today: date | None,
) -> Meeting:
    stored = (
        Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    )
    if actor is not None and not actor.scope.contains(stored.org_path):
        raise PermissionError("不在本账号的管理范围内")
    before = (stored.org_id, stored.meeting_type_id, stored.held_on.year)
    org = stored.org
    if meeting_type.pk != stored.meeting_type_id:
        _check_org(actor, org, meeting_type)
    meeting = stored
    meeting.meeting_type = meeting_type
    _apply_data(meeting, data, meeting_type)
    held_on = meeting.held_on or timezone.localdate()
    roster = load_roster(org, held_on, meeting=meeting)
    _check_committee(org, meeting_type, roster)
    _check_data(meeting, meeting_type, roster, today or timezone.localdate())
    _check_duplicate(meeting)
    rows = build_attendance(meeting, attendance, roster)
    meeting.full_clean(exclude=["org_path", "recorded_by"])
    meeting._change_reason = (
        f"修改会议记录（应到{meeting.expected_count}人，实到{meeting.present_count}人）"
    )
    meeting.save()
    previous = list(meeting.attendances.values_list("member_id", flat=True))
    meeting.attendances.all().delete()
    Attendance.objects.bulk_create(rows)
    tally.meeting_changed(before, meeting)
    _finish(meeting, {*previous, *(row.member_id for row in rows)})
    return meeting


@transaction.atomic
def delete_meeting(*, actor: User | None, meeting: Meeting) -> None:
    stored = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if actor is not None and not actor.scope.contains(stored.org_path):
        raise PermissionError("不在本账号的管理范围内")
    before = (stored.org_id, stored.meeting_type_id, stored.held_on.year)
    names = list(stored.files.values_list("file", flat=True))
    attendees = list(stored.attendances.values_list("member_id", flat=True))
    Finding.objects.filter(subject_type="meeting", subject_id=stored.pk).delete()
    stored._change_reason = "删除会议记录"
    stored.delete()
    tally.meeting_changed(before, None)
    refresh_life_findings({before[0]}, attendees)
    remove_files_on_commit(names)


def add_meeting_files(
    *, actor: User | None, meeting: Meeting, files: Sequence[UploadedFile]
) -> list[MeetingFile]:
    if not files:
        raise ValidationError({"attachments": "附件：请选择要上传的照片或文件"})
    stored: list[str] = []
    try:
        return _add_meeting_files(actor, meeting, files, stored)
    except BaseException:
        _delete_stored(stored)
        raise


@transaction.atomic
def _add_meeting_files(
    actor: User | None, meeting: Meeting, files: Sequence[UploadedFile], stored: list[str]
) -> list[MeetingFile]:
    if actor is not None and not actor.scope.contains(meeting.org_path):
        raise PermissionError("不在本账号的管理范围内")
    return _store_files(meeting, files, actor, stored)


@transaction.atomic
def remove_meeting_file(*, actor: User | None, item: MeetingFile) -> None:
    if actor is not None and not actor.scope.contains(item.meeting.org_path):
        raise PermissionError("不在本账号的管理范围内")
    name = item.file.name
    item.delete()
    remove_files_on_commit([name])
