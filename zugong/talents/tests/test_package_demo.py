"""The demo's service packages and fund on a few talents and items made here (seed_talents runs
before it in the demo)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from zugong.accounts.models import Role
from zugong.core.models import Finding
from zugong.talents.demo_services import seed_talent_services
from zugong.talents.models import (
    DisbursementState,
    FundBudget,
    FundDisbursement,
    ServiceRequest,
    ServiceState,
)
from zugong.talents.package_rules import SERVICE_KIND, is_overdue
from zugong.talents.tests.support_services import make_item, make_policy, make_talent

pytestmark = pytest.mark.django_db


def test_nothing_without_talents_or_items(tree, users):
    assert seed_talent_services(today=timezone.localdate(), seed=1) == 0
    make_talent(tree.branch_a1)
    assert seed_talent_services(today=timezone.localdate(), seed=1) == 0
    assert not ServiceRequest.objects.exists()


def test_demo_holds_every_state_and_a_balanced_fund(tree, users):
    today = timezone.localdate()
    policy = make_policy()
    make_item(policy, "生活补贴", "2000", period_months=36)
    make_item(policy, "安家补贴", "100000")
    make_item(policy, "医疗绿色通道", "0", kind="service")
    for i in range(15):
        make_talent(tree.branch_a1 if i % 2 else tree.branch_b1, f"人才{i}")
    made = seed_talent_services(today=today, seed=7)
    assert made > 100
    states = set(ServiceRequest.objects.values_list("state", flat=True))
    assert states == set(ServiceState.values)
    requests = list(ServiceRequest.objects.all())
    overdue = [r for r in requests if is_overdue(r, today)]
    assert {r.state for r in overdue} == {"submitted", "accepted", "handling"}
    assert Finding.objects.filter(subject_type=SERVICE_KIND).count() == len(overdue)
    assert ServiceRequest.objects.filter(source="employer").exists()
    assert ServiceRequest.objects.filter(satisfaction__isnull=False).exists()
    assert all(r.events.exists() for r in requests)
    budgets = list(FundBudget.objects.all())
    assert len(budgets) == 2  # one per money item
    assert set(FundDisbursement.objects.values_list("state", flat=True)) == set(
        DisbursementState.values
    )
    for b in budgets:
        spent = sum(
            b.disbursements.filter(
                state__in=[DisbursementState.APPROVED, DisbursementState.PAID]
            ).values_list("amount", flat=True),
            Decimal("0"),
        )
        assert b.spent == spent and b.balance >= 0
        assert b.allocated == sum(b.allocations.values_list("amount", flat=True), Decimal("0"))
    assert FundDisbursement.objects.filter(decided_by=users[Role.DEPARTMENT_ADMIN]).exists()
    assert seed_talent_services(today=today, seed=7) == 0
