"""Every write of 示范创建: transactional, role- and scope-checked, with history.

Bad input is refused with a Chinese message that names the field and the rule, and nothing is
written in part: a skipped stage, a candidate whose organization does not fit the campaign's kind,
a score outside a criterion's range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404

from zugong.accounts.models import User
from zugong.campaigns.access import (
    NOT_DEPARTMENT,
    NOT_NOMINATOR,
    can_manage,
    can_nominate,
)
from zugong.campaigns.models import (
    STAGE_ORDER,
    TRANSITIONS,
    ZERO,
    Campaign,
    CampaignKind,
    Candidate,
    Criterion,
    EvidenceFile,
    Score,
    Stage,
    StageEvent,
    TownshipTarget,
)
from zugong.campaigns.rules import CAMPAIGN_KIND, CANDIDATE_KIND
from zugong.core.evidence import prepare_upload
from zugong.core.files import remove_files_on_commit
from zugong.core.models import CodeItem
from zugong.core.services import refresh_findings
from zugong.orgs.models import PATH_STEP, Organization, OrgKind, OrgStatus, subtree_q

STAGE_SEQUENCE_TEXT = "→".join(Stage(s).label for s in STAGE_ORDER)
# Organization levels that cannot be a candidate: the county, the township committees and 党组
# are the organizers, a 党小组 is not a level of party organization.
NOT_CANDIDATE_KINDS = frozenset(
    {OrgKind.COUNTY_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP, OrgKind.BRANCH_GROUP}
)


def _require_manager(actor: User) -> None:
    if not can_manage(actor):
        raise PermissionDenied(NOT_DEPARTMENT)


def _require_in_scope(actor: User, path: str) -> None:
    if not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def campaign_visible_to(actor: User, campaign: Campaign) -> bool:
    """A campaign is run by an organization: its subtree and its ancestors' accounts see it."""
    path = actor.scope.path
    if path is None:
        return False
    return campaign.org_path.startswith(path) or path.startswith(campaign.org_path)


def township_of(org: Organization) -> Organization | None:
    """The 乡镇（街道）/系统 党(工)委 an organization belongs to: its ancestor at depth 2."""
    if org.depth < 2:
        return None
    if org.depth == 2:
        return org
    return Organization.objects.filter(path=org.path[: 2 * PATH_STEP]).first()


# --- the kind table -------------------------------------------------------------------------


@transaction.atomic
def save_kind(
    *,
    actor: User,
    kind: CampaignKind | None,
    code: str,
    name: str,
    org_categories: Iterable[CodeItem],
    group: str = "",
    description: str = "",
    is_active: bool = True,
    sort_order: int = 0,
) -> CampaignKind:
    _require_manager(actor)
    categories = list(org_categories)
    if not categories:
        raise ValidationError({"org_categories": "适用党组织类别：至少选择一类"})
    if any(c.table.code != "org_category" for c in categories):
        raise ValidationError({"org_categories": "适用党组织类别：只能选择党组织类别字典中的项"})
    name = name.strip()
    if CampaignKind.objects.filter(name=name).exclude(pk=getattr(kind, "pk", None)).exists():
        raise ValidationError({"name": f"名称：已有名为“{name}”的创建类型"})
    if CampaignKind.objects.filter(code=code).exclude(pk=getattr(kind, "pk", None)).exists():
        raise ValidationError({"code": f"编码：已有编码为“{code}”的创建类型"})
    kind = kind or CampaignKind()
    kind.code, kind.name, kind.group = code, name, group.strip()
    kind.description, kind.is_active, kind.sort_order = description, is_active, sort_order
    kind.full_clean()
    kind.save()
    kind.org_categories.set(categories)
    return kind


