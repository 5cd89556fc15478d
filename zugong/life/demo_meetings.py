"""A year of meeting records for the demo county already in the database, with realistic gaps.

Most branches keep every month; about 15% miss some months of 主题党日 and 支委会, about 5% skip
a quarter's 党员大会, a few 党员大会 fall below quorum, and about 1% of members attended nothing
in the last 7+ months (so the 6-month 自行脱党 warning has cases). Everything is bulk-inserted:
meetings (with their history rows), then attendance, then the tally and the findings.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from dateutil.relativedelta import relativedelta
from django.db import transaction

from zugong.core.bulk import insert_with_history
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.life import tally
from zugong.life.models import Attendance, AttendanceStatus, Meeting, MeetingType, Quorum
from zugong.life.services import quorum_met
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.orgs.models import LeadershipTeam, Organization, OrgKind, OrgStatus, Position

BATCH = 2000
CHANGE_REASON = "演示数据初始化"
COMMITTEE_KINDS = (OrgKind.PARTY_COMMITTEE, OrgKind.PRIMARY_PARTY_COMMITTEE, OrgKind.PARTY_GROUP)

PLACES = ["党员活动室", "党群服务中心会议室", "村（社区）会议室", "单位三楼会议室", "红色教育基地"]
LEAVE_REASONS = ["外出务工", "出差", "生病住院", "照顾家人", "参加培训", "值班"]
ABSENT_REASONS = ["未请假", "联系不上", "无故缺席"]
TOPICS: dict[str, list[str]] = {
    "theme_party_day": [
        "学习贯彻党的二十届三中全会精神",
        "重温入党誓词",
        "开展志愿服务进社区",
        "学习《中国共产党纪律处分条例》",
        "参观廉政教育基地",
        "清洁家园义务劳动",
        "为群众办实事走访慰问",
        "学习习近平总书记重要讲话精神",
        "交纳党费、过政治生日",
        "防汛安全宣传",
        "学习党章",
        "开展结对帮扶",
    ],
    "branch_committee_meeting": [
        "研究本月党建工作安排",
        "讨论发展党员工作",
        "研究主题党日活动方案",
        "研究党费收缴情况",
        "研究困难党员帮扶",
        "讨论入党积极分子培养",
    ],
    "branch_general_meeting": [
        "传达学习上级会议精神",
        "讨论接收预备党员",
        "通报本季度支部工作",
        "讨论预备党员转正",
        "民主推荐和评议",
    ],
    "party_lecture": [
        "牢记初心使命 争做合格党员",
        "从党史中汲取奋进力量",
        "严守纪律规矩 永葆清廉本色",
        "发挥党员先锋模范作用",
    ],
    "branch_group_meeting": ["学习讨论", "组织党员学习", "交流思想工作情况"],
    "org_life_meeting": ["年度组织生活会：对照检查、批评与自我批评"],
    "democratic_appraisal": ["年度民主评议党员"],
    "heart_to_heart_talk": ["支部委员与党员谈心谈话"],
    "democratic_life_meeting": ["年度民主生活会"],
    "central_group_study": ["理论学习中心组专题学习"],
}


@dataclass
class _Branch:
    org: Organization
    members: list[Member] = field(default_factory=list)
    seats: list[str] = field(default_factory=list)
    secretary: str = ""
    recorder: str = ""
    groups: list[Organization] = field(default_factory=list)


@dataclass
class _Plan:
    """What the seeder builds before writing: meetings and, per meeting, its attendance."""

    meetings: list[Meeting] = field(default_factory=list)
    attendance: list[list[Attendance]] = field(default_factory=list)


def _months(today: date) -> list[date]:
    """The first day of each of the 12 full months before today's month, oldest first."""
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(12, 0, -1)]


def _load_branches() -> list[_Branch]:
    branches: dict[int, _Branch] = {}
    for org in Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE):
        branches[org.pk] = _Branch(org)
    for group in Organization.objects.filter(kind=OrgKind.BRANCH_GROUP, status=OrgStatus.ACTIVE):
        if group.parent_id in branches:
            branches[group.parent_id].groups.append(group)
    members = Member.objects.filter(status=MemberStatus.NORMAL, org_id__in=list(branches)).only(
        "id", "name", "member_type", "joined_on", "org_id"
    )
    for m in members.order_by("id"):
        branches[m.org_id].members.append(m)
    teams = LeadershipTeam.objects.filter(is_current=True, org_id__in=list(branches))
    for team in teams.prefetch_related("seats"):
        branch = branches[team.org_id]
        for seat in team.seats.all():
            if seat.ended_on is None:
                branch.seats.append(seat.person_name)
                if seat.position == Position.SECRETARY:
                    branch.secretary = seat.person_name
                elif seat.position == Position.ORGANIZATION:
                    branch.recorder = seat.person_name
    return [b for b in branches.values() if b.members]


