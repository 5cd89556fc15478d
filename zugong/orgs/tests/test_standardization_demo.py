"""The demo 标准化考评 on the small tree: last year complete and confirmed, this year partly
scored, 软弱涣散 organizations with plans in progress."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zugong.orgs.models import Organization, OrgKind, OrgStatus
from zugong.orgs.standardization.demo import seed_standardization
from zugong.orgs.standardization.models import (
    AnnualScore,
    ScoreStatus,
    WeakOrg,
    WeakOrgMeasure,
    WeakStatus,
)
from zugong.orgs.tests.matrix_standardization import ensure_seeded

pytestmark = pytest.mark.django_db


def test_demo_holds_a_year_of_scores_and_rectifications(users, tree):
    ensure_seeded()
    today = timezone.localdate()
    assert seed_standardization(today=today) > 10
    county_branches = Organization.objects.filter(
        path__startswith=tree.county.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
    ).count()
    last = AnnualScore.objects.filter(year=today.year - 1)
    assert last.count() == county_branches == 3
    assert set(last.values_list("status", flat=True)) == {ScoreStatus.CONFIRMED}
    this = AnnualScore.objects.filter(year=today.year)
    assert 0 < this.count() < county_branches
    assert set(this.values_list("status", flat=True)) == {ScoreStatus.SCORED}
    for score in AnnualScore.objects.all():
        assert score.lines.count() == score.template.items.count()
        assert score.total == sum(line.points for line in score.lines.all())
    assert not AnnualScore.objects.filter(org__path__startswith=tree.other_county.path).exists()

    listings = WeakOrg.objects.order_by("id")
    assert listings.count() == 2  # the bottom 5% of three branches, and one named by causes
    statuses = list(listings.values_list("status", flat=True))
    assert statuses == [WeakStatus.REQUESTED, WeakStatus.PROPOSED]
    assert WeakOrgMeasure.objects.filter(done_on__isnull=False).exists()
    named = listings.last()
    assert named.cause_codes == ["01", "02"]
    assert seed_standardization(today=today) == 0
