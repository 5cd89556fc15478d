"""The growth pages: filters, forms re-shown with their errors (never a 500), scope, exports,
the timeline with the radar chart, and query guards on the lists."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zugong.cadres.growth_services import refresh_assignment_findings
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    AnnualAssessment,
    AssessmentGrade,
    Assignment,
    Evaluation,
    PostLevel,
    ReserveEntry,
    TrackingNote,
)
from zugong.cadres.tests.test_growth_fixtures import (  # noqa: F401 - fixtures
    growth,
    leader_client,
    make_assignment,
    make_cadre,
    make_entry,
    officer_client,
)
from zugong.conftest import assert_flat_queries
from zugong.core.downloads import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db


def body(response) -> str:  # noqa: ANN001
    return response.content.decode()


def test_reserve_list_filters_and_export(growth, officer_client):
    make_entry(growth.young, PostLevel.SECTION_DEPUTY)
    old = make_entry(growth.other_town, PostLevel.COUNTY_DEPUTY)
    old.left_on, old.left_reason = date(2025, 6, 1), "提拔"
    old.save()
    url = reverse("cadres:reserve_list")
    page = body(officer_client.get(url))
    assert "李青" in page and "王河" not in page  # in the pool only, by default
    page = body(officer_client.get(url, {"state": "all"}))
    assert "李青" in page and "王河" in page
    page = body(officer_client.get(url, {"state": "all", "level": PostLevel.COUNTY_DEPUTY}))
    assert "李青" not in page and "王河" in page
    today = timezone.localdate()
    young_age = today.year - 1994 - ((today.month, today.day) < (6, 15))
    page = body(officer_client.get(url, {"age_max": young_age - 1}))
    assert "李青" not in page
    page = body(officer_client.get(url, {"age_min": young_age, "age_max": young_age}))
    assert "李青" in page
    page = body(officer_client.get(url, {"q": "青"}))
    assert "李青" in page
    page = body(officer_client.get(url, {"q": growth.young.id_number[-4:]}))
    assert "李青" in page
    # A hand-edited filter is ignored, never a 500.
    assert (
        officer_client.get(url, {"age_max": "abc", "unit": "x", "level": "zz"}).status_code == 200
    )
    export = officer_client.get(url, {"export": "xlsx", "state": "all"})
    assert export.status_code == 200 and export["Content-Type"] == XLSX_CONTENT_TYPE


def test_reserve_list_is_scoped(growth, leader_client):
    make_entry(growth.young)
    make_entry(growth.other_town)
    make_entry(growth.elsewhere)
    page = body(leader_client.get(reverse("cadres:reserve_list")))
    assert "李青" in page and "王河" not in page and "赵邻" not in page


def test_reserve_add_outside_criteria_reshows_the_form(growth, officer_client):
    today = timezone.localdate()
    veteran = make_cadre(growth.units.town_a, "老将", date(today.year - 41, 1, 1))
    url = reverse("cadres:reserve_add")
    data = {
        "cadre": veteran.pk,
        "target_level": PostLevel.SECTION_DEPUTY,
        "entered_on": today.isoformat(),
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert "超过乡科级副职优秀年轻干部年龄上限32周岁" in body(response)
    assert not ReserveEntry.objects.exists()
    response = officer_client.post(url, {**data, "exception_reason": "一线表现突出"})
    assert response.status_code == 302
    assert ReserveEntry.objects.get().exception_reason == "一线表现突出"
    page = body(officer_client.get(reverse("cadres:reserve_list")))
    assert "不符合入库条件" in page


def test_reserve_add_refuses_a_cadre_outside_scope(growth, officer_client):
    response = officer_client.post(
        reverse("cadres:reserve_add"),
        {
            "cadre": growth.elsewhere.pk,
            "target_level": PostLevel.COUNTY_CHIEF,
            "entered_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "不在您的管理范围内" in body(response)
    assert not ReserveEntry.objects.exists()


def test_reserve_add_search_lists_matching_cadres(growth, officer_client):
    page = body(officer_client.get(reverse("cadres:reserve_add"), {"q": "王"}))
    assert "王河" in page and "李青（" not in page and "赵邻" not in page
    page = body(officer_client.get(reverse("cadres:reserve_add"), {"cadre": growth.young.pk}))
    assert f'value="{growth.young.pk}" selected' in page


def test_reserve_leave(growth, officer_client, leader_client):
    entry = make_entry(growth.young)
    url = reverse("cadres:reserve_leave", args=[entry.pk])
    assert leader_client.post(url, {}).status_code == 403
    response = officer_client.post(url, {"left_on": "2020-01-01", "left_reason": "提拔"})
    assert response.status_code == 200 and "不能早于入库日期" in body(response)
    today = timezone.localdate().isoformat()
    response = officer_client.post(url, {"left_on": today, "left_reason": "提拔使用"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.left_reason == "提拔使用"


def test_assignment_create_detail_and_note(growth, officer_client):
    today = timezone.localdate()
    url = reverse("cadres:assignment_create")
    data = {
        "cadre": growth.young.pk,
        "kind": "emergency",
        "place": "防汛抗旱指挥部",
        "started_on": today.isoformat(),
        "ended_on": (today - timedelta(days=1)).isoformat(),
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200 and "结束日期：不能早于开始日期" in body(response)
    response = officer_client.post(url, {**data, "ended_on": "", "tracking_months": "13"})
    assert response.status_code == 200 and "跟踪间隔（月）" in body(response)
    response = officer_client.post(url, {**data, "ended_on": "", "goals": "完成汛期值守"})
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    detail = body(officer_client.get(reverse("cadres:assignment_detail", args=[assignment.pk])))
    assert "防汛抗旱指挥部" in detail and "完成汛期值守" in detail and "新建" in detail
    note_url = reverse("cadres:tracking_note_add", args=[assignment.pk])
    response = officer_client.post(note_url, {"noted_on": today.isoformat(), "content": ""})
    assert response.status_code == 200 and "跟踪情况" in body(response)
    response = officer_client.post(note_url, {"noted_on": today.isoformat(), "content": "值守到位"})
    assert response.status_code == 302
    assert TrackingNote.objects.get().content == "值守到位"
    end_url = reverse("cadres:assignment_end", args=[assignment.pk])
    assert officer_client.post(end_url, {"ended_on": today.isoformat()}).status_code == 302


def test_assignment_list_overdue_filter_and_export(growth, officer_client):
    today = timezone.localdate()
    late = make_assignment(growth.young, started=today - timedelta(days=200), place="晚村")
    fresh = make_assignment(growth.other_town, started=today - timedelta(days=10), place="新村")
    ended = make_assignment(
        growth.young,
        started=today - timedelta(days=400),
        place="旧村",
        ended_on=today - timedelta(days=100),
    )
    refresh_assignment_findings([late, fresh, ended])
    url = reverse("cadres:assignment_list")
    page = body(officer_client.get(url, {"overdue": "1"}))
    assert "晚村" in page and "新村" not in page and "旧村" not in page
    page = body(officer_client.get(url, {"state": "ended"}))
    assert "旧村" in page and "晚村" not in page
    page = body(officer_client.get(url, {"state": "ongoing", "kind": "rural"}))
    assert "晚村" in page and "新村" in page and "旧村" not in page
    export = officer_client.get(url, {"export": "xlsx"})
    assert export["Content-Type"] == XLSX_CONTENT_TYPE


def test_evaluation_form_names_the_missing_ability(growth, officer_client):
    today = timezone.localdate()
    own = make_assignment(growth.young, started=today - timedelta(days=30))
    url = reverse("cadres:evaluation_add", args=[growth.young.pk])
    assert "七种能力" in body(officer_client.get(url, {"assignment": own.pk}))
    data = {"evaluated_on": today.isoformat(), "grade": "good", "assignment": own.pk}
    scores = {f"ability_{k}": "4" for k, _ in SEVEN_ABILITIES}
    partial = dict(scores)
    del partial["ability_mass_work"]
    response = officer_client.post(url, {**data, **partial})
    assert response.status_code == 200
    assert "群众工作能力：七种能力须逐项评分" in body(response)
    response = officer_client.post(url, {**data, **scores, "ability_reform": "9"})
    assert response.status_code == 200  # not a listed choice: the form refuses it
    assert not Evaluation.objects.exists()
    response = officer_client.post(url, {**data, **scores, "ability_reform": "5"})
    assert response.status_code == 302
    assert Evaluation.objects.get().abilities["reform"] == 5


def test_timeline_lists_everything_with_the_radar(growth, officer_client):
    cadre = growth.young
    AnnualAssessment.objects.create(cadre=cadre, year=2024, grade=AssessmentGrade.EXCELLENT)
    make_entry(cadre, entered=date(2025, 1, 10))
    assignment = make_assignment(cadre, started=date(2025, 2, 1), place="西村驻村")
    TrackingNote.objects.create(
        assignment=assignment, noted_on=date(2025, 4, 1), content="入户走访"
    )
    Evaluation.objects.create(
        cadre=cadre,
        evaluated_on=date(2025, 6, 1),
        grade="excellent",
        abilities={k: 3 for k, _ in SEVEN_ABILITIES} | {"political": 5},
    )
    page = body(officer_client.get(reverse("cadres:cadre_timeline", args=[cadre.pk])))
    for text in ("2024年度优秀", "西村驻村", "入户走访", "进入优秀年轻干部库", "总体评价：优秀"):
        assert text in page
    assert page.index("总体评价：优秀") < page.index("入户走访") < page.index("西村驻村")
    assert "vendor/echarts/echarts.min.js" in page and 'id="abilities-chart"' in page
    assert '政治能力</td><td class="text-end">5' in page


def test_timeline_without_ratings_has_no_chart(growth, officer_client, leader_client):
    page = body(officer_client.get(reverse("cadres:cadre_timeline", args=[growth.young.pk])))
    assert "尚无七种能力评分" in page and "echarts.min.js" not in page
    outside = reverse("cadres:cadre_timeline", args=[growth.other_town.pk])
    assert leader_client.get(outside).status_code == 404


def test_lists_do_not_grow_queries(growth, officer_client, django_assert_max_num_queries):
    counter = itertools.count()

    def grow_reserve(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            c = make_cadre(growth.units.town_a, f"青年{i}", date(1996, 1, 1) + timedelta(days=i))
            make_entry(c)

    assert_flat_queries(
        officer_client,
        reverse("cadres:reserve_list"),
        grow_reserve,
        lambda r: body(r).count('data-testid="reserve-row"'),
        django_assert_max_num_queries,
    )

    def grow_assignments(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            c = make_cadre(growth.units.town_b, f"历练{i}", date(1995, 1, 1) + timedelta(days=i))
            refresh_assignment_findings([make_assignment(c, started=date(2025, 1, 1))])

    assert_flat_queries(
        officer_client,
        reverse("cadres:assignment_list"),
        grow_assignments,
        lambda r: body(r).count('data-testid="assignment-row"'),
        django_assert_max_num_queries,
    )
