"""The demo year of meetings, seeded on a small tree: gaps, quorum cases and lapsed members."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.life import tally
from zugong.life.demo_meetings import seed_meetings
from zugong.life.models import Attendance, AttendanceStatus, Meeting, MeetingTally
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)


def test_seed_a_year(tree, branch, mtypes):
    create_org(
        actor=None, parent=tree.branch_a1, name="第一党小组", code="A1G1", kind="branch_group"
    )
    for i in range(6):
        make_member(tree.branch_b1, f"东关{i}")
    count = seed_meetings(today=TODAY, seed=7)
    assert count == Meeting.objects.count() > 30
    held = Meeting.objects.values_list("held_on", flat=True)
    # The 12 months before this one, and this month up to yesterday (主题党日, 支委会 only).
    assert min(held) >= date(2025, 5, 1) and max(held) < TODAY
    this_month = Meeting.objects.filter(held_on__gte=date(2026, 5, 1))
    assert set(this_month.values_list("meeting_type__code", flat=True)) <= {
        "theme_party_day",
        "branch_committee_meeting",
    }
    # 东村 has a committee: its 支委会 are recorded with the seats as quorum.
    committee = Meeting.objects.filter(
        org=tree.branch_a1, meeting_type__code="branch_committee_meeting"
    )
    assert committee.exists() and all(m.quorum_expected == 3 for m in committee)
    # 东关 has none: no 支委会 at all.
    assert not Meeting.objects.filter(
        org=tree.branch_b1, meeting_type__code="branch_committee_meeting"
    ).exists()
    assert Meeting.objects.filter(org__kind="branch_group").exists()
    assert Meeting.objects.filter(
        org=tree.town_a, meeting_type__code="democratic_life_meeting"
    ).exists()
    # Attendance only where it is needed (none for study sessions and lectures).
    assert Attendance.objects.filter(meeting__meeting_type__code="theme_party_day").exists()
    assert not Attendance.objects.filter(meeting__meeting_type__category="study").exists()
    assert (
        not Attendance.objects.exclude(status=AttendanceStatus.PRESENT).filter(reason="").exists()
    )
    # The tally is the truth; findings match the meetings below quorum.
    kept = set(
        MeetingTally.objects.values_list("org_id", "meeting_type_id", "year", "month_mask", "count")
    )
    tally.rebuild_tallies()
    assert kept == set(
        MeetingTally.objects.values_list("org_id", "meeting_type_id", "year", "month_mask", "count")
    )
    below = set(Meeting.objects.filter(quorum_met=False).values_list("pk", flat=True))
    assert below == set(
        Finding.objects.filter(rule_id="life.quorum_not_met").values_list("subject_id", flat=True)
    )


def test_lapsed_members_attend_nothing_in_the_last_seven_months(tree, branch, mtypes):
    for i in range(200):
        make_member(tree.branch_b1, f"党员{i}")
    seed_meetings(today=TODAY, seed=11)
    cutoff = date(2025, 10, 20)
    lapsed = set(
        Attendance.objects.filter(
            held_on__gt=cutoff, reason__in=["未请假", "联系不上", "无故缺席"]
        ).values_list("member_id", flat=True)
    )
    never_present = [
        pk
        for pk in lapsed
        if not Attendance.objects.filter(
            member_id=pk, held_on__gt=cutoff, status=AttendanceStatus.PRESENT
        ).exists()
    ]
    assert never_present  # about 1% of members
    last = Attendance.objects.filter(member_id=never_present[0], status=AttendanceStatus.PRESENT)
    assert not last.filter(held_on__gt=date(2025, 10, 20)).exists()


def test_seed_is_deterministic(tree, branch, mtypes):
    first = seed_meetings(today=TODAY, seed=3)
    topics = list(
        Meeting.objects.order_by("org_id", "held_on", "meeting_type_id").values_list(
            "topic", "held_on"
        )
    )
    Meeting.objects.all().delete()
    MeetingTally.objects.all().delete()
    assert seed_meetings(today=TODAY, seed=3) == first
    assert topics == list(
        Meeting.objects.order_by("org_id", "held_on", "meeting_type_id").values_list(
            "topic", "held_on"
        )
    )
