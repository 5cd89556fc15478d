"""Units, posts, 职数 and the 配备一览表: services, arithmetic, the finding, pages and guards."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from zugong.accounts.models import cadre_finding_path
from zugong.cadres import archive_services as svc
from zugong.cadres import unit_selectors, unit_services
from zugong.cadres.archive_services import PostInput
from zugong.cadres.models import Cadre, CadreStatus, PostLevel, PostQuota, Unit, UnitKind
from zugong.cadres.unit_rules import UNIT_KIND
from zugong.cadres.unit_selectors import group_staffing, staffing_rows
from zugong.conftest import assert_flat_queries, valid_id
from zugong.core.models import Finding

DEPUTY = PostLevel.SECTION_DEPUTY
CHIEF = PostLevel.SECTION_CHIEF
_births = iter(range(1, 10_000))


def make_cadre(unit: Unit, name: str) -> Cadre:
    n = next(_births)
    birth = date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
    return svc.create_cadre(
        actor=None, name=name, gender="男", id_number=valid_id(birth), birth_date=birth, unit=unit
    )


def hold(cadre: Cadre, unit: Unit, level: str = DEPUTY, **kw: object) -> None:
    svc.save_post_holding(
        actor=None,
        cadre=cadre,
        data=PostInput(
            unit=unit,
            title=kw.pop("title", "副镇长"),
            level=level,
            started_on=date(2020, 1, 1),
            **kw,
        ),
    )


def row(rows, unit, level):
    return next(r for r in rows if r.unit.pk == unit.pk and r.level == level)


# --- services ---------------------------------------------------------------------------------


def test_update_unit_and_refuse_deactivation_with_active_cadres(unit_tree, users):
    officer = users["cadre_officer"]
    make_cadre(unit_tree.town_a, "甲")
    unit_services.update_unit(actor=officer, unit=unit_tree.town_a, name="城关镇（新）")
    unit_tree.town_a.refresh_from_db()
    assert unit_tree.town_a.name == "城关镇（新）"
    assert unit_tree.town_a.history.first().history_user == officer
    with pytest.raises(ValidationError) as exc:
        unit_services.deactivate_unit(actor=officer, unit=unit_tree.town_a)
    assert "在职干部" in " ".join(exc.value.messages)
    unit_services.deactivate_unit(actor=officer, unit=unit_tree.dept)
    unit_tree.dept.refresh_from_db()
    assert not unit_tree.dept.is_active


def test_unit_services_stay_inside_the_scope(unit_tree, users):
    leader = users["leader"]  # 城关镇
    with pytest.raises(ValidationError):
        unit_services.create_unit(actor=leader, parent=unit_tree.town_b, name="某办")
    with pytest.raises(ValidationError):
        unit_services.set_quota(actor=leader, unit=unit_tree.town_b, level=DEPUTY, approved=3)
    child = unit_services.create_unit(
        actor=leader, parent=unit_tree.town_a, name="党政办", kind=UnitKind.INTERNAL
    )
    assert child.path.startswith(unit_tree.town_a.path) and child.depth == 3


def test_update_post_refuses_deactivating_a_held_post(unit_tree):
    post = unit_services.create_post(actor=None, unit=unit_tree.town_a, title="镇长", level=CHIEF)
    hold(make_cadre(unit_tree.town_a, "甲"), unit_tree.town_a, CHIEF, title="镇长", post=post)
    unit_services.update_post(actor=None, post=post, seats=2)
    with pytest.raises(ValidationError) as exc:
        unit_services.update_post(actor=None, post=post, is_active=False)
    assert "现任人员" in " ".join(exc.value.messages)


def test_quota_number_is_bounded(unit_tree):
    with pytest.raises(ValidationError):
        unit_services.set_quota(actor=None, unit=unit_tree.town_a, level=DEPUTY, approved=-1)
    q = unit_services.set_quota(
        actor=None, unit=unit_tree.town_a, level=DEPUTY, approved=0, document="编发〔2024〕1号"
    )
    assert q.approved == 0 and PostQuota.objects.count() == 1


# --- arithmetic -------------------------------------------------------------------------------


@pytest.fixture
def staffed(unit_tree):
    """城关镇: 副科 2 approved, 3 holders (one 兼职 counted, one not); 正科 2 approved, 1 holder."""
    town = unit_tree.town_a
    unit_services.set_quota(actor=None, unit=town, level=DEPUTY, approved=2)
    unit_services.set_quota(actor=None, unit=town, level=CHIEF, approved=2)
    hold(make_cadre(town, "甲"), town)
    hold(make_cadre(town, "乙"), town)
    chief = make_cadre(town, "丙")
    hold(chief, town, CHIEF, title="镇长")
    # 丁's 主职 is in the 财政局; the 兼职 in 城关镇 uses a 职数, 戊's does not.
    ding = make_cadre(unit_tree.dept, "丁")
    hold(ding, unit_tree.dept, title="副局长")
    hold(ding, town, is_main=False, counts_toward_quota=True, title="兼副镇长")
    wu = make_cadre(unit_tree.dept, "戊")
    hold(wu, unit_tree.dept, title="副局长")
    hold(wu, town, is_main=False, counts_toward_quota=False, title="兼镇长助理")
    return town


def test_staffing_counts_main_and_counted_part_time_posts(staffed, users, unit_tree):
    rows = staffing_rows(users["cadre_officer"])
    deputy = row(rows, staffed, DEPUTY)
    assert (deputy.approved, deputy.occupied, deputy.vacancies, deputy.over) == (2, 3, 0, 1)
    assert deputy.holders == ["甲", "乙", "丁（兼）"]
    chief = row(rows, staffed, CHIEF)
    assert (chief.approved, chief.occupied, chief.vacancies, chief.over) == (2, 1, 1, 0)
    # The 财政局 has holders but no 职数 approved: listed, never counted as 超配.
    dept = row(rows, unit_tree.dept, DEPUTY)
    assert (dept.approved, dept.occupied, dept.over) == (None, 2, 0)


def test_ended_posts_and_retired_cadres_do_not_count(staffed, users):
    jia = Cadre.objects.get(name="甲")
    holding = jia.post_holdings.get()
    svc.save_post_holding(
        actor=None,
        cadre=jia,
        data=PostInput(
            unit=holding.unit,
            title=holding.title,
            level=DEPUTY,
            started_on=holding.started_on,
            ended_on=date(2024, 1, 1),
        ),
        record=holding,
    )
    yi = Cadre.objects.get(name="乙")
    svc.update_cadre(actor=None, cadre=yi, status=CadreStatus.RETIRED)
    deputy = row(staffing_rows(users["cadre_officer"]), staffed, DEPUTY)
    assert (deputy.occupied, deputy.vacancies, deputy.over) == (1, 1, 0)
    # The 超配 finding went away with the holders.
    assert not Finding.objects.filter(subject_type=UNIT_KIND, subject_id=staffed.pk).exists()


def test_subtotals_and_total(staffed, users):
    groups, total = group_staffing(staffing_rows(users["cadre_officer"], staffed))
    assert [g.unit.pk for g in groups] == [staffed.pk]
    assert (groups[0].subtotal.approved, groups[0].subtotal.occupied) == (4, 4)
    assert (total.approved, total.occupied, total.vacancies, total.over) == (4, 4, 1, 1)


def test_staffing_is_scoped(staffed, users, unit_tree):
    hold(make_cadre(unit_tree.town_b, "己"), unit_tree.town_b)
    leader_units = {r.unit.pk for r in staffing_rows(users["leader"])}
    assert leader_units == {staffed.pk}
    assert staffing_rows(users["leader"], unit_tree.town_b) == []
    assert staffing_rows(users["department_admin"]) == []


def test_over_staffing_is_a_finding_with_citation(staffed):
    finding = Finding.objects.get(subject_type=UNIT_KIND, subject_id=staffed.pk)
    assert finding.rule_id == "cadres.quota_exceeded"
    assert "乡科级副职核定职数2名，实配3名，超职数配备1名" in finding.message
    assert "选拔任用工作条例" in finding.citation
    # The party side's to-do lists filter by organization path: the unit finding is kept apart.
    assert finding.org_path == cadre_finding_path(staffed.path)
    unit_services.set_quota(actor=None, unit=staffed, level=DEPUTY, approved=3)
    assert not Finding.objects.filter(subject_type=UNIT_KIND, subject_id=staffed.pk).exists()


# --- pages ------------------------------------------------------------------------------------


def test_staffing_page_and_export(client, users, staffed):
    client.force_login(users["cadre_officer"])
    response = client.get(reverse("cadres:staffing"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "丁（兼）" in html and 'data-testid="over"' in html
    response = client.get(reverse("cadres:staffing") + f"?unit={staffed.pk}&export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][:6] == ["单位", "职务层次", "核定职数", "实配", "空缺", "超配"]
    assert ["城关镇", "乡科级副职", 2, 3, 0, 1] in [v[:6] for v in values]
    assert ["城关镇小计", None, 4, 4, 1, 1] in [v[:6] for v in values]
    assert values[-1][0] == "合计"


def test_staffing_filter_by_kind(client, users, staffed, unit_tree):
    client.force_login(users["cadre_officer"])
    response = client.get(reverse("cadres:staffing") + "?kind=township")
    units = {g.unit.pk for g in response.context["groups"]}
    assert units == {staffed.pk}


def test_quota_form_saves_levels(client, users, unit_tree):
    client.force_login(users["cadre_officer"])
    url = reverse("cadres:quota_edit", args=[unit_tree.town_b.pk])
    response = client.post(
        url,
        {"level_section_chief": "2", "level_section_deputy": "7", "document": "编发〔2025〕3号"},
    )
    assert response.status_code == 302
    quotas = dict(PostQuota.objects.filter(unit=unit_tree.town_b).values_list("level", "approved"))
    assert quotas == {CHIEF: 2, DEPUTY: 7}
    response = client.post(url, {"level_section_chief": "-1"})
    assert response.status_code == 200 and "职数" in response.content.decode()


def test_unit_pages(client, users, unit_tree):
    client.force_login(users["cadre_officer"])
    response = client.post(
        reverse("cadres:unit_create") + f"?parent={unit_tree.town_a.pk}",
        {
            "parent": unit_tree.town_a.pk,
            "name": "党政综合办公室",
            "kind": "internal",
            "sort_order": 0,
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="党政综合办公室")
    response = client.post(
        reverse("cadres:post_create", args=[unit.pk]),
        {"title": "主任", "level": "section_deputy", "seats": 1, "sort_order": 0},
    )
    assert response.status_code == 302
    detail = client.get(reverse("cadres:unit_detail", args=[unit.pk]))
    assert "主任" in detail.content.decode()
    tree_page = client.get(reverse("cadres:unit_tree"))
    assert "党政综合办公室" in tree_page.content.decode()
    assert "邻县" not in tree_page.content.decode()


def test_leader_sees_own_town_only(client, users, unit_tree):
    client.force_login(users["leader"])
    html = client.get(reverse("cadres:unit_tree")).content.decode()
    assert "城关镇" in html and "河口镇" not in html
    assert client.get(reverse("cadres:unit_detail", args=[unit_tree.town_b.pk])).status_code == 404
    client.force_login(users["department_admin"])
    assert client.get(reverse("cadres:unit_tree")).status_code == 403


def test_unit_tree_queries_are_flat(client, users, unit_tree, django_assert_max_num_queries):
    client.force_login(users["cadre_officer"])
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(made)
            u = unit_services.create_unit(actor=None, parent=unit_tree.town_a, name=f"单位{i}")
            unit_services.create_post(actor=None, unit=u, title="主任", level=DEPUTY)

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="unit-node"')

    assert_flat_queries(
        client, reverse("cadres:unit_tree"), grow, rows, django_assert_max_num_queries
    )


def test_staffing_queries_are_flat(client, users, unit_tree, django_assert_max_num_queries):
    client.force_login(users["cadre_officer"])
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(made)
            u = unit_services.create_unit(actor=None, parent=unit_tree.county, name=f"局{i}")
            unit_services.set_quota(actor=None, unit=u, level=DEPUTY, approved=1)
            hold(make_cadre(u, f"人{i}"), u, title="副局长")

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="staffing-row"')

    assert_flat_queries(
        client, reverse("cadres:staffing"), grow, rows, django_assert_max_num_queries
    )


def test_moving_a_holding_refreshes_the_unit_it_left(staffed, unit_tree):
    jia = Cadre.objects.get(name="甲")
    holding = jia.post_holdings.get()
    svc.save_post_holding(
        actor=None,
        cadre=jia,
        data=PostInput(
            unit=unit_tree.dept, title="副局长", level=DEPUTY, started_on=holding.started_on
        ),
        record=holding,
    )
    assert not Finding.objects.filter(subject_type=UNIT_KIND, subject_id=staffed.pk).exists()
    jia.refresh_from_db()
    assert jia.unit == unit_tree.dept


def test_deactivating_a_unit_with_cadres_re_shows_the_form(client, users, staffed):
    client.force_login(users["cadre_officer"])
    response = client.post(
        reverse("cadres:unit_edit", args=[staffed.pk]),
        {"name": staffed.name, "kind": staffed.kind, "sort_order": 0},  # is_active unticked
    )
    assert response.status_code == 200 and "在职干部" in response.content.decode()
    staffed.refresh_from_db()
    assert staffed.is_active


def test_large_tree_opens_branch_by_branch(client, users, unit_tree, monkeypatch):
    # Above TREE_EAGER_UNITS the page stops at the anchor's next level; each branch loads alone.
    office = unit_services.create_unit(actor=None, parent=unit_tree.town_a, name="党政综合办公室")
    make_cadre(office, "甲")
    monkeypatch.setattr(unit_selectors, "TREE_EAGER_UNITS", 3)
    client.force_login(users["cadre_officer"])
    html = client.get(reverse("cadres:unit_tree")).content.decode()
    assert "城关镇" in html and "党政综合办公室" not in html
    children_url = reverse("cadres:unit_children", args=[unit_tree.town_a.pk])
    assert children_url in html and "下级单位 1 个" in html
    branch = client.get(children_url).content.decode()
    assert "党政综合办公室" in branch and "干部 1 人" in branch
    assert (
        "没有下级单位"
        in client.get(reverse("cadres:unit_children", args=[office.pk])).content.decode()
    )
    # Within the whole-tree limit nothing is left to open.
    monkeypatch.setattr(unit_selectors, "TREE_EAGER_UNITS", 500)
    html = client.get(reverse("cadres:unit_tree")).content.decode()
    assert "党政综合办公室" in html and children_url not in html


def test_branch_outside_scope_is_404(client, users, unit_tree):
    client.force_login(users["leader"])
    url = reverse("cadres:unit_children", args=[unit_tree.town_b.pk])
    assert client.get(url).status_code == 404
