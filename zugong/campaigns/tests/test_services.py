"""示范创建 services: the stages, the candidate-kind check, the score range, the ranking."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from zugong.accounts.models import Role
from zugong.campaigns import services
from zugong.campaigns.models import (
    STAGE_ORDER,
    TRANSITIONS,
    CampaignKind,
    Candidate,
    EvidenceFile,
    Score,
    Stage,
    StageEvent,
    TownshipTarget,
)
from zugong.campaigns.selectors import ranking
from zugong.campaigns.tests.support import DECLARED_ON, make_campaign, make_candidate
from zugong.conftest import code
from zugong.orgs.models import OrgStatus
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)
ALL_PAIRS = [(a, b) for a in Stage.values for b in Stage.values]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


@pytest.fixture
def admin(users):
    return users[Role.DEPARTMENT_ADMIN]


@pytest.fixture
def committee(users):
    return users[Role.COMMITTEE_ADMIN]


@pytest.fixture
def campaign(tree, admin):
    return make_campaign(tree.county, admin, "village")


def _ready(candidate, stage: str, user) -> None:
    """Give the candidate what the step to `stage` needs besides the stage itself."""
    if stage == Stage.ACCEPTED:
        for c in candidate.campaign.criteria.all():
            Score.objects.create(candidate=candidate, criterion=c, points=c.max_points, scorer=user)
        candidate.total_score = Decimal("100")
        candidate.save()


def _kwargs(stage: str) -> dict:
    if stage == Stage.NAMED:
        return {"decision_number": "青组〔2026〕12号"}
    if stage == Stage.REVOKED:
        return {"remark": "复查发现组织生活不正常"}
    return {}


# --- the stages -----------------------------------------------------------------------------


def test_the_kind_table_is_seeded_with_the_issue_kinds():
    names = set(CampaignKind.objects.values_list("name", flat=True))
    assert {"农村党建示范村", "示范社区", "精品小区", "标准小区"} <= names
    assert CampaignKind.objects.filter(group="模范机关").count() == 5
    assert CampaignKind.objects.filter(group="两新党建示范点").count() == 4
    village = CampaignKind.objects.get(code="village")
    assert [c.code for c in village.org_categories.all()] == ["01"]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_each_allowed_transition_is_logged(campaign, tree, admin, start, target):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=start)
    _ready(candidate, target, admin)
    services.advance(
        actor=admin,
        candidate=candidate,
        to_stage=target,
        on=ON,
        **{"remark": "按程序", **_kwargs(target)},
    )
    candidate.refresh_from_db()
    assert candidate.stage == target
    event = candidate.events.order_by("-id").first()
    assert (event.from_stage, event.to_stage, event.on, event.actor) == (start, target, ON, admin)
    assert "按程序" in event.remark or target == Stage.REVOKED
    if target == Stage.NAMED:
        assert (candidate.decision_number, candidate.named_on) == ("青组〔2026〕12号", ON)
    if target == Stage.REVOKED:
        assert candidate.revoked_on == ON


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_each_other_transition_is_refused_and_nothing_is_written(
    campaign, tree, admin, start, target
):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=start)
    _ready(candidate, target, admin)
    events = StageEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.advance(
            actor=admin, candidate=candidate, to_stage=target, on=ON, **_kwargs(target)
        )
    message = exc.value.message_dict["to_stage"][0]
    candidate.refresh_from_db()
    assert candidate.stage == start
    assert StageEvent.objects.count() == events
    skipped = (
        target in STAGE_ORDER
        and start in STAGE_ORDER
        and STAGE_ORDER.index(target) > STAGE_ORDER.index(start) + 1
    )
    if skipped:
        assert "不能跳过阶段" in message
        assert "申报→培育→验收→命名→复查" in message
    elif start == Stage.REVOKED:
        assert "已摘牌" in message
    elif target == Stage.REVOKED:
        assert "摘牌只适用于已命名" in message
    else:
        assert "不能退回阶段" in message


def test_skipping_from_declared_to_accepted_names_the_next_stage(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    with pytest.raises(ValidationError) as exc:
        services.advance(actor=admin, candidate=candidate, to_stage=Stage.ACCEPTED, on=ON)
    assert "下一步只能是“培育”，不能直接进入“验收”" in exc.value.message_dict["to_stage"][0]


def test_acceptance_needs_every_criterion_scored_and_the_pass_score(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.CULTIVATING)
    first, second = campaign.criteria.all()
    services.score(actor=admin, candidate=candidate, points={first.pk: "40"})
    with pytest.raises(ValidationError, match="尚未评分的标准：标准2"):
        services.advance(actor=admin, candidate=candidate, to_stage=Stage.ACCEPTED, on=ON)
    # 40 + 39.9 = 79.9, one step below the pass score of 80: refused.
    services.score(actor=admin, candidate=candidate, points={second.pk: "39.9"})
    with pytest.raises(ValidationError, match="总分79.9分，低于验收合格分80.0分"):
        services.advance(actor=admin, candidate=candidate, to_stage=Stage.ACCEPTED, on=ON)
    # Exactly the pass score passes.
    services.score(actor=admin, candidate=candidate, points={second.pk: "40"})
    services.advance(actor=admin, candidate=candidate, to_stage=Stage.ACCEPTED, on=ON)
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ACCEPTED


def test_naming_needs_a_document_number_and_revoking_a_reason(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.ACCEPTED)
    with pytest.raises(ValidationError, match="命名文号"):
        services.advance(actor=admin, candidate=candidate, to_stage=Stage.NAMED, on=ON)
    services.advance(
        actor=admin, candidate=candidate, to_stage=Stage.NAMED, on=ON, decision_number="青组1号"
    )
    with pytest.raises(ValidationError, match="摘牌须写明"):
        services.advance(actor=admin, candidate=candidate, to_stage=Stage.REVOKED, on=ON)
    assert Candidate.objects.get(pk=candidate.pk).stage == Stage.NAMED


def test_a_step_cannot_be_dated_before_the_last_one(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    with pytest.raises(ValidationError, match="不能早于上一阶段的日期"):
        services.advance(
            actor=admin,
            candidate=candidate,
            to_stage=Stage.CULTIVATING,
            on=DECLARED_ON - timedelta(days=1),
        )
    services.advance(actor=admin, candidate=candidate, to_stage=Stage.CULTIVATING, on=DECLARED_ON)


def test_only_the_department_decides_stages(campaign, tree, admin, committee, users):
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    for role in (Role.COMMITTEE_ADMIN, Role.LEADER, Role.BRANCH_ADMIN):
        with pytest.raises(PermissionDenied):
            services.advance(
                actor=users[role], candidate=candidate, to_stage=Stage.CULTIVATING, on=ON
            )
    services.advance(
        actor=users[Role.SYSTEM_ADMIN], candidate=candidate, to_stage=Stage.CULTIVATING, on=ON
    )


# --- candidates and the kind ----------------------------------------------------------------


def test_a_township_nominates_a_village_of_its_subtree(campaign, tree, committee):
    candidate = services.nominate(
        actor=committee, campaign=campaign, org=tree.branch_a1, declared_on=DECLARED_ON
    )
    assert candidate.stage == Stage.DECLARED
    assert candidate.township == tree.town_a
    event = candidate.events.get()
    assert (event.to_stage, event.actor) == (Stage.DECLARED, committee)


def test_an_organization_of_another_kind_is_refused(campaign, tree, admin):
    with pytest.raises(ValidationError) as exc:
        services.nominate(
            actor=admin, campaign=campaign, org=tree.branch_b1, declared_on=DECLARED_ON
        )
    assert exc.value.message_dict["org"] == [
        "创建对象：“东关街道北社区党支部”的党组织类别是“城市社区”，不属于“农村党建示范村”"
        "的创建范围（限农村（行政村）党组织）"
    ]
    assert not Candidate.objects.exists()


def test_a_community_fits_the_community_campaign(tree, admin):
    community = make_campaign(tree.county, admin, "community")
    services.nominate(actor=admin, campaign=community, org=tree.branch_b1, declared_on=DECLARED_ON)
    with pytest.raises(ValidationError, match="未设置"):
        services.nominate(
            actor=admin, campaign=community, org=tree.branch_a2a, declared_on=DECLARED_ON
        )


@pytest.mark.parametrize("which", ["county", "town_a"])
def test_organizer_levels_are_not_candidates(tree, admin, which):
    organ = make_campaign(tree.county, admin, "organ_general")
    org = getattr(tree, which)
    org.category = code("org_category", "03")
    org.save()
    with pytest.raises(ValidationError, match="不能作为创建对象"):
        services.nominate(actor=admin, campaign=organ, org=org, declared_on=DECLARED_ON)


def test_a_party_group_is_not_a_candidate(tree, admin):
    community = make_campaign(tree.county, admin, "fine_estate")
    group = create_org(
        actor=None,
        parent=tree.branch_b1,
        name="北社区第一党小组",
        code="B1G",
        kind="branch_group",
        category=code("org_category", "02"),
    )
    with pytest.raises(ValidationError, match="党小组，不能作为创建对象"):
        services.nominate(actor=admin, campaign=community, org=group, declared_on=DECLARED_ON)


def test_out_of_scope_dissolved_and_duplicate_candidates_are_refused(
    campaign, tree, admin, committee
):
    village_b = create_org(
        actor=None,
        parent=tree.town_b,
        name="东关街道西村党支部",
        code="B2",
        kind="branch",
        category=code("org_category", "01"),
    )
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        services.nominate(
            actor=committee, campaign=campaign, org=village_b, declared_on=DECLARED_ON
        )
    services.nominate(actor=admin, campaign=campaign, org=village_b, declared_on=DECLARED_ON)
    with pytest.raises(ValidationError, match="不能重复申报"):
        services.nominate(actor=admin, campaign=campaign, org=village_b, declared_on=DECLARED_ON)
    tree.branch_a1.status = OrgStatus.DISSOLVED
    tree.branch_a1.save()
    with pytest.raises(ValidationError, match="已撤销"):
        services.nominate(
            actor=admin, campaign=campaign, org=tree.branch_a1, declared_on=DECLARED_ON
        )
    assert Candidate.objects.count() == 1


def test_another_countys_campaign_is_not_found(tree, admin, users):
    stranger_campaign = make_campaign(tree.other_county, admin, "village")
    with pytest.raises(Http404):
        services.nominate(
            actor=users[Role.COMMITTEE_ADMIN],
            campaign=stranger_campaign,
            org=tree.branch_a1,
            declared_on=DECLARED_ON,
        )


def test_reading_roles_cannot_nominate(campaign, tree, users):
    for role in (Role.LEADER, Role.BRANCH_ADMIN, Role.TALENT_OFFICE):
        with pytest.raises(PermissionDenied):
            services.nominate(
                actor=users[role], campaign=campaign, org=tree.branch_a1, declared_on=DECLARED_ON
            )


def test_a_campaign_kind_and_year_is_created_once(tree, admin, committee):
    village = CampaignKind.objects.get(code="village")
    first = services.save_campaign(actor=admin, campaign=None, kind=village, year=2026, target=10)
    assert first.title == "2026年农村党建示范村创建"
    assert first.org == tree.county
    with pytest.raises(ValidationError, match="2026年的“农村党建示范村”创建已经建立"):
        services.save_campaign(actor=admin, campaign=None, kind=village, year=2026, target=5)
    with pytest.raises(PermissionDenied):
        services.save_campaign(
            actor=committee,
            campaign=None,
            kind=village,
            year=2027,
            target=5,
        )


def test_an_edited_kind_table_changes_who_fits(tree, admin):
    community = CampaignKind.objects.get(code="community")
    services.save_kind(
        actor=admin,
        kind=community,
        code="community",
        name="示范社区",
        group="“4310”工程",
        org_categories=[code("org_category", "02"), code("org_category", "01")],
    )
    campaign = make_campaign(tree.county, admin, "community")
    services.nominate(actor=admin, campaign=campaign, org=tree.branch_a1, declared_on=DECLARED_ON)
    with pytest.raises(ValidationError, match="至少选择一类"):
        services.save_kind(
            actor=admin, kind=community, code="community", name="示范社区", org_categories=[]
        )


# --- scores ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0", True),
        ("0.1", True),
        ("39.9", True),
        ("40", True),
        ("40.1", False),
        ("-0.1", False),
        ("12.35", False),
        ("abc", False),
        ("NaN", False),
    ],
)
def test_a_score_outside_the_criterion_range_is_refused(campaign, tree, admin, value, ok):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.CULTIVATING)
    first = campaign.criteria.get(max_points=40)
    if ok:
        services.score(actor=admin, candidate=candidate, points={first.pk: value})
        assert Score.objects.get().points == Decimal(value)
        candidate.refresh_from_db()
        assert candidate.total_score == Decimal(value)
    else:
        with pytest.raises(ValidationError) as exc:
            services.score(actor=admin, candidate=candidate, points={first.pk: value})
        message = exc.value.message_dict[f"c{first.pk}"][0]
        assert message.startswith("“标准1”：")
        if value not in ("abc", "NaN"):
            assert "本项分值为0至40.0分" in message
        assert not Score.objects.exists()


def test_one_bad_score_refuses_them_all(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.CULTIVATING)
    first, second = campaign.criteria.all()
    with pytest.raises(ValidationError):
        services.score(actor=admin, candidate=candidate, points={first.pk: "30", second.pk: "61"})
    assert not Score.objects.exists()
    candidate.refresh_from_db()
    assert candidate.total_score == 0


def test_scores_are_locked_after_acceptance_and_kept_with_the_scorer(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.CULTIVATING)
    first, second = campaign.criteria.all()
    services.score(
        actor=admin,
        candidate=candidate,
        points={first.pk: "35", second.pk: "55.5"},
        remarks={first.pk: "台账齐全"},
    )
    score = Score.objects.get(criterion=first)
    assert (score.scorer, score.remark) == (admin, "台账齐全")
    candidate.refresh_from_db()
    assert candidate.total_score == Decimal("90.5")
    services.advance(actor=admin, candidate=candidate, to_stage=Stage.ACCEPTED, on=ON)
    with pytest.raises(ValidationError, match="验收之后不能再修改评分"):
        services.score(actor=admin, candidate=candidate, points={first.pk: "1"})


def test_townships_do_not_score(campaign, tree, admin, committee):
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    first = campaign.criteria.first()
    with pytest.raises(PermissionDenied):
        services.score(actor=committee, candidate=candidate, points={first.pk: "1"})


def test_criteria_cannot_drop_below_a_given_score(campaign, tree, admin):
    candidate = make_candidate(campaign, tree.branch_a1, admin, stage=Stage.CULTIVATING)
    first = campaign.criteria.get(max_points=40)
    services.score(actor=admin, candidate=candidate, points={first.pk: "30"})
    with pytest.raises(ValidationError, match="分值不能低于30.0"):
        services.save_criterion(
            actor=admin, campaign=campaign, criterion=first, title="标准1", max_points=Decimal("29")
        )
    services.save_criterion(
        actor=admin, campaign=campaign, criterion=first, title="标准1", max_points=Decimal("30")
    )


# --- ranking and evidence -------------------------------------------------------------------


def test_the_ranking_orders_by_total_and_shares_equal_ranks(tree, admin):
    campaign = make_campaign(tree.county, admin, "village")
    orgs = [tree.branch_a1]
    for i in range(3):
        orgs.append(
            create_org(
                actor=None,
                parent=tree.town_a,
                name=f"城关镇{i}村党支部",
                code=f"V{i}",
                kind="branch",
                category=code("org_category", "01"),
            )
        )
    totals = ["70", "95", "70", "88"]
    for org, total in zip(orgs, totals, strict=True):
        make_candidate(campaign, org, admin, stage=Stage.CULTIVATING, total=total)
    revoked = create_org(
        actor=None,
        parent=tree.town_a,
        name="城关镇摘牌村党支部",
        code="VR",
        kind="branch",
        category=code("org_category", "01"),
    )
    make_candidate(campaign, revoked, admin, stage=Stage.REVOKED, total="99")
    rows = ranking(admin, campaign)
    assert [(r.rank, str(r.candidate.total_score)) for r in rows] == [
        (1, "95.0"),
        (2, "88.0"),
        (3, "70.0"),
        (3, "70.0"),
    ]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def test_evidence_is_typed_by_content_and_stored_under_a_random_name(
    campaign, tree, admin, committee
):
    candidate = make_candidate(campaign, tree.branch_a1, admin)
    criterion = campaign.criteria.first()
    record = services.upload_evidence(
        actor=committee,
        candidate=candidate,
        uploaded=SimpleUploadedFile("阵地建设.pdf", PDF),
        criterion=criterion,
    )
    assert record.content_type == "application/pdf"
    assert record.original_name == "阵地建设.pdf"
    assert "阵地" not in record.blob.name and record.blob.name.startswith("campaigns/")
    with pytest.raises(ValidationError, match="按内容识别"):
        services.upload_evidence(
            actor=committee,
            candidate=candidate,
            uploaded=SimpleUploadedFile("伪装.pdf", b"<script>alert(1)</script>"),
        )
    assert EvidenceFile.objects.count() == 1


def test_a_township_cannot_upload_for_another_townships_candidate(tree, admin, committee):
    community = make_campaign(tree.county, admin, "community")
    candidate = make_candidate(community, tree.branch_b1, admin)
    with pytest.raises(Http404):
        services.upload_evidence(
            actor=committee, candidate=candidate, uploaded=SimpleUploadedFile("a.pdf", PDF)
        )


def test_township_targets_are_replaced_and_checked(tree, admin, campaign):
    """The breakdown: only the campaign's townships, never below the yearly target in total,
    nothing written when refused; a second save replaces the first."""
    campaign.target = 3
    campaign.save()
    a, b = tree.town_a.pk, tree.town_b.pk
    with pytest.raises(ValidationError, match="合计2个，少于年度目标3个"):
        services.set_township_targets(actor=admin, campaign=campaign, targets={a: 1, b: 1})
    assert not TownshipTarget.objects.exists()
    with pytest.raises(ValidationError, match="只能分解到本次创建所属"):
        services.set_township_targets(
            actor=admin, campaign=campaign, targets={tree.branch_a1.pk: 3}
        )
    with pytest.raises(ValidationError, match="不能为负数"):
        services.set_township_targets(actor=admin, campaign=campaign, targets={a: -1, b: 4})
    services.set_township_targets(actor=admin, campaign=campaign, targets={a: 2, b: 2})
    services.set_township_targets(actor=admin, campaign=campaign, targets={a: 3, b: 0})
    assert {(t.township_id, t.target) for t in TownshipTarget.objects.all()} == {(a, 3)}


def test_a_township_cannot_break_down_the_target(tree, users, campaign):
    with pytest.raises(PermissionDenied):
        services.set_township_targets(
            actor=users[Role.COMMITTEE_ADMIN], campaign=campaign, targets={tree.town_a.pk: 5}
        )


def test_a_declared_candidate_is_withdrawn_with_its_reason_in_the_history(
    tree, committee, admin, campaign
):
    candidate = make_candidate(campaign, tree.branch_a1, committee)
    with pytest.raises(ValidationError, match="撤回理由：必须填写"):
        services.withdraw(actor=committee, candidate=candidate, reason=" ")
    services.withdraw(actor=committee, candidate=candidate, reason="村党支部书记调整，明年再报")
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    gone = Candidate.history.get(id=candidate.pk, history_type="-")
    assert gone.history_change_reason == "撤回申报：村党支部书记调整，明年再报"
    assert gone.history_user_id is None or gone.history_user_id == committee.pk


@pytest.mark.parametrize("stage", [Stage.CULTIVATING, Stage.NAMED])
def test_a_candidate_past_declaration_cannot_be_withdrawn(tree, committee, campaign, stage):
    candidate = make_candidate(campaign, tree.branch_a1, committee, stage=stage)
    with pytest.raises(ValidationError, match="只有处于“申报”阶段的对象可以撤回"):
        services.withdraw(actor=committee, candidate=candidate, reason="不再创建")
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_a_scored_candidate_cannot_be_withdrawn(tree, committee, admin, campaign):
    candidate = make_candidate(campaign, tree.branch_a1, committee)
    criterion = campaign.criteria.first()
    Score.objects.create(candidate=candidate, criterion=criterion, points=1, scorer=admin)
    with pytest.raises(ValidationError, match="已开始评分，不能撤回"):
        services.withdraw(actor=committee, candidate=candidate, reason="不再创建")
    assert Candidate.objects.filter(pk=candidate.pk).exists()
