"""N+1 guards for the member pages: the query count must not grow with the number of rows.

Each test renders a page once with 5 rows, then again with 40, and requires the second
rendering to need no more queries than the first (`django_assert_max_num_queries`).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zugong.conftest import (
    QUERY_GUARD_LARGE,
    QUERY_GUARD_SMALL,
    assert_flat_queries,
    code,
    make_member,
    measure_queries,
)
from zugong.core.models import Finding
from zugong.members.models import Member, MemberStatus, MemberStatusChange
from zugong.members.selectors import AGE_BANDS
from zugong.members.services import derive_fields

SMALL, LARGE = QUERY_GUARD_SMALL, QUERY_GUARD_LARGE
BIRTH = date(1980, 5, 1)


def _age_band(birth: date) -> str:
    today = timezone.localdate()
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    for key, (low, high) in AGE_BANDS.items():
        if (low is None or age >= low) and (high is None or age <= high):
            return key
    raise AssertionError(f"no age band for {age}")


def _add_members(tree, count: int) -> list[Member]:  # noqa: ANN001 - the Tree fixture
    """Members with every coded field filled, spread over two branches of 城关镇."""
    branches = [tree.branch_a1, tree.branch_a2a]
    return [
        make_member(
            branches[i % 2],
            "张三",
            birth=BIRTH,
            ethnicity=code("ethnicity", "01"),
            education=code("education", "21"),
            degree=code("degree", "4"),
            job_category=code("job_category", "0201"),
            phone=f"138{i:08d}",
        )
        for i in range(count)
    ]


def _list_rows(response) -> int:  # noqa: ANN001
    return len(response.context["page_obj"].object_list)


# --- the member list ------------------------------------------------------------------------


BAND = _age_band(BIRTH)
# Query strings of the member list; {town} is the pk of 城关镇党委. Every one matches all rows.
LIST_QUERIES = {
    "plain": "",
    "org": "org={town}",
    "member_type": "member_type=full",
    "gender": "gender=1",
    "age_band": f"age_band={BAND}",
    "education": "education=21",
    "ethnicity": "ethnicity=01",
    "joined_year": "joined_year=2005",
    "all_statuses": "status=",
    "status_normal": "status=normal",
    "incomplete": "completeness=incomplete",
    "sort_name": "sort=name",
    "sort_joined_desc": "sort=-joined",
    "sort_birth": "sort=birth",
    "search_initials": "q=zs",
    "search_full_pinyin": "q=zhangsan",
    "search_characters": "q=张三",
    "everything": f"q=zs&org={{town}}&member_type=full&gender=1&age_band={BAND}&education=21"
    "&ethnicity=01&joined_year=2005&completeness=incomplete&sort=name&page=1",
}


@pytest.mark.parametrize("query", LIST_QUERIES.values(), ids=LIST_QUERIES.keys())
def test_member_list_is_flat(client, users, tree, query, django_assert_max_num_queries) -> None:
    url = f"{reverse('members:list')}?{query.format(town=tree.town_a.pk)}"
    client.force_login(users["department_admin"])
    assert_flat_queries(
        client, url, lambda n: _add_members(tree, n), _list_rows, django_assert_max_num_queries
    )


def test_member_search_by_id_digits_is_flat(
    client, users, tree, django_assert_max_num_queries
) -> None:
    """The ID-digits search finds one row; the count must not depend on the table size."""
    client.force_login(users["department_admin"])
    target = _add_members(tree, 1)[0]
    url = f"{reverse('members:list')}?q={target.id_number[-6:]}"
    _add_members(tree, SMALL)
    small, _ = measure_queries(client, url)
    _add_members(tree, LARGE - SMALL)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert [m.pk for m in response.context["page_obj"].object_list] == [target.pk]


def test_member_list_with_other_statuses_is_flat(
    client, users, tree, django_assert_max_num_queries
) -> None:
    """Members no longer 正常 carry a status badge in the list: still no query per row."""
    client.force_login(users["department_admin"])

    def grow(n: int) -> None:
        # Set directly: change_member_status's row lock fails on PostgreSQL (members/services.py:128).
        pks = [m.pk for m in _add_members(tree, n)]
        Member.objects.filter(pk__in=pks).update(status=MemberStatus.SUSPENDED)

    url = f"{reverse('members:list')}?status=suspended"
    assert_flat_queries(client, url, grow, _list_rows, django_assert_max_num_queries)


def test_member_export_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    url = f"{reverse('members:list')}?export=xlsx"
    _add_members(tree, SMALL)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        b"".join(response.streaming_content)
    _add_members(tree, LARGE - SMALL)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        response = client.get(url)
        b"".join(response.streaming_content)


# --- the member record page, each tab ---------------------------------------------------------


@pytest.fixture
def member(tree) -> Member:  # noqa: ANN001
    return _add_members(tree, 1)[0]


def _detail(member: Member, tab: str) -> str:
    return f"{reverse('members:detail', args=[member.pk])}?tab={tab}"


@pytest.mark.parametrize("tab", ["info", "records", "findings", "history"])
def test_member_detail_tab_renders_within_budget(
    client, users, member, tab, django_assert_max_num_queries
) -> None:
    client.force_login(users["department_admin"])
    client.get(_detail(member, tab))
    with django_assert_max_num_queries(20):
        response = client.get(_detail(member, tab))
    assert response.status_code == 200


def test_member_records_tab_is_flat(client, users, member, django_assert_max_num_queries) -> None:
    """Each status change shows its actor: one join, not one query per row.

    The rows are written directly: change_member_status's row lock fails on PostgreSQL
    (members/services.py:128, select_for_update with select_related of the nullable gender).
    """
    client.force_login(users["department_admin"])
    actor = users["committee_admin"]

    def grow(n: int) -> None:
        MemberStatusChange.objects.bulk_create(
            MemberStatusChange(
                member=member,
                from_status=MemberStatus.NORMAL,
                to_status=MemberStatus.SUSPENDED,
                changed_on=date(2010, 1, 1) + timedelta(days=i),
                reason="组织决定",
                actor=actor,
            )
            for i in range(n)
        )

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["status_changes"])

    assert_flat_queries(
        client, _detail(member, "records"), grow, rows, django_assert_max_num_queries
    )


def test_member_findings_tab_is_flat(client, users, member, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])

    def grow(n: int) -> None:
        Finding.objects.bulk_create(
            Finding(
                rule_id="member.joined_under_18",
                subject_type="member",
                subject_id=member.pk,
                subject_label=member.name,
                org_path=member.org_path,
                severity="warn",
                message="测试问题",
                citation="测试依据",
                due_on=date(2026, 1, 1),
            )
            for _ in range(n)
        )

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["findings"])

    assert_flat_queries(
        client, _detail(member, "findings"), grow, rows, django_assert_max_num_queries
    )


def test_member_history_tab_is_flat(
    client, users, tree, member, django_assert_max_num_queries
) -> None:
    """Edits that change the branch (a foreign key) show its name: one query per related model."""
    client.force_login(users["department_admin"])
    actor = users["department_admin"]

    def grow(n: int) -> None:
        for i in range(n):
            current = Member.objects.select_related("org").get(pk=member.pk)
            current.org = tree.branch_a2a if current.org_id == tree.branch_a1.pk else tree.branch_a1
            current.note = f"第{i}次修改"
            current.education = code("education", "21" if i % 2 else "31")
            current._history_user = actor  # shown as 操作人 on each row
            # Saved directly: update_member's row lock fails on PostgreSQL (members/services.py:91,
            # select_for_update with select_related of the nullable gender).
            derive_fields(current)
            current.save()

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["history_entries"])

    assert_flat_queries(
        client, _detail(member, "history"), grow, rows, django_assert_max_num_queries
    )
