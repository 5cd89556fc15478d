"""The demo 民主评议党员 on a small tree: closed rounds last year, open ones this year."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.life.demo_appraisal import seed_appraisals
from zugong.life.models import AppraisalEntry, AppraisalRound, RoundStatus
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def test_seed_appraisals_on_a_small_tree(tree):
    branches = [tree.branch_a1, tree.branch_a2a, tree.branch_b1]
    for i in range(17):
        branches.append(
            create_org(
                actor=None, parent=tree.town_b, name=f"第{i}村党支部", code=f"V{i}", kind="branch"
            )
        )
    for i, branch in enumerate(branches):
        for j in range(3 + i % 4):
            make_member(branch, f"党员{i}-{j}")
    created = seed_appraisals(today=TODAY, seed=7)
    assert created == AppraisalRound.objects.count() > 0
    closed = AppraisalRound.objects.filter(year=2025)
    assert all(r.status == RoundStatus.CLOSED and r.closed_on <= TODAY for r in closed)
    # ~95% of the 21 branches (20 + 邻县's one) last year, ~30% this year.
    assert 17 <= closed.count() <= 21
    current = AppraisalRound.objects.filter(year=2026)
    assert all(r.status == RoundStatus.OPEN and r.started_on <= TODAY for r in current)
    assert 1 <= current.count() <= 12
    # Every member in good standing of a round's branch is on its list.
    for r in closed:
        assert r.entries.count() == r.org.members.count()
    graded = AppraisalEntry.objects.filter(round__year=2025).exclude(grade="")
    assert graded.count() >= AppraisalEntry.objects.filter(round__year=2025).count() * 0.9
    assert all(
        e.votes_excellent + e.votes_qualified + e.votes_basic + e.votes_unqualified
        <= e.round.entries.count()
        for e in graded.select_related("round")
    )
    assert AppraisalRound.history.count() == created
    # The rules ran: every stored finding cites its article.
    assert all(f.citation for f in Finding.objects.filter(subject_type="appraisal_round"))
    # A second run adds nothing.
    assert seed_appraisals(today=TODAY, seed=7) == 0
