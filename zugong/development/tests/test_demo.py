"""Demo seeding on the small tree: settings, cases at every stage, some overdue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.development import selectors
from zugong.development.demo import seed_development
from zugong.development.models import (
    AdmissionFormRange,
    ApprovalAuthority,
    Case,
    CaseStatus,
    DevelopmentPlan,
)
from zugong.development.rules import CASE_KIND
from zugong.members.models import Member, MemberType

pytestmark = pytest.mark.django_db


def test_seed_development_on_a_small_tree(tree, users):
    for branch in (tree.branch_a1, tree.branch_b1):
        for i in range(6):
            make_member(branch, f"{branch.code}党员{i}")
    today = timezone.localdate()
    written = seed_development(today=today, seed=7)
    assert written > 50
    assert set(ApprovalAuthority.objects.values_list("org_id", flat=True)) >= {
        tree.town_a.pk,
        tree.town_b.pk,
    }
    assert DevelopmentPlan.objects.filter(org=tree.town_a, year=today.year).exists()
    assert AdmissionFormRange.objects.filter(year=today.year).exists()
    assert set(Case.objects.values_list("org_id", flat=True)) == {
        tree.branch_a1.pk,
        tree.branch_b1.pk,
    }
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    columns, _ = selectors.board(users["department_admin"], None, today)
    assert all(columns[key] for key, _ in selectors.BOARD_COLUMNS), {
        k: len(v) for k, v in columns.items()
    }
    assert any(card.overdue for cards in columns.values() for card in cards)
    assert Finding.objects.filter(subject_type=CASE_KIND, due_on__lt=today).exists()
    converted = Case.objects.filter(status=CaseStatus.CLOSED).first()
    assert converted is not None and converted.member.member_type == MemberType.FULL
    assert Member.objects.filter(member_type=MemberType.PROBATIONARY).exists()
    assert seed_development(today=today, seed=7) == 0  # a second run adds nothing
