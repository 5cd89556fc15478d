"""Findings: a township's star distribution at the target boundary, overdue rectifications, and
the selection of the bottom share for 软弱涣散 identification."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from zugong.accounts.models import Role
from zugong.core.models import Finding, RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.orgs.models import Organization
from zugong.orgs.services import create_org
from zugong.orgs.standardization.models import WeakOrgMeasure, WeakStatus
from zugong.orgs.standardization.rules import TOWNSHIP_KIND, WEAK_KIND
from zugong.orgs.standardization.selectors import bottom_candidates, bottom_count
from zugong.orgs.tests.matrix_standardization import make_score, make_weak

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = date(2026, 3, 1)


def branches(parent: Organization, n: int, prefix: str = "T") -> list[Organization]:
    return [
        create_org(
            actor=None,
            parent=parent,
            name=f"{parent.name}第{i}支部",
            code=f"{prefix}{i}",
            kind="branch",
        )
        for i in range(n)
    ]


def distribution_findings(town: Organization, today: date = TODAY) -> list[Finding]:
    refresh_findings(TOWNSHIP_KIND, [town], RuleContext(today))
    return list(
        Finding.objects.filter(subject_type=TOWNSHIP_KIND, subject_id=town.pk).order_by("id")
    )


def score_mix(orgs: list[Organization], stars: list[int], year: int = YEAR) -> None:
    totals = {5: "95", 4: "85", 3: "75", 2: "65", 1: "50"}
    for org, s in zip(orgs, stars, strict=True):
        make_score(org, year, totals[s], s)


@pytest.mark.parametrize(
    ("stars", "breached"),
    [
        ([5] + [3] * 9, []),  # five-star exactly 10%: within the target
        ([5, 5] + [3] * 8, [5]),  # 20%: above
        ([4] * 4 + [3] * 6, []),  # four-star exactly 40%
        ([4] * 5 + [3] * 5, [4]),  # 50%: above
        ([5, 5] + [4] * 5 + [3] * 3, [5, 4]),
    ],
)
def test_star_distribution_at_the_boundary(tree, stars, breached):
    town = tree.town_b
    score_mix(branches(town, 10), stars)
    found = distribution_findings(town)
    assert [f.message.split("星级")[0][-1] for f in found] == [str(s) for s in breached]
    for f in found:
        assert f.rule_id == "standards.star_distribution"
        assert "评星定级" in f.citation
        assert f.org_path == town.path


def test_the_message_names_year_count_share_and_target(tree):
    score_mix(branches(tree.town_b, 10), [5, 5] + [3] * 8)
    (finding,) = distribution_findings(tree.town_b)
    assert finding.message == ("2025年度5星级党支部2个，占已评10个的20.0%，超过不高于10%的比例目标")


def test_a_distribution_parameter_override(tree):
    score_mix(branches(tree.town_b, 10), [5, 5] + [3] * 8)
    RuleParameter.objects.create(
        rule_id="standards.star_distribution",
        key="five_max_percent",
        value="20",
        effective_from=date(2026, 1, 1),
    )
    assert distribution_findings(tree.town_b) == []


def test_only_recent_years_and_own_subtree_count(tree):
    score_mix(branches(tree.town_b, 2, "OB"), [5, 5], year=2022)  # an old year
    score_mix(branches(tree.town_a, 2, "OA"), [5, 5])  # another township
    assert distribution_findings(tree.town_b) == []
    assert len(distribution_findings(tree.town_a)) == 1


def test_saving_a_score_refreshes_the_township_findings(tree, users):
    from zugong.orgs.standardization.services import ManualEntry, save_score
    from zugong.orgs.tests.matrix_standardization import general_template

    full = {
        i.pk: ManualEntry(str(i.max_points))
        for i in general_template().items.all()
        if not i.is_auto
    }
    score = save_score(
        actor=users[Role.COMMITTEE_ADMIN], org=tree.branch_a1, year=YEAR, entries=full, today=TODAY
    )
    found = Finding.objects.filter(subject_type=TOWNSHIP_KIND, subject_id=tree.town_a.pk)
    # One branch scored: it alone is 100% of its star level, above any cap of 5 or 4 stars.
    assert found.exists() == (score.stars in (4, 5))


# --- 软弱涣散 tracking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "overdue"), [(1, False), (0, False), (-1, True)]
)  # deadline tomorrow, today, yesterday
def test_rectification_overdue_at_the_deadline(tree, users, offset, overdue):
    weak = make_weak(
        tree.branch_a1, users[Role.SYSTEM_ADMIN], deadline=TODAY + timedelta(days=offset)
    )
    refresh_findings(WEAK_KIND, [weak], RuleContext(TODAY))
    found = Finding.objects.filter(subject_type=WEAK_KIND, rule_id="standards.weak_overdue")
    assert found.exists() == overdue


def test_closed_or_proposed_listings_are_not_overdue(tree, users):
    for status in (WeakStatus.CLOSED, WeakStatus.PROPOSED):
        weak = make_weak(
            tree.branch_a1,
            users[Role.SYSTEM_ADMIN],
            status=status,
            deadline=date(2025, 6, 30),
            year=2024 if status == WeakStatus.CLOSED else 2025,
        )
        refresh_findings(WEAK_KIND, [weak], RuleContext(TODAY))
    assert not Finding.objects.filter(subject_type=WEAK_KIND).exists()


@pytest.mark.parametrize(("offset", "overdue"), [(0, False), (-1, True)])
def test_measure_overdue(tree, users, offset, overdue):
    weak = make_weak(tree.branch_a1, users[Role.SYSTEM_ADMIN], deadline=date(2030, 1, 1))
    WeakOrgMeasure.objects.create(
        weak_org=weak, title="补齐台账", deadline=TODAY + timedelta(days=offset)
    )
    WeakOrgMeasure.objects.create(
        weak_org=weak, title="已完成的", deadline=date(2025, 1, 1), done_on=date(2025, 1, 1)
    )
    refresh_findings(WEAK_KIND, [weak], RuleContext(TODAY))
    found = list(Finding.objects.filter(rule_id="standards.weak_measure_overdue"))
    assert len(found) == (1 if overdue else 0)
    if overdue:
        assert "补齐台账" in found[0].message


@pytest.mark.parametrize(
    ("scored", "percent", "expected"),
    [(0, "5", 0), (1, "5", 1), (20, "5", 1), (21, "5", 2), (40, "5", 2), (20, "10", 2)],
)
def test_bottom_count(scored, percent, expected):
    assert bottom_count(scored, Decimal(percent)) == expected


def test_bottom_candidates_are_the_lowest_scores(tree, users):
    orgs = branches(tree.town_b, 21)
    for i, org in enumerate(orgs):
        make_score(org, YEAR, str(60 + i), 2)
    admin = users[Role.DEPARTMENT_ADMIN]
    found = bottom_candidates(admin, tree.county, YEAR, RuleContext(TODAY))
    assert [c.score.org for c in found] == orgs[:2]  # 5% of 21, rounded up
    assert [c.rank for c in found] == [21, 20] and found[0].of == 21
    make_weak(orgs[0], admin, year=YEAR)
    found = bottom_candidates(admin, tree.county, YEAR, RuleContext(TODAY))
    assert [c.listed for c in found] == [True, False]
    RuleParameter.objects.create(
        rule_id="standards.weak_share",
        key="bottom_percent",
        value="10",
        effective_from=date(2026, 1, 1),
    )
    assert len(bottom_candidates(admin, tree.county, YEAR, RuleContext(TODAY))) == 3
    # A committee sees only its own subtree's ranking.
    assert (
        bottom_candidates(users[Role.COMMITTEE_ADMIN], tree.town_a, YEAR, RuleContext(TODAY)) == []
    )
