"""示范创建 checks at their boundaries: the day before, on and after."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.accounts.models import Role
from zugong.campaigns import services
from zugong.campaigns.models import Stage
from zugong.campaigns.rules import CAMPAIGN_KIND, CANDIDATE_KIND, _add_months
from zugong.campaigns.tests.support import make_campaign, make_candidate
from zugong.conftest import code
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db


def _ids(kind: str, subject, today: date) -> list[str]:
    return [d.rule.id for d in evaluate(kind, [subject], RuleContext(today))]


@pytest.mark.parametrize(
    ("today", "named", "found"),
    [
        (date(2025, 12, 31), 1, False),  # the year is not over yet
        (date(2026, 1, 1), 1, True),  # the day after: one short
        (date(2026, 1, 1), 2, False),  # target met
    ],
)
def test_target_unmet_once_the_year_is_over(tree, users, today, named, found):
    admin = users[Role.DEPARTMENT_ADMIN]
    campaign = make_campaign(tree.county, admin, "village", year=2025, target=2)
    for i in range(named):
        org = create_org(
            actor=None,
            parent=tree.town_a,
            name=f"命名{i}村党支部",
            code=f"N{i}",
            kind="branch",
            category=code("org_category", "01"),
        )
        make_candidate(campaign, org, admin, stage=Stage.NAMED)
    make_candidate(campaign, tree.branch_a1, admin, stage=Stage.REVOKED)  # 摘牌 does not count
    assert ("campaigns.target_unmet" in _ids(CAMPAIGN_KIND, campaign, today)) is found


@pytest.mark.parametrize(
    ("today", "found"),
    [(date(2026, 3, 9), False), (date(2026, 3, 10), False), (date(2026, 3, 11), True)],
)
def test_review_due_twelve_months_after_naming(tree, users, today, found):
    admin = users[Role.DEPARTMENT_ADMIN]
    campaign = make_campaign(tree.county, admin, "village", year=2025)
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.NAMED)
    candidate.named_on = date(2025, 3, 10)
    candidate.save()
    assert ("campaigns.review_overdue" in _ids(CANDIDATE_KIND, candidate, today)) is found


def test_a_review_restarts_the_interval_and_a_revoked_one_is_not_checked(tree, users):
    admin = users[Role.DEPARTMENT_ADMIN]
    campaign = make_campaign(tree.county, admin, "village", year=2025)
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.NAMED)
    candidate.named_on = date(2025, 3, 10)
    candidate.save()
    services.advance(actor=admin, candidate=candidate, to_stage=Stage.REVIEWED, on=date(2026, 3, 5))
    candidate.refresh_from_db()
    assert _ids(CANDIDATE_KIND, candidate, date(2027, 3, 5)) == []
    assert _ids(CANDIDATE_KIND, candidate, date(2027, 3, 6)) == ["campaigns.review_overdue"]
    services.advance(
        actor=admin,
        candidate=candidate,
        to_stage=Stage.REVOKED,
        on=date(2026, 3, 6),
        remark="不合格",
    )
    candidate.refresh_from_db()
    assert _ids(CANDIDATE_KIND, candidate, date(2028, 1, 1)) == []
    # The services stored the evaluation of the decision day.
    assert not Finding.objects.filter(subject_type=CANDIDATE_KIND).exists()


def test_month_arithmetic_keeps_month_ends():
    assert _add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert _add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert _add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


@pytest.mark.parametrize(
    ("today", "found"),
    [(date(2025, 12, 31), False), (date(2026, 1, 1), True)],
)
def test_township_target_unmet_names_the_short_township(tree, users, today, found):
    admin = users[Role.DEPARTMENT_ADMIN]
    campaign = make_campaign(tree.county, admin, "village", year=2025, target=2)
    services.set_township_targets(
        actor=admin, campaign=campaign, targets={tree.town_a.pk: 1, tree.town_b.pk: 1}
    )
    make_candidate(campaign, tree.branch_a1, admin, stage=Stage.NAMED)  # 城关镇 meets its part
    messages = [
        d.message
        for d in evaluate(CAMPAIGN_KIND, [campaign], RuleContext(today))
        if d.rule.id == "campaigns.township_target_unmet"
    ]
    assert bool(messages) is found
    if found:
        assert tree.town_b.name in messages[0] and tree.town_a.name not in messages[0]
