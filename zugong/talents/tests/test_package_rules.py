"""The working-day deadlines of a service request and the overdue finding, at their edges."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.accounts.models import Role
from zugong.core.models import RuleParameter
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.talents.package_rules import SERVICE_KIND, step_due
from zugong.talents.tests.support_services import make_item, make_policy, make_request, make_talent

pytestmark = pytest.mark.django_db


def test_step_due_dates_count_working_days():
    # 2026-03-02 is a Monday: 3 working days → Thursday; 2 → Wednesday; 15 → three weeks on.
    assert step_due("submitted", date(2026, 3, 2)) == date(2026, 3, 5)
    assert step_due("accepted", date(2026, 3, 2)) == date(2026, 3, 4)
    assert step_due("handling", date(2026, 3, 2)) == date(2026, 3, 23)
    # Submitted on a Friday: the weekend does not count.
    assert step_due("submitted", date(2026, 3, 6)) == date(2026, 3, 11)
    # Across the 2026 National Day holiday (1–7 October, 8 October a working day after it).
    assert step_due("submitted", date(2026, 9, 30)) > date(2026, 10, 7)
    assert step_due("done", date(2026, 3, 2)) is None


def test_step_days_are_parameters_an_administrator_overrides():
    RuleParameter.objects.create(
        rule_id="talents.service_overdue",
        key="accept_workdays",
        value=5,
        effective_from=date(2026, 1, 1),
    )
    assert step_due("submitted", date(2026, 3, 2)) == date(2026, 3, 9)
    # Before the override took effect, the default (3) applies.
    assert step_due("submitted", date(2025, 12, 1)) == date(2025, 12, 4)


@pytest.mark.parametrize(
    ("today", "found"),
    [(date(2026, 3, 4), False), (date(2026, 3, 5), False), (date(2026, 3, 6), True)],
)
def test_overdue_from_the_day_after_the_due_day(tree, users, today, found):
    request = make_request(make_talent(tree.branch_a1), users[Role.TALENT_OFFICE])
    drafts = evaluate(SERVICE_KIND, [request], RuleContext(today))
    assert bool(drafts) is found
    if found:
        (d,) = drafts
        assert d.rule.id == "talents.service_overdue"
        assert "待受理" in d.message and "逾期1个工作日" in d.message
        assert d.org_path == tree.branch_a1.path
        assert "人才新政" in d.citation


def test_finding_cites_the_request_policy_item(tree, users):
    item = make_item(make_policy("某县人才新政十条"), "医疗绿色通道", source_clause="第八条")
    request = make_request(make_talent(tree.branch_a1), users[Role.TALENT_OFFICE], item=item)
    (d,) = evaluate(SERVICE_KIND, [request], RuleContext(date(2026, 3, 9)))
    assert d.citation == "《某县人才新政十条》第八条"
    assert "逾期2个工作日" in d.message  # Friday 6 and Monday 9 March


@pytest.mark.parametrize("state", ["done", "returned"])
def test_closed_requests_are_never_overdue(tree, users, state):
    request = make_request(
        make_talent(tree.branch_a1),
        users[Role.TALENT_OFFICE],
        state=state,
        due=None,
        return_reason="材料不全" if state == "returned" else "",
    )
    assert evaluate(SERVICE_KIND, [request], RuleContext(date(2026, 6, 1))) == []
