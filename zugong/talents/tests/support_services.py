"""Builders for the service-package and fund tests: talents, a policy with items, grants,
requests and budgets, created directly through the models."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from zugong.accounts.models import User
from zugong.conftest import valid_id
from zugong.orgs.models import Organization
from zugong.talents.models import (
    FundAllocation,
    FundBudget,
    FundDisbursement,
    Grant,
    Policy,
    PolicyItem,
    RequestSource,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    Talent,
)

_codes = itertools.count(1)


def make_talent(org: Organization, name: str = "李博士", **kw: Any) -> Talent:
    fields: dict[str, Any] = {
        "id_number": valid_id(date(1985, 3, 1)),
        "name": name,
        "category": "high_level",
        "tier": "B",
        "field": "生物医药",
        "employer": "县人民医院",
        "arrived_on": date(2022, 6, 1),
        "org": org,
    }
    fields.update(kw)
    return Talent.objects.create(**fields)


def make_policy(title: str = "县人才新政二十条") -> Policy:
    return Policy.objects.create(
        title=title,
        document_number="县委发〔2024〕3号",
        issued_on=date(2024, 1, 10),
        effective_from=date(2024, 2, 1),
    )


def make_item(
    policy: Policy | None = None, name: str = "生活补贴", amount: str = "2000", **kw: Any
) -> PolicyItem:
    fields: dict[str, Any] = {
        "policy": policy or make_policy(),
        "code": f"item-{next(_codes)}",
        "name": name,
        "kind": "money",
        "amount": Decimal(amount),
        "source_clause": "第五条",
    }
    fields.update(kw)
    return PolicyItem.objects.create(**fields)


def make_grant(talent: Talent, item: PolicyItem, user: User, amount: str = "24000") -> Grant:
    return Grant.objects.create(
        talent=talent,
        item=item,
        granted_on=date(2026, 1, 15),
        amount=Decimal(amount),
        created_by=user,
    )


def make_request(
    talent: Talent,
    user: User,
    *,
    state: str = ServiceState.SUBMITTED,
    submitted_on: date = date(2026, 3, 2),
    due: date | None = date(2026, 3, 5),
    **kw: Any,
) -> ServiceRequest:
    fields: dict[str, Any] = {
        "talent": talent,
        "kind": ServiceKind.MEDICAL,
        "content": "体检绿色通道",
        "source": RequestSource.OFFICE,
        "requester_name": "人才办",
        "submitted_on": submitted_on,
        "state": state,
        "step_started_on": submitted_on,
        "step_due_on": due,
        "created_by": user,
    }
    fields.update(kw)
    return ServiceRequest.objects.create(**fields)


def make_budget(
    org: Organization,
    item: PolicyItem,
    user: User,
    amount: str = "100000",
    year: int = 2026,
    set_on: date = date(2026, 1, 5),
) -> FundBudget:
    return FundBudget.objects.create(
        year=year, item=item, org=org, amount=Decimal(amount), set_on=set_on, created_by=user
    )


def make_allocation(
    budget: FundBudget, talent: Talent, user: User, amount: str = "10000", **kw: Any
) -> FundAllocation:
    """An allocation written straight to the tables (the budget's stored sum kept in step)."""
    allocation = FundAllocation.objects.create(
        budget=budget,
        talent=talent,
        amount=Decimal(amount),
        allocated_on=kw.pop("allocated_on", date(2026, 2, 1)),
        created_by=user,
        **kw,
    )
    budget.allocated += allocation.amount
    budget.save()
    return allocation


def make_disbursement(
    allocation: FundAllocation, user: User, amount: str = "1000", **kw: Any
) -> FundDisbursement:
    fields: dict[str, Any] = {
        "allocation": allocation,
        "budget": allocation.budget,
        "talent": allocation.talent,
        "amount": Decimal(amount),
        "purpose": "生活补贴（一季度）",
        "applied_on": date(2026, 3, 2),
        "applied_by": user,
    }
    fields.update(kw)
    return FundDisbursement.objects.create(**fields)
