"""示范创建 pages: refusals shown in Chinese, scope, exports, progress numbers, flat queries."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.campaigns.models import NAMED_STAGES, Candidate, EvidenceFile, Stage, StageEvent
from zugong.campaigns.selectors import progress
from zugong.campaigns.tests.support import make_campaign, make_candidate
from zugong.conftest import assert_flat_queries, code
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def login(client, users, role):
    client.force_login(users[role])
    return users[role]


def village(parent, name=None):
    n = next(_serial)
    return create_org(
        actor=None,
        parent=parent,
        name=name or f"测试{n}村党支部",
        code=f"V{n}",
        kind="branch",
        category=code("org_category", "01"),
    )


@pytest.fixture
def campaign(tree, users):
    return make_campaign(tree.county, users[Role.DEPARTMENT_ADMIN], "village", target=3)


def _rows(marker: str):
    return lambda response: response.content.decode().count(marker)


def test_a_skipped_stage_is_refused_on_the_page(client, users, tree, campaign):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    url = reverse("campaigns:candidate_advance", args=[candidate.pk])
    response = client.post(
        url, {"to_stage": Stage.NAMED, "on": "2026-06-01", "decision_number": "1号"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "不能跳过阶段" in text and "下一步只能是“培育”" in text
    assert Candidate.objects.get(pk=candidate.pk).stage == Stage.DECLARED
    response = client.post(
        url, {"to_stage": Stage.CULTIVATING, "on": "2026-06-01", "remark": "确定培育"}
    )
    assert response.status_code == 302
    event = StageEvent.objects.filter(candidate=candidate).order_by("-id").first()
    assert (event.to_stage, event.actor, event.remark) == (Stage.CULTIVATING, admin, "确定培育")
    page = client.get(reverse("campaigns:candidate_detail", args=[candidate.pk]) + "?tab=events")
    assert "确定培育" in page.content.decode()


def test_a_township_nominates_and_is_told_why_a_community_does_not_fit(
    client, users, tree, campaign
):
    login(client, users, Role.COMMITTEE_ADMIN)
    url = reverse("campaigns:candidate_create", args=[campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"org": tree.general_a2.pk, "declared_on": "2026-03-01"})
    assert response.status_code == 400
    assert "不属于“农村党建示范村”的创建范围" in response.content.decode()
    response = client.post(url, {"org": tree.branch_a1.pk, "declared_on": "2026-03-01"})
    assert response.status_code == 302
    assert Candidate.objects.get().org == tree.branch_a1


def test_a_score_outside_the_range_is_refused_on_the_page(client, users, tree, campaign):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.CULTIVATING)
    first, second = campaign.criteria.all()
    url = reverse("campaigns:candidate_score", args=[candidate.pk])
    response = client.post(url, {f"c{first.pk}": "41", f"c{second.pk}": "50"})
    assert response.status_code == 400
    assert "得分超出范围，本项分值为0至40.0分" in response.content.decode()
    assert not candidate.scores.exists()
    response = client.post(url, {f"c{first.pk}": "38", f"c{second.pk}": "50"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert str(candidate.total_score) == "88.0"


def test_out_of_scope_candidates_are_not_found(client, users, tree, campaign):
    admin = users[Role.DEPARTMENT_ADMIN]
    other = make_candidate(campaign, tree.branch_b1, admin)
    login(client, users, Role.COMMITTEE_ADMIN)
    assert client.get(reverse("campaigns:candidate_detail", args=[other.pk])).status_code == 404
    response = client.get(reverse("campaigns:candidate_list"))
    assert tree.branch_b1.name not in response.content.decode()
    login(client, users, Role.TALENT_OFFICE)
    assert client.get(reverse("campaigns:campaign_list")).status_code == 403


def test_evidence_upload_and_scoped_download(client, users, tree, campaign):
    admin = users[Role.DEPARTMENT_ADMIN]
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    login(client, users, Role.COMMITTEE_ADMIN)
    response = client.post(
        reverse("campaigns:evidence_upload", args=[candidate.pk]),
        {"file": SimpleUploadedFile("台账.pdf", b"%PDF-1.4\nx")},
    )
    assert response.status_code == 302
    record = EvidenceFile.objects.get()
    response = client.get(reverse("campaigns:evidence_download", args=[record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(users[Role.BRANCH_ADMIN])  # anchored at branch_a1: in scope
    assert client.get(reverse("campaigns:evidence_download", args=[record.pk])).status_code == 200


def _build_year(tree, admin):
    """Two campaigns of 2026 with candidates at every stage in two townships."""
    villages = make_campaign(tree.county, admin, "village", target=3)
    community = make_campaign(tree.county, admin, "community", target=2)
    stages = [Stage.DECLARED, Stage.CULTIVATING, Stage.ACCEPTED, Stage.NAMED, Stage.REVIEWED]
    for s in stages + [Stage.REVOKED, Stage.NAMED]:
        make_candidate(villages, village(tree.town_a), admin, stage=s)
    make_candidate(villages, village(tree.town_b), admin, stage=Stage.NAMED)
    make_candidate(community, tree.branch_b1, admin, stage=Stage.REVIEWED)
    make_candidate(community, village(tree.town_b), admin, stage=Stage.CULTIVATING)
    return villages, community


def test_progress_numbers_equal_the_records(client, users, tree):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    villages, community = _build_year(tree, admin)
    p = progress(admin, 2026)
    by_campaign = {r.campaign.pk: r for r in p.rows}
    for campaign in (villages, community):
        row = by_campaign[campaign.pk]
        records = Candidate.objects.filter(campaign=campaign)
        assert row.target == campaign.target
        assert row.named == records.filter(stage__in=NAMED_STAGES).count()
        assert row.candidates == records.count()
        for stage in Stage.values:
            assert row.stages[stage] == records.filter(stage=stage).count()
    assert by_campaign[villages.pk].named == 4  # 命名 ×2, 复查, and 东关's 命名; not 摘牌
    assert by_campaign[villages.pk].met and by_campaign[villages.pk].share == 133
    towns = {t.township_id: t for t in p.townships}
    for town in (tree.town_a, tree.town_b):
        records = Candidate.objects.filter(township=town)
        assert towns[town.pk].named == records.filter(stage__in=NAMED_STAGES).count()
        assert towns[town.pk].candidates == records.count()
    assert towns[tree.town_b.pk].by_campaign == {villages.pk: 1, community.pk: 1}
    # The breakdown, set through its page, shows per township beside the named count.
    targets = reverse("campaigns:campaign_targets", args=[villages.pk])
    short = client.post(targets, {f"t_{tree.town_a.pk}": "1", f"t_{tree.town_b.pk}": "1"})
    assert short.status_code == 400 and "少于年度目标3个" in short.content.decode()
    saved = client.post(targets, {f"t_{tree.town_a.pk}": "2", f"t_{tree.town_b.pk}": "2"})
    assert saved.status_code == 302
    p = progress(admin, 2026)
    towns = {t.township_id: t for t in p.townships}
    assert towns[tree.town_b.pk].targets == {villages.pk: 2} and towns[tree.town_b.pk].target == 2
    assert towns[tree.town_b.pk].cells == [(1, 2), (1, None)]
    # A township account counts its own candidates only.
    mine = progress(users[Role.COMMITTEE_ADMIN], 2026)
    assert {t.township_id for t in mine.townships} == {tree.town_a.pk}
    response = client.get(reverse("campaigns:progress") + "?year=2026")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="chart-progress"' in text and 'id="chart-data"' in text
    assert text.count('data-testid="township-row"') == 2
    assert 'id="chart-townships"' in text and ">1/2<" in text
    by_town = client.get(reverse("campaigns:progress") + "?year=2026&export=townships")
    town_rows = list(load_workbook(io.BytesIO(b"".join(by_town.streaming_content))).active.values)
    assert (2026, tree.town_b.short_name or tree.town_b.name, "农村党建示范村", 2, 1, "否") in [
        tuple(r) for r in town_rows
    ]
    sheet = client.get(reverse("campaigns:progress") + "?year=2026&export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert rows[1][1] == "农村党建示范村" and rows[1][-2] == 4


def test_the_named_list_exports_to_xlsx(client, users, tree):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    _build_year(tree, admin)
    response = client.get(reverse("campaigns:named_list") + "?export=xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb.active.values)
    assert rows[0][:4] == ("年度", "创建类型", "所属工程", "示范名称（党组织）")
    named = Candidate.objects.filter(stage__in=NAMED_STAGES)
    assert len(rows) - 1 == named.count() == 5
    assert {r[3] for r in rows[1:]} == {c.org.name for c in named}
    assert all(r[7] for r in rows[1:])  # every named one has its document number
    # Filters apply to the export too.
    response = client.get(
        reverse("campaigns:named_list") + f"?export=xlsx&township={tree.town_b.pk}"
    )
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) - 1 == 2


def test_lists_filter_and_search(client, users, tree):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    villages, community = _build_year(tree, admin)
    url = reverse("campaigns:candidate_list")
    count = _rows('data-testid="candidate-row"')
    assert count(client.get(url)) == 10
    assert count(client.get(url + f"?stage={Stage.REVOKED}")) == 1
    assert count(client.get(url + f"?kind={community.kind_id}")) == 2
    assert count(client.get(url + f"?township={tree.town_b.pk}")) == 3
    assert count(client.get(url + "?q=北社区")) == 1
    assert count(client.get(url + "?year=2025")) == 0
    assert count(client.get(url + "?stage=bogus&year=abc")) == 10
    campaigns_url = reverse("campaigns:campaign_list")
    assert _rows('data-testid="campaign-row"')(client.get(campaigns_url + "?q=社区")) == 1
    sheet = client.get(campaigns_url + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert len(rows) == 3
    kinds = client.get(reverse("campaigns:kind_list") + "?q=模范机关&export=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(kinds.streaming_content))).active.values)
    assert len(rows) == 6


def test_record_pages_show_their_history(client, users, tree, campaign):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    client.post(
        reverse("campaigns:campaign_edit", args=[campaign.pk]),
        {
            "kind": campaign.kind_id,
            "year": 2026,
            "target": 12,
            "title": campaign.title,
            "pass_score": "85",
        },
    )
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk]) + "?tab=history")
    assert "目标数" in page.content.decode()
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    client.post(
        reverse("campaigns:candidate_advance", args=[candidate.pk]),
        {"to_stage": Stage.CULTIVATING, "on": "2026-05-01", "remark": "列为培育对象"},
    )
    page = client.get(reverse("campaigns:candidate_detail", args=[candidate.pk]) + "?tab=history")
    assert "列为培育对象" in page.content.decode() or "培育" in page.content.decode()


# --- query-count guards -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["campaigns:candidate_list", "campaigns:named_list"])
def test_candidate_lists_queries_are_flat(
    client, users, tree, campaign, name, django_assert_max_num_queries
):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)

    def grow(n: int) -> None:
        for _ in range(n):
            make_candidate(campaign, village(tree.town_a), admin, stage=Stage.NAMED)

    assert_flat_queries(
        client,
        reverse(name),
        grow,
        _rows('data-testid="candidate-row"'),
        django_assert_max_num_queries,
    )


def test_campaign_pages_queries_are_flat(client, users, tree, django_assert_max_num_queries):
    admin = login(client, users, Role.DEPARTMENT_ADMIN)
    years = itertools.count(2000)
    ranked = make_campaign(tree.county, admin, "community", year=2026)

    def grow_campaigns(n: int) -> None:
        for _ in range(n):
            make_campaign(tree.county, admin, "village", year=next(years))

    assert_flat_queries(
        client,
        reverse("campaigns:campaign_list"),
        grow_campaigns,
        _rows('data-testid="campaign-row"'),
        django_assert_max_num_queries,
    )

    def grow_ranking(n: int) -> None:
        for _ in range(n):
            make_candidate(ranked, village(tree.town_a), admin, stage=Stage.CULTIVATING)

    assert_flat_queries(
        client,
        reverse("campaigns:campaign_detail", args=[ranked.pk]) + "?tab=ranking",
        grow_ranking,
        _rows('data-testid="rank-row"'),
        django_assert_max_num_queries,
    )

    def grow_progress(n: int) -> None:
        for _ in range(n):
            make_candidate(ranked, village(tree.town_b), admin, stage=Stage.NAMED)

    assert_flat_queries(
        client,
        reverse("campaigns:progress") + "?year=2026",
        grow_progress,
        lambda r: int(
            r.content.decode()
            .split(f'data-campaign="{ranked.pk}"')[1]
            .split('data-col="named">')[1]
            .split("<")[0]
        ),
        django_assert_max_num_queries,
    )


def test_an_unknown_year_or_campaign_is_not_a_500(client, users):
    login(client, users, Role.LEADER)
    assert client.get(reverse("campaigns:progress") + "?year=99999").status_code == 200
    assert (
        client.get(reverse("campaigns:candidate_list") + "?campaign=x&page=zz").status_code == 200
    )
    assert client.get(reverse("campaigns:campaign_detail", args=[999999])).status_code == 404
    assert client.get(reverse("campaigns:criterion_edit", args=[999999])).status_code == 404


def test_a_township_withdraws_its_declaration_through_the_page(client, users, tree, campaign):
    committee = login(client, users, Role.COMMITTEE_ADMIN)
    candidate = make_candidate(campaign, village(tree.town_a), committee)
    detail = client.get(reverse("campaigns:candidate_detail", args=[candidate.pk]))
    assert 'data-testid="withdraw-link"' in detail.content.decode()
    url = reverse("campaigns:candidate_withdraw", args=[candidate.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "撤回理由" in refused.content.decode()
    done = client.post(url, {"reason": "书记调整，明年再报"})
    assert done.status_code == 302
    assert done["Location"] == reverse("campaigns:campaign_detail", args=[campaign.pk])
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
