"""Overdue findings of 问题清单 items: the deadline and milestones at their boundaries, the
reminder in working days, and where the findings land (the responsible unit's to-do list)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from zugong.accounts.models import Role
from zugong.core.models import Finding, RuleParameter
from zugong.dashboard.selectors import todo
from zugong.inquiries import services
from zugong.inquiries.models import Milestone
from zugong.inquiries.rules import PROBLEM_KIND
from zugong.inquiries.tests.support import make_list, make_problem

pytestmark = pytest.mark.django_db
DEADLINE = date(2026, 6, 30)  # a Tuesday


@pytest.fixture
def problem(tree, users):
    problem_list = make_list(tree.county, users[Role.DEPARTMENT_ADMIN])
    return make_problem(problem_list, tree.branch_a1, "村务公开不及时", deadline=DEADLINE)


def rules_on(problem, day: date) -> list[str]:
    services.refresh_problem_findings([problem], today=day)
    return sorted(
        Finding.objects.filter(subject_type=PROBLEM_KIND, subject_id=problem.pk).values_list(
            "rule_id", flat=True
        )
    )


def test_overdue_only_after_the_deadline(problem):
    assert "inquiries.problem_overdue" not in rules_on(problem, DEADLINE)
    assert "inquiries.problem_overdue" in rules_on(problem, date(2026, 7, 1))


def test_due_soon_reminder_counts_working_days(problem):
    # 5 working days up to Tue 30 June inclusive start on Wed 24 June.
    assert rules_on(problem, date(2026, 6, 23)) == []
    assert rules_on(problem, date(2026, 6, 24)) == ["inquiries.problem_due_soon"]


def test_reminder_lead_time_is_a_parameter(problem):
    RuleParameter.objects.create(
        rule_id="inquiries.problem_due_soon",
        key="reminder_workdays",
        value=10,
        effective_from=date(2026, 1, 1),
    )
    assert rules_on(problem, date(2026, 6, 17)) == ["inquiries.problem_due_soon"]


def test_overdue_milestones_are_found_until_done(problem, users):
    milestone = Milestone.objects.create(
        problem=problem, title="制定方案", planned_on=date(2026, 4, 30)
    )
    assert rules_on(problem, date(2026, 4, 30)) == []
    assert rules_on(problem, date(2026, 5, 1)) == ["inquiries.milestone_overdue"]
    milestone.done_on = date(2026, 5, 2)
    milestone.save()
    assert rules_on(problem, date(2026, 5, 3)) == []


def test_closed_problems_have_no_findings(problem, users):
    problem.progress = Decimal("100")
    problem.save()
    services.request_closure(actor=users[Role.PROBLEM_TRACKER], problem=problem, reason="完成")
    with freeze_time("2026-07-05"):
        services.decide_closure(
            actor=users[Role.DEPARTMENT_ADMIN], problem=problem, approve=True, reason="同意"
        )
    assert rules_on(problem, date(2026, 7, 10)) == []


def test_overdue_findings_reach_the_responsible_units_to_do_list(problem, users, tree):
    rules_on(problem, date(2026, 7, 1))
    assert todo(users[Role.PROBLEM_TRACKER]).filter(subject_type=PROBLEM_KIND).exists()
    assert todo(users[Role.BRANCH_ADMIN]).filter(subject_type=PROBLEM_KIND).exists()
    from zugong.accounts.models import User

    elsewhere = User.objects.create_user(
        username="b_admin", role=Role.COMMITTEE_ADMIN, anchor_org=tree.town_b
    )
    assert not todo(elsewhere).filter(subject_type=PROBLEM_KIND).exists()
