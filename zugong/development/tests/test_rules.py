"""Each check at its boundary (before, on, after), under national-2014, national-2026 and the
local overlay; 公示 spans across 国庆 and 春节 with their 调休 working days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.core.models import RuleParameter, RuleSetting
from zugong.development import workflow as wf
from zugong.development.models import (
    LOCAL_OVERLAY,
    NATIONAL_2014,
    NATIONAL_2026,
    CaseStep,
    DisciplinaryProbation,
    PersonRole,
)
from zugong.development.rules import PersonInput
from zugong.development.services import (
    record_disciplinary_probation,
    restore_rights,
    revoke_approval_authority,
    set_plan,
    set_rule_set_period,
)
from zugong.development.tests.support import PROBATION_ENDS, new_case, step, walk
from zugong.members.models import MemberType

pytestmark = pytest.mark.django_db

SETS = ["2014", "2026", "overlay"]


@pytest.fixture(params=SETS)
def rules_in_force(request, world) -> str:
    """The rule set the test runs under; the overlay rides on 2014."""
    if request.param == "2026":
        set_rule_set_period(actor=None, rule_set=NATIONAL_2026, effective_from=date(2023, 1, 1))
    if request.param == "overlay":
        RuleSetting.objects.create(rule_set=LOCAL_OVERLAY, enabled=True)
    return request.param


def warnings(row: CaseStep) -> list[str]:
    return [w["message"] for w in row.warnings]


def refused(match: str):  # noqa: ANN201 - a pytest context manager
    return pytest.raises(ValidationError, match=match)


@pytest.mark.parametrize(
    ("applied", "ok"),
    [(date(2023, 3, 1), False), (date(2023, 3, 2), True), (date(2023, 3, 3), True)],
)
def test_applicant_must_be_18(world, rules_in_force, applied, ok):
    birth = date(2005, 3, 2)
    if ok:
        assert new_case(world, birth=birth, applied=applied)
    else:
        with refused("未满18周岁"):
            new_case(world, birth=birth, applied=applied)


@pytest.mark.parametrize(("day", "late"), [(31, False), (1, False), (2, True)])
def test_talk_within_one_month(world, rules_in_force, day, late):
    case = new_case(world)
    on = date(2023, 3, day) if day == 31 else date(2023, 4, day)
    row = step(world, case, wf.APPLICANT_TALK, done_on=on)
    assert any("晚于收到入党申请书后一个月" in m for m in warnings(row)) is late
    if late:
        assert "第七条" in row.warnings[0]["citation"]


@pytest.mark.parametrize("on", [date(2023, 8, 31), date(2023, 9, 1), date(2023, 9, 2)])
def test_overlay_six_months_after_application(world, rules_in_force, on):
    """Applied 2023-03-01: the overlay allows 积极分子 from 2023-09-01; national rules any day."""
    case = walk(world, new_case(world), wf.ACTIVIST)
    if rules_in_force == "overlay" and on < date(2023, 9, 1):
        with refused("未满6个月"):
            step(world, case, wf.ACTIVIST, done_on=on)
    else:
        step(world, case, wf.ACTIVIST, done_on=on)


@pytest.mark.parametrize(("n", "ok"), [(0, False), (1, True), (2, True), (3, False)])
def test_one_or_two_cultivation_contacts(world, rules_in_force, n, ok):
    case = walk(world, new_case(world), wf.CULTIVATION_CONTACT)
    people = [world.person(PersonRole.CULTIVATION_CONTACT, i) for i in range(n)]
    if ok:
        step(world, case, wf.CULTIVATION_CONTACT, people=people)
    else:
        with refused(f"应指定1至2名正式党员，现为{n}名"):
            step(world, case, wf.CULTIVATION_CONTACT, people=people)


def test_a_probationary_member_cannot_be_contact_or_sponsor(world, rules_in_force):
    prob = make_member(world.tree.branch_a1, "孙预备", member_type=MemberType.PROBATIONARY)
    case = walk(world, new_case(world), wf.CULTIVATION_CONTACT)
    with refused("预备党员不能担任培养联系人"):
        step(
            world,
            case,
            wf.CULTIVATION_CONTACT,
            people=[PersonInput(PersonRole.CULTIVATION_CONTACT, "", prob)],
        )
    case = walk(world, case, wf.SPONSORS)
    sponsors = [world.person(PersonRole.SPONSOR, 0), PersonInput(PersonRole.SPONSOR, "", prob)]
    with refused("预备党员不能担任入党介绍人"):
        step(world, case, wf.SPONSORS, people=sponsors)


@pytest.mark.parametrize(("n", "ok"), [(1, False), (2, True), (3, False)])
def test_two_sponsors(world, rules_in_force, n, ok):
    case = walk(world, new_case(world), wf.SPONSORS)
    people = [world.person(PersonRole.SPONSOR, i) for i in range(n)]
    if ok:
        step(world, case, wf.SPONSORS, people=people)
    else:
        with refused(f"应为2名正式党员，现为{n}名"):
            step(world, case, wf.SPONSORS, people=people)


def test_sponsor_under_disciplinary_probation_is_refused_until_restored(world, rules_in_force):
    case = walk(world, new_case(world), wf.SPONSORS)
    record = record_disciplinary_probation(
        actor=None, member=world.members[1], starts_on=date(2024, 1, 1), document="纪发〔2024〕1号"
    )
    with refused("正受留党察看处分"):
        step(world, case, wf.SPONSORS)
    restore_rights(actor=None, probation=record, on=date(2024, 9, 7))
    with refused("正受留党察看处分"):  # restored the day after the step: still under it
        step(world, case, wf.SPONSORS)
    DisciplinaryProbation.objects.filter(pk=record.pk).update(rights_restored_on=date(2024, 9, 6))
    step(world, case, wf.SPONSORS)


def test_free_name_sponsor_is_a_warning(world, rules_in_force):
    case = walk(world, new_case(world), wf.SPONSORS)
    people = [world.person(PersonRole.SPONSOR, 0), PersonInput(PersonRole.SPONSOR, "外单位某某")]
    row = step(world, case, wf.SPONSORS, people=people)
    assert any("不在本系统党员名册中" in m for m in warnings(row))


@pytest.mark.parametrize(
    ("on", "ok"), [(date(2024, 8, 31), False), (date(2024, 9, 1), True), (date(2024, 9, 2), True)]
)
def test_one_year_between_activist_and_candidate(world, rules_in_force, on, ok):
    case = walk(world, new_case(world), wf.CANDIDATE)
    # 公示 Mon 8-19 … Fri 8-23 ends before every date tried.
    kw = {"done_on": on, "notice_from": date(2024, 8, 19), "notice_to": date(2024, 8, 23)}
    if rules_in_force == "overlay":
        kw["notice_from"] = date(2024, 8, 15)  # 7 working days for the overlay
    if ok:
        step(world, case, wf.CANDIDATE, **kw)
    else:
        with refused("不满1年"):
            step(world, case, wf.CANDIDATE, **kw)


@pytest.mark.parametrize(
    ("exam", "late"),
    [(date(2024, 2, 29), False), (date(2024, 3, 1), False), (date(2024, 3, 2), True)],
)
def test_half_year_examination(world, rules_in_force, exam, late):
    """积极分子 from 2023-09-01: the first examination is due by 2024-03-01."""
    case = walk(world, new_case(world), wf.ACTIVIST_EXAMINATION)
    step(world, case, wf.ACTIVIST_EXAMINATION, done_on=exam)
    step(world, case, wf.ACTIVIST_EXAMINATION, done_on=date(2024, 8, 20))
    row = step(world, case, wf.CANDIDATE)
    assert any("超过6个月没有培养教育考察记录" in m for m in warnings(row)) is late


@pytest.mark.parametrize(
    ("hours", "days", "ok14", "ok_overlay"),
    [
        ("23", None, False, False),
        ("24", None, True, False),
        ("39.5", None, True, False),
        ("40", None, True, True),
        (None, "2.5", False, False),
        (None, "3", True, False),
        (None, "5", True, True),
    ],
)
def test_training_length(world, rules_in_force, hours, days, ok14, ok_overlay):
    case = walk(world, new_case(world), wf.TRAINING)
    ok = ok_overlay if rules_in_force == "overlay" else ok14
    kw = {
        "training_hours": Decimal(hours) if hours else None,
        "training_days": Decimal(days) if days else None,
    }
    if ok:
        step(world, case, wf.TRAINING, **kw)
    else:
        with refused("集中培训"):
            step(world, case, wf.TRAINING, **kw)


def test_political_review_required_and_valid(world, rules_in_force):
    case = walk(world, new_case(world), wf.POLITICAL_REVIEW)
    with refused("请填写政治审查结论"):
        step(world, case, wf.POLITICAL_REVIEW, review_passed=None)
    step(world, case, wf.POLITICAL_REVIEW, review_passed=False)
    step(world, case, wf.TRAINING)
    with refused("未经政治审查或政治审查不合格的，不能发展入党"):
        step(world, case, wf.COMMITTEE_REVIEW)


@pytest.mark.parametrize(
    ("review", "stale"),
    [(date(2024, 10, 11), True), (date(2024, 10, 12), False), (date(2024, 10, 13), False)],
)
def test_political_review_validity(world, review, stale):
    """Validity set to one month by the administrator: a review of 10-12 is valid on 11-12."""
    RuleParameter.objects.create(
        rule_id="development.2014.political_review_validity",
        key="months",
        value=1,
        effective_from=date(2014, 1, 1),
    )
    case = walk(world, new_case(world), wf.POLITICAL_REVIEW)
    step(world, case, wf.POLITICAL_REVIEW, done_on=review)
    case = walk(world, case, wf.ADMISSION_MEETING, including=True)
    row = CaseStep.objects.get(case=case, definition__code=wf.ADMISSION_MEETING)
    assert any("有效期" in w["message"] for w in row.warnings) is stale


# --- 公示 in working days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        # 国庆 2024: 10-1…10-7 off, Sunday 9-29 worked (调休): 9-27, 9-29, 9-30, 10-8 = 4.
        (date(2024, 9, 27), date(2024, 10, 8), False),
        (date(2024, 9, 27), date(2024, 10, 9), True),
        # 春节 2024: 2-10…2-17 off, Sunday 2-18 worked: 2-8, 2-9, 2-18, 2-19 = 4.
        (date(2024, 2, 8), date(2024, 2, 19), False),
        (date(2024, 2, 8), date(2024, 2, 20), True),
    ],
)
def test_notice_counts_working_days_across_holidays(world, start, end, ok):
    """national-2014: 公示 before the 支部大会 of 2024-11-12, at least 5 working days."""
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    if ok:
        step(world, case, wf.ADMISSION_MEETING, notice_from=start, notice_to=end)
    else:
        with refused("只有4个工作日"):
            step(world, case, wf.ADMISSION_MEETING, notice_from=start, notice_to=end)


@pytest.mark.parametrize(("end", "ok"), [(date(2024, 11, 11), True), (date(2024, 11, 12), False)])
def test_notice_must_end_before_the_meeting(world, end, ok):
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    if ok:
        step(world, case, wf.ADMISSION_MEETING, notice_to=end)
    else:
        with refused("公示应在2024年11月12日之前结束"):
            step(world, case, wf.ADMISSION_MEETING, notice_to=end)


def test_notice_before_candidate_only_under_2026(world, rules_in_force):
    case = walk(world, new_case(world), wf.CANDIDATE)
    short = {"notice_from": date(2024, 8, 26), "notice_to": date(2024, 8, 29)}  # 4 days
    if rules_in_force == "2014":
        step(world, case, wf.CANDIDATE, notice_from=None, notice_to=None)
        return
    with refused("确定发展对象前应公示不少于"):
        step(world, case, wf.CANDIDATE, notice_from=None, notice_to=None)
    with refused("只有4个工作日"):
        step(world, case, wf.CANDIDATE, **short)
    step(world, case, wf.CANDIDATE)


def test_overlay_notice_of_seven_days(world, rules_in_force):
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    five = {"notice_from": date(2024, 11, 4), "notice_to": date(2024, 11, 8)}
    if rules_in_force == "overlay":
        with refused("应公示不少于7个工作日"):
            step(world, case, wf.ADMISSION_MEETING, **five)
    else:
        step(world, case, wf.ADMISSION_MEETING, **five)


# --- 支部大会 and approval ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leave", "warned"),
    [(date(2025, 2, 11), True), (date(2025, 2, 12), True), (date(2025, 2, 13), False)],
)
def test_candidate_leaving_within_three_months(world, rules_in_force, leave, warned):
    case = walk(world, new_case(world, expected_leave_on=leave), wf.ADMISSION_MEETING)
    row = step(world, case, wf.ADMISSION_MEETING)
    assert any("一般不办理接收预备党员手续" in m for m in warnings(row)) is warned


@pytest.mark.parametrize(("full", "ok"), [(2, False), (3, True)])
def test_branch_needs_three_full_members(world, rules_in_force, full, ok):
    from zugong.members.models import Member

    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    Member.objects.filter(pk__in=[m.pk for m in world.members[full:]]).update(
        member_type=MemberType.PROBATIONARY
    )
    votes = {"voters_due": full, "voters_present": full, "votes_yes": full}
    if ok:
        step(world, case, wf.ADMISSION_MEETING, **votes)
    else:
        with refused("不足3人的党支部"):
            step(world, case, wf.ADMISSION_MEETING, **votes)


@pytest.mark.parametrize(("present", "ok"), [(2, False), (3, True)])
def test_quorum_more_than_half_of_those_due(world, rules_in_force, present, ok):
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    kw = {"voters_present": present, "votes_yes": 3, "votes_no": 0, "votes_abstain": 0}
    if ok:
        step(world, case, wf.ADMISSION_MEETING, **kw)
    else:
        with refused("未超过应到会5人的半数"):
            step(world, case, wf.ADMISSION_MEETING, **kw)


@pytest.mark.parametrize(("yes", "ok"), [(2, False), (3, True)])
def test_yes_votes_more_than_half_of_those_due_not_of_those_present(world, rules_in_force, yes, ok):
    """Four of five due are present; 3 yes of 4 present passes, 2 yes of 4 (half of 4 but not
    more than half of 5) fails even though nobody voted against."""
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    kw = {"voters_present": 4, "votes_yes": yes, "votes_no": 0, "votes_abstain": 4 - yes}
    if ok:
        step(world, case, wf.ADMISSION_MEETING, **kw)
    else:
        with refused("以应到会人数计算"):
            step(world, case, wf.ADMISSION_MEETING, **kw)


def test_only_an_authorised_party_committee_approves(world, rules_in_force):
    t = world.tree
    for i in range(5):
        make_member(t.branch_a2a, f"机关党员{i}")
    case = walk(world, new_case(world, org=t.branch_a2a), wf.ADMISSION_APPROVAL)
    with refused("党总支可以审议但不能审批"):
        step(world, case, wf.ADMISSION_APPROVAL, responsible_org=t.general_a2)
    with refused("不是城关镇机关第一党支部的上级党委"):
        step(world, case, wf.ADMISSION_APPROVAL, responsible_org=t.town_b)
    with refused("示范县委是县委，只有基层党委才能审批"):
        step(world, case, wf.ADMISSION_APPROVAL, responsible_org=t.county)
    revoke_approval_authority(actor=None, org=t.town_a, revoked_on=date(2025, 1, 10))
    with refused("2025年1月10日没有发展党员审批权限"):
        step(world, case, wf.ADMISSION_APPROVAL)
    step(world, case, wf.ADMISSION_APPROVAL, done_on=date(2025, 1, 9))


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2025, 2, 12), "ok"),
        (date(2025, 2, 13), "warn"),
        (date(2025, 5, 12), "warn"),
        (date(2025, 5, 13), "block"),
    ],
)
def test_approval_within_three_months_six_at_most(world, rules_in_force, on, outcome):
    case = walk(world, new_case(world), wf.ADMISSION_APPROVAL)
    if outcome == "block":
        with refused("最长期限2025年5月12日"):
            step(world, case, wf.ADMISSION_APPROVAL, done_on=on)
        return
    row = step(world, case, wf.ADMISSION_APPROVAL, done_on=on)
    assert any("超过支部大会后三个月" in m for m in warnings(row)) is (outcome == "warn")


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2025, 11, 11), "block"),
        (PROBATION_ENDS, "ok"),
        (date(2025, 12, 12), "ok"),
        (date(2025, 12, 13), "warn"),
    ],
)
def test_conversion_discussed_at_the_end_of_probation(world, rules_in_force, on, outcome):
    case = walk(world, new_case(world), wf.CONVERSION_MEETING)
    if outcome == "block":
        with refused("届满前不能讨论转正"):
            step(world, case, wf.CONVERSION_MEETING, done_on=on)
        return
    row = step(world, case, wf.CONVERSION_MEETING, done_on=on)
    assert any("未及时讨论" in m for m in warnings(row)) is (outcome == "warn")


@pytest.mark.parametrize(("on", "late"), [(date(2026, 2, 12), False), (date(2026, 2, 13), True)])
def test_conversion_approval_within_three_months(world, rules_in_force, on, late):
    case = walk(world, new_case(world), wf.CONVERSION_APPROVAL)
    row = step(world, case, wf.CONVERSION_APPROVAL, done_on=on)
    assert any("超过支部大会讨论后三个月" in m for m in warnings(row)) is late


@pytest.mark.parametrize(("on", "late"), [(date(2024, 11, 25), False), (date(2024, 11, 26), True)])
def test_2026_meeting_within_a_month_of_pre_review(world, rules_in_force, on, late):
    case = walk(world, new_case(world), wf.ADMISSION_MEETING)
    row = step(world, case, wf.ADMISSION_MEETING, done_on=on)
    found = any("晚于预审后一个月" in m for m in warnings(row))
    assert found is (late and rules_in_force == "2026")


@pytest.mark.parametrize(("on", "late"), [(date(2025, 2, 10), False), (date(2025, 2, 11), True)])
def test_2026_oath_within_a_month_of_approval(world, rules_in_force, on, late):
    case = walk(world, new_case(world), wf.OATH)
    row = step(world, case, wf.OATH, done_on=on)
    assert any("晚于上级党委批准后一个月" in m for m in warnings(row)) is (
        late and rules_in_force == "2026"
    )


def test_plan_quota_warns_when_exceeded(world):
    set_plan(actor=None, org=world.tree.town_a, year=2025, quota=1)
    first = walk(world, new_case(world), wf.ADMISSION_APPROVAL, including=True)
    assert not any("发展党员计划" in w["message"] for w in first.steps.last().warnings)
    second = walk(world, new_case(world, name="吴第二"), wf.ADMISSION_APPROVAL)
    row = step(world, second, wf.ADMISSION_APPROVAL)
    assert any("2025年发展党员计划1名已用1名" in m for m in warnings(row))
    with refused("已审批接收2名，计划名额不能少于已使用数"):
        set_plan(actor=None, org=world.tree.town_a, year=2025, quota=1)


# --- rule sets are stamped, never re-judged ---------------------------------------------------


def test_changing_the_rule_set_never_rejudges_recorded_steps(world):
    case = walk(world, new_case(world), wf.ACTIVIST)
    activist = step(world, case, wf.ACTIVIST)
    stamped = list(CaseStep.objects.filter(case=case).values_list("id", "rule_set", "warnings"))
    assert {r[1] for r in stamped} == {NATIONAL_2014}
    set_rule_set_period(actor=None, rule_set=NATIONAL_2026, effective_from=date(2023, 1, 1))
    assert (
        list(CaseStep.objects.filter(case=case).values_list("id", "rule_set", "warnings"))
        == stamped
    )
    activist.refresh_from_db()
    assert activist.rule_set == NATIONAL_2014
    case = walk(world, case, wf.CANDIDATE)
    row = step(world, case, wf.CANDIDATE)  # judged by 2026 now: its 公示 is checked
    assert row.rule_set == NATIONAL_2026
    case.refresh_from_db()
    assert case.rule_set == NATIONAL_2026