class _Seeder:
    def __init__(self, today: date, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.months = _months(today)
        self.types = {t.code: t for t in MeetingType.objects.all()}
        self.plan = _Plan()
        # ~1% of members: present before the cutoff, then absent (自行脱党 warning cases).
        self.lapse_cutoff = today - relativedelta(months=7, days=15)
        self.lapsed: set[int] = set()

    def _day(self, month: date, preferred: int) -> date:
        return month.replace(day=min(max(preferred, 1), 28))

    def _meeting(self, org: Organization, code: str, held_on: date, **fields: object) -> Meeting:
        meeting_type = self.types[code]
        meeting = Meeting(
            org=org,
            org_path=org.path,
            meeting_type=meeting_type,
            held_on=held_on,
            starts_at=self.rng.choice([time(9, 0), time(14, 30), time(15, 0), time(19, 30)]),
            duration_minutes=self.rng.choice([60, 90, 120]),
            place=self.rng.choice(PLACES),
            topic=self.rng.choice(TOPICS.get(code, [meeting_type.name])),
            **fields,
        )
        self.plan.meetings.append(meeting)
        self.plan.attendance.append([])
        return meeting

    def _attend(
        self,
        meeting: Meeting,
        branch: _Branch,
        people: list[Member] | None = None,
        below_quorum: bool = False,
    ) -> None:
        """Tick the roster: most present, some on leave, a few absent; counts and quorum follow."""
        roster = [
            m for m in branch.members if m.joined_on is None or m.joined_on <= meeting.held_on
        ]
        ticked = roster if people is None else [m for m in people if m in roster]
        seat_names = set(branch.seats)
        rows = []
        for m in ticked:
            roll = self.rng.random()
            if m.pk in self.lapsed and meeting.held_on > self.lapse_cutoff:
                status, reason = AttendanceStatus.ABSENT, self.rng.choice(ABSENT_REASONS)
            elif below_quorum and m.member_type == MemberType.FULL and roll < 0.6:
                status, reason = AttendanceStatus.LEAVE, self.rng.choice(LEAVE_REASONS)
            elif roll < 0.86:
                status, reason = AttendanceStatus.PRESENT, ""
            elif roll < 0.97:
                status, reason = AttendanceStatus.LEAVE, self.rng.choice(LEAVE_REASONS)
            else:
                status, reason = AttendanceStatus.ABSENT, self.rng.choice(ABSENT_REASONS)
            rows.append(
                Attendance(
                    member=m,
                    status=status,
                    reason=reason,
                    has_vote=m.member_type == MemberType.FULL,
                    is_committee_member=m.name in seat_names,
                    held_on=meeting.held_on,
                )
            )
        meeting.expected_count = len(roster)
        meeting.present_count = sum(1 for a in rows if a.status == AttendanceStatus.PRESENT)
        meeting.leave_count = sum(1 for a in rows if a.status == AttendanceStatus.LEAVE)
        meeting.absent_count = sum(1 for a in rows if a.status == AttendanceStatus.ABSENT)
        if meeting.meeting_type.quorum == Quorum.VOTING_MEMBERS:
            meeting.quorum_expected = sum(1 for m in roster if m.member_type == MemberType.FULL)
            meeting.quorum_present = sum(
                1 for a in rows if a.status == AttendanceStatus.PRESENT and a.has_vote
            )
            meeting.quorum_met = quorum_met(meeting.quorum_present, meeting.quorum_expected)
        self.plan.attendance[-1] = rows

    def branch(self, b: _Branch) -> None:
        rng = self.rng
        host = b.secretary or b.members[0].name
        recorder = b.recorder or (b.members[1].name if len(b.members) > 1 else host)
        gappy = rng.random() < 0.15
        missed = set(rng.sample(range(12), rng.randint(2, 4))) if gappy else set()
        skipped_quarter = rng.randrange(4) if rng.random() < 0.05 else None
        party_day = rng.randint(5, 25)
        people = {"host": host, "recorder": recorder}
        for i, month in enumerate(self.months):
            if i not in missed:
                m = self._meeting(b.org, "theme_party_day", self._day(month, party_day), **people)
                self._attend(m, b)
                if b.seats:
                    m = self._meeting(
                        b.org, "branch_committee_meeting", self._day(month, party_day - 3), **people
                    )
                    # No attendance rows: the quorum is the committee's seats.
                    m.expected_count = m.quorum_expected = len(b.seats)
                    absent = 1 if len(b.seats) > 2 and rng.random() < 0.2 else 0
                    m.present_count = m.quorum_present = len(b.seats) - absent
                    m.leave_count = absent
                    m.quorum_met = quorum_met(m.quorum_present, m.quorum_expected)
            for g, group in enumerate(b.groups):
                if rng.random() < 0.9:
                    m = self._meeting(
                        group, "branch_group_meeting", self._day(month, 2 + g), **people
                    )
                    share = b.members[g :: len(b.groups)]
                    self._attend(m, b, people=share)
            quarter = (month.month - 1) // 3
            if month.month % 3 == 0 and quarter != skipped_quarter:
                m = self._meeting(
                    b.org, "branch_general_meeting", self._day(month, party_day + 2), **people
                )
                self._attend(m, b, below_quorum=rng.random() < 0.03)
            if month.month % 3 == 1:
                self._meeting(
                    b.org,
                    "party_lecture",
                    self._day(month, party_day - 1),
                    lecturer_name=host,
                    **people,
                )
            if month.month == 12:
                m = self._meeting(b.org, "org_life_meeting", self._day(month, 27), **people)
                self._attend(m, b)
                m = self._meeting(b.org, "democratic_appraisal", self._day(month, 28), **people)
                self._attend(m, b)
            if month.month == 7:
                self._meeting(b.org, "heart_to_heart_talk", self._day(month, 10), **people)
        self.current_month(b, party_day, people)

    def current_month(self, b: _Branch, party_day: int, people: dict[str, str]) -> None:
        """This month so far: most branches whose 主题党日 day has passed have held it (and the
        支委会 before it); the others are what the 临期 reminders are for."""
        month = self.today.replace(day=1)
        if party_day >= self.today.day or self.rng.random() >= 0.85:
            return
        m = self._meeting(b.org, "theme_party_day", self._day(month, party_day), **people)
        self._attend(m, b)
        if b.seats and party_day - 3 >= 1:
            m = self._meeting(
                b.org, "branch_committee_meeting", self._day(month, party_day - 3), **people
            )
            m.expected_count = m.quorum_expected = m.present_count = m.quorum_present = len(b.seats)
            m.quorum_met = quorum_met(m.quorum_present, m.quorum_expected)

    def committee(self, org: Organization) -> None:
        for month in self.months:
            if self.rng.random() < 0.8:
                self._meeting(org, "central_group_study", self._day(month, 15))
            if month.month == 12:
                self._meeting(org, "democratic_life_meeting", self._day(month, 20))


@transaction.atomic
def seed_meetings(*, today: date, seed: int = 2026) -> int:
    """A year of meetings for every active branch (and committee) in the database; the count."""
    seeder = _Seeder(today, seed)
    branches = _load_branches()
    all_members = [m.pk for b in branches for m in b.members]
    seeder.lapsed = set(seeder.rng.sample(all_members, max(1, len(all_members) // 100)))
    for b in branches:
        seeder.branch(b)
    for org in Organization.objects.filter(kind__in=COMMITTEE_KINDS, status=OrgStatus.ACTIVE):
        seeder.committee(org)
    meetings = seeder.plan.meetings
    insert_with_history(Meeting, meetings, user=None, change_reason=CHANGE_REASON, batch_size=BATCH)
    rows = []
    for meeting, attendance in zip(meetings, seeder.plan.attendance, strict=True):
        for a in attendance:
            a.meeting = meeting
            rows.append(a)
    Attendance.objects.bulk_create(rows, batch_size=BATCH)
    tally.add_meetings(meetings)
    # Only quorum-bound meetings can have findings; the others need no evaluation.
    flagged = [m for m in meetings if m.quorum_met is False]
    by_batch: dict[int, list[Meeting]] = defaultdict(list)
    for i, m in enumerate(flagged):
        by_batch[i // BATCH].append(m)
    ctx = RuleContext(today=today)
    for batch in by_batch.values():
        refresh_findings("meeting", batch, ctx, new=True)
    return len(meetings)
