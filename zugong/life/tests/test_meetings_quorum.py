"""The quorum (半数以上, strictly more than half) and the life.quorum_not_met finding."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.core.models import Finding
from zugong.life import services
from zugong.life.models import AttendanceStatus
from zugong.life.services import AttendanceEntry, quorum_met
from zugong.life.tests.conftest import present, record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("present_n", "expected", "met"),
    [(4, 8, False), (5, 8, True), (1, 3, False), (2, 3, True), (0, 0, False), (1, 2, False)],
)
def test_more_than_half(present_n, expected, met):
    assert quorum_met(present_n, expected) is met


def _general(branch, n_full: int, n_probationary: int = 0) -> list[AttendanceEntry]:
    rows = present(branch.full[:n_full]) + present(branch.probationary[:n_probationary])
    rows += [AttendanceEntry(m.pk, AttendanceStatus.LEAVE, "外出") for m in branch.full[n_full:]]
    return rows


def _findings(meeting) -> list[Finding]:
    return list(Finding.objects.filter(subject_type="meeting", subject_id=meeting.pk))


@pytest.mark.parametrize(("n_full", "met"), [(4, False), (5, True)])
def test_general_meeting_counts_voting_members_only(tree, branch, mtypes, n_full, met):
    # Both 预备党员 attend as well: they have no vote, so 4 of 8 still fails.
    m = record(
        tree.branch_a1, mtypes["branch_general_meeting"], attendance=_general(branch, n_full, 2)
    )
    assert (m.quorum_expected, m.quorum_present, m.quorum_met) == (8, n_full, met)
    findings = _findings(m)
    if met:
        assert findings == []
    else:
        (f,) = findings
        assert f.rule_id == "life.quorum_not_met" and f.severity == "warn"
        assert "第十一条" in f.citation and "中国共产党支部工作条例（试行）" in f.citation
        assert "应到有表决权的党员8人，实到4人" in f.message


@pytest.mark.parametrize(("committee_present", "met"), [(1, False), (2, True), (3, True)])
def test_committee_meeting_counts_seats(tree, branch, mtypes, committee_present, met):
    # Everyone else attends too: only the three committee members count.
    attendance = present(branch.full[:committee_present]) + present(branch.full[3:])
    m = record(tree.branch_a1, mtypes["branch_committee_meeting"], attendance=attendance)
    assert (m.quorum_expected, m.quorum_present, m.quorum_met) == (3, committee_present, met)
    findings = _findings(m)
    assert len(findings) == (0 if met else 1)
    if not met:
        assert "第十二条" in findings[0].citation


def test_meeting_without_quorum_rule_is_never_flagged(tree, branch, mtypes):
    m = record(tree.branch_a1, mtypes["theme_party_day"], attendance=present(branch.full[:1]))
    assert m.quorum_met is None and _findings(m) == []


def test_fixing_the_attendance_clears_the_finding(tree, branch, mtypes):
    m = record(tree.branch_a1, mtypes["branch_general_meeting"], attendance=_general(branch, 4))
    assert _findings(m)
    services.update_meeting(
        actor=None,
        meeting=m,
        meeting_type=m.meeting_type,
        data={},
        attendance=_general(branch, 5),
        today=date(2026, 6, 30),
    )
    assert _findings(m) == []


def test_committee_seat_that_ended_before_the_meeting_does_not_count(tree, branch, mtypes):
    from zugong.orgs.models import TeamSeat

    TeamSeat.objects.filter(person_name="孙三").update(ended_on=date(2026, 1, 1))
    m = record(
        tree.branch_a1, mtypes["branch_committee_meeting"], attendance=present(branch.full[:2])
    )
    assert (m.quorum_expected, m.quorum_present, m.quorum_met) == (2, 2, True)
