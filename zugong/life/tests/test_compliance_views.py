"""The compliance pages: grid, organization, branch secretary's page, township; exports, scope
and query-count guards."""

from __future__ import annotations

import io
import itertools
from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import Tree, assert_flat_queries, make_member, measure_queries
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.life import tally
from zugong.life.models import Attendance, AttendanceStatus, Meeting, MeetingType
from zugong.orgs.models import Organization
from zugong.orgs.services import create_org

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = date(2026, 4, 1)
_codes = itertools.count(1)


@pytest.fixture
def frozen():  # noqa: ANN201 - pytest fixture
    with freeze_time("2026-04-01 10:00:00+08:00"):
        yield


def hold(org: Organization, type_code: str, held_on: date) -> Meeting:
    meeting = Meeting.objects.create(
        org=org,
        org_path=org.path,
        meeting_type=MeetingType.objects.get(code=type_code),
        held_on=held_on,
        topic="测试会议",
    )
    tally.meeting_changed(None, meeting)
    return meeting


def new_branch(parent: Organization, name: str = "") -> Organization:
    n = next(_codes)
    branch = create_org(
        actor=None, parent=parent, name=name or f"新建第{n}党支部", code=f"NB{n}", kind="branch"
    )
    hold(branch, "theme_party_day", date(2026, 1, 5))
    return branch


def login(client, users, role: str = Role.DEPARTMENT_ADMIN):  # noqa: ANN001, ANN201
    client.force_login(users[role])
    return client


# --- the grid ----------------------------------------------------------------------------------------


