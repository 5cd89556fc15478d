"""The demo 示范创建 on a small generated county: the issue's targets, every stage, one 摘牌."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest

from zugong.campaigns.demo import seed_campaigns
from zugong.campaigns.models import Campaign, Candidate, Stage, StageEvent
from zugong.campaigns.selectors import progress
from zugong.campaigns.services import kind_fits
from zugong.demo.accounts import create_demo_accounts
from zugong.demo.generator import generate
from zugong.demo.loader import load

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
TARGETS = {
    "农村党建示范村": 10,
    "示范社区": 4,
    "精品小区": 3,
    "标准小区": 10,
    "模范机关（综合）": 2,
    "模范机关（执法）": 2,
    "模范机关（窗口）": 2,
    "模范机关（教育）": 2,
    "模范机关（卫健）": 2,
    "两新党建示范点（园区）": 1,
    "两新党建示范点（商圈）": 2,
    "两新党建示范点（市场）": 3,
    "两新党建示范点（行业）": 4,
}


@pytest.fixture
def county():
    data = generate(seed=2026, members=1000, today=TODAY)
    result = load(dataclasses.replace(data, members=[], teams=[]), with_findings=False)
    anchors = {name: result.orgs[key] for name, key in data.plan.anchors.items()}
    return create_demo_accounts(anchors)


def test_demo_campaigns_hold_the_targets_and_every_stage(county):
    written = seed_campaigns(today=TODAY, seed=2026)
    assert written > 200
    for year in (2025, 2026):
        targets = dict(Campaign.objects.filter(year=year).values_list("kind__name", "target"))
        assert targets == TARGETS, year
    assert set(
        Campaign.objects.filter(
            kind__code__in=["community", "fine_estate", "standard_estate"]
        ).values_list("programme", flat=True)
    ) == {"“4310”工程"}
    stages = Counter(Candidate.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert stages[Stage.REVOKED] == 1
    this_year = Counter(
        Candidate.objects.filter(campaign__year=2026).values_list("stage", flat=True)
    )
    assert {Stage.DECLARED, Stage.CULTIVATING, Stage.ACCEPTED, Stage.NAMED} <= set(this_year)
    # Each candidate fits its kind, its log ends at its stage, its named ones have a decision.
    for c in Candidate.objects.select_related("campaign__kind", "org"):
        assert kind_fits(c.campaign.kind, c.org) is None
        events = list(c.events.order_by("id"))
        assert events[0].to_stage == Stage.DECLARED
        assert events[-1].to_stage == c.stage
        assert [e.on for e in events] == sorted(e.on for e in events)
        assert all(e.on <= TODAY for e in events)
        if c.stage in (Stage.NAMED, Stage.REVIEWED, Stage.REVOKED):
            assert c.decision_number and c.named_on
    # One organization takes part in one campaign a year where the pool allows: villages do.
    village_orgs = Candidate.objects.filter(campaign__kind__code="village", campaign__year=2026)
    assert village_orgs.values("org").distinct().count() == village_orgs.count()
    # Last year's village campaign met its target where it had enough villages.
    admin = next(u for u in county if u.username == "zzb")
    rows = {r.campaign.kind.code: r for r in progress(admin, 2025).rows}
    villages = Candidate.objects.filter(campaign__kind__code="village", campaign__year=2025)
    assert rows["village"].named == villages.filter(stage__in=["named", "reviewed"]).count()
    assert StageEvent.objects.count() > Candidate.objects.count()
    # This year's targets are broken down to the townships, adding up to each target exactly.
    for c in Campaign.objects.filter(year=2026):
        assert sum(t.target for t in c.township_targets.all()) == c.target, c.title
    assert seed_campaigns(today=TODAY, seed=2026) == 0


def test_demo_runs_early_in_january(county):
    assert seed_campaigns(today=date(2026, 1, 1), seed=7) > 0
    assert not StageEvent.objects.filter(on__gt=date(2026, 1, 1)).exists()