def kind_fits(kind: CampaignKind, org: Organization) -> str | None:
    """None when the organization may be a candidate of this kind, else the reason (Chinese)."""
    allowed = list(kind.org_categories.all())
    allowed_text = "、".join(c.name for c in allowed) or "（未设置）"
    if org.kind in NOT_CANDIDATE_KINDS:
        return (
            f"“{org.name}”是{org.get_kind_display()}，不能作为创建对象"
            "（创建对象须为基层党委、党总支或党支部）"
        )
    if org.category_id is None or org.category_id not in {c.pk for c in allowed}:
        category = org.category.name if org.category_id else "未设置"
        return (
            f"“{org.name}”的党组织类别是“{category}”，不属于“{kind.name}”的创建范围"
            f"（限{allowed_text}党组织）"
        )
    return None


# --- campaigns and criteria -----------------------------------------------------------------


@transaction.atomic
def save_campaign(
    *,
    actor: User,
    campaign: Campaign | None,
    kind: CampaignKind,
    year: int,
    target: int,
    title: str = "",
    programme: str = "",
    pass_score: Decimal = Decimal("80"),
    description: str = "",
) -> Campaign:
    """Create (campaign=None; run by the actor's own organization) or edit a campaign."""
    _require_manager(actor)
    org = campaign.org if campaign is not None else actor.anchor_org
    if org is None:
        raise PermissionDenied("账号未设置所辖组织")
    _require_in_scope(actor, org.path)
    if campaign is not None and campaign.kind_id != kind.pk and campaign.candidates.exists():
        raise ValidationError({"kind": "创建类型：已有创建对象，不能再改变创建类型"})
    if campaign is None and not kind.is_active:
        raise ValidationError({"kind": f"创建类型：“{kind.name}”已停用"})
    if target < 1:
        raise ValidationError({"target": "目标数：至少为1"})
    if pass_score < 0:
        raise ValidationError({"pass_score": "验收合格分：不能为负数"})
    duplicate = Campaign.objects.filter(org=org, kind=kind, year=year)
    if campaign is not None:
        duplicate = duplicate.exclude(pk=campaign.pk)
    if duplicate.exists():
        raise ValidationError({"year": f"年度：{year}年的“{kind.name}”创建已经建立，不能重复"})
    if campaign is None:
        campaign = Campaign(org=org, org_path=org.path, created_by=actor)
    campaign.kind, campaign.year, campaign.target = kind, year, target
    campaign.title = title.strip() or f"{year}年{kind.name}创建"
    campaign.programme, campaign.pass_score, campaign.description = (
        programme.strip(),
        pass_score,
        description,
    )
    campaign.full_clean(exclude=["org_path"])
    campaign.save()
    refresh_findings(CAMPAIGN_KIND, [campaign])
    return campaign


def campaign_townships(campaign: Campaign) -> list[Organization]:
    """The 乡镇（街道）/系统 党(工)委 a campaign's target can be broken down to: the active
    organizations at depth 2 within the organizing organization's subtree."""
    return list(
        Organization.objects.filter(
            subtree_q("path", campaign.org_path), depth=2, status=OrgStatus.ACTIVE
        ).order_by("path")
    )


@transaction.atomic
def set_township_targets(
    *, actor: User, campaign: Campaign, targets: Mapping[int, int | None]
) -> list[TownshipTarget]:
    """Replace the breakdown of the yearly target (township pk → number; 0 or empty: none).
    The parts may add up to more than the target (townships are asked for a margin) but not to
    less: broken down, the target must still be reachable. Only the campaign's own townships
    take a part."""
    _require_manager(actor)
    _require_in_scope(actor, campaign.org_path)
    townships = {t.pk: t for t in campaign_townships(campaign)}
    wanted: dict[int, int] = {}
    for township_pk, number in targets.items():
        township = townships.get(township_pk)
        if township is None:
            raise ValidationError("分解目标：只能分解到本次创建所属的乡镇（街道）/系统党（工）委")
        if number is None or number == 0:
            continue
        if number < 0:
            raise ValidationError({f"t_{township_pk}": f"“{township.name}”：分解目标数不能为负数"})
        wanted[township_pk] = number
    total = sum(wanted.values())
    if wanted and total < campaign.target:
        raise ValidationError(
            f"分解目标：各乡镇（街道）/系统合计{total}个，少于年度目标{campaign.target}个，"
            "分解后的目标应能完成年度目标"
        )
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    existing = {t.township_id: t for t in campaign.township_targets.all()}
    for township_pk, row in existing.items():
        if township_pk not in wanted:
            row.delete()
    saved: list[TownshipTarget] = []
    for township_pk, number in wanted.items():
        row = existing.get(township_pk) or TownshipTarget(
            campaign=campaign, township=townships[township_pk]
        )
        if row.pk is None or row.target != number:
            row.target = number
            row.save()
        saved.append(row)
    refresh_findings(CAMPAIGN_KIND, [campaign])
    return saved


