"""The special fund: budgets, allocations, disbursements with approval; a disbursement above the
balance is refused naming the rule, with nothing written; the balance equals the ledger."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.talents import fund_selectors as selectors
from zugong.talents import fund_services as services
from zugong.talents.fund_exports import ledger_rows
from zugong.talents.models import (
    DisbursementState,
    FundAllocation,
    FundBudget,
    FundDisbursement,
)
from zugong.talents.tests.support_services import (
    make_allocation,
    make_budget,
    make_grant,
    make_item,
    make_talent,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def fund(tree, users):  # noqa: ANN201
    office = users[Role.TALENT_OFFICE]
    item = make_item(name="生活补贴")
    budget = services.create_budget(
        actor=office, year=2026, item=item, amount=D("10000"), set_on=date(2026, 1, 5)
    )
    talent = make_talent(tree.branch_a1)
    allocation = services.allocate(
        actor=office, budget=budget, talent=talent, amount=D("6000"), allocated_on=date(2026, 2, 1)
    )
    return budget, allocation, office, users[Role.DEPARTMENT_ADMIN]


def _apply(allocation, office, amount: str, on: date = date(2026, 3, 2)):  # noqa: ANN001, ANN202
    return services.apply(
        actor=office, allocation=allocation, amount=D(amount), purpose="补贴", applied_on=on
    )


def test_apply_approve_pay(fund):
    budget, allocation, office, approver = fund
    d = _apply(allocation, office, "2500")
    assert d.state == DisbursementState.APPLIED
    budget.refresh_from_db()
    assert budget.spent == 0  # an application spends nothing yet
    d = services.approve(actor=approver, disbursement=d, on=date(2026, 3, 3))
    budget.refresh_from_db()
    allocation.refresh_from_db()
    assert (budget.spent, budget.balance, allocation.remaining) == (D("2500"), D("7500"), D("3500"))
    d = services.pay(actor=office, disbursement=d, on=date(2026, 3, 5), voucher="PZ-2026-001")
    assert (d.state, d.paid_on, d.voucher) == ("paid", date(2026, 3, 5), "PZ-2026-001")
    with pytest.raises(ValidationError, match="已拨付，不能重复审批"):
        services.approve(actor=approver, disbursement=d, on=date(2026, 3, 5))


@pytest.mark.parametrize(
    ("amount", "ok"), [("3999.99", True), ("4000.00", True), ("4000.01", False)]
)
def test_disbursement_at_inside_and_above_the_budget_balance(tree, users, amount, ok):
    """Budget 10,000 with 6,000 already spent elsewhere: 4,000 is the balance."""
    office, approver = users[Role.TALENT_OFFICE], users[Role.DEPARTMENT_ADMIN]
    budget = make_budget(tree.county, make_item(), office, amount="10000")
    spent_alloc = make_allocation(budget, make_talent(tree.branch_a1, "甲"), office, "6000")
    first = services.apply(
        actor=office,
        allocation=spent_alloc,
        amount=D("6000"),
        purpose="安家补贴",
        applied_on=date(2026, 3, 2),
    )
    services.approve(actor=approver, disbursement=first, on=date(2026, 3, 2))
    # An allocation written past the budget (e.g. before a cut): the balance decides.
    other = FundAllocation.objects.create(
        budget=budget,
        talent=make_talent(tree.branch_b1, "乙"),
        amount=D("5000"),
        allocated_on=date(2026, 2, 1),
        created_by=office,
    )
    d = FundDisbursement.objects.create(
        allocation=other,
        budget=budget,
        talent=other.talent,
        amount=D(amount),
        purpose="生活补贴",
        applied_on=date(2026, 3, 2),
        applied_by=office,
    )
    if ok:
        services.approve(actor=approver, disbursement=d, on=date(2026, 3, 3))
        budget.refresh_from_db()
        assert budget.balance == D("4000") - D(amount)
        return
    with pytest.raises(ValidationError) as exc:
        services.approve(actor=approver, disbursement=d, on=date(2026, 3, 3))
    message = " ".join(exc.value.messages)
    assert "超过" in message and "预算余额4,000.00元" in message
    assert "规则：专项资金余额不得为负" in message
    budget.refresh_from_db()
    other.refresh_from_db()
    d.refresh_from_db()
    assert (budget.spent, other.spent, d.state) == (D("6000"), D("0"), DisbursementState.APPLIED)
    assert d.decided_by is None


def test_application_above_the_balance_is_refused_and_not_stored(fund):
    budget, allocation, office, approver = fund
    with pytest.raises(ValidationError) as exc:
        _apply(allocation, office, "6000.01")
    assert "拨付金额" in str(exc.value) and "拨付不得超过分配给该人才的金额" in str(exc.value)
    assert not FundDisbursement.objects.exists()


def test_allocation_within_the_unallocated_budget(fund, tree):
    budget, allocation, office, approver = fund
    talent = make_talent(tree.branch_b1, "丙")
    with pytest.raises(ValidationError, match="分配合计不得超过年度预算"):
        services.allocate(
            actor=office,
            budget=budget,
            talent=talent,
            amount=D("4000.01"),
            allocated_on=date(2026, 2, 2),
        )
    services.allocate(
        actor=office, budget=budget, talent=talent, amount=D("4000"), allocated_on=date(2026, 2, 2)
    )
    budget.refresh_from_db()
    assert (budget.allocated, budget.unallocated) == (D("10000"), D("0"))
    outsider = make_talent(tree.other_branch, "邻县")
    with pytest.raises(ValidationError, match="不在该预算或您的管理范围内"):
        services.allocate(
            actor=office,
            budget=budget,
            talent=outsider,
            amount=D("1"),
            allocated_on=date(2026, 2, 2),
        )


def test_allocation_for_a_grant_of_the_same_item_and_talent(fund, tree, users):
    budget, allocation, office, approver = fund
    talent = allocation.talent
    other_item_grant = make_grant(talent, make_item(name="安家补贴"), office)
    with pytest.raises(ValidationError, match="必须是该人才享受本预算政策事项的兑现记录"):
        services.allocate(
            actor=office,
            budget=budget,
            talent=talent,
            amount=D("100"),
            allocated_on=date(2026, 2, 2),
            grant=other_item_grant,
        )
    grant = make_grant(talent, budget.item, office, amount="1000")
    with pytest.raises(ValidationError, match="超过兑现记录核定金额"):
        services.allocate(
            actor=office,
            budget=budget,
            talent=talent,
            amount=D("1000.01"),
            allocated_on=date(2026, 2, 2),
            grant=grant,
        )
    with pytest.raises(ValidationError, match="分配日期：不能早于对应兑现记录的兑现日期"):
        services.allocate(
            actor=office,
            budget=budget,
            talent=talent,
            amount=D("1000"),
            allocated_on=grant.granted_on - timedelta(days=1),
            grant=grant,
        )
    a = services.allocate(
        actor=office,
        budget=budget,
        talent=talent,
        amount=D("1000"),
        allocated_on=date(2026, 2, 2),
        grant=grant,
    )
    assert a.grant == grant


def test_budget_cannot_be_cut_below_what_is_allocated(fund):
    budget, allocation, office, approver = fund
    with pytest.raises(ValidationError, match="不能低于已分配或已审批拨付的金额6,000.00元"):
        services.change_budget(actor=office, budget=budget, amount=D("5999.99"), note="压减")
    services.change_budget(actor=office, budget=budget, amount=D("6000"), note="压减")
    budget.refresh_from_db()
    assert budget.amount == D("6000")


def test_only_the_department_approves_and_never_its_own_application(fund, users):
    budget, allocation, office, approver = fund
    d = _apply(allocation, office, "100")
    with pytest.raises(PermissionDenied):
        services.approve(actor=office, disbursement=d, on=date(2026, 3, 3))
    own = _apply(allocation, approver, "100")
    with pytest.raises(ValidationError, match="申请人不能审批本人提交的拨付申请"):
        services.approve(actor=approver, disbursement=own, on=date(2026, 3, 3))
    with pytest.raises(ValidationError, match="不予通过原因"):
        services.refuse(actor=approver, disbursement=d, on=date(2026, 3, 3), reason="")
    d = services.refuse(actor=approver, disbursement=d, on=date(2026, 3, 3), reason="材料不全")
    assert d.state == DisbursementState.REFUSED
    with pytest.raises(ValidationError, match="只能拨付已审批的申请"):
        services.pay(actor=office, disbursement=d, on=date(2026, 3, 4), voucher="X")
    budget.refresh_from_db()
    assert budget.spent == 0


def test_duplicate_budget_and_bad_amounts(fund):
    budget, allocation, office, approver = fund
    with pytest.raises(ValidationError, match="已有预算"):
        services.create_budget(
            actor=office, year=2026, item=budget.item, amount=D("1"), set_on=date(2026, 1, 5)
        )
    with pytest.raises(ValidationError, match="必须大于0"):
        _apply(allocation, office, "0")
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        _apply(allocation, office, "1.005")


def _ledger_fixture(tree, users):  # noqa: ANN001, ANN202
    office, approver = users[Role.TALENT_OFFICE], users[Role.DEPARTMENT_ADMIN]
    budgets = []
    for name, amount in (("生活补贴", "50000"), ("安家补贴", "80000")):
        b = services.create_budget(
            actor=office,
            year=2026,
            item=make_item(name=name),
            amount=D(amount),
            set_on=date(2026, 1, 5),
        )
        budgets.append(b)
        for i, talent_name in enumerate(("甲", "乙", "丙")):
            a = services.allocate(
                actor=office,
                budget=b,
                talent=make_talent(tree.branch_a1, f"{name}{talent_name}"),
                amount=D("12000"),
                allocated_on=date(2026, 2, 1 + i),
            )
            for j, state in enumerate(("paid", "approved", "refused", "applied", "cancelled")):
                d = services.apply(
                    actor=office,
                    allocation=a,
                    amount=D(f"{1000 + 100 * j + i}.50"),
                    purpose=f"第{j + 1}笔",
                    applied_on=date(2026, 3, 2 + j),
                )
                if state in ("paid", "approved", "cancelled"):
                    d = services.approve(actor=approver, disbursement=d, on=date(2026, 3, 10 + j))
                if state == "cancelled":
                    services.cancel(
                        actor=approver, disbursement=d, on=date(2026, 3, 25), reason="项目延期"
                    )
                if state == "paid":
                    services.pay(
                        actor=office, disbursement=d, on=date(2026, 3, 20), voucher=f"PZ{j}"
                    )
                if state == "refused":
                    services.refuse(
                        actor=approver, disbursement=d, on=date(2026, 3, 10), reason="不符"
                    )
    return budgets


def test_the_balance_equals_the_ledger(tree, users):
    budgets = _ledger_fixture(tree, users)
    admin = users[Role.DEPARTMENT_ADMIN]
    ledger = selectors.ledger(admin, year=2026)
    for b in budgets:
        b.refresh_from_db()
        truth_spent = sum(
            FundDisbursement.objects.filter(budget=b, state__in=["approved", "paid"]).values_list(
                "amount", flat=True
            ),
            D("0"),
        )
        truth_allocated = sum(b.allocations.values_list("amount", flat=True), D("0"))
        rows = [r for r in ledger.rows if r.budget.pk == b.pk]
        assert rows[0].kind == "预算" and rows[0].credit == b.amount
        # 3 talents × (paid + approved + the approval later cancelled), and 3 reversals.
        assert len([r for r in rows if r.kind == "拨付"]) == 9
        assert [r.debit < 0 for r in rows if r.kind == "撤销"] == [True] * 3
        # The running balance: every row is the previous one minus its disbursement.
        running = D("0")
        for r in rows:
            running += r.credit - r.debit
            assert r.balance == running
        assert rows[-1].balance == b.balance == b.amount - truth_spent
        assert rows[-1].unallocated == b.unallocated == b.amount - truth_allocated
        assert ledger.closing[b.pk] == (b.balance, b.unallocated)
    assert ledger.totals["debit"] == sum(b.spent for b in budgets)


def test_the_exported_ledger_holds_the_same_balance(tree, users):
    from django.test import Client

    budgets = _ledger_fixture(tree, users)
    client = Client()
    client.force_login(users[Role.TALENT_OFFICE])
    response = client.get("/talents/fund/ledger/?year=2026&export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "日期" and rows[0][10] == "资金余额（元）"
    for b in budgets:
        b.refresh_from_db()
        mine = [r for r in rows[1:] if r[2] == b.item.name]
        assert D(str(mine[-1][10])) == b.balance
        assert D(str(mine[-1][11])) == b.unallocated
        paid_out = sum(D(str(r[8])) for r in mine if r[8] is not None)
        assert paid_out == b.spent
    assert len(rows) - 1 == len(
        list(ledger_rows(selectors.ledger(users[Role.TALENT_OFFICE], year=2026)))
    )


def test_usage_per_item_and_per_talent(tree, users):
    budgets = _ledger_fixture(tree, users)
    office = users[Role.TALENT_OFFICE]
    by_item = {r.label: r for r in selectors.usage_by_item(office, 2026)}
    for b in budgets:
        b.refresh_from_db()
        row = by_item[b.item.name]
        assert (row.budget, row.allocated, row.approved, row.count) == (
            b.amount,
            D("36000"),
            b.spent,
            6,
        )
        paid = sum(b.disbursements.filter(state="paid").values_list("amount", flat=True), D("0"))
        assert row.paid == paid and row.balance == b.balance
    by_talent = {r.label: r for r in selectors.usage_by_talent(office, 2026)}
    assert len(by_talent) == 6
    first = by_talent["生活补贴甲"]
    assert (first.allocated, first.approved, first.paid, first.count) == (
        D("12000"),
        D("1000.50") + D("1100.50"),
        D("1000.50"),
        2,
    )
    assert selectors.usage_by_item(office, 2025) == []
    # The fund is the county's: a township's account cannot read it.
    with pytest.raises(PermissionDenied):
        selectors.usage_by_item(users[Role.COMMITTEE_ADMIN], 2026)
    assert FundBudget.objects.count() == 2


def test_an_approved_disbursement_is_cancelled_and_its_amount_returns(tree, users):
    office, approver = users[Role.TALENT_OFFICE], users[Role.DEPARTMENT_ADMIN]
    budget = services.create_budget(
        actor=office, year=2026, item=make_item(), amount=D("10000"), set_on=date(2026, 1, 5)
    )
    allocation = services.allocate(
        actor=office,
        budget=budget,
        talent=make_talent(tree.branch_a1, "撤销测试"),
        amount=D("6000"),
        allocated_on=date(2026, 2, 1),
    )
    d = services.apply(
        actor=office,
        allocation=allocation,
        amount=D("4000"),
        purpose="安家",
        applied_on=date(2026, 3, 1),
    )
    with pytest.raises(ValidationError, match="只能撤销已审批、尚未拨付的申请"):
        services.cancel(actor=approver, disbursement=d, on=date(2026, 3, 2), reason="误报")
    d = services.approve(actor=approver, disbursement=d, on=date(2026, 3, 5))
    with pytest.raises(PermissionDenied):
        services.cancel(actor=office, disbursement=d, on=date(2026, 3, 6), reason="误报")
    with pytest.raises(ValidationError, match="撤销原因：必须填写"):
        services.cancel(actor=approver, disbursement=d, on=date(2026, 3, 6), reason=" ")
    with pytest.raises(ValidationError, match="不能早于审批日期"):
        services.cancel(actor=approver, disbursement=d, on=date(2026, 3, 4), reason="误报")
    services.cancel(actor=approver, disbursement=d, on=date(2026, 3, 6), reason="人才离职")
    budget.refresh_from_db()
    allocation.refresh_from_db()
    assert budget.balance == D("10000") and allocation.remaining == D("6000")
    d.refresh_from_db()
    assert (
        d.state == "cancelled" and d.history.first().history_change_reason == "撤销审批：人才离职"
    )
    with pytest.raises(ValidationError, match="当前为“已撤销”"):
        services.pay(actor=office, disbursement=d, on=date(2026, 3, 7), voucher="PZ1")
    # A paid one cannot be cancelled.
    paid = services.approve(
        actor=approver,
        disbursement=services.apply(
            actor=office,
            allocation=allocation,
            amount=D("1000"),
            purpose="补贴",
            applied_on=date(2026, 3, 8),
        ),
        on=date(2026, 3, 9),
    )
    services.pay(actor=office, disbursement=paid, on=date(2026, 3, 10), voucher="PZ2")
    with pytest.raises(ValidationError, match="当前为“已拨付”"):
        services.cancel(actor=approver, disbursement=paid, on=date(2026, 3, 11), reason="误报")
