"""The 年报 pages: asking, deduplication, bad input, the report with its checks, the export."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from zugong.accounts.models import Role, User
from zugong.conftest import Tree, assert_flat_queries, make_member
from zugong.members.models import MemberStatus
from zugong.members.services import change_member_status
from zugong.stats.models import OrgPeriod, RunStatus, StatsRun

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.fixture
def county_user(tree: Tree) -> User:
    return User.objects.create_user(
        username="zzb-stats", password="x", role=Role.DEPARTMENT_ADMIN, anchor_org=tree.county
    )


@pytest.fixture
def history(tree: Tree) -> Tree:
    """Members entered in 2024 (the records begin then), one leaving in 2025; the tree is older."""
    OrgPeriod.objects.update(valid_from=date(2020, 1, 1))
    with freeze_time("2024-02-01 10:00"):
        make_member(tree.branch_a1, "甲")
        make_member(tree.branch_b1, "乙", male=False)
        leaving = make_member(tree.branch_a2a, "丙")
    with freeze_time("2025-06-01 10:00"):
        change_member_status(
            actor=None,
            member=leaving,
            to_status=MemberStatus.LEFT,
            on=date(2025, 5, 20),
            reason="退党",
        )
    return tree


def _request(client, org_pk: int, year: int, capture) -> object:  # noqa: ANN001
    with capture(execute=True):
        return client.post(reverse("stats:run_create"), {"org": org_pk, "year": year})


@freeze_time(TODAY, tick=True)
def test_a_report_runs_and_shows_its_tables_and_checks(
    client, county_user, history, django_capture_on_commit_callbacks
) -> None:
    client.force_login(county_user)
    response = _request(client, history.county.pk, 2025, django_capture_on_commit_callbacks)
    run = StatsRun.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "stats:run_detail", args=[run.pk]
    )
    assert run.status == RunStatus.DONE and run.progress == 100
    page = client.get(response.url).content.decode()
    assert "第一表 两年党员数综合比较" in page and "全部相符" in page
    t1 = run.result["tables"][0]
    total = t1["rows"][0][2]
    assert (total["start"], total["dec_left"], total["end"]) == (3, 1, 2)
    export = client.get(reverse("stats:run_export", args=[run.pk]))
    assert export.status_code == 200
    wb = load_workbook(BytesIO(b"".join(export.streaming_content)))
    assert wb.sheetnames[0] == "封面与核对" and "第一表" in wb.sheetnames
    sheet = wb["第二表"]
    assert sheet["A1"].value == "第二表 党员基本情况"
    assert sheet["A6"].value == "合计" and sheet["B6"].value == 2


@freeze_time(TODAY, tick=True)
def test_the_same_report_asked_twice_at_once_is_one_run(client, county_user, history) -> None:
    client.force_login(county_user)
    url = reverse("stats:run_create")
    first = client.post(url, {"org": history.county.pk, "year": 2025})
    second = client.post(url, {"org": history.county.pk, "year": 2025}, follow=True)
    assert StatsRun.objects.count() == 1
    assert first.url == second.redirect_chain[-1][0]
    assert "不会重复计算" in second.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        run = StatsRun.objects.get()
        StatsRun.objects.create(org=run.org, org_path=run.org_path, year=2025, as_of=run.as_of)


@freeze_time(TODAY, tick=True)
@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2026, "晚于今天"),
        (2023, "名册记录始于2024-02-01"),
        ("二〇二五", "请填写四位数的年份"),
    ],
)
def test_bad_years_are_refused_with_the_reason(client, county_user, history, year, message) -> None:
    client.force_login(county_user)
    response = client.post(reverse("stats:run_create"), {"org": history.county.pk, "year": year})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StatsRun.objects.exists()


@freeze_time(TODAY, tick=True)
def test_a_subtree_outside_the_scope_is_refused(client, history) -> None:
    township = User.objects.create_user(
        username="town-stats", password="x", role=Role.COMMITTEE_ADMIN, anchor_org=history.town_a
    )
    client.force_login(township)
    response = client.post(reverse("stats:run_create"), {"org": history.town_b.pk, "year": 2025})
    assert response.status_code == 400
    assert "不在本账号的管理范围内" in response.content.decode()
    assert not StatsRun.objects.exists()


@freeze_time(TODAY, tick=True)
def test_a_township_report_holds_only_its_subtree(
    client, history, django_capture_on_commit_callbacks
) -> None:
    township = User.objects.create_user(
        username="town-stats", password="x", role=Role.COMMITTEE_ADMIN, anchor_org=history.town_a
    )
    client.force_login(township)
    _request(client, history.town_a.pk, 2025, django_capture_on_commit_callbacks)
    run = StatsRun.objects.get()
    labels = [row[0] for row in run.result["tables"][1]["rows"]]
    assert labels == ["合计", history.branch_a1.name, history.general_a2.name]
    assert run.result["tables"][1]["rows"][0][2]["total"] == 1


def test_the_run_list_is_flat(client, county_user, tree, django_assert_max_num_queries) -> None:
    client.force_login(county_user)

    def grow(n: int) -> None:
        for i in range(n):
            StatsRun.objects.create(
                org=tree.county,
                org_path=tree.county.path,
                year=1900 + StatsRun.objects.count() + i,
                as_of=date(2000, 12, 31),
                status=RunStatus.FAILED,
            )

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="run-row"')

    assert_flat_queries(client, reverse("stats:index"), grow, rows, django_assert_max_num_queries)


def test_the_run_list_filters_searches_and_exports(client, county_user, tree) -> None:
    client.force_login(county_user)
    for year, status in ((2024, RunStatus.DONE), (2025, RunStatus.FAILED)):
        StatsRun.objects.create(
            org=tree.town_a,
            org_path=tree.town_a.path,
            year=year,
            as_of=date(year, 12, 31),
            status=status,
        )

    def rows(**params: object) -> list[str]:
        page = client.get(reverse("stats:index"), params).content.decode()
        return [chunk.split("</tr>")[0] for chunk in page.split('data-testid="run-row"')[1:]]

    assert len(rows()) == 2
    (only,) = rows(year=2025)
    assert "失败" in only
    assert len(rows(status="done")) == 1
    assert rows(q="东关") == [] and len(rows(q="城关")) == 2
    export = client.get(reverse("stats:index"), {"export": "xlsx", "status": "done"})
    wb = load_workbook(BytesIO(b"".join(export.streaming_content)))
    rows = list(wb.active.values)
    assert rows[0][0] == "统计范围" and len(rows) == 2 and rows[1][1] == 2024
