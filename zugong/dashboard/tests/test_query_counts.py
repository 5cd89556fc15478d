"""N+1 guards for the home page: to-do list, headline numbers and the per-township chart.

The page is rendered with 5 rows (findings, townships), then with 40, and the second rendering
must need no more queries than the first.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from zugong.conftest import (
    QUERY_GUARD_LARGE,
    QUERY_GUARD_SMALL,
    assert_flat_queries,
    make_member,
)
from zugong.core.models import Finding
from zugong.orgs.models import OrgKind
from zugong.orgs.services import create_org

SMALL, LARGE = QUERY_GUARD_SMALL, QUERY_GUARD_LARGE


def _add_findings(tree, n: int, start: list[int]) -> None:  # noqa: ANN001 - the Tree fixture
    """Findings on members and on organizations, with and without a deadline, several rules."""
    rules = [
        "member.probation_overdue",
        "member.joined_under_18",
        "org.term_due",
        "org.no_secretary",
    ]
    findings = []
    for _ in range(n):
        i = start[0]
        start[0] += 1
        on_member = i % 2 == 0
        findings.append(
            Finding(
                rule_id=rules[i % len(rules)],
                subject_type="member" if on_member else "organization",
                subject_id=tree.branch_a1.pk if not on_member else 10_000 + i,
                subject_label=f"对象{i}",
                org_path=tree.branch_a1.path if i % 3 else tree.branch_a2a.path,
                severity="block" if i % 2 else "warn",
                message=f"问题{i}",
                citation="测试依据",
                due_on=date(2026, 1, 1) + timedelta(days=i) if i % 4 else None,
            )
        )
    Finding.objects.bulk_create(findings)


def _todo_count(response) -> int:  # noqa: ANN001
    return response.context["page_obj"].paginator.count


@pytest.mark.parametrize("focus", [False, True], ids=["county", "focus_on_township"])
def test_home_todo_is_flat(client, users, tree, focus, django_assert_max_num_queries) -> None:
    """The to-do list is paged by 20: 40 findings fill two pages, the first of them at the same cost."""
    client.force_login(users["department_admin"])
    url = reverse("dashboard:home") + (f"?org={tree.town_a.pk}" if focus else "")
    counter = [0]
    assert_flat_queries(
        client,
        url,
        lambda n: _add_findings(tree, n, counter),
        _todo_count,
        django_assert_max_num_queries,
    )


def test_home_chart_is_flat(client, users, tree, django_assert_max_num_queries) -> None:
    """One bar and one table row per township, each read from its roll-up."""
    client.force_login(users["department_admin"])
    made = [0]

    def grow(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            town = create_org(
                actor=None,
                parent=tree.county,
                name=f"第{made[0]}镇党委",
                code=f"H{made[0]:03d}",
                kind=OrgKind.PARTY_COMMITTEE,
            )
            branch = create_org(
                actor=None,
                parent=town,
                name=f"第{made[0]}镇党支部",
                code=f"H{made[0]:03d}B",
                kind=OrgKind.BRANCH,
            )
            make_member(branch, "王五")

    def rows(response) -> int:  # noqa: ANN001
        return response.context["children_total"]

    assert_flat_queries(
        client, reverse("dashboard:home"), grow, rows, django_assert_max_num_queries
    )
    # 2 townships + 40 new: the chart shows the 30 with the most members and says so.
    response = client.get(reverse("dashboard:home"))
    assert len(response.context["chart"]["labels"]) == 30
    assert "共 42 个下级组织" in response.content.decode()


def test_home_for_each_role_renders_within_budget(
    client, users, tree, django_assert_max_num_queries
) -> None:
    make_member(tree.branch_a1)
    _add_findings(tree, 3, [0])
    for user in users.values():
        client.force_login(user)
        client.get(reverse("dashboard:home"))
        with django_assert_max_num_queries(20):
            response = client.get(reverse("dashboard:home"))
        assert response.status_code == 200, user.role


def test_todo_filters_by_rule_and_exports(client, users, tree, member_factory):
    import io

    import openpyxl

    client.force_login(users["department_admin"])
    body = client.get("/?rule=org.branch_too_small").content.decode()
    assert "正式党员只有" in body and "任期" not in body.split("待办")[1].split("各下级组织")[0]
    response = client.get("/?rule=org.branch_too_small&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "对象类型" and len(rows) > 1
    assert all(row[2] == "党支部正式党员不足3人" for row in rows[1:])
