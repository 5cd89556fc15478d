"""The structure roll-up equals counting the register, for every stored organization and value."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from zugong.conftest import Tree, code, make_member
from zugong.members.models import Member, MemberStatus
from zugong.members.selectors import AGE_BANDS, age_band_q
from zugong.members.services import change_member_status
from zugong.orgs.models import Organization
from zugong.stats import structure
from zugong.stats.models import StructureRollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tree: Tree) -> Tree:
    make_member(tree.branch_a1, "甲", birth=date(1995, 3, 1), education=code("education", "21"))
    make_member(tree.branch_a1, "乙", male=False, birth=date(1960, 1, 1))
    make_member(tree.branch_a2a, "丙", birth=date(1988, 8, 8), joined_on=date(2015, 7, 1))
    make_member(tree.branch_b1, "丁", male=False, birth=date(1975, 5, 5))
    gone = make_member(tree.branch_b1, "戊", birth=date(1970, 1, 1))
    change_member_status(
        actor=None, member=gone, to_status=MemberStatus.LEFT, on=timezone.localdate(), reason="退党"
    )
    return tree


def test_every_stored_count_equals_the_register(register: Tree) -> None:
    today = timezone.localdate()
    build = structure.rebuild(today)
    assert build.rows == StructureRollup.objects.count() > 0
    for org in Organization.objects.filter(kind__in=structure.STORED_KINDS):
        members = Member.objects.filter(status=MemberStatus.NORMAL, org_path__startswith=org.path)
        stored = structure.counts([org.pk], ["age", "gender", "education", "joined"]).get(
            org.pk, {}
        )
        for band in AGE_BANDS:
            assert (
                stored.get("age", {}).get(band, 0)
                == members.filter(age_band_q(band, today)).count()
            )
        genders = Counter(m.gender.code for m in members)
        assert stored.get("gender", {}) == dict(genders)
        joined = Counter(str(m.joined_on.year // 10 * 10) for m in members)
        assert stored.get("joined", {}) == dict(joined)


def test_a_subtree_counted_live_equals_its_stored_rollup(register: Tree) -> None:
    structure.rebuild()
    town = register.town_a
    live = structure.live_counts(town.path, timezone.localdate())
    stored = structure.counts([town.pk], list(live))[town.pk]
    assert live and dict(live) == {k: dict(v) for k, v in stored.items()}
