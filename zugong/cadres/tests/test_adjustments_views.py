"""能上能下 pages: create and edit with errors beside their fields, filters, scope, export and
query guards; the incentive pages."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse

from zugong.cadres.models import Adjustment, Incentive
from zugong.cadres.tests.test_growth_fixtures import (  # noqa: F401 - fixtures
    growth,
    leader_client,
    make_adjustment,
    make_cadre,
    officer_client,
    situation,
)
from zugong.conftest import assert_flat_queries
from zugong.core.downloads import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db


def body(response) -> str:  # noqa: ANN001
    return response.content.decode()


def form_data(growth, **kw: object) -> dict:  # noqa: ANN001
    data = {
        "cadre": growth.young.pk,
        "situation": situation(8).pk,
        "way": "demote",
        "facts": "领导能力不足，工作较长时间落后",
        "proposed_on": "2024-01-10",
        "verified_on": "2024-01-20",
        "talked_on": "2024-02-01",
        "decided_on": "2024-02-10",
        "announced_on": "2024-02-12",
        "post_before": "城关镇副镇长",
        "post_after": "城关镇一级主任科员",
    }
    data.update(kw)
    return data


def test_create_reshows_errors_then_saves(growth, officer_client):
    url = reverse("cadres:adjustment_create")
    page = body(officer_client.get(url))
    assert "（9）" in page and "（待核实）" in page  # unconfirmed situations are marked
    assert "（1）政治能力不过硬</option>" in page  # confirmed ones are not
    response = officer_client.post(url, form_data(growth, talked_on="2024-01-15"))
    assert response.status_code == 200
    assert "沟通谈话：不能早于核实日期" in body(response)
    response = officer_client.post(url, form_data(growth, reused_on="2024-06-01"))
    assert response.status_code == 200 and "影响期内不得重新使用" in body(response)
    response = officer_client.post(url, form_data(growth))
    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    assert adjustment.impact_until == date(2025, 2, 9)
    detail = body(officer_client.get(reverse("cadres:adjustment_detail", args=[adjustment.pk])))
    assert "2025-02-09" in detail and "可重新使用" in detail and "降职" in detail


def test_edit_records_reuse_after_the_impact_period(growth, officer_client, leader_client):
    adjustment = make_adjustment(
        growth.young, way="demote", decided_on=date(2024, 2, 10), impact_until=date(2025, 2, 9)
    )
    url = reverse("cadres:adjustment_edit", args=[adjustment.pk])
    assert leader_client.get(url).status_code == 403
    page = body(officer_client.get(url))
    assert "2025-02-09" in page
    data = form_data(growth, impact_until="2025-02-09", reused_on="2025-03-01")
    data.pop("cadre")
    response = officer_client.post(url, data)
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.reused_on == date(2025, 3, 1)
    history = body(officer_client.get(reverse("cadres:adjustment_detail", args=[adjustment.pk])))
    assert "重新使用日期" in history  # the change history names the field


def test_list_filters_scope_and_export(growth, officer_client, leader_client):
    make_adjustment(growth.young, way="reassign", proposed_on=date(2024, 5, 1))
    make_adjustment(
        growth.other_town, way="remove", situation=situation(3), proposed_on=date(2025, 5, 1)
    )
    make_adjustment(growth.elsewhere, way="remove")
    url = reverse("cadres:adjustment_list")
    page = body(officer_client.get(url))
    assert "李青" in page and "王河" in page and "赵邻" not in page
    page = body(officer_client.get(url, {"way": "remove"}))
    assert "李青" not in page and "王河" in page
    page = body(officer_client.get(url, {"year": "2024"}))
    assert "李青" in page and "王河" not in page
    page = body(officer_client.get(url, {"situation": situation(3).pk}))
    assert "李青" not in page and "王河" in page
    page = body(officer_client.get(url, {"unit": growth.units.town_b.pk}))
    assert "李青" not in page and "王河" in page
    page = body(leader_client.get(url))
    assert "李青" in page and "王河" not in page
    assert officer_client.get(url, {"year": "abc", "situation": "-1"}).status_code == 200
    export = officer_client.get(url, {"export": "xlsx"})
    assert export["Content-Type"] == XLSX_CONTENT_TYPE


def test_incentives_pages(growth, officer_client):
    url = reverse("cadres:incentive_create")
    response = officer_client.post(
        url, {"cadre": growth.young.pk, "kind": "clarification", "decided_on": "2025-04-01"}
    )
    assert response.status_code == 200 and "决定机关" in body(response)
    response = officer_client.post(
        url,
        {
            "cadre": growth.young.pk,
            "kind": "clarification",
            "decided_on": "2025-04-01",
            "decided_by": "县纪委监委",
            "content": "对失实举报予以澄清正名",
        },
    )
    assert response.status_code == 302
    assert Incentive.objects.get().kind == "clarification"
    page = body(officer_client.get(reverse("cadres:incentive_list"), {"kind": "clarification"}))
    assert "对失实举报予以澄清正名" in page
    export = officer_client.get(reverse("cadres:incentive_list"), {"export": "xlsx"})
    assert export["Content-Type"] == XLSX_CONTENT_TYPE


def test_adjustment_list_queries_do_not_grow(growth, officer_client, django_assert_max_num_queries):
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            c = make_cadre(growth.units.town_a, f"调整{i}", date(1980, 1, 1) + timedelta(days=i))
            make_adjustment(c)

    assert_flat_queries(
        officer_client,
        reverse("cadres:adjustment_list"),
        grow,
        lambda r: body(r).count('data-testid="adjustment-row"'),
        django_assert_max_num_queries,
    )


def test_incentive_list_queries_do_not_grow(growth, officer_client, django_assert_max_num_queries):
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            c = make_cadre(growth.units.town_b, f"激励{i}", date(1985, 1, 1) + timedelta(days=i))
            Incentive.objects.create(
                cadre=c,
                kind="commendation",
                decided_on=date(2025, 1, 1),
                decided_by="县委",
                content="表彰",
                unit_path=c.unit_path,
            )

    assert_flat_queries(
        officer_client,
        reverse("cadres:incentive_list"),
        grow,
        lambda r: body(r).count('data-testid="incentive-row"'),
        django_assert_max_num_queries,
    )
