"""The registered rules: life.meeting_due, life.meeting_overdue, life.absent_six_months."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from zugong.conftest import Tree, make_member
from zugong.core.models import Finding, RuleParameter, RuleSetting
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.core.rules.registry import SUBJECT_KINDS
from zugong.core.services import refresh_findings
from zugong.life import compliance, tally
from zugong.life.models import Attendance, AttendanceStatus, Meeting, MeetingType
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import Organization

pytestmark = pytest.mark.django_db

YEAR = 2026
THEME_CITATION = "《中国共产党支部工作条例（试行）》第十六条：党支部每月相对固定1天开展主题党日"


def hold(org: Organization, type_code: str, held_on: date) -> Meeting:
    meeting = Meeting.objects.create(
        org=org,
        org_path=org.path,
        meeting_type=MeetingType.objects.get(code=type_code),
        held_on=held_on,
        topic="测试会议",
    )
    tally.meeting_changed(None, meeting)
    return meeting


def attend(member: Member, held_on: date, status: str = AttendanceStatus.PRESENT) -> None:
    meeting = hold(member.org, "theme_party_day", held_on)
    Attendance.objects.create(meeting=meeting, member=member, status=status, held_on=held_on)


def org_findings(org: Organization, today: date) -> dict[str, list[Finding]]:
    refresh_findings("org_life", [org], RuleContext(today))
    found: dict[str, list[Finding]] = {}
    for f in Finding.objects.filter(subject_type="org_life", subject_id=org.pk).order_by("id"):
        found.setdefault(f.rule_id, []).append(f)
    return found


def messages_of(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings]


# --- life.meeting_overdue ----------------------------------------------------------------------------


def test_overdue_lists_the_missed_months_with_the_requirement_citation(tree: Tree) -> None:
    for month in (1, 2, 4):
        hold(tree.branch_a1, "theme_party_day", date(YEAR, month, 3))
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 2, 3))
    found = org_findings(tree.branch_a1, date(YEAR, 6, 5))
    overdue = found["life.meeting_overdue"]
    assert messages_of(overdue) == ["主题党日：2026年3月、5月未召开"]
    assert overdue[0].citation == THEME_CITATION
    assert overdue[0].due_on == date(YEAR, 3, 31)
    assert overdue[0].subject_label == "城关镇东村党支部"
    assert overdue[0].org_path == tree.branch_a1.path


def test_overdue_on_the_last_day_and_the_day_after(tree: Tree) -> None:
    assert "life.meeting_overdue" not in org_findings(tree.branch_a1, date(YEAR, 1, 31))
    found = org_findings(tree.branch_a1, date(YEAR, 2, 1))
    assert messages_of(found["life.meeting_overdue"]) == ["主题党日：2026年1月未召开"]


def test_overdue_quarters_and_committee_meetings(tree: Tree) -> None:
    from zugong.orgs.models import LeadershipTeam

    LeadershipTeam.objects.create(
        org=tree.branch_a1,
        kind="branch_committee",
        elected_on=date(2020, 1, 1),
        term_years=3,
        term_ends_on=date(2023, 1, 1),
    )
    hold(tree.branch_a1, "branch_committee_meeting", date(YEAR, 2, 1))
    found = org_findings(tree.branch_a1, date(YEAR, 7, 1))
    msgs = messages_of(found["life.meeting_overdue"])
    assert "支部党员大会：2026年第一季度、第二季度未召开" in msgs
    assert "支部委员会会议：2026年1月、3月、4月、5月、6月未召开" in msgs
    committee = next(f for f in found["life.meeting_overdue"] if "支部委员会" in f.message)
    assert "第十二条" in committee.citation


def test_yearly_overdue_is_not_reported_within_the_year(tree: Tree) -> None:
    found = org_findings(tree.town_a, date(YEAR, 12, 31))
    assert "life.meeting_overdue" not in found
    assert len(found["life.meeting_due"]) == 2


# --- life.meeting_due ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due"),
    [(date(YEAR, 3, 20), False), (date(YEAR, 3, 21), True), (date(YEAR, 3, 31), True)],
)
def test_due_within_the_lead_days(tree: Tree, today: date, due: bool) -> None:
    for month in (1, 2):
        hold(tree.branch_a1, "theme_party_day", date(YEAR, month, 3))
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 1, 3))
    found = org_findings(tree.branch_a1, today)
    assert "life.meeting_overdue" not in found
    if not due:
        assert "life.meeting_due" not in found
        return
    [finding] = found["life.meeting_due"]
    left = (date(YEAR, 3, 31) - today).days
    assert (
        finding.message
        == f"主题党日：2026年3月尚未开展，距本期结束还有{left}天（03月31日前须召开）"
    )
    assert finding.due_on == date(YEAR, 3, 31)
    assert finding.citation == THEME_CITATION


def test_due_lead_days_parameter(tree: Tree) -> None:
    RuleParameter.objects.create(
        rule_id="life.meeting_due", key="lead_days", value=3, effective_from=date(2020, 1, 1)
    )
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 1, 3))
    assert "life.meeting_due" not in org_findings(tree.branch_a1, date(YEAR, 1, 27))
    assert "life.meeting_due" in org_findings(tree.branch_a1, date(YEAR, 1, 28))


def test_due_for_the_quarterly_lecture_overlay_only_when_enabled(tree: Tree) -> None:
    hold(tree.branch_a1, "theme_party_day", date(YEAR, 3, 3))
    hold(tree.branch_a1, "branch_general_meeting", date(YEAR, 1, 3))
    today = date(YEAR, 3, 25)
    assert "life.meeting_due" not in org_findings(tree.branch_a1, today)
    RuleSetting.objects.filter(rule_set="local.branch_lecture_quarterly").update(enabled=True)
    [finding] = org_findings(tree.branch_a1, today)["life.meeting_due"]
    assert finding.message.startswith("党课：2026年第一季度尚未开展")
    assert finding.citation == "《地方规定（常见做法）》党支部每季度至少上1次党课"


def test_subject_kind_registration() -> None:
    kind = SUBJECT_KINDS["org_life"]
    assert (kind.url_name, kind.title) == ("life:org_compliance", "组织生活")
    assert (SUBJECT_KINDS["member_life"].url_name, SUBJECT_KINDS["member_life"].title) == (
        "members:detail",
        "党员",
    )


def test_batch_evaluation_is_a_few_queries(tree: Tree, django_assert_max_num_queries) -> None:
    orgs = list(SUBJECT_KINDS["org_life"].queryset())
    ctx = RuleContext(date(YEAR, 6, 25))
    with django_assert_max_num_queries(3):  # requirements, committees, tallies
        drafts = evaluate("org_life", orgs, ctx)
    assert {d.rule.id for d in drafts} == {"life.meeting_overdue", "life.meeting_due"}


def test_refresh_findings_command_covers_both_kinds(tree: Tree) -> None:
    make_member(tree.branch_a1, "王五", joined_on=date(2000, 1, 1))
    call_command("refresh_findings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Finding.objects.filter(subject_type="org_life").exists()
    assert Finding.objects.filter(subject_type="member_life", rule_id="life.absent_six_months")


# --- life.absent_six_months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "months"),
    [(date(YEAR, 9, 30), 5), (date(YEAR, 10, 1), 6), (date(YEAR, 11, 1), 7)],
)
def test_absence_five_six_seven_months(tree: Tree, today: date, months: int) -> None:
    member = make_member(tree.branch_a1, "李四", joined_on=date(2010, 7, 1))
    attend(member, date(YEAR, 3, 20))
    refresh_findings("member_life", [member], RuleContext(today))
    found = list(Finding.objects.filter(subject_type="member_life", subject_id=member.pk))
    if months < 6:
        assert found == []
        return
    [finding] = found
    last = {6: "9月", 7: "10月"}[months]
    assert finding.message.startswith(f"2026年4月至{last}连续{months}个月未参加党的组织生活")
    assert finding.rule_id == "life.absent_six_months"
    assert finding.citation.startswith("《中国共产党章程》第九条：党员没有正当理由，连续六个月")
    assert "自行脱党" in finding.citation


def test_leave_counts_as_taking_part_but_absence_does_not(tree: Tree) -> None:
    on_leave = make_member(tree.branch_a1, "请假", joined_on=date(2010, 7, 1))
    absent = make_member(tree.branch_a1, "缺席", joined_on=date(2010, 7, 1))
    attend(on_leave, date(YEAR, 1, 10))
    attend(on_leave, date(YEAR, 6, 10), AttendanceStatus.LEAVE)
    attend(absent, date(YEAR, 1, 10))
    attend(absent, date(YEAR, 6, 12), AttendanceStatus.ABSENT)
    drafts = evaluate("member_life", [on_leave, absent], RuleContext(date(YEAR, 8, 1)))
    assert [(d.subject_id, d.message[:20]) for d in drafts] == [
        (absent.pk, "2026年2月至7月连续6个月未参加党的")
    ]


def test_only_months_after_joining_count(tree: Tree) -> None:
    member = make_member(
        tree.branch_a1,
        "新党员",
        joined_on=date(YEAR, 3, 15),
        confirmed_on=None,
        member_type="probationary",
    )
    ctx_day = date(YEAR, 9, 30)  # April to August: five complete months since joining
    assert evaluate("member_life", [member], RuleContext(ctx_day)) == []
    [draft] = evaluate("member_life", [member], RuleContext(date(YEAR, 10, 1)))
    assert draft.message.startswith("2026年4月至9月连续6个月")


def test_taking_part_this_month_breaks_the_run(tree: Tree) -> None:
    member = make_member(tree.branch_a1, "赵六", joined_on=date(2010, 7, 1))
    attend(member, date(YEAR, 1, 5))
    attend(member, date(YEAR, 10, 2))
    assert evaluate("member_life", [member], RuleContext(date(YEAR, 10, 3))) == []


def test_months_parameter_and_members_not_in_good_standing(tree: Tree) -> None:
    member = make_member(tree.branch_a1, "钱七", joined_on=date(2010, 7, 1))
    attend(member, date(YEAR, 3, 20))
    today = date(YEAR, 9, 1)  # April to August: five months
    assert evaluate("member_life", [member], RuleContext(today)) == []
    RuleParameter.objects.create(
        rule_id="life.absent_six_months", key="months", value=5, effective_from=date(2020, 1, 1)
    )
    assert len(evaluate("member_life", [member], RuleContext(today))) == 1
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.SUSPENDED)
    assert not SUBJECT_KINDS["member_life"].queryset().filter(pk=member.pk).exists()


def test_absence_helper_edges() -> None:
    assert compliance.absence(None, None, date(YEAR, 5, 1)) is None
    run = compliance.absence(date(2025, 10, 3), None, date(YEAR, 5, 1))
    assert (run.months, run.label) == (6, "2025年11月至2026年4月")
    assert compliance.absence(date(YEAR, 3, 3), None, date(YEAR, 4, 30)) is None
    assert compliance.absence(date(YEAR, 2, 3), None, date(YEAR, 4, 30)).label == "2026年3月"
