"""The demo 大调研 on the small tree: a plan, opinions, a problem list in progress."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from zugong.accounts.models import Role
from zugong.core.models import Finding
from zugong.inquiries.demo import seed_inquiries
from zugong.inquiries.models import (
    Activity,
    InvestigationPlan,
    Milestone,
    Opinion,
    Problem,
    ProblemState,
)
from zugong.inquiries.rules import PROBLEM_KIND

pytestmark = pytest.mark.django_db


def test_demo_holds_a_plan_and_a_problem_list_in_progress(users, tree):
    today = timezone.localdate()
    assert seed_inquiries(today=today) > 20
    assert InvestigationPlan.objects.count() == 1
    assert Activity.objects.count() == 3
    assert Opinion.objects.count() == 10
    assert 0 < Opinion.objects.exclude(answer="").count() < 10
    county_item = (
        Problem.objects.filter(parent__isnull=True, children__isnull=False).distinct().get()
    )
    children = list(county_item.children.order_by("id"))
    assert len(children) == 2  # the small tree has two townships
    assert children[0].state == ProblemState.CLOSED
    assert children[0].responsible_org == users[Role.PROBLEM_TRACKER].anchor_org
    assert Decimal("0") < county_item.progress < Decimal("100")
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    overdue = Problem.objects.get(deadline__lt=today)
    assert Finding.objects.filter(
        subject_type=PROBLEM_KIND, subject_id=overdue.pk, rule_id="inquiries.problem_overdue"
    ).exists()
    assert county_item.problem_list.published
    assert seed_inquiries(today=today) == 0
