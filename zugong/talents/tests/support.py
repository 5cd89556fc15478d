"""Builders for the talent-pool and policy tests: talents, policies, items and grants, created
directly through the models (the services are what the tests check)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from zugong.accounts.models import User
from zugong.conftest import valid_id
from zugong.orgs.models import Organization
from zugong.talents.models import Grant, Policy, PolicyItem, Talent
from zugong.talents.services import derive_fields

_codes = itertools.count(1)


def talent(org: Organization, name: str = "王博士", **kw: Any) -> Talent:
    birth = kw.pop("birth", date(1988, 5, 12))
    fields: dict[str, Any] = {
        "id_number": valid_id(birth),
        "birth_date": birth,
        "gender": "1",
        "name": name,
        "category": "high_level",
        "tier": "B",
        "field": "医疗卫生",
        "employer": "县人民医院",
        "education": "doctor",
        "recruit_mode": "introduced",
        "arrived_on": date(2024, 3, 1),
        "org": org,
    }
    fields.update(kw)
    record = Talent(**fields)
    derive_fields(record, {})
    record.save()
    return record


def policy(org: Organization, title: str = "县人才新政若干措施", **kw: Any) -> Policy:
    fields: dict[str, Any] = {
        "title": title,
        "document_number": "县委发〔2023〕5号",
        "issued_on": date(2023, 1, 10),
        "effective_from": date(2023, 2, 1),
        "org": org,
    }
    fields.update(kw)
    return Policy.objects.create(**fields)


def item(
    p: Policy, name: str = "生活补贴", eligibility: dict | None = None, **kw: Any
) -> PolicyItem:
    fields: dict[str, Any] = {
        "code": f"item-{next(_codes)}",
        "name": name,
        "kind": "money",
        "amount": Decimal("36000"),
        "eligibility": eligibility or {},
    }
    fields.update(kw)
    return PolicyItem.objects.create(policy=p, **fields)


def grant(t: Talent, i: PolicyItem, user: User, on: date = date(2024, 6, 1), **kw: Any) -> Grant:
    return Grant.objects.create(
        talent=t, item=i, granted_on=on, amount=i.amount, created_by=user, **kw
    )
