"""Scope first, then search by characters, full pinyin, initials and the last digits of the ID."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import make_member
from zugong.core.models import CodeItem, CodeTable
from zugong.members.selectors import MemberFilters, member_list, visible_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    return {
        "zhangsan": make_member(tree.branch_a1, "张三"),
        "zengguo": make_member(tree.branch_a1, "曾国藩"),
        "ouyang": make_member(tree.branch_a2a, "欧阳明月", male=False),
        "shan": make_member(tree.branch_a1, "单田芳"),
        "other_town": make_member(tree.branch_b1, "张珊", male=False),
        "other_county": make_member(tree.other_branch, "张山"),
    }


def names(user, **kw) -> set[str]:
    return {m.name for m in member_list(user, MemberFilters(**kw), today=date(2026, 11, 21))}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zs", {"张三", "张珊"}),
        ("zhangsan", {"张三"}),
        ("zhangshan", {"张珊"}),
        ("zh", {"张三", "张珊"}),
        ("z", {"张三", "张珊", "曾国藩"}),
        ("zg", {"曾国藩"}),
        ("zengguofan", {"曾国藩"}),
        ("oymy", {"欧阳明月"}),
        ("ouyang", {"欧阳明月"}),
        ("stf", {"单田芳"}),
        ("shantianfang", {"单田芳"}),
        ("ZS", {"张三", "张珊"}),
        ("张", {"张三", "张珊"}),
        ("明月", {"欧阳明月"}),
    ],
)
def test_search_by_characters_pinyin_and_initials(people, users, q, expected):
    assert names(users["department_admin"], q=q) == expected


def test_search_by_last_digits_of_the_id(people, users):
    target = people["zengguo"]
    assert names(users["department_admin"], q=target.id_number[-6:]) == {"曾国藩"}
    assert names(users["department_admin"], q=target.id_number) == {"曾国藩"}


def test_scope_limits_every_search(people, users):
    township = users["committee_admin"]
    assert names(township, q="zs") == {"张三"}
    assert names(users["branch_admin"]) == {"张三", "曾国藩", "单田芳"}
    assert "张山" not in {m.name for m in visible_members(users["department_admin"])}


def test_subtree_filter_outside_scope_shows_nothing(people, users, tree):
    assert names(users["committee_admin"], org_path=tree.town_b.path) == set()
    assert names(users["department_admin"], org_path=tree.general_a2.path) == {"欧阳明月"}


def test_surname_override_table_is_used(tree):
    table = CodeTable.objects.get(code="surname_pinyin")
    CodeItem.objects.create(table=table, code="任", name="ren")
    CodeItem.objects.create(table=table, code="查", name="cha")
    m = make_member(tree.branch_a1, "查良镛")
    assert m.name_initials == "cly"


@pytest.mark.parametrize(
    ("birth", "in_band"), [(date(1995, 11, 22), True), (date(1995, 11, 21), False)]
)
def test_age_band_boundary(tree, users, birth, in_band):
    # On 2026-11-21 someone born 1995-11-21 turns 31: no longer "30岁及以下".
    make_member(
        tree.branch_a1,
        "年轻人",
        birth=birth,
        joined_on=date(2015, 1, 1),
        confirmed_on=date(2016, 1, 1),
    )
    assert ("年轻人" in names(users["department_admin"], age_band="le30")) is in_band


def test_filters_combine(people, users):
    assert names(users["department_admin"], gender="2") == {"欧阳明月", "张珊"}
    assert names(users["department_admin"], joined_year=2005, q="z") == {"张三", "张珊", "曾国藩"}


def test_unfiltered_list_total_comes_from_the_rollup_and_equals_the_records(
    client, people, users, tree
):
    client.force_login(users["committee_admin"])
    page = client.get("/members/").context["page_obj"]
    assert page.paginator.known_count == 4 == page.paginator.count
    page = client.get(f"/members/?org={tree.general_a2.pk}").context["page_obj"]
    assert page.paginator.known_count == 1
    page = client.get("/members/?q=zs").context["page_obj"]
    assert page.paginator.known_count is None and page.paginator.count == 1
