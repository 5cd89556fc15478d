"""Every read of meeting records, filtered by the acting account's scope first.

The roster helpers (`roster_org`, `roster_members`, `current_team_seats`) take an organization
that the caller already resolved inside the scope, so the services and imports share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.life.models import Attendance, Meeting, MeetingFile, MeetingType
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import LeadershipTeam, Organization, OrgKind, OrgStatus, TeamSeat

# What a list row shows: only these columns of the meeting, its organization and its type.
LIST_COLUMNS = (
    "held_on",
    "starts_at",
    "topic",
    "place",
    "host",
    "org_path",
    "expected_count",
    "present_count",
    "leave_count",
    "absent_count",
    "quorum_met",
    "org__name",
    "meeting_type__name",
    "meeting_type__category",
)


@dataclass
class MeetingFilters:
    q: str = ""
    org_path: str = ""
    meeting_type: int | None = None
    category: str = ""
    year: int | None = None
    month: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    quorum: str = ""  # "unmet": below quorum; "met": quorum reached


def visible_meetings(user: User) -> QuerySet[Meeting]:
    scope = user.scope
    if scope.path is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(org_path__startswith=scope.path)


def get_meeting(user: User, pk: int) -> Meeting:
    """The meeting if the account may see it; out of scope is a 404, like a missing one."""
    meeting = (
        visible_meetings(user)
        .select_related("org", "meeting_type", "lecturer", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("会议记录不存在或不在管理范围内")
    return meeting


def get_meeting_file(user: User, pk: int) -> MeetingFile:
    item = (
        MeetingFile.objects.select_related("meeting")
        .filter(pk=pk, meeting__org_path__startswith=user.scope.path or "\0")
        .first()
    )
    if item is None or user.scope.path is None:
        raise Http404("附件不存在或不在管理范围内")
    return item


def meeting_list(user: User, f: MeetingFilters) -> QuerySet[Meeting]:
    qs = visible_meetings(user).select_related("org", "meeting_type")
    if f.org_path:
        # The chosen subtree must itself be inside the scope; anything else shows nothing.
        if not user.scope.contains(f.org_path):
            return Meeting.objects.none()
        qs = qs.filter(org_path__startswith=f.org_path)
    if f.q:
        qs = qs.filter(Q(topic__contains=f.q) | Q(host__contains=f.q) | Q(place__contains=f.q))
    if f.meeting_type:
        qs = qs.filter(meeting_type_id=f.meeting_type)
    if f.category:
        qs = qs.filter(meeting_type__category=f.category)
    if f.year:
        if f.month:
            start = date(f.year, f.month, 1)
            end = date(f.year + (f.month == 12), f.month % 12 + 1, 1)
        else:
            start, end = date(f.year, 1, 1), date(f.year + 1, 1, 1)
        qs = qs.filter(held_on__gte=start, held_on__lt=end)
    if f.date_from:
        qs = qs.filter(held_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(held_on__lte=f.date_to)
    if f.quorum == "unmet":
        qs = qs.filter(quorum_met=False)
    elif f.quorum == "met":
        qs = qs.filter(quorum_met=True)
    return qs.order_by("-held_on", "-starts_at", "-id")


def meeting_types() -> QuerySet[MeetingType]:
    return MeetingType.objects.filter(is_active=True).order_by("sort_order", "code")


def meeting_orgs(user: User) -> QuerySet[Organization]:
    """Organizations in scope that may hold meetings: every active one."""
    scope = user.scope
    if scope.path is None:
        return Organization.objects.none()
    return Organization.objects.filter(
        path__startswith=scope.path, status=OrgStatus.ACTIVE
    ).order_by("path")


def default_meeting_org(user: User) -> Organization | None:
    """The account's own branch (a branch secretary records for it nearly every time)."""
    anchor = user.anchor_org if user.anchor_org_id else None
    if anchor is not None and anchor.kind == OrgKind.BRANCH and anchor.is_active:
        return anchor
    return None


def attendances(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("member").order_by("status", "member__name_pinyin")


def meeting_files(meeting: Meeting) -> QuerySet[MeetingFile]:
    return meeting.files.select_related("uploaded_by").order_by("kind", "id")


# --- rosters (the caller resolved the organization inside the scope) -------------------------


def roster_org(org: Organization) -> Organization:
    """Whose members are ticked: a 党小组 meets with its branch's roster."""
    if org.kind == OrgKind.BRANCH_GROUP and org.parent_id is not None:
        return org.parent
    return org


def roster_members(org: Organization) -> QuerySet[Member]:
    """Members in good standing of the branch, or of the whole subtree of a committee."""
    base = roster_org(org)
    if base.kind == OrgKind.BRANCH:
        qs = Member.objects.filter(org_id=base.pk)
    else:
        qs = Member.objects.filter(org_path__startswith=base.path)
    return qs.filter(status=MemberStatus.NORMAL).order_by("name_pinyin", "id")


def current_team(org: Organization) -> LeadershipTeam | None:
    return LeadershipTeam.objects.filter(org=roster_org(org), is_current=True).first()


def current_team_seats(org: Organization, on: date) -> list[TeamSeat]:
    """The seats of the current committee that were held on `on` (not yet ended)."""
    team = current_team(org)
    if team is None:
        return []
    return list(team.seats.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on)))
