"""Query-count guards of the other list pages: the grants ledger, the policies and matching."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries
from zugong.talents.tests import support

pytestmark = pytest.mark.django_db


def count(testid: str):
    def rows(response) -> int:
        html = response.content.decode()
        table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
        return table.count("<tr") - 1 - table.count("没有") - table.count("尚未")

    return rows


def test_grant_ledger_is_flat(client, users, tree, django_assert_max_num_queries):
    office = users[Role.TALENT_OFFICE]
    client.force_login(office)
    p = support.policy(tree.county)
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            i = support.item(p, f"事项{next(counter)}")
            support.grant(support.talent(tree.branch_a1), i, office, on=date(2025, 1, 1))

    assert_flat_queries(
        client,
        reverse("talents:grant_list"),
        grow,
        count("grant-list"),
        django_assert_max_num_queries,
    )


def test_policy_list_is_flat(client, users, tree, django_assert_max_num_queries):
    client.force_login(users[Role.TALENT_OFFICE])
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            support.item(support.policy(tree.county, f"政策{next(counter)}"))

    assert_flat_queries(
        client,
        reverse("talents:policy_list"),
        grow,
        count("policy-list"),
        django_assert_max_num_queries,
    )


def test_matching_is_flat(client, users, tree, django_assert_max_num_queries):
    client.force_login(users[Role.TALENT_OFFICE])
    p = support.policy(tree.county)
    support.item(p, "医疗绿色通道", {"categories": ["high_level"]})

    def grow(n: int) -> None:
        for _ in range(n):
            support.talent(tree.branch_a1)

    assert_flat_queries(
        client,
        reverse("talents:matching"),
        grow,
        count("matching-eligible"),
        django_assert_max_num_queries,
    )
