"""N+1 guards for the organization pages: the query count must not grow with the number of rows.

Each test renders a page with 5 rows (organizations, teams, findings, history records), then
with 40, and requires the second rendering to need no more queries than the first.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zugong.conftest import (
    QUERY_GUARD_LARGE,
    QUERY_GUARD_SMALL,
    assert_flat_queries,
    code,
    make_member,
)
from zugong.core.models import Finding
from zugong.orgs.models import Organization, OrgKind, Position
from zugong.orgs.services import create_org, dissolve_org, elect_team, update_org

SMALL, LARGE = QUERY_GUARD_SMALL, QUERY_GUARD_LARGE


class Grower:
    """Adds organizations under one parent, each with a member so the roll-ups are not empty."""

    def __init__(self, parent: Organization, kind: str, prefix: str) -> None:
        self.parent, self.kind, self.prefix, self.made = parent, kind, prefix, 0

    def __call__(self, n: int) -> None:
        for _ in range(n):
            self.made += 1
            org = create_org(
                actor=None,
                parent=self.parent,
                name=f"{self.parent.name}第{self.made}组织",
                code=f"{self.prefix}{self.made:03d}",
                kind=self.kind,
                category=code("org_category", "01"),
            )
            branch = org
            if self.kind != OrgKind.BRANCH:
                branch = create_org(
                    actor=None,
                    parent=org,
                    name=f"{org.name}党支部",
                    code=f"{org.code}B",
                    kind=OrgKind.BRANCH,
                )
            make_member(branch, "李四")


def _count_rows(key: str):  # noqa: ANN202
    return lambda response: len(list(response.context[key]))


def _page_rows(response) -> int:  # noqa: ANN001
    return len(response.context["page_obj"].object_list)


# --- the tree page and its htmx children partial ----------------------------------------------


def test_tree_page_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    """The tree opens on the county: one row per township, each with its roll-up badges."""
    client.force_login(users["department_admin"])
    grow = Grower(tree.county, OrgKind.PARTY_COMMITTEE, "T")
    assert_flat_queries(
        client, reverse("orgs:tree"), grow, _count_rows("children"), django_assert_max_num_queries
    )


def test_tree_children_partial_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    grow = Grower(tree.town_a, OrgKind.GENERAL_BRANCH, "B")
    url = reverse("orgs:children", args=[tree.town_a.pk])
    assert_flat_queries(client, url, grow, _count_rows("children"), django_assert_max_num_queries)


def test_tree_children_partial_renders_badges(client, users, tree) -> None:
    client.force_login(users["department_admin"])
    make_member(tree.branch_a1)
    response = client.get(reverse("orgs:children", args=[tree.town_a.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "城关镇东村党支部" in html
    assert "1 名党员" in html
    assert "<html" not in html  # a fragment, not a whole page


# --- the organization list ------------------------------------------------------------------

# Each query string matches every grown branch (5, then 40) besides what the tree already has.
LIST_QUERIES = {
    "plain": "",
    "search": "q=城关镇党委第",
    "kind": "kind=branch",
    "category": "category=01",
    "status": "status=active",
    "everything": "q=城关镇党委第&kind=branch&category=01&status=active&page=1",
}


@pytest.mark.parametrize("query", LIST_QUERIES.values(), ids=LIST_QUERIES.keys())
def test_org_list_is_flat(client, users, tree, query, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    grow = Grower(tree.town_a, OrgKind.BRANCH, "L")
    assert_flat_queries(
        client, f"{reverse('orgs:list')}?{query}", grow, _page_rows, django_assert_max_num_queries
    )


def test_org_list_with_dissolved_is_flat(
    client, users, tree, django_assert_max_num_queries
) -> None:
    client.force_login(users["department_admin"])
    made: list[Organization] = []

    def grow(n: int) -> None:
        for _ in range(n):
            org = create_org(
                actor=None,
                parent=tree.town_b,
                name=f"已撤销支部{len(made)}",
                code=f"D{len(made):03d}",
                kind=OrgKind.BRANCH,
            )
            dissolve_org(actor=None, org=org, on=date(2024, 1, 1), reason="合并")
            made.append(org)

    url = f"{reverse('orgs:list')}?status=dissolved"
    assert_flat_queries(client, url, grow, _page_rows, django_assert_max_num_queries)


def test_org_export_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    url = f"{reverse('orgs:list')}?export=xlsx"
    grow = Grower(tree.town_b, OrgKind.BRANCH, "E")
    grow(SMALL)
    b"".join(client.get(url).streaming_content)
    with CaptureQueriesContext(connection) as ctx:
        b"".join(client.get(url).streaming_content)
    grow(LARGE - SMALL)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        b"".join(client.get(url).streaming_content)


# --- the organization record page, each tab -------------------------------------------------


def _detail(org: Organization, tab: str) -> str:
    return f"{reverse('orgs:detail', args=[org.pk])}?tab={tab}"


@pytest.mark.parametrize("tab", ["info", "children", "team", "findings", "history"])
def test_org_detail_tab_renders_within_budget(
    client, users, tree, tab, django_assert_max_num_queries
) -> None:
    client.force_login(users["department_admin"])
    make_member(tree.branch_a1)
    client.get(_detail(tree.town_a, tab))
    with django_assert_max_num_queries(20):
        response = client.get(_detail(tree.town_a, tab))
    assert response.status_code == 200
    assert "城关镇党委" in response.content.decode()


def test_org_children_tab_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    grow = Grower(tree.town_a, OrgKind.GENERAL_BRANCH, "C")
    url = _detail(tree.town_a, "children")
    assert_flat_queries(client, url, grow, _count_rows("children"), django_assert_max_num_queries)


def test_org_team_tab_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    """Every past term is listed with its seats: prefetched, not one query per team."""
    client.force_login(users["department_admin"])
    state = {"year": 1960}

    def grow(n: int) -> None:
        for _ in range(n):
            state["year"] += 1
            elect_team(
                actor=None,
                org=tree.branch_a1,
                elected_on=date(state["year"], 3, 1),
                seats=[
                    (f"书记{state['year']}", Position.SECRETARY),
                    (f"委员{state['year']}", Position.ORGANIZATION),
                ],
            )

    url = _detail(tree.branch_a1, "team")
    assert_flat_queries(client, url, grow, _count_rows("teams"), django_assert_max_num_queries)


def test_org_findings_tab_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    org = tree.branch_a1

    def grow(n: int) -> None:
        Finding.objects.bulk_create(
            Finding(
                rule_id="org.test",
                subject_type="organization",
                subject_id=org.pk,
                subject_label=org.name,
                org_path=org.path,
                severity="warn",
                message="测试问题",
                citation="测试依据",
            )
            for _ in range(n)
        )

    url = _detail(org, "findings")
    assert_flat_queries(client, url, grow, _count_rows("findings"), django_assert_max_num_queries)


def test_org_history_tab_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    """Edits of the category (a foreign key) show its name: one query per related model."""
    client.force_login(users["department_admin"])
    org = tree.branch_a1
    state = {"i": 0}

    def grow(n: int) -> None:
        for _ in range(n):
            state["i"] += 1
            current = Organization.objects.get(pk=org.pk)
            current._history_user = users["department_admin"]  # shown as 操作人 on each row
            update_org(
                actor=None,
                org=current,
                note=f"第{state['i']}次修改",
                category=code("org_category", "02" if state["i"] % 2 else "01"),
            )

    url = _detail(org, "history")
    assert_flat_queries(
        client, url, grow, _count_rows("history_entries"), django_assert_max_num_queries
    )