def _criteria_locked(campaign: Campaign) -> bool:
    return campaign.candidates.exclude(stage__in=[Stage.DECLARED, Stage.CULTIVATING]).exists()


@transaction.atomic
def save_criterion(
    *,
    actor: User,
    campaign: Campaign,
    criterion: Criterion | None,
    title: str,
    max_points: Decimal,
    description: str = "",
    sort_order: int = 0,
) -> Criterion:
    _require_manager(actor)
    _require_in_scope(actor, campaign.org_path)
    if _criteria_locked(campaign):
        raise ValidationError("创建标准：已有对象通过验收，评分标准不能再修改")
    if max_points <= 0:
        raise ValidationError({"max_points": "分值：必须大于0"})
    if criterion is not None:
        highest = criterion.scores.order_by("-points").values_list("points", flat=True).first()
        if highest is not None and highest > max_points:
            raise ValidationError(
                {"max_points": f"分值：已有对象在此项得{highest}分，分值不能低于{highest}"}
            )
    criterion = criterion or Criterion(campaign=campaign)
    criterion.title, criterion.max_points = title.strip(), max_points
    criterion.description, criterion.sort_order = description, sort_order
    criterion.full_clean()
    criterion.save()
    return criterion


# --- candidates -----------------------------------------------------------------------------


@transaction.atomic
def nominate(
    *, actor: User, campaign: Campaign, org: Organization, declared_on: date, reason: str = ""
) -> Candidate:
    """申报: a township committee (or the 组织部) puts forward an organization of its subtree."""
    if not can_nominate(actor):
        raise PermissionDenied(NOT_NOMINATOR)
    if not campaign_visible_to(actor, campaign):
        raise Http404("示范创建不存在或不在管理范围内")
    if not actor.scope.contains(org.path):
        raise ValidationError({"org": f"创建对象：“{org.name}”不在您的管理范围内"})
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError({"org": f"创建对象：“{org.name}”已撤销，不能申报"})
    problem = kind_fits(campaign.kind, org)
    if problem:
        raise ValidationError({"org": f"创建对象：{problem}"})
    if Candidate.objects.filter(campaign=campaign, org=org).exists():
        raise ValidationError(
            {"org": f"创建对象：“{org.name}”已申报{campaign.title}，不能重复申报"}
        )
    if declared_on.year not in (campaign.year - 1, campaign.year):
        raise ValidationError(
            {"declared_on": f"申报日期：应在{campaign.year - 1}年或{campaign.year}年内"}
        )
    candidate = Candidate(
        campaign=campaign,
        org=org,
        org_path=org.path,
        township=township_of(org),
        reason=reason,
        declared_on=declared_on,
        declared_by=actor,
    )
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise ValidationError(
            {"org": f"创建对象：“{org.name}”已申报{campaign.title}，不能重复申报"}
        ) from None
    StageEvent.objects.create(
        candidate=candidate,
        from_stage="",
        to_stage=Stage.DECLARED,
        on=declared_on,
        actor=actor,
        remark=reason[:500],
    )
    return candidate


