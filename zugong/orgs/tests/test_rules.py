"""Term and branch-size findings at their boundaries: the day before, on and after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from zugong.conftest import make_member
from zugong.core.models import RuleParameter
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.orgs.models import Organization
from zugong.orgs.services import elect_team

pytestmark = pytest.mark.django_db


def findings_for(org: Organization, today: date) -> dict[str, object]:
    org = Organization.objects.select_related("category").get(pk=org.pk)
    return {d.rule.id: d for d in evaluate("organization", [org], RuleContext(today=today))}


def test_term_length_comes_from_the_rule_set(tree):
    village = elect_team(
        actor=None, org=tree.branch_a1, elected_on=date(2024, 3, 1), seats=[("李四", "secretary")]
    )
    plain = elect_team(
        actor=None, org=tree.branch_a2a, elected_on=date(2024, 3, 1), seats=[("王五", "secretary")]
    )
    committee = elect_team(
        actor=None, org=tree.town_a, elected_on=date(2024, 3, 1), seats=[("赵六", "secretary")]
    )
    assert (village.term_years, plain.term_years, committee.term_years) == (5, 3, 5)
    assert plain.term_ends_on == date(2027, 3, 1)
    assert "任期" in plain.term_rule_source


@pytest.mark.parametrize(
    ("days_left", "due", "overdue"),
    [(91, False, False), (90, True, False), (1, True, False), (0, True, False), (-1, False, True)],
)
def test_term_due_and_overdue_boundaries(tree, days_left, due, overdue):
    team = elect_team(
        actor=None, org=tree.branch_a2a, elected_on=date(2023, 3, 1), seats=[("王五", "secretary")]
    )
    today = team.term_ends_on - timedelta(days=days_left)
    found = findings_for(tree.branch_a2a, today)
    assert ("org.term_due" in found) is due
    assert ("org.term_overdue" in found) is overdue
    if overdue:
        assert found["org.term_overdue"].severity == "block"
        assert "基层组织选举工作条例" in found["org.term_overdue"].citation


def test_lead_days_parameter_is_overridable_and_versioned(tree):
    team = elect_team(
        actor=None, org=tree.branch_a2a, elected_on=date(2023, 3, 1), seats=[("王五", "secretary")]
    )
    RuleParameter.objects.create(
        rule_id="org.term_due", key="lead_days", value=180, effective_from=date(2025, 1, 1)
    )
    today = team.term_ends_on - timedelta(days=150)
    assert "org.term_due" in findings_for(tree.branch_a2a, today)
    # Before the override took effect the national default (90 days) applied.
    assert "org.term_due" not in findings_for(tree.branch_a2a, date(2024, 12, 31))


@pytest.mark.parametrize(("full", "expected"), [(6, False), (7, True)])
def test_branch_with_seven_full_members_needs_a_committee(tree, full, expected):
    for i in range(full):
        make_member(tree.branch_b1, f"党员{i}")
    found = findings_for(tree.branch_b1, date(2026, 1, 1))
    assert ("org.branch_needs_committee" in found) is expected
    elect_team(
        actor=None, org=tree.branch_b1, elected_on=date(2025, 6, 1), seats=[("党员0", "secretary")]
    )
    assert "org.branch_needs_committee" not in findings_for(tree.branch_b1, date(2026, 1, 1))


@pytest.mark.parametrize(("full", "expected"), [(2, True), (3, False)])
def test_branch_with_fewer_than_three_full_members(tree, full, expected):
    for i in range(full):
        make_member(tree.branch_b1, f"党员{i}")
    make_member(
        tree.branch_b1,
        "预备甲",
        member_type="probationary",
        joined_on=date(2025, 12, 1),
        confirmed_on=None,
    )
    found = findings_for(tree.branch_b1, date(2026, 1, 1))
    assert ("org.branch_too_small" in found) is expected
    if expected:
        assert "第四条" in found["org.branch_too_small"].citation


def test_findings_are_stored_and_scoped_by_path(tree):
    from zugong.core.models import Finding

    stored = Finding.objects.filter(subject_type="organization", subject_id=tree.branch_b1.pk)
    assert stored.filter(rule_id="org.branch_too_small").exists()
    assert all(f.org_path.startswith(tree.town_b.path) for f in stored)


def test_dissolved_branch_has_no_findings(tree):
    from zugong.orgs.services import dissolve_org

    dissolve_org(actor=None, org=tree.branch_b1, on=date(2026, 1, 1), reason="撤并")
    assert findings_for(tree.branch_b1, date(2026, 2, 1)) == {}


def test_term_boundary_on_leap_day(tree):
    team = elect_team(
        actor=None, org=tree.branch_a2a, elected_on=date(2024, 2, 29), seats=[("王五", "secretary")]
    )
    assert team.term_ends_on == date(2024, 2, 29) + relativedelta(years=3)
