"""The fund's pages: budgets, allocation and application forms, the approval page refusing an
amount above the balance, the ledger and the use per item and talent, flat query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries
from zugong.talents.models import FundAllocation, FundBudget, FundDisbursement
from zugong.talents.tests.support_services import (
    make_allocation,
    make_budget,
    make_disbursement,
    make_item,
    make_talent,
)

pytestmark = pytest.mark.django_db


def test_budget_allocation_application_and_approval_through_the_pages(client, tree, users):
    office, approver = users[Role.TALENT_OFFICE], users[Role.DEPARTMENT_ADMIN]
    item = make_item(name="安家补贴", amount="50000")
    talent = make_talent(tree.branch_a1, "赵博士")
    client.force_login(office)
    response = client.post(
        reverse("talents:fund_budget_create"),
        {"year": "2026", "item": item.pk, "amount": "1000", "set_on": "2026-01-05"},
    )
    budget = FundBudget.objects.get()
    assert response.status_code == 302 and budget.org == tree.county
    response = client.post(
        reverse("talents:fund_allocation_create", args=[budget.pk]),
        {"talent": talent.pk, "amount": "1000.01", "allocated_on": "2026-02-01"},
    )
    assert response.status_code == 400 and "分配合计不得超过年度预算" in response.content.decode()
    client.post(
        reverse("talents:fund_allocation_create", args=[budget.pk]),
        {"talent": talent.pk, "amount": "800", "allocated_on": "2026-02-01"},
    )
    allocation = FundAllocation.objects.get()
    apply_url = reverse("talents:fund_disbursement_create", args=[allocation.pk])
    for amount in ("500", "500"):
        client.post(apply_url, {"amount": amount, "purpose": "安家", "applied_on": "2026-03-02"})
    first, second = FundDisbursement.objects.order_by("id")
    client.force_login(approver)
    decide = lambda d: reverse("talents:fund_disbursement_decide", args=[d.pk])  # noqa: E731
    ok = client.post(decide(first), {"decision": "approve", "on": "2026-03-03"})
    assert ok.status_code == 302
    refused = client.post(decide(second), {"decision": "approve", "on": "2026-03-03"})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "专项资金余额不得为负" in page or "拨付不得超过分配给该人才的金额" in page
    second.refresh_from_db()
    budget.refresh_from_db()
    assert second.state == "applied" and budget.spent == Decimal("500")
    detail = client.get(reverse("talents:fund_budget_detail", args=[budget.pk])).content.decode()
    assert "500.00 元" in detail
    client.force_login(office)
    paid = client.post(
        reverse("talents:fund_disbursement_pay", args=[first.pk]),
        {"on": "2026-03-05", "voucher": "PZ1"},
    )
    assert paid.status_code == 302
    ledger = client.get(reverse("talents:fund_ledger"), {"year": "2026"})
    assert ledger.status_code == 200
    assert ledger.context["ledger"].rows[-1].balance == Decimal("500")
    usage = client.get(reverse("talents:fund_usage"), {"year": "2026"})
    assert usage.context["by_item"][0].paid == Decimal("500")
    assert usage.context["by_talent"][0].label == "赵博士"
    chart = usage.context["charts"]["usage"]
    assert chart["series"][2]["data"][0] == 500.0 and 'id="chart-usage"' in usage.content.decode()
    for export in ("xlsx", "talents"):
        assert (
            client.get(
                reverse("talents:fund_usage"), {"year": "2026", "export": export}
            ).status_code
            == 200
        )


def test_the_talent_office_cannot_approve(client, tree, users):
    office = users[Role.TALENT_OFFICE]
    budget = make_budget(tree.county, make_item(), office)
    d = make_disbursement(make_allocation(budget, make_talent(tree.branch_a1), office), office)
    client.force_login(office)
    assert client.get(reverse("talents:fund_disbursement_decide", args=[d.pk])).status_code == 403
    page = client.get(reverse("talents:fund_disbursement_detail", args=[d.pk])).content.decode()
    assert f"/talents/fund/disbursements/{d.pk}/decide/" not in page
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    page = client.get(reverse("talents:fund_disbursement_detail", args=[d.pk])).content.decode()
    assert f"/talents/fund/disbursements/{d.pk}/decide/" in page


def test_the_approver_cancels_an_approved_disbursement_on_its_page(client, tree, users):
    office, approver = users[Role.TALENT_OFFICE], users[Role.DEPARTMENT_ADMIN]
    budget = make_budget(tree.county, make_item(), office)
    d = make_disbursement(make_allocation(budget, make_talent(tree.branch_a1), office), office)
    client.force_login(approver)
    client.post(
        reverse("talents:fund_disbursement_decide", args=[d.pk]),
        {"decision": "approve", "on": d.applied_on.isoformat()},
    )
    budget.refresh_from_db()
    spent = budget.spent
    assert spent > 0
    detail = reverse("talents:fund_disbursement_detail", args=[d.pk])
    assert 'data-testid="cancel-link"' in client.get(detail).content.decode()
    url = reverse("talents:fund_disbursement_cancel", args=[d.pk])
    refused = client.post(url, {"on": d.applied_on.isoformat(), "reason": ""})
    assert refused.status_code == 400 and "撤销原因" in refused.content.decode()
    done = client.post(url, {"on": d.applied_on.isoformat(), "reason": "人才离职"})
    assert done.status_code == 302
    budget.refresh_from_db()
    assert budget.spent == 0
    assert "人才离职" in client.get(detail).content.decode()


def test_disbursement_list_filters_and_export(client, tree, users):
    office = users[Role.TALENT_OFFICE]
    budget = make_budget(tree.county, make_item(), office)
    a = make_allocation(budget, make_talent(tree.branch_a1, "钱工"), office)
    make_disbursement(a, office, purpose="一季度")
    make_disbursement(
        a,
        office,
        purpose="二季度",
        state="refused",
        refuse_reason="不符",
        decided_on=date(2026, 3, 3),
        decided_by=users[Role.DEPARTMENT_ADMIN],
    )
    client.force_login(office)
    url = reverse("talents:fund_disbursement_list")
    assert len(client.get(url, {"state": "refused"}).context["page_obj"].object_list) == 1
    assert len(client.get(url, {"q": "季度", "year": "2026"}).context["page_obj"].object_list) == 2
    assert client.get(url, {"export": "xlsx"}).status_code == 200
    assert client.get(reverse("talents:fund_budget_list"), {"export": "xlsx"}).status_code == 200


def test_budget_and_disbursement_lists_are_flat(client, tree, users, django_assert_max_num_queries):
    office = users[Role.TALENT_OFFICE]
    client.force_login(office)
    talent = make_talent(tree.branch_a1)
    item_budget = make_budget(tree.county, make_item(), office, amount="99999999")
    allocation = make_allocation(item_budget, talent, office, "9999999")

    def grow_budgets(n: int) -> None:
        for _ in range(n):
            make_budget(tree.county, make_item(), office)

    def grow_disbursements(n: int) -> None:
        for _ in range(n):
            make_disbursement(allocation, office)

    budgets_url = reverse("talents:fund_budget_list")
    assert_flat_queries(
        client,
        budgets_url,
        grow_budgets,
        lambda r: (
            r.content.decode().count('href="/talents/fund/budgets/')
            - r.content.decode().count("budgets/new/")
        ),
        django_assert_max_num_queries,
    )
    assert_flat_queries(
        client,
        reverse("talents:fund_disbursement_list"),
        grow_disbursements,
        lambda r: r.content.decode().count('href="/talents/fund/disbursements/'),
        django_assert_max_num_queries,
    )