@transaction.atomic
def withdraw(*, actor: User, candidate: Candidate, reason: str) -> Campaign:
    """撤回申报: the nominating committee (or the 组织部) takes back a candidate that is still at
    申报 and has no score. The row goes; its change history keeps who withdrew it, when and why.
    Returns the campaign the candidate was in."""
    if not can_nominate(actor):
        raise PermissionDenied(NOT_NOMINATOR)
    _require_in_scope(actor, candidate.org_path)
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.stage != Stage.DECLARED:
        raise ValidationError(
            f"撤回申报：只有处于“申报”阶段的对象可以撤回，“{locked.org.name}”目前处于"
            f"“{locked.get_stage_display()}”阶段"
        )
    if locked.scores.exists():
        raise ValidationError(f"撤回申报：“{locked.org.name}”已开始评分，不能撤回")
    if not reason.strip():
        raise ValidationError({"reason": "撤回理由：必须填写"})
    files = list(locked.evidence.values_list("blob", flat=True))
    locked._change_reason = f"撤回申报：{reason.strip()}"[:100]
    locked.delete()
    remove_files_on_commit(files)
    return candidate.campaign


def stage_refusal(current: str, target: str, name: str) -> str | None:
    """None when current → target is allowed, else why not (names the rule)."""
    if target in TRANSITIONS.get(current, frozenset()):
        return None
    cur, tgt = Stage(current).label, Stage(target).label
    if current == Stage.REVOKED:
        return f"“{name}”已摘牌，不能再变更阶段"
    if target == Stage.REVOKED:
        return (
            f"摘牌只适用于已命名的示范：“{name}”目前处于“{cur}”阶段，复查不合格的已命名对象才能摘牌"
        )
    if target in STAGE_ORDER and STAGE_ORDER.index(target) > STAGE_ORDER.index(current) + 1:
        following = Stage(STAGE_ORDER[STAGE_ORDER.index(current) + 1]).label
        return (
            f"不能跳过阶段：示范创建须依次经过{STAGE_SEQUENCE_TEXT}，“{name}”目前处于“{cur}”阶段，"
            f"下一步只能是“{following}”，不能直接进入“{tgt}”"
        )
    return f"不能退回阶段：“{name}”目前处于“{cur}”阶段，不能改为“{tgt}”"


@transaction.atomic
def advance(
    *,
    actor: User,
    candidate: Candidate,
    to_stage: str,
    on: date,
    remark: str = "",
    decision_number: str = "",
) -> Candidate:
    """Move a candidate one stage on (培育, 验收, 命名, 复查) or 摘牌 it; logs who, when, why."""
    _require_manager(actor)
    _require_in_scope(actor, candidate.org_path)
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": "新阶段：不是有效的创建阶段"})
    # The row lock makes two simultaneous decisions run one after the other.
    candidate = (
        Candidate.objects.select_for_update().select_related("campaign", "org").get(pk=candidate.pk)
    )
    name = candidate.org.name
    refusal = stage_refusal(candidate.stage, to_stage, name)
    if refusal:
        raise ValidationError({"to_stage": f"新阶段：{refusal}"})
    last = candidate.events.order_by("-on").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise ValidationError({"on": f"日期：不能早于上一阶段的日期（{last:%Y-%m-%d}）"})
    remark = remark.strip()
    decision_number = decision_number.strip()
    campaign = candidate.campaign
    if to_stage == Stage.ACCEPTED:
        criteria = list(campaign.criteria.all())
        if not criteria:
            raise ValidationError({"to_stage": "新阶段：本次创建尚未设置评分标准，不能验收"})
        scored = set(candidate.scores.values_list("criterion_id", flat=True))
        missing = [c.title for c in criteria if c.pk not in scored]
        if missing:
            raise ValidationError(
                {"to_stage": f"新阶段：验收前须逐项评分，尚未评分的标准：{'、'.join(missing)}"}
            )
        if candidate.total_score < campaign.pass_score:
            raise ValidationError(
                {
                    "to_stage": f"新阶段：总分{candidate.total_score}分，低于验收合格分"
                    f"{campaign.pass_score}分，不能通过验收"
                }
            )
    if to_stage == Stage.NAMED:
        if not decision_number:
            raise ValidationError({"decision_number": "命名文号：命名须填写命名文件的文号"})
        candidate.decision_number, candidate.named_on = decision_number, on
    if to_stage == Stage.REVOKED:
        if not remark:
            raise ValidationError({"remark": "说明：摘牌须写明复查不合格的情况"})
        candidate.revoked_on = on
    from_stage = candidate.stage
    candidate.stage = to_stage
    candidate._change_reason = (
        f"{Stage(to_stage).label}：{remark}" if remark else Stage(to_stage).label
    )
    candidate.save()
    StageEvent.objects.create(
        candidate=candidate,
        from_stage=from_stage,
        to_stage=to_stage,
        on=on,
        actor=actor,
        remark=(f"{decision_number} {remark}".strip() if decision_number else remark)[:500],
    )
    refresh_findings(CANDIDATE_KIND, [candidate])
    refresh_findings(CAMPAIGN_KIND, [campaign])
    return candidate


