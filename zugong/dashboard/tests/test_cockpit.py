"""驾驶舱: each role sees its own sections within its scopes, every figure equals the module's
own count of the records, numbers link to the records behind them, panels export, and the page
costs the same number of queries however many organizations it shows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zugong.accounts.models import Role, User
from zugong.conftest import Tree, assert_flat_queries, make_member
from zugong.dashboard import cockpit
from zugong.orgs.models import Organization, OrgKind
from zugong.orgs.services import create_org
from zugong.stats import structure

pytestmark = pytest.mark.django_db

COCKPIT = reverse("dashboard:cockpit")


def _sections(response) -> list[str]:  # noqa: ANN001 - a test response
    return [s.key for s in response.context["view"].sections]


@pytest.fixture
def register(tree: Tree) -> Tree:
    make_member(tree.branch_a1, "甲", birth=date(1995, 3, 1))
    make_member(tree.branch_a1, "乙", male=False, birth=date(1960, 1, 1))
    make_member(tree.branch_b1, "丙", birth=date(1988, 8, 8))
    structure.rebuild()
    return tree


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.DEPARTMENT_ADMIN,
            ["members", "orgs", "life", "development", "dues", "talents", "campaigns"],
        ),
        (
            Role.LEADER,
            ["members", "orgs", "life", "development", "dues", "talents", "campaigns", "cadres"],
        ),
        (
            Role.SYSTEM_ADMIN,
            [
                "members",
                "orgs",
                "life",
                "development",
                "dues",
                "talents",
                "campaigns",
                "cadres",
                "supervision",
            ],
        ),
        (
            Role.COMMITTEE_ADMIN,
            ["members", "orgs", "life", "development", "dues", "talents", "campaigns"],
        ),
        (Role.BRANCH_ADMIN, ["members", "life", "development", "dues", "campaigns"]),
        (Role.CADRE_OFFICER, ["cadres"]),
        (Role.SUPERVISION_OFFICER, ["supervision"]),
        (Role.TALENT_OFFICE, ["talents"]),
    ],
)
def test_each_role_sees_its_own_sections(client, users, register, role, expected) -> None:  # noqa: ANN001
    client.force_login(users[role])
    response = client.get(COCKPIT)
    assert response.status_code == 200
    assert _sections(response) == expected
    if "members" in expected:
        assert 'data-testid="cockpit-table-age"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.CUSTODIAN, Role.PROBLEM_TRACKER])
def test_roles_without_a_cockpit_are_refused(client, users, register, role) -> None:  # noqa: ANN001
    client.force_login(users[role])
    response = client.get(COCKPIT)
    assert response.status_code == 403
    assert "没有驾驶舱" in response.content.decode()


def test_scope_is_kept_for_organizations_and_units(client, users, register, unit_tree) -> None:  # noqa: ANN001
    client.force_login(users[Role.COMMITTEE_ADMIN])
    assert client.get(COCKPIT, {"org": register.branch_a1.pk}).status_code == 200
    assert client.get(COCKPIT, {"org": register.town_b.pk}).status_code == 404
    assert client.get(COCKPIT, {"org": register.county.pk}).status_code == 404
    assert client.get(COCKPIT, {"org": "abc"}).status_code == 404
    client.force_login(users[Role.LEADER])  # cadre anchor: 城关镇
    assert client.get(COCKPIT, {"unit": unit_tree.town_a.pk}).status_code == 200
    assert client.get(COCKPIT, {"unit": unit_tree.town_b.pk}).status_code == 404
    assert client.get(COCKPIT, {"unit": unit_tree.other_county.pk}).status_code == 404


def test_numbers_link_to_the_records_and_children_drill_down(client, users, register) -> None:  # noqa: ANN001
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    page = client.get(COCKPIT).content.decode()
    assert f"/members/?org={register.county.pk}&amp;age_band=le30" in page
    assert f"?org={register.town_a.pk}" in page  # the child's own cockpit
    town = client.get(COCKPIT, {"org": register.town_a.pk})
    age = next(p for _s, p in town.context["view"].panels() if p.key == "age")
    assert age.total == 2  # 城关镇: 甲 and 乙; 丙 is in 河口镇


def test_a_branch_is_counted_live(client, users, register) -> None:  # noqa: ANN001
    make_member(register.branch_a1, "丁", birth=date(1999, 9, 9))  # after the build
    client.force_login(users[Role.BRANCH_ADMIN])
    response = client.get(COCKPIT)
    view = response.context["view"]
    assert view.as_of == timezone.localdate()
    age = next(p for _s, p in view.panels() if p.key == "age")
    assert age.total == 3


def test_the_whole_cockpit_and_one_panel_export(client, users, register) -> None:  # noqa: ANN001
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    whole = load_workbook(
        BytesIO(b"".join(client.get(COCKPIT, {"export": "xlsx"}).streaming_content))
    )
    rows = list(whole.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("板块", "指标", "项目", "数量")
    assert {r[0] for r in rows[1:]} >= {"党员队伍结构", "党组织", "下级组织"}
    one = client.get(COCKPIT, {"export": "xlsx", "panel": "gender"})
    sheet = load_workbook(BytesIO(b"".join(one.streaming_content))).active
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in body} == {"性别"} and sum(r[3] for r in body) == 3
    assert client.get(COCKPIT, {"export": "xlsx", "panel": "nope"}).status_code == 404


def test_the_cockpit_needs_no_more_queries_for_more_organizations(
    client,
    users,
    register,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    client.force_login(users[Role.SYSTEM_ADMIN])
    counter = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            town = create_org(
                actor=None,
                parent=register.county,
                name=f"新镇{i}党委",
                code=f"N{i}",
                kind=OrgKind.PARTY_COMMITTEE,
            )
            branch = create_org(
                actor=None, parent=town, name=f"新镇{i}一支部", code=f"N{i}B", kind=OrgKind.BRANCH
            )
            make_member(branch, f"新{i}", birth=date(1980 + i % 20, 1, 1))
        structure.rebuild()

    assert_flat_queries(
        client,
        COCKPIT,
        grow,
        lambda r: r.context["children_total"],
        django_assert_max_num_queries,
    )
    # 2 townships + 40 new: the page shows the 30 largest, the export every one.
    page = client.get(COCKPIT)
    assert len(page.context["view"].children) == 30
    assert "共 42 个下级组织" in page.content.decode()
    export = client.get(COCKPIT, {"export": "xlsx"})
    rows = load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(
        values_only=True
    )
    assert sum(1 for r in rows if r[0] == "下级组织") == 42


# --- the demo county: every figure equals the module's own count -----------------------------


def _panel(view: cockpit.Cockpit, key: str) -> dict[str, object]:
    panel = next(p for _s, p in view.panels() if p.key == key)
    return {r.label: r.count for r in panel.rows}


def test_every_section_of_the_demo_county_equals_the_modules_own_counts() -> None:
    from zugong.cadres.models import Cadre, CadreStatus, PostLevel, Unit
    from zugong.cadres.stats import cadre_stats
    from zugong.cadres.unit_selectors import staffing_rows
    from zugong.development.models import Case, CaseStatus, DevelopmentPlan, Stage
    from zugong.development.selectors import plan_used
    from zugong.dues.selectors import subtree_collection
    from zugong.life.compliance import subtree_summary
    from zugong.orgs.models import LeadershipTeam, OrgStatus
    from zugong.orgs.standardization.models import AnnualScore
    from zugong.supervision.models import Report, ReportState
    from zugong.talents.models import Talent, TalentCategory, TalentStatus

    call_command("seed_demo", members=600, stdout=StringIO())
    today = timezone.localdate()
    admin = User.objects.get(username="zzb")
    root = Organization.objects.get(parent__isnull=True, pk=admin.anchor_org_id)
    townships = list(Organization.objects.filter(parent=root, kind=OrgKind.PARTY_COMMITTEE)[:2])
    cadre_user = User.objects.filter(role=Role.CADRE_OFFICER, anchor_unit__isnull=False).first()
    sv_user = User.objects.filter(role=Role.SUPERVISION_OFFICER).first()
    assert cadre_user is not None and sv_user is not None
    star_year = AnnualScore.objects.filter(status="confirmed").aggregate(y=Max("year"))["y"]
    system = User(role=Role.SYSTEM_ADMIN, anchor_org=root, anchor_unit=cadre_user.anchor_unit)
    for org in [root, *townships]:
        view = cockpit.build(system, org, [], None, today)
        teams = LeadershipTeam.objects.filter(
            is_current=True, org__status=OrgStatus.ACTIVE, org__path__startswith=org.path
        )
        terms = _panel(view, "term")
        assert sum(terms.values()) == teams.count() > 0, org.name
        assert terms["已到期未换届"] == teams.filter(term_ends_on__lt=today).count()
        stars = Counter(
            AnnualScore.objects.filter(
                status="confirmed", year=star_year, org__path__startswith=org.path
            ).values_list("stars", flat=True)
        )
        assert _panel(view, "stars") == {f"{n}星": stars.get(n, 0) for n in range(5, 0, -1)}
        summary = subtree_summary(org.path, today.year, today)
        life = _panel(view, "life")
        assert [life[label] for label in cockpit.LIFE_LABELS.values()] == [
            summary.done,
            summary.overdue,
            summary.due,
            summary.open,
        ], org.name
        cases = Counter(
            Case.objects.filter(status=CaseStatus.OPEN, org_path__startswith=org.path).values_list(
                "stage", flat=True
            )
        )
        assert _panel(view, "dev_stage") == {label: cases.get(v, 0) for v, label in Stage.choices}
        plans = DevelopmentPlan.objects.filter(Q(org=org) | Q(org__parent=org), year=today.year)
        plan_panel = next(p for _s, p in view.panels() if p.key == "dev_plan")
        assert {r.label: (r.count, r.target) for r in plan_panel.rows} == {
            p.org.name: (plan_used(p), p.quota) for p in plans
        }
        dues = subtree_collection(system, org, today.year, None, today)
        people = _panel(view, "dues_count")
        assert (people["已交"], people["未交"]) == (dues.paid_count, dues.unpaid_count), org.name
        money = _panel(view, "dues_amount")
        assert (money["应交"], money["实交"], money["欠交"]) == (
            dues.due_amount,
            dues.paid_amount,
            dues.arrears_amount,
        )
        talents = Counter(
            Talent.objects.filter(
                status=TalentStatus.ACTIVE, org_path__startswith=org.path
            ).values_list("category", flat=True)
        )
        assert _panel(view, "talent") == {
            label: talents.get(v, 0) for v, label in TalentCategory.choices
        }
    whole = cockpit.build(system, root, [], None, today)
    assert sum(_panel(whole, "dues_count").values()) > 0
    assert any(r.count for _s, p in whole.panels() if p.key == "dev_plan" for r in p.rows)

    unit = cadre_user.anchor_unit
    for node in [unit, *Unit.objects.filter(parent=unit)[:2]]:
        view = cockpit.build(cadre_user, None, [], node, today)
        stats = cadre_stats(cadre_user, node, today, with_staffing=False)
        assert _panel(view, "c_gender") == {
            g: Cadre.objects.filter(
                status=CadreStatus.ACTIVE, unit_path__startswith=node.path, gender=g
            ).count()
            for g in ("男", "女")
        }
        ages = next(s for s in stats.sections if s.key == "age")
        assert sum(_panel(view, "c_age").values()) == stats.total == sum(r.count for r in ages.rows)
        young = {r.label: r.young for r in stats.young}
        assert _panel(view, "c_young") == young, node.name
        labels = dict(PostLevel.choices)
        held: Counter[str] = Counter()
        approved: Counter[str] = Counter()
        for row in staffing_rows(cadre_user, root=node):
            held[labels[row.level]] += row.occupied
            approved[labels[row.level]] += row.approved or 0
        panel = next(p for _s, p in view.panels() if p.key == "c_staffing")
        assert {r.label: r.count for r in panel.rows} == {k: held[k] for k in held | approved}
        assert {r.label: r.target or 0 for r in panel.rows} == {
            k: approved[k] for k in held | approved
        }

    view = cockpit.build(sv_user, None, [], None, today)
    states = Counter(Report.objects.values_list("state", flat=True))
    assert _panel(view, "sv_state") == {label: states.get(v, 0) for v, label in ReportState.choices}
