"""Meeting services: every check at its boundary, the counts, the snapshots and the tally."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.life import services, tally
from zugong.life.models import AttendanceStatus, MeetingTally
from zugong.life.services import AttendanceEntry
from zugong.life.tests.conftest import present, record
from zugong.orgs.services import create_org, dissolve_org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def tallies() -> set[tuple[int, int, int, int, int]]:
    return set(
        MeetingTally.objects.values_list("org_id", "meeting_type_id", "year", "month_mask", "count")
    )


def assert_tally_is_truth() -> None:
    kept = tallies()
    tally.rebuild_tallies()
    assert kept == tallies()


# --- held_on: the day before today, today, the day after -----------------------------------


@pytest.mark.parametrize(
    ("held_on", "ok"),
    [(date(2026, 6, 29), True), (TODAY, True), (date(2026, 7, 1), False)],
)
def test_future_date_is_refused(tree, branch, mtypes, held_on, ok):
    if ok:
        m = record(tree.branch_a1, mtypes["theme_party_day"], held_on, today=TODAY)
        assert m.held_on == held_on
    else:
        with pytest.raises(ValidationError) as exc:
            record(tree.branch_a1, mtypes["theme_party_day"], held_on, today=TODAY)
        assert "召开日期" in _messages(exc) and "晚于今天" in _messages(exc)


# --- duplicates: same org, type and day; same start time or a blank one ----------------------


@pytest.mark.parametrize(
    ("first", "second", "ok"),
    [
        (time(9, 0), time(9, 0), False),
        (time(9, 0), time(14, 30), True),
        (time(9, 0), None, False),
        (None, time(9, 0), False),
        (None, None, False),
    ],
)
def test_duplicate_meeting(tree, branch, mtypes, first, second, ok):
    record(tree.branch_a1, mtypes["theme_party_day"], starts_at=first)
    if ok:
        record(tree.branch_a1, mtypes["theme_party_day"], starts_at=second)
    else:
        with pytest.raises(ValidationError) as exc:
            record(tree.branch_a1, mtypes["theme_party_day"], starts_at=second)
        assert "已登记同类会议" in _messages(exc)


def test_same_day_other_type_or_other_org_is_no_duplicate(tree, branch, mtypes):
    record(tree.branch_a1, mtypes["theme_party_day"])
    record(tree.branch_a1, mtypes["weekly_study"])
    record(tree.branch_a2a, mtypes["theme_party_day"])
    record(tree.branch_a1, mtypes["theme_party_day"], date(2026, 3, 11))


# --- organization: scope, status, holder kinds ------------------------------------------------


def test_org_out_of_scope_is_refused(tree, branch, users, mtypes):
    with pytest.raises(PermissionError):
        record(tree.branch_b1, mtypes["theme_party_day"], actor=users["branch_admin"])


def test_dissolved_org_is_refused(tree, mtypes):
    dissolve_org(actor=None, org=tree.branch_b1, on=date(2026, 1, 1), reason="撤并")
    tree.branch_b1.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        record(tree.branch_b1, mtypes["theme_party_day"])
    assert "已撤销" in _messages(exc)


@pytest.mark.parametrize(
    ("type_code", "org_attr", "ok"),
    [
        ("branch_general_meeting", "branch_a1", True),
        ("branch_general_meeting", "town_a", False),
        ("branch_general_meeting", "general_a2", False),
        ("branch_group_meeting", "branch_a1", False),
        ("democratic_life_meeting", "town_a", True),
        ("democratic_life_meeting", "general_a2", True),
        ("democratic_life_meeting", "county", True),
        ("democratic_life_meeting", "branch_a1", False),
        ("party_lecture", "town_a", True),
        ("weekly_study", "branch_a1", True),
    ],
)
def test_holder_fits_org_kind(tree, branch, mtypes, type_code, org_attr, ok):
    org = getattr(tree, org_attr)
    data = {"lecturer_name": "县委书记"} if type_code == "party_lecture" else {}
    if ok:
        record(org, mtypes[type_code], **data)
    else:
        with pytest.raises(ValidationError) as exc:
            record(org, mtypes[type_code], **data)
        assert "会议类型" in _messages(exc) and org.get_kind_display() in _messages(exc)


def test_branch_group_meets_with_its_branch_roster(tree, branch, mtypes):
    group = create_org(
        actor=None, parent=tree.branch_a1, name="第一党小组", code="A1G1", kind="branch_group"
    )
    m = record(group, mtypes["branch_group_meeting"], attendance=present(branch.full[:4]))
    assert m.expected_count == 10
    assert m.present_count == 4


def test_committee_roster_is_its_subtree(tree, branch, mtypes):
    make_member(tree.branch_a2a, "乙")
    make_member(tree.branch_b1, "丙")
    m = record(tree.town_a, mtypes["democratic_life_meeting"])
    assert m.expected_count == 11


def test_committee_meeting_needs_a_current_team(tree, mtypes):
    make_member(tree.branch_b1, "丙")
    with pytest.raises(ValidationError) as exc:
        record(tree.branch_b1, mtypes["branch_committee_meeting"])
    assert "支部委员会" in _messages(exc)


# --- attendance ----------------------------------------------------------------------------


def test_counts_and_snapshots(tree, branch, mtypes):
    attendance = [
        *present(branch.full[:6]),
        AttendanceEntry(branch.full[6].pk, AttendanceStatus.LEAVE, "外出务工"),
        AttendanceEntry(branch.full[7].pk, AttendanceStatus.ABSENT, "无故"),
        *present(branch.probationary),
    ]
    m = record(tree.branch_a1, mtypes["branch_general_meeting"], attendance=attendance)
    assert (m.expected_count, m.present_count, m.leave_count, m.absent_count) == (10, 8, 1, 1)
    rows = {a.member.name: a for a in m.attendances.select_related("member")}
    assert rows["赵一"].is_committee_member and rows["孙三"].is_committee_member
    assert not rows["李四"].is_committee_member
    assert rows["赵一"].has_vote and not rows["冯九"].has_vote
    assert rows["王八"].reason == "无故"
    assert all(a.held_on == m.held_on for a in rows.values())


@pytest.mark.parametrize("status", [AttendanceStatus.LEAVE, AttendanceStatus.ABSENT])
def test_leave_or_absence_needs_a_reason(tree, branch, mtypes, status):
    with pytest.raises(ValidationError) as exc:
        record(
            tree.branch_a1,
            mtypes["theme_party_day"],
            attendance=[AttendanceEntry(branch.full[0].pk, status, "  ")],
        )
    assert "赵一" in _messages(exc) and "原因" in _messages(exc)


def test_member_of_another_org_is_refused_by_name(tree, branch, mtypes):
    stranger = make_member(tree.branch_a2a, "外单位人")
    with pytest.raises(ValidationError) as exc:
        record(
            tree.branch_a1,
            mtypes["theme_party_day"],
            attendance=[*present(branch.full), AttendanceEntry(stranger.pk)],
        )
    assert "外单位人" in _messages(exc) and "不在本组织党员名单中" in _messages(exc)


def test_member_not_in_good_standing_is_not_on_the_roster(tree, branch, mtypes):
    from zugong.members.services import change_member_status

    change_member_status(
        actor=None,
        member=branch.full[7],
        to_status="suspended",
        on=date(2026, 1, 5),
        reason="出国定居",
    )
    with pytest.raises(ValidationError) as exc:
        record(tree.branch_a1, mtypes["theme_party_day"], attendance=present([branch.full[7]]))
    assert "王八" in _messages(exc)


def test_lecture_needs_a_lecturer(tree, branch, mtypes):
    with pytest.raises(ValidationError) as exc:
        record(tree.branch_a1, mtypes["party_lecture"])
    assert "主讲人" in _messages(exc)
    m = record(tree.branch_a1, mtypes["party_lecture"], lecturer=branch.full[0])
    assert m.lecturer == branch.full[0]


# --- tally and findings follow every write ---------------------------------------------------


def test_tally_follows_create_edit_delete(tree, branch, mtypes):
    a = record(tree.branch_a1, mtypes["theme_party_day"], date(2026, 1, 10))
    record(tree.branch_a1, mtypes["theme_party_day"], date(2026, 3, 10))
    row = MeetingTally.objects.get(org=tree.branch_a1, meeting_type=mtypes["theme_party_day"])
    assert (row.month_mask, row.count) == (0b101, 2)
    assert_tally_is_truth()

    services.update_meeting(
        actor=None,
        meeting=a,
        meeting_type=mtypes["theme_party_day"],
        data={"held_on": date(2025, 12, 20), "topic": "改到上年"},
        attendance=[],
        today=TODAY,
    )
    row = MeetingTally.objects.get(year=2026)  # rebuild_tallies gave the rows new ids
    assert (row.month_mask, row.count) == (0b100, 1)
    assert MeetingTally.objects.get(year=2025).month_mask == 1 << 11
    assert_tally_is_truth()

    services.delete_meeting(actor=None, meeting=a)
    assert not MeetingTally.objects.filter(year=2025).exists()
    assert_tally_is_truth()


def test_edit_keeps_history_and_replaces_attendance(tree, branch, mtypes):
    m = record(tree.branch_a1, mtypes["theme_party_day"], attendance=present(branch.full))
    services.update_meeting(
        actor=None,
        meeting=m,
        meeting_type=mtypes["theme_party_day"],
        data={"topic": "新主题"},
        attendance=present(branch.full[:3]),
        today=TODAY,
    )
    m.refresh_from_db()
    assert m.topic == "新主题" and m.present_count == 3
    assert m.attendances.count() == 3
    assert m.history.count() == 2


def test_edit_to_a_duplicate_is_refused(tree, branch, mtypes):
    record(tree.branch_a1, mtypes["theme_party_day"], date(2026, 3, 10))
    other = record(tree.branch_a1, mtypes["theme_party_day"], date(2026, 3, 11))
    with pytest.raises(ValidationError):
        services.update_meeting(
            actor=None,
            meeting=other,
            meeting_type=mtypes["theme_party_day"],
            data={"held_on": date(2026, 3, 10)},
            attendance=[],
            today=TODAY,
        )


def test_delete_removes_its_findings(tree, branch, mtypes):
    m = record(
        tree.branch_a1, mtypes["branch_general_meeting"], attendance=present(branch.full[:2])
    )
    assert Finding.objects.filter(subject_type="meeting", subject_id=m.pk).exists()
    services.delete_meeting(actor=None, meeting=m)
    assert not Finding.objects.filter(subject_type="meeting", subject_id=m.pk).exists()


def test_a_failed_create_writes_nothing(tree, branch, mtypes):
    with pytest.raises(ValidationError):
        record(
            tree.branch_a1,
            mtypes["theme_party_day"],
            attendance=[AttendanceEntry(branch.full[0].pk, AttendanceStatus.ABSENT, "")],
        )
    assert not MeetingTally.objects.exists()
    from zugong.life.models import Meeting

    assert not Meeting.objects.exists()