def _points(value: Any, criterion: Criterion) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {f"c{criterion.pk}": f"“{criterion.title}”：得分必须是数字"}
        ) from None
    if not points.is_finite():
        raise ValidationError({f"c{criterion.pk}": f"“{criterion.title}”：得分必须是数字"})
    return points


@transaction.atomic
def score(
    *,
    actor: User,
    candidate: Candidate,
    points: Mapping[int, Any],
    remarks: Mapping[int, str] | None = None,
) -> Candidate:
    """Score a candidate per criterion (criterion pk → points; blank leaves it unscored).

    Every score is checked first; one outside its criterion's range refuses them all.
    """
    _require_manager(actor)
    _require_in_scope(actor, candidate.org_path)
    candidate = (
        Candidate.objects.select_for_update().select_related("campaign", "org").get(pk=candidate.pk)
    )
    if candidate.stage not in (Stage.DECLARED, Stage.CULTIVATING):
        raise ValidationError(
            f"评分：“{candidate.org.name}”已处于“{candidate.get_stage_display()}”阶段，"
            "验收之后不能再修改评分"
        )
    remarks = remarks or {}
    criteria = {c.pk: c for c in candidate.campaign.criteria.all()}
    errors: dict[str, list[str]] = {}
    values: dict[int, Decimal] = {}
    for pk, raw in points.items():
        criterion = criteria.get(int(pk))
        if criterion is None:
            raise ValidationError("评分：标准不属于本次创建")
        try:
            value = _points(raw, criterion)
        except ValidationError as exc:
            errors.update({k: v for k, v in exc.message_dict.items()})
            continue
        if value is None:
            continue
        if value < 0 or value > criterion.max_points or value != value.quantize(Decimal("0.1")):
            errors[f"c{criterion.pk}"] = [
                f"“{criterion.title}”：得分超出范围，本项分值为0至{criterion.max_points}分"
                f"（最小单位0.1分），不能评{value}分"
            ]
            continue
        values[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    for pk, value in values.items():
        Score.objects.update_or_create(
            candidate=candidate,
            criterion_id=pk,
            defaults={"points": value, "scorer": actor, "remark": remarks.get(pk, "")[:300]},
        )
    total = candidate.scores.aggregate(s=Sum("points"))["s"] or ZERO
    candidate.total_score = total
    candidate._change_reason = "评分"
    candidate.save(update_fields=["total_score", "updated_at"])
    return candidate


@transaction.atomic
def upload_evidence(
    *,
    actor: User,
    candidate: Candidate,
    uploaded: UploadedFile,
    criterion: Criterion | None = None,
) -> EvidenceFile:
    if not can_nominate(actor):
        raise PermissionDenied(NOT_NOMINATOR)
    _require_in_scope(actor, candidate.org_path)
    if candidate.stage == Stage.REVOKED:
        raise ValidationError({"file": "佐证材料：已摘牌的对象不能再上传材料"})
    if criterion is not None and criterion.campaign_id != candidate.campaign_id:
        raise ValidationError({"criterion": "对应标准：不属于本次创建"})
    prepared = prepare_upload(uploaded, label="佐证材料")
    record = EvidenceFile(
        candidate=candidate,
        criterion=criterion,
        original_name=prepared.original_name,
        content_type=prepared.content_type,
        size=prepared.size,
        uploaded_by=actor,
    )
    record.blob.save("f.bin", prepared.content, save=False)
    record.save()
    return record