def test_grid_defaults_to_the_anchor_and_shows_states(client, tree: Tree, users) -> None:
    hold(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    response = login(client, users, Role.COMMITTEE_ADMIN).get(reverse("life:compliance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年组织生活开展情况 · 城关镇党委" in html
    assert "城关镇东村党支部" in html and "东关街道" not in html.split("compliance-grid")[1]
    assert 'title="主题党日 1月：已开展"' in html
    assert 'title="主题党日 2月：逾期未开展"' in html
    assert "开展率 = 已开展的期次" in html  # the definition is on the page
    assert 'id="life-heatmap"' in html and "life-heatmap-data" in html
    assert "life/compliance_heatmap.js" in html


def test_grid_filters(client, tree: Tree, users) -> None:
    hold(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    login(client, users)
    url = reverse("life:compliance")
    html = client.get(url, {"org": tree.town_a.pk, "q": "机关"}).content.decode()
    assert html.count('data-testid="grid-row"') == 1 and "城关镇机关第一党支部" in html
    html = client.get(
        url, {"org": tree.town_a.pk, "requirement": "theme_party_day_monthly", "problems": "1"}
    ).content.decode()
    assert html.count('data-testid="grid-row"') == 2  # both branches missed February
    assert "支部党员大会" not in html.split("compliance-grid")[1]
    html = client.get(url, {"year": "1999", "requirement": "nonsense"}).content.decode()
    assert "年度“1999”无效：应为2000至2027年之间的年份" in html
    assert "所选的频次要求不存在或未启用" in html


def test_grid_out_of_scope_org_is_404(client, tree: Tree, users) -> None:
    login(client, users, Role.COMMITTEE_ADMIN)
    assert client.get(reverse("life:compliance"), {"org": tree.town_b.pk}).status_code == 404
    assert client.get(reverse("life:compliance"), {"org": "x"}).status_code == 404


def test_grid_export(client, tree: Tree, users) -> None:
    hold(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    response = login(client, users).get(
        reverse("life:compliance"), {"org": tree.town_a.pk, "export": "xlsx"}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][:4] == ("党组织", "组织编码", "组织层级", "支部党员大会·第一季度")
    assert "党课·全年" in rows[0]
    assert "主题党日·1月" in rows[0] and rows[0][-1] == "开展率"
    branch = next(r for r in rows if r[0] == "城关镇东村党支部")
    assert branch[rows[0].index("主题党日·1月")] == "已开展"
    assert branch[rows[0].index("主题党日·2月")] == "逾期未开展"
    assert branch[-1] == "25%"  # Jan done; Feb, Mar and Q1 missed


def test_grid_query_count_is_flat(client, tree: Tree, users, django_assert_max_num_queries):
    login(client, users)
    url = reverse("life:compliance") + f"?org={tree.town_b.pk}"

    def grow(n: int) -> None:
        for _ in range(n):
            new_branch(tree.town_b)

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="grid-row"')

    assert_flat_queries(client, url, grow, rows, django_assert_max_num_queries)


# --- one organization --------------------------------------------------------------------------------


def test_org_page_with_findings_and_citations(client, tree: Tree, users) -> None:
    hold(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    refresh_findings("org_life", [tree.branch_a1], RuleContext(TODAY))
    response = login(client, users).get(reverse("life:org_compliance", args=[tree.branch_a1.pk]))
    html = response.content.decode()
    assert "城关镇东村党支部 · 2026年组织生活" in html
    assert "主题党日（每月）" in html and "1月 ✓ 已开展" in html and "2月 ✗ 逾期未开展" in html
    assert "主题党日：2026年2月、3月未召开" in html
    assert "依据：《中国共产党支部工作条例（试行）》第十六条" in html
    assert reverse("life:branch_home", args=[tree.branch_a1.pk]) in html


def test_org_page_of_a_general_branch_explains_it(client, tree: Tree, users) -> None:
    html = (
        login(client, users)
        .get(reverse("life:org_compliance", args=[tree.general_a2.pk]))
        .content.decode()
    )
    assert "该组织不适用组织生活频次要求" in html


def test_org_page_query_count(client, tree: Tree, users) -> None:
    login(client, users)
    url = reverse("life:org_compliance", args=[tree.branch_a1.pk])
    before, _response = measure_queries(client, url)
    # More meetings of more kinds, more members and findings: not one query more.
    for month in (1, 2, 3):
        hold(tree.branch_a1, "theme_party_day", date(2026, month, 5))
    hold(tree.branch_a1, "branch_general_meeting", date(2026, 2, 10))
    for name in ("甲", "乙", "丙"):
        make_member(tree.branch_a1, name)
    refresh_findings("org_life", [tree.branch_a1], RuleContext(TODAY))
    after, _response = measure_queries(client, url)
    assert after == before
    assert before <= 15


def test_finding_links_to_the_org_page(tree: Tree) -> None:
    from zugong.core.templatetags.zugong import finding_url

    refresh_findings("org_life", [tree.branch_a1], RuleContext(TODAY))
    finding = Finding.objects.filter(subject_type="org_life").first()
    assert finding_url(finding).startswith(reverse("life:org_compliance", args=[tree.branch_a1.pk]))


# --- the branch secretary's page ----------------------------------------------------------------------


def test_branch_home(client, tree: Tree, users) -> None:
    hold(tree.branch_a1, "theme_party_day", date(2026, 4, 1))
    lapsed = make_member(tree.branch_a1, "久未参加", joined_on=date(2010, 7, 1))
    make_member(
        tree.branch_a1, "预备党员甲", member_type="probationary", joined_on=date(2025, 12, 1)
    )
    meeting = hold(tree.branch_a1, "branch_general_meeting", date(2025, 8, 10))
    Attendance.objects.create(
        meeting=meeting, member=lapsed, status=AttendanceStatus.PRESENT, held_on=meeting.held_on
    )
    response = login(client, users, Role.BRANCH_ADMIN).get(
        reverse("life:branch_home", args=[tree.branch_a1.pk])
    )
    html = response.content.decode()
    assert "本月" in html and "本季度" in html and "本年度" in html
    assert "主题党日" in html and "已开展" in html
    assert "支部党员大会" in html and "临期未开展" not in html
    create = reverse("life:meeting_create")
    assert f"{create}?org={tree.branch_a1.pk}&amp;type=branch_general_meeting" in html
    assert html.count('data-testid="roster-member"') == 2
    assert "正式党员 1 名，预备党员 1 名" in html
    risks = html.split('data-testid="members-at-risk"')[1].split("</ul>")[0]
    assert "久未参加" in risks and "2025年9月至2026年3月，连续7个月未参加" in risks
    assert "已满6个月" in risks
    assert "预备党员甲" not in risks  # three months since joining: not yet at risk


def test_branch_home_hides_recording_from_the_leader(client, tree: Tree, users) -> None:
    html = (
        login(client, users, Role.LEADER)
        .get(reverse("life:branch_home", args=[tree.branch_a1.pk]))
        .content.decode()
    )
    assert 'data-testid="record-meeting"' not in html


def test_branch_home_only_for_branches(client, tree: Tree, users) -> None:
    login(client, users)
    assert client.get(reverse("life:branch_home", args=[tree.town_a.pk])).status_code == 404


def test_branch_home_query_count_is_flat(client, tree: Tree, users, django_assert_max_num_queries):
    login(client, users)
    url = reverse("life:branch_home", args=[tree.branch_b1.pk])

    def grow(n: int) -> None:
        for i in range(n):
            member = make_member(tree.branch_b1, f"党员{i}", joined_on=date(2010, 1, 1))
            meeting = hold(tree.branch_b1, "theme_party_day", date(2025, 9, 1))
            Attendance.objects.create(
                meeting=meeting,
                member=member,
                status=AttendanceStatus.PRESENT,
                held_on=meeting.held_on,
            )

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="roster-member"')

    assert_flat_queries(client, url, grow, rows, django_assert_max_num_queries)


# --- the township ----------------------------------------------------------------------------------------


def test_township_page(client, tree: Tree, users) -> None:
    hold(tree.branch_a1, "theme_party_day", date(2026, 1, 5))
    response = login(client, users, Role.COMMITTEE_ADMIN).get(
        reverse("life:township", args=[tree.town_a.pk])
    )
    html = response.content.decode()
    assert html.count('data-testid="branch-row"') == 2
    assert "各党支部逐月开展情况" in html and "life-heatmap-data" in html
    assert "25%" in html
    html = client.get(
        reverse("life:township", args=[tree.town_a.pk]), {"q": "东村"}
    ).content.decode()
    assert html.count('data-testid="branch-row"') == 1


def test_township_export(client, tree: Tree, users) -> None:
    response = login(client, users).get(
        reverse("life:township", args=[tree.town_a.pk]), {"export": "xlsx"}
    )
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0] == "党支部" and len(rows) == 3
    assert rows[1][0] == "城关镇东村党支部" and rows[1][3] == 4  # Jan, Feb, Mar, Q1 missed


def test_township_only_above_branches(client, tree: Tree, users) -> None:
    login(client, users)
    assert client.get(reverse("life:township", args=[tree.branch_a1.pk])).status_code == 404
    assert client.get(reverse("life:township", args=[tree.general_a2.pk])).status_code == 200


def test_township_query_count_is_flat(client, tree: Tree, users, django_assert_max_num_queries):
    login(client, users)
    url = reverse("life:township", args=[tree.town_b.pk])

    def grow(n: int) -> None:
        for _ in range(n):
            new_branch(tree.town_b)

    def rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="branch-row"')

    assert_flat_queries(client, url, grow, rows, django_assert_max_num_queries)
