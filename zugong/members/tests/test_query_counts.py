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

from zugong.conftest import code, make_member
from zugong.core.models import Finding
from zugong.members.models import Member, MemberStatus
from zugong.members.selectors import AGE_BANDS
from zugong.members.services import change_member_status, update_member

SMALL, LARGE = 5, 40
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


def _measure(client, url: str) -> tuple[int, object]:  # noqa: ANN001 - the test client
    client.get(url)  # warm caches (content types, rules) so both measurements compare alike
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def _assert_flat(client, url: str, grow, expect_rows, django_assert_max_num_queries) -> None:  # noqa: ANN001
    """Render with SMALL rows, grow to LARGE, render again with at most as many queries."""
    grow(SMALL)
    small, response = _measure(client, url)
    if expect_rows is not None:
        assert expect_rows(response) == SMALL, f"{url}: the page should show all {SMALL} rows"
    grow(LARGE - SMALL)
    client.get(url)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    if expect_rows is not None:
        assert expect_rows(response) == LARGE, f"{url}: the page should show all {LARGE} rows"


def _list_rows(response) -> int:  # noqa: ANN001
    return len(response.context["page_obj"].object_list)


# --- the member list ------------------------------------------------------------------------


def _list_urls(tree) -> list[str]:  # noqa: ANN001
    base = reverse("members:list")
    band = _age_band(BIRTH)
    return [
        base,
        f"{base}?org={tree.town_a.pk}",
        f"{base}?member_type=full",
        f"{base}?gender=1",
        f"{base}?age_band={band}",
        f"{base}?education=21",
        f"{base}?ethnicity=01",
        f"{base}?joined_year=2005",
        f"{base}?status=",
        f"{base}?status=normal",
        f"{base}?completeness=incomplete",
        f"{base}?sort=name",
        f"{base}?sort=-joined",
        f"{base}?sort=birth",
        f"{base}?q=zs",
        f"{base}?q=zhangsan",
        f"{base}?q=张三",
        f"{base}?q=zs&org={tree.town_a.pk}&member_type=full&gender=1&age_band={band}"
        "&education=21&ethnicity=01&joined_year=2005&completeness=incomplete&sort=name&page=1",
    ]


@pytest.mark.parametrize("index", range(18))
def test_member_list_is_flat(client, users, tree, index, django_assert_max_num_queries) -> None:
    url = _list_urls(tree)[index]
    client.force_login(users["department_admin"])
    _assert_flat(client, url, lambda n: _add_members(tree, n), _list_rows, django_assert_max_num_queries)


def test_member_search_by_id_digits_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    """The ID-digits search finds one row; the count must not depend on the table size."""
    client.force_login(users["department_admin"])
    target = _add_members(tree, 1)[0]
    url = f"{reverse('members:list')}?q={target.id_number[-6:]}"
    _assert_flat(client, url, lambda n: _add_members(tree, n), None, django_assert_max_num_queries)
    response = client.get(url)
    assert [m.pk for m in response.context["page_obj"].object_list] == [target.pk]


def test_member_list_with_other_statuses_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    """Members no longer 正常 carry a status badge in the list: still no query per row."""
    client.force_login(users["department_admin"])

    def grow(n: int) -> None:
        for m in _add_members(tree, n):
            change_member_status(actor=None, member=m, to_status=MemberStatus.SUSPENDED, on=date(2020, 1, 1), reason="测试")

    url = f"{reverse('members:list')}?status=suspended"
    _assert_flat(client, url, grow, _list_rows, django_assert_max_num_queries)


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
def test_member_detail_tab_renders_within_budget(client, users, member, tab, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    client.get(_detail(member, tab))
    with django_assert_max_num_queries(20):
        response = client.get(_detail(member, tab))
    assert response.status_code == 200


def test_member_records_tab_is_flat(client, users, member, django_assert_max_num_queries) -> None:
    """Each status change shows its actor: one join, not one query per row."""
    client.force_login(users["department_admin"])
    actor = users["committee_admin"]
    state = {"day": date(2010, 1, 1)}

    def grow(n: int) -> None:
        for _ in range(n):
            current = Member.objects.get(pk=member.pk)
            to = MemberStatus.SUSPENDED if current.status == MemberStatus.NORMAL else MemberStatus.NORMAL
            change_member_status(actor=actor, member=current, to_status=to, on=state["day"], reason="组织决定")
            state["day"] += timedelta(days=30)

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["status_changes"])

    _assert_flat(client, _detail(member, "records"), grow, rows, django_assert_max_num_queries)


def test_member_findings_tab_is_flat(client, users, member, django_assert_max_num_queries) -> None:
    client.force_login(users["department_admin"])
    Finding.objects.filter(subject_type="member", subject_id=member.pk).delete()

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

    _assert_flat(client, _detail(member, "findings"), grow, rows, django_assert_max_num_queries)


def test_member_history_tab_is_flat(client, users, tree, member, django_assert_max_num_queries) -> None:
    """Edits that change the branch (a foreign key) show its name: one query per related model."""
    client.force_login(users["department_admin"])
    actor = users["department_admin"]

    def grow(n: int) -> None:
        for i in range(n):
            current = Member.objects.select_related("org").get(pk=member.pk)
            current.org = tree.branch_a2a if current.org_id == tree.branch_a1.pk else tree.branch_a1
            current.note = f"第{i}次修改"
            current.education = code("education", "21" if i % 2 else "31")
            update_member(actor=actor, member=current)

    def rows(response) -> int:  # noqa: ANN001
        # The creation record plus one per edit.
        return len(response.context["history_entries"]) - 1

    _assert_flat(client, _detail(member, "history"), grow, rows, django_assert_max_num_queries)
