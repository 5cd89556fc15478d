"""干部统计: every section counted in the database at its boundaries, scope, the .xlsx export,
and a query count that does not grow with the number of cadres."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zugong.cadres.models import (
    CadreStatus,
    Education,
    EducationKind,
    PostHolding,
    PostLevel,
    PostQuota,
    Rank,
)
from zugong.cadres.stats import cadre_stats
from zugong.cadres.tests.test_growth_fixtures import (  # noqa: F401 - fixtures
    growth,
    leader_client,
    make_cadre,
    officer_client,
)
from zugong.core.downloads import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db

ON = date(2026, 7, 1)


def rows(stats, key: str) -> dict[str, int]:  # noqa: ANN001
    section = next(s for s in stats.sections if s.key == key)
    return {r.label: r.count for r in section.rows}


@pytest.fixture
def county(growth):  # noqa: ANN001, ANN201
    """Beside the growth fixture's three cadres (李青 1994, 王河 1990, 赵邻 elsewhere)."""
    town_a, dept = growth.units.town_a, growth.units.dept
    # Exactly 30 on ON (born 1996-07-01) and 31 the same day (born 1995-07-01).
    thirty = make_cadre(town_a, "三十", date(1996, 7, 1), male=False, ethnicity="回族")
    make_cadre(town_a, "三一", date(1995, 7, 1), current_level=PostLevel.SECTION_CHIEF)
    # 35 until 2026-07-01 → 36 on ON.
    make_cadre(dept, "三六", date(1990, 7, 1), current_level=PostLevel.SECTION_CHIEF)
    make_cadre(dept, "五六", date(1970, 7, 1), ethnicity="壮族")  # 56 on ON
    make_cadre(dept, "五五", date(1970, 7, 2))  # 55 on ON
    make_cadre(dept, "退休", date(1960, 1, 1), status=CadreStatus.RETIRED)
    Education.objects.create(cadre=thirty, kind=EducationKind.FULLTIME, education="大学")
    Education.objects.create(
        cadre=thirty, kind=EducationKind.PARTTIME, education="研究生", on_form=True
    )
    Education.objects.create(cadre=growth.young, kind=EducationKind.FULLTIME, education="大学")
    rank = Rank.objects.get(code="clerk_chief_1")
    growth.other_town.current_rank = rank
    growth.other_town.save()
    return growth


def test_sections_count_at_the_boundaries(county):
    stats = cadre_stats(county.officer, on=ON)
    # Active cadres in 示范县: 李青, 王河 and five above (the retired one left out, 邻县 too).
    assert stats.total == 7
    ages = rows(stats, "age")
    assert ages["30岁及以下"] == 1  # 三十
    assert ages["31–35岁"] == 2  # 三一, 李青 (32)
    assert ages["36–40岁"] == 2  # 三六 (36), 王河 (36)
    assert ages["51–55岁"] == 1 and ages["56岁及以上"] == 1
    assert rows(stats, "gender") == {"男": 6, "女": 1}
    assert rows(stats, "ethnicity") == {"汉族": 5, "少数民族": 2}
    assert rows(stats, "ethnicity_each")["回族"] == 1
    # 全日制 only: the 在职 研究生 does not count.
    assert rows(stats, "education") == {"大学": 2, "无全日制学历记录": 5}
    levels = rows(stats, "level")
    assert levels["乡科级正职"] == 2 and levels["乡科级副职"] == 1
    assert rows(stats, "rank")["一级主任科员"] == 1
    assert rows(stats, "unit_kind")["乡镇"] == 4


def test_young_share_uses_the_reserve_age_limits(county):
    stats = cadre_stats(county.officer, on=ON)
    young = {y.level: y for y in stats.young}
    chief = young[PostLevel.SECTION_CHIEF]
    # 乡科级正职 limit 35: 三一 (31) is young, 三六 (36 that day) is not.
    assert (chief.limit, chief.total, chief.young, chief.share) == (35, 2, 1, 50.0)
    deputy = young[PostLevel.SECTION_DEPUTY]
    assert (deputy.total, deputy.young) == (1, 1)  # 李青, 32 = the limit


def test_inactive_included_on_request_and_unit_subtree(county):
    assert cadre_stats(county.officer, on=ON, active_only=False).total == 8
    town = cadre_stats(county.officer, unit=county.units.town_a, on=ON)
    assert town.total == 3
    assert cadre_stats(county.leader, on=ON).total == 3  # anchored at 城关镇


def test_staffing_section_from_the_quota_table(county):
    PostQuota.objects.create(unit=county.units.town_a, level=PostLevel.SECTION_DEPUTY, approved=2)
    PostHolding.objects.create(
        cadre=county.young,
        unit=county.units.town_a,
        title="副镇长",
        level=PostLevel.SECTION_DEPUTY,
        started_on=date(2024, 1, 1),
    )
    staffing = {r.label: r for r in cadre_stats(county.officer, on=ON).staffing}
    row = staffing["乡科级副职"]
    assert (row.approved, row.occupied, row.vacancies, row.over) == (2, 1, 1, 0)


def test_page_shows_each_chart_with_its_table(county, officer_client, leader_client):
    response = officer_client.get(reverse("cadres:stats"), {"on": ON.isoformat()})
    page = response.content.decode()
    for key in ("age", "gender", "ethnicity", "education", "level", "rank", "unit_kind"):
        assert f'id="chart-{key}"' in page and f'data-testid="stats-table-{key}"' in page
    assert 'data-testid="stats-table-young"' in page
    assert 'data-testid="stats-table-staffing"' in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "干部总数：<strong>7</strong>" in page
    page = leader_client.get(reverse("cadres:stats")).content.decode()
    assert "干部总数：<strong>3</strong>" in page
    bad = officer_client.get(reverse("cadres:stats"), {"on": "2026-13-40", "unit": "abc"})
    assert bad.status_code == 200


def test_export_has_a_sheet_per_section(county, officer_client):
    response = officer_client.get(reverse("cadres:stats_export"), {"on": ON.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    wb = load_workbook(io.BytesIO(response.content))
    assert {"概况", "年龄结构", "性别", "全日制最高学历", "年轻干部占比", "职数使用"} <= set(
        wb.sheetnames
    )
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True)}
    assert summary["干部总数"] == 7
    ages = {row[0]: row[1] for row in wb["年龄结构"].iter_rows(min_row=2, values_only=True)}
    assert ages["30岁及以下"] == 1 and ages["合计"] == 7


def test_query_count_does_not_grow_with_cadres(county, officer_client):
    url = reverse("cadres:stats")
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            c = make_cadre(
                county.units.town_b,
                f"统计{i}",
                date(1975, 1, 1) + timedelta(days=97 * i),
                current_level=PostLevel.SECTION_DEPUTY,
                ethnicity="汉族" if i % 2 else "苗族",
            )
            Education.objects.create(cadre=c, kind=EducationKind.FULLTIME, education="大专")

    def measure() -> int:
        officer_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert officer_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(3)
    few = measure()
    grow(40)
    assert measure() == few
    assert few <= 25
