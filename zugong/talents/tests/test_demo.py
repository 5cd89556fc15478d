"""The demo 人才库 on the small tree: talents across the areas, three policies, grants, and a few
grants that no longer meet their conditions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zugong.core.models import Finding
from zugong.talents.demo import seed_talents
from zugong.talents.models import ArchiveEntry, Grant, Policy, PolicyItem, Talent
from zugong.talents.rules import TALENT_KIND
from zugong.talents.selectors import matching

pytestmark = pytest.mark.django_db


def test_demo_pool_policies_and_grants(users, tree):
    today = timezone.localdate()
    written = seed_talents(today=today, count=80)
    assert written > 80
    assert Talent.objects.count() == 80
    assert set(Talent.objects.values_list("category", flat=True)) >= {
        "high_level",
        "rural_practical",
    }
    assert Talent.objects.exclude(org_path__startswith=tree.county.path).count() == 0
    assert Policy.objects.count() == 3 and PolicyItem.objects.count() == 12
    assert Grant.objects.count() > 20 and ArchiveEntry.objects.exists()
    assert Talent.objects.filter(status="left").count() >= 1
    from zugong.accounts.models import Role

    result = matching(users[Role.TALENT_OFFICE], today)
    assert result.eligible and result.broken
    assert Finding.objects.filter(
        subject_type=TALENT_KIND, rule_id="talents.grant_conditions_unmet"
    ).exists()
    assert seed_talents(today=today) == 0
