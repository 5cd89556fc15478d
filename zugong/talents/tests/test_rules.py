"""The talent checks: tiers against the configured catalogue (the parameter, before and after it
changes), and grants that stop meeting their conditions on the day a bound is crossed."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.core.models import Finding, RuleParameter
from zugong.talents.rules import TALENT_KIND
from zugong.talents.services import refresh_talent_findings
from zugong.talents.tests import support

pytestmark = pytest.mark.django_db


def rules_of(talent) -> list[str]:
    return list(
        Finding.objects.filter(subject_type=TALENT_KIND, subject_id=talent.pk).values_list(
            "rule_id", flat=True
        )
    )


def test_a_tier_outside_the_catalogue_is_found_from_the_day_the_catalogue_changes(tree):
    t = support.talent(tree.branch_a1, tier="D")
    RuleParameter.objects.create(
        rule_id="talents.high_level_tiers",
        key="tiers",
        value=[["A", "A类"], ["B", "B类"], ["C", "C类"]],
        effective_from=date(2026, 7, 1),
    )
    refresh_talent_findings([t], today=date(2026, 6, 30))
    assert rules_of(t) == []
    refresh_talent_findings([t], today=date(2026, 7, 1))
    assert rules_of(t) == ["talents.high_level_tiers"]


def test_a_tier_on_another_category_is_found_and_left_talents_are_not_judged(tree):
    t = support.talent(tree.branch_a1, category="young", tier="A")
    gone = support.talent(tree.branch_a1, tier="", status="left", left_on=date(2025, 1, 1))
    refresh_talent_findings([t, gone], today=date(2026, 1, 1))
    assert rules_of(t) == ["talents.high_level_tiers"] and rules_of(gone) == []


@pytest.mark.parametrize(
    ("today", "found"),
    [(date(2027, 2, 28), False), (date(2027, 3, 1), True), (date(2027, 3, 2), True)],
)
def test_a_grant_breaks_on_the_years_anniversary(tree, users, today, found):
    from zugong.accounts.models import Role

    item = support.item(support.policy(tree.county), eligibility={"max_years_in_county": 3})
    t = support.talent(tree.branch_a1, arrived_on=date(2024, 3, 1))
    support.grant(t, item, users[Role.TALENT_OFFICE], on=date(2024, 6, 1))
    refresh_talent_findings([t], today=today)
    assert (rules_of(t) == ["talents.grant_conditions_unmet"]) is found


def test_an_ended_or_stopped_grant_is_not_judged(tree, users):
    from zugong.accounts.models import Role

    item = support.item(support.policy(tree.county), eligibility={"max_years_in_county": 1})
    t = support.talent(tree.branch_a1, arrived_on=date(2020, 1, 1))
    office = users[Role.TALENT_OFFICE]
    support.grant(t, item, office, on=date(2020, 2, 1), ends_on=date(2020, 12, 31))
    refresh_talent_findings([t], today=date(2026, 1, 1))
    assert rules_of(t) == []
