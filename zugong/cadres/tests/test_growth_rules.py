"""The growth and 能上能下 rules, each at its boundary: the day before, on, and after."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

from datetime import date

import pytest

from zugong.accounts.models import cadre_finding_path
from zugong.cadres.growth_rules import (
    ADJUSTMENT_KIND,
    ASSIGNMENT_KIND,
    RESERVE_KIND,
    age_on,
    criteria_problems,
    demotion_impact_until,
)
from zugong.cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    PostLevel,
    ReserveEntry,
    TrackingNote,
)
from zugong.cadres.tests.test_growth_fixtures import (  # noqa: F401 - fixtures
    growth,
    make_adjustment,
    make_assignment,
    make_cadre,
    make_entry,
)
from zugong.core.models import RuleParameter
from zugong.core.rules.engine import RuleContext, evaluate

pytestmark = pytest.mark.django_db


def drafts(kind: str, subject: object, today: date, rule_id: str) -> list:
    return [d for d in evaluate(kind, [subject], RuleContext(today)) if d.rule.id == rule_id]


def test_age_is_counted_in_full_years():
    assert age_on(date(1990, 6, 15), date(2020, 6, 14)) == 29
    assert age_on(date(1990, 6, 15), date(2020, 6, 15)) == 30
    assert age_on(date(2000, 2, 29), date(2021, 2, 28)) == 20
    assert age_on(date(2000, 2, 29), date(2021, 3, 1)) == 21


def test_age_limit_boundary_for_section_deputy():
    ctx = RuleContext(date(2026, 1, 1))
    born = date(1993, 6, 15)  # 32 until 2026-06-14, 33 from 2026-06-15
    assert criteria_problems(born, PostLevel.SECTION_DEPUTY, date(2026, 6, 14), {}, ctx) == []
    problems = criteria_problems(born, PostLevel.SECTION_DEPUTY, date(2026, 6, 15), {}, ctx)
    assert len(problems) == 1
    assert "33周岁" in problems[0].message and "32周岁" in problems[0].message
    assert "待核实" in str(problems[0].citation)


@pytest.mark.parametrize(
    ("level", "limit"),
    [
        (PostLevel.COUNTY_CHIEF, 45),
        (PostLevel.COUNTY_DEPUTY, 40),
        (PostLevel.SECTION_CHIEF, 35),
        (PostLevel.SECTION_DEPUTY, 32),
    ],
)
def test_age_limits_by_target_level(level: str, limit: int):
    ctx = RuleContext(date(2026, 1, 1))
    on = date(2026, 3, 1)
    at_limit = date(2026 - limit, 3, 1)  # turns `limit` that day
    over = date(2026 - limit - 1, 3, 1)  # turns limit + 1 that day
    assert criteria_problems(at_limit, level, on, {}, ctx) == []
    assert criteria_problems(over, level, on, {}, ctx)


def test_age_limit_is_a_parameter_an_administrator_can_override():
    RuleParameter.objects.create(
        rule_id="cadres.reserve_criteria",
        key="age_section_deputy",
        value=35,
        effective_from=date(2025, 1, 1),
    )
    born = date(1991, 1, 1)  # 35 on 2026-06-01, 33 on 2024-06-01
    assert (
        criteria_problems(
            born, PostLevel.SECTION_DEPUTY, date(2026, 6, 1), {}, RuleContext(date(2026, 6, 1))
        )
        == []
    )
    # Before the override took effect the national default (32) applies.
    assert criteria_problems(
        born, PostLevel.SECTION_DEPUTY, date(2024, 6, 1), {}, RuleContext(date(2024, 6, 1))
    )


def test_assessment_below_competent_in_the_last_three_years():
    ctx = RuleContext(date(2026, 1, 1))
    born = date(1995, 1, 1)
    on = date(2026, 3, 1)
    # 2023–2025 are the last three years before 2026.
    bad_2023 = {2023: AssessmentGrade.BASIC, 2024: AssessmentGrade.COMPETENT}
    problems = criteria_problems(born, PostLevel.SECTION_DEPUTY, on, bad_2023, ctx)
    assert len(problems) == 1 and "2023年度考核为基本称职" in problems[0].message
    assert "公务员考核规定" in str(problems[0].citation)
    bad_2022 = {2022: AssessmentGrade.INCOMPETENT, 2025: AssessmentGrade.EXCELLENT}
    assert criteria_problems(born, PostLevel.SECTION_DEPUTY, on, bad_2022, ctx) == []
    qualified = {2025: AssessmentGrade.QUALIFIED}
    assert criteria_problems(born, PostLevel.SECTION_DEPUTY, on, qualified, ctx) == []
    unqualified = {2025: AssessmentGrade.UNQUALIFIED}
    assert criteria_problems(born, PostLevel.SECTION_DEPUTY, on, unqualified, ctx)


def test_entry_outside_criteria_is_a_warning_with_reason_and_citation(growth):
    AnnualAssessment.objects.create(cadre=growth.young, year=2024, grade=AssessmentGrade.BASIC)
    entry = make_entry(growth.young, entered=date(2025, 1, 10))
    ReserveEntry.objects.filter(pk=entry.pk).update(exception_reason="抗洪抢险表现突出")
    entry.refresh_from_db()
    found = drafts(RESERVE_KIND, entry, date(2026, 1, 1), "cadres.reserve_criteria")
    assert len(found) == 1
    assert found[0].severity == "warn"
    assert "2024年度考核为基本称职" in found[0].message
    assert "抗洪抢险表现突出" in found[0].message
    assert "公务员考核规定" in found[0].citation
    assert found[0].org_path == cadre_finding_path(growth.young.unit_path)


def test_cadre_passing_the_age_limit_in_the_pool(growth):
    # Born 1994-06-15: 32 until 2027-06-14, over the 乡科级副职 limit from 2027-06-15.
    entry = make_entry(growth.young, entered=date(2025, 1, 10))
    rule_id = "cadres.reserve_age_exceeded"
    assert drafts(RESERVE_KIND, entry, date(2027, 6, 14), rule_id) == []
    on_day = drafts(RESERVE_KIND, entry, date(2027, 6, 15), rule_id)
    assert len(on_day) == 1 and "超出年轻干部年龄" in on_day[0].message
    assert on_day[0].due_on == date(2027, 6, 15)
    entry.left_on = date(2027, 7, 1)
    assert drafts(RESERVE_KIND, entry, date(2027, 8, 1), rule_id) == []


def test_tracking_due_exactly_three_months_after_start(growth):
    assignment = make_assignment(growth.young, started=date(2026, 1, 15))
    rule_id = "cadres.tracking_overdue"
    assert drafts(ASSIGNMENT_KIND, assignment, date(2026, 4, 14), rule_id) == []
    due = drafts(ASSIGNMENT_KIND, assignment, date(2026, 4, 15), rule_id)
    assert len(due) == 1 and "今日应填写" in due[0].message
    assert due[0].due_on == date(2026, 4, 15)
    late = drafts(ASSIGNMENT_KIND, assignment, date(2026, 4, 16), rule_id)
    assert len(late) == 1 and "已逾期1天" in late[0].message


def test_tracking_counts_from_the_last_note_and_the_own_interval(growth):
    assignment = make_assignment(growth.young, started=date(2026, 1, 15))
    TrackingNote.objects.create(assignment=assignment, noted_on=date(2026, 3, 1), content="好")
    rule_id = "cadres.tracking_overdue"
    assert drafts(ASSIGNMENT_KIND, assignment, date(2026, 5, 31), rule_id) == []
    assert drafts(ASSIGNMENT_KIND, assignment, date(2026, 6, 1), rule_id)
    assignment.tracking_months = 1
    assert drafts(ASSIGNMENT_KIND, assignment, date(2026, 3, 31), rule_id) == []
    late = drafts(ASSIGNMENT_KIND, assignment, date(2026, 4, 2), rule_id)
    assert "已逾期1天" in late[0].message


def test_tracking_interval_parameter_and_ended_assignments(growth):
    RuleParameter.objects.create(
        rule_id="cadres.tracking_overdue", key="months", value=2, effective_from=date(2020, 1, 1)
    )
    assignment = make_assignment(growth.young, started=date(2026, 1, 15))
    rule_id = "cadres.tracking_overdue"
    assert drafts(ASSIGNMENT_KIND, assignment, date(2026, 3, 15), rule_id)
    assignment.ended_on = date(2026, 3, 1)
    assert drafts(ASSIGNMENT_KIND, assignment, date(2026, 3, 15), rule_id) == []


def test_reuse_reminder_starts_the_day_after_the_impact_period(growth):
    adjustment = make_adjustment(
        growth.young,
        way="demote",
        decided_on=date(2025, 3, 10),
        impact_until=date(2026, 3, 9),
    )
    rule_id = "cadres.adjustment_reuse"
    assert drafts(ADJUSTMENT_KIND, adjustment, date(2026, 3, 9), rule_id) == []
    after = drafts(ADJUSTMENT_KIND, adjustment, date(2026, 3, 10), rule_id)
    assert len(after) == 1 and after[0].severity == "info"
    assert "可重新使用" in after[0].message and "能上能下" in after[0].citation
    adjustment.reused_on = date(2026, 4, 1)
    assert drafts(ADJUSTMENT_KIND, adjustment, date(2026, 5, 1), rule_id) == []


def test_demotion_impact_period_is_one_year_by_default():
    ctx = RuleContext(date(2026, 1, 1))
    assert demotion_impact_until(date(2025, 3, 10), ctx) == date(2026, 3, 9)
    RuleParameter.objects.create(
        rule_id="cadres.adjustment_reuse",
        key="demote_months",
        value=24,
        effective_from=date(2020, 1, 1),
    )
    assert demotion_impact_until(date(2025, 3, 10), RuleContext(date(2026, 1, 1))) == date(
        2027, 3, 9
    )
