"""Every write of 标准化/星级/软弱涣散: role- and scope-checked, transactional, with history.

Bad input raises ValidationError with a Chinese message naming the field (or the checklist item)
and the rule; nothing is written in part.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.evidence import prepare_upload
from zugong.core.models import CodeItem, RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.core.rules.registry import RULES
from zugong.core.services import refresh_findings
from zugong.orgs.models import Organization, OrgKind, OrgStatus
from zugong.orgs.standardization import feeds
from zugong.orgs.standardization.access import (
    NOT_ADMIN,
    NOT_EVIDENCE,
    NOT_SCORER,
    can_add_evidence,
    can_score,
    is_admin,
)
from zugong.orgs.standardization.models import (
    WEAK_CAUSE_TABLE,
    AnnualScore,
    ChecklistItem,
    ChecklistTemplate,
    ItemFeed,
    ScoreEvidence,
    ScoreLine,
    ScoreStatus,
    WeakBasis,
    WeakOrg,
    WeakOrgEvent,
    WeakOrgEvidence,
    WeakOrgMeasure,
    WeakStatus,
)
from zugong.orgs.standardization.rules import (
    TOWNSHIP_KIND,
    WEAK_KIND,
    star_thresholds,
    stars_for,
)
from zugong.orgs.standardization.selectors import template_for, township_of

FIRST_YEAR = 2000
WEAK_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.PRIMARY_PARTY_COMMITTEE)


def _require(check: bool, message: str) -> None:
    if not check:
        raise PermissionDenied(message)


def _require_scope(actor: User, path: str) -> None:
    if not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def _check_year(year: int, today: date, field: str = "year") -> None:
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError({field: f"考评年度：应在{FIRST_YEAR}年至{today.year}年之间"})


# --- checklists ---------------------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *, actor: User, template: ChecklistTemplate | None, **fields: Any
) -> ChecklistTemplate:
    _require(is_admin(actor), NOT_ADMIN)
    template = template or ChecklistTemplate()
    for name, value in fields.items():
        setattr(template, name, value)
    if not FIRST_YEAR <= template.year_from <= 2100:
        raise ValidationError({"year_from": f"起用年度：应在{FIRST_YEAR}年至2100年之间"})
    clash = ChecklistTemplate.objects.filter(
        category=template.category, year_from=template.year_from, version=template.version
    ).exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError(
            {"version": f"版本：该类别{template.year_from}年起用的第{template.version}版已存在"}
        )
    template._history_user = actor  # type: ignore[attr-defined]
    template.save()
    return template


def _check_item(template: ChecklistTemplate, item: ChecklistItem) -> None:
    errors: dict[str, str] = {}
    if item.max_points is None or not Decimal("0") < item.max_points <= Decimal("100"):
        errors["max_points"] = "分值：应大于0且不超过100分"
    clash = ChecklistItem.objects.filter(template=template, code=item.code).exclude(pk=item.pk)
    if clash.exists():
        errors["code"] = f"序号：本细则已有序号为“{item.code}”的项目"
    if item.feed != ItemFeed.MANUAL:
        same = ChecklistItem.objects.filter(template=template, feed=item.feed).exclude(pk=item.pk)
        if same.exists():
            errors["feed"] = (
                f"计分方式：本细则已有“{ItemFeed(item.feed).label}”项目，同一数据只能计分一次"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_item(
    *, actor: User, template: ChecklistTemplate, item: ChecklistItem | None, **fields: Any
) -> ChecklistItem:
    _require(is_admin(actor), NOT_ADMIN)
    item = item or ChecklistItem(template=template)
    for name, value in fields.items():
        setattr(item, name, value)
    _check_item(template, item)
    item._history_user = actor  # type: ignore[attr-defined]
    item.save()
    return item


@transaction.atomic
def copy_template(
    *, actor: User, template: ChecklistTemplate, year_from: int, name: str
) -> ChecklistTemplate:
    """A new version: the same items, from `year_from`; earlier scores keep the old version."""
    _require(is_admin(actor), NOT_ADMIN)
    taken = ChecklistTemplate.objects.filter(category=template.category, year_from=year_from)
    version = (max(taken.values_list("version", flat=True), default=0)) + 1
    copy = save_template(
        actor=actor,
        template=None,
        name=name,
        category=template.category,
        year_from=year_from,
        version=version,
        is_active=True,
        source=template.source,
        note=f"由“{template}”复制",
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                template=copy,
                code=i.code,
                dimension=i.dimension,
                title=i.title,
                standard=i.standard,
                max_points=i.max_points,
                feed=i.feed,
                evidence_hint=i.evidence_hint,
                sort_order=i.sort_order,
            )
            for i in template.items.all()
        ]
    )
    return copy


# --- parameters ---------------------------------------------------------------------------------------

PARAMETER_RULES = (
    "standards.auto_deductions",
    "standards.star_thresholds",
    "standards.star_distribution",
    "standards.weak_share",
)
PERCENT_KEYS = {"five_max_percent", "four_max_percent", "bottom_percent"}


@transaction.atomic
def set_parameter(
    *,
    actor: User,
    rule_id: str,
    key: str,
    value: Decimal,
    effective_from: date,
    source: str = "",
) -> RuleParameter:
    """A dated override of one of this area's parameters; the newest in force on a date wins."""
    _require(is_admin(actor), NOT_ADMIN)
    rule = RULES.get(rule_id)
    if rule_id not in PARAMETER_RULES or rule is None or key not in rule.params:
        raise ValidationError({"key": "参数：不是标准化考评的参数"})
    if value < 0:
        raise ValidationError({"value": "取值：不能为负数"})
    if key in PERCENT_KEYS and value > 100:
        raise ValidationError({"value": "取值：比例应在0到100之间"})
    if rule_id == "standards.star_thresholds":
        ctx = RuleContext(effective_from)
        lines = star_thresholds(ctx)
        order = {"five": 5, "four": 4, "three": 3, "two": 2}
        lines[order[key]] = value
        if not lines[5] > lines[4] > lines[3] > lines[2]:
            raise ValidationError(
                {"value": "取值：星级分数线应由高到低排列（五星＞四星＞三星＞二星）"}
            )
    param, _ = RuleParameter.objects.update_or_create(
        rule_id=rule_id,
        key=key,
        effective_from=effective_from,
        defaults={"value": str(value.normalize()), "source": source, "created_by": actor},
    )
    return param


# --- scoring ------------------------------------------------------------------------------------------


def _parse_points(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


@dataclass(frozen=True)
class ManualEntry:
    points: Any  # a number or the text typed
    note: str = ""


def _range_text(item: ChecklistItem) -> str:
    return f"0至{item.max_points.normalize():f}分"


def _manual_points(items: list[ChecklistItem], entries: Mapping[int, ManualEntry]) -> dict:
    errors: dict[str, str] = {}
    points: dict[int, Decimal] = {}
    for item in items:
        if item.is_auto:
            continue
        field = f"item_{item.pk}"
        entry = entries.get(item.pk)
        label = f"{item.code} {item.title}"
        try:
            value = _parse_points(entry.points if entry else None)
        except ValueError:
            errors[field] = f"“{label}”的得分不是数字，应在{_range_text(item)}之间"
            continue
        if value is None:
            errors[field] = f"“{label}”的得分：必须填写（{_range_text(item)}）"
        elif not Decimal("0") <= value <= item.max_points:
            errors[field] = (
                f"“{label}”的得分{value.normalize():f}分超出范围，应在{_range_text(item)}之间"
            )
        elif value != value.quantize(Decimal("0.01")):
            errors[field] = f"“{label}”的得分最多保留两位小数"
        else:
            points[item.pk] = value
    if errors:
        raise ValidationError(errors)
    return points


def _refresh_township(org: Organization, today: date | None = None) -> None:
    township = township_of(org)
    if township is not None:
        refresh_findings(TOWNSHIP_KIND, [township], RuleContext(today) if today else None)


@transaction.atomic
def save_score(
    *,
    actor: User | None,
    org: Organization,
    year: int,
    entries: Mapping[int, ManualEntry],
    note: str = "",
    today: date | None = None,
    refresh: bool = True,
) -> AnnualScore:
    """Enter the manual items, compute and freeze the automatic ones, total and stars."""
    today = today or timezone.localdate()
    if actor is not None:
        _require(can_score(actor), NOT_SCORER)
        _require_scope(actor, org.path)
    if org.kind != OrgKind.BRANCH or org.status != OrgStatus.ACTIVE:
        raise ValidationError("只有正常状态的党支部参加标准化考评")
    _check_year(year, today)
    existing = AnnualScore.objects.select_for_update().filter(org=org, year=year).first()
    if existing is not None and existing.is_confirmed:
        raise ValidationError(f"{year}年度的考评已由组织部确认，不能再修改")
    template = existing.template if existing else template_for(org, year)
    if template is None:
        raise ValidationError(f"没有适用于“{org.name}”{year}年度的考评细则，请先由组织部制定细则")
    items = list(template.items.order_by("sort_order", "code", "id"))
    if not items:
        raise ValidationError(f"考评细则“{template}”还没有考评项目")
    manual = _manual_points(items, entries)
    used = {i.feed for i in items if i.is_auto}
    figures = feeds.compute_feeds([org], year, today, used)
    ctx = RuleContext(today)
    score = existing or AnnualScore(org=org, org_path=org.path, year=year, template=template)
    score.org_path = org.path
    score.as_of = feeds.reference_date(year, today)
    score.scored_by = actor
    score.scored_at = timezone.now()
    score.note = note[:300]
    lines = []
    for item in items:
        line = ScoreLine(
            item=item,
            code=item.code,
            dimension=item.dimension,
            title=item.title,
            max_points=item.max_points,
            feed=item.feed,
        )
        if item.is_auto:
            feed = figures[item.feed][org.pk]
            line.units = feed.units
            line.rate = feeds.deduction_rate(item.feed, ctx)
            line.points = feeds.auto_points(item.max_points, feed.units, line.rate)
            line.figures = feed.figures
            line.source_text = feed.text[:300]
        else:
            line.points = manual[item.pk]
            entry = entries.get(item.pk)
            line.note = (entry.note if entry else "")[:300]
        lines.append(line)
    score.total = sum((line.points for line in lines), Decimal("0"))
    score.stars = stars_for(score.total, star_thresholds(ctx))
    score._history_user = actor  # type: ignore[attr-defined]
    score._change_reason = "重新评分" if existing else "评分"  # type: ignore[attr-defined]
    score.save()
    kept = {line.item_id: line for line in score.lines.all()} if existing else {}
    for line in lines:
        old = kept.pop(line.item_id, None)
        if old is not None:
            line.pk = old.pk
        line.score = score
        line.save()
    for stale in kept.values():
        stale.delete()
    if refresh:
        _refresh_township(org, today)
    return score


@transaction.atomic
def confirm_scores(*, actor: User, org: Organization, year: int) -> int:
    """The 组织部 confirms the stars of every scored branch under `org` in `year`."""
    _require(is_admin(actor), NOT_ADMIN)
    _require_scope(actor, org.path)
    _check_year(year, timezone.localdate())
    scores = list(
        AnnualScore.objects.select_for_update().filter(
            year=year, org_path__startswith=org.path, status=ScoreStatus.SCORED
        )
    )
    if not scores:
        raise ValidationError({"year": f"考评年度：{year}年度没有待确认的评分"})
    now = timezone.now()
    for s in scores:
        s.status, s.confirmed_by, s.confirmed_at = ScoreStatus.CONFIRMED, actor, now
        s._history_user = actor  # type: ignore[attr-defined]
        s._change_reason = "组织部确认星级"  # type: ignore[attr-defined]
        s.save()
    return len(scores)


@transaction.atomic
def reopen_score(*, actor: User, org: Organization, year: int, reason: str) -> AnnualScore:
    """退回重评: the 组织部 sends one branch's confirmed score back to the township committee,
    which may then score it again; the reason stays in the score's change history."""
    _require(is_admin(actor), NOT_ADMIN)
    _require_scope(actor, org.path)
    score = AnnualScore.objects.select_for_update().filter(org=org, year=year).first()
    if score is None:
        raise ValidationError({"year": f"考评年度：“{org.name}”{year}年度还没有评分"})
    if not score.is_confirmed:
        raise ValidationError(
            {"year": f"考评年度：“{org.name}”{year}年度的评分尚未确认，党（工）委可以直接修改"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "退回理由：必须填写"})
    score.status, score.confirmed_by, score.confirmed_at = ScoreStatus.SCORED, None, None
    score._history_user = actor  # type: ignore[attr-defined]
    score._change_reason = f"组织部退回重评：{reason.strip()}"[:100]  # type: ignore[attr-defined]
    score.save()
    return score


def _store(record: Any, uploaded: UploadedFile, actor: User) -> Any:
    prepared = prepare_upload(uploaded)
    record.original_name = prepared.original_name
    record.content_type = prepared.content_type
    record.size = prepared.size
    record.uploaded_by = actor
    record.blob.save("f.bin", prepared.content, save=False)
    record.save()
    return record


@transaction.atomic
def add_score_evidence(
    *, actor: User, org: Organization, year: int, item: ChecklistItem, uploaded: UploadedFile
) -> ScoreEvidence:
    _require(can_add_evidence(actor), NOT_EVIDENCE)
    _require_scope(actor, org.path)
    _check_year(year, timezone.localdate())
    template = template_for(org, year)
    score = AnnualScore.objects.filter(org=org, year=year).first()
    if score is not None:
        template = score.template
    if template is None or item.template_id != template.pk:
        raise ValidationError({"item": "考评项目：不是该支部本年度考评细则中的项目"})
    return _store(ScoreEvidence(org=org, org_path=org.path, year=year, item=item), uploaded, actor)


# --- 软弱涣散 ----------------------------------------------------------------------------------------


def valid_causes(codes: list[str]) -> list[str]:
    known = set(
        CodeItem.objects.filter(table__code=WEAK_CAUSE_TABLE, code__in=codes).values_list(
            "code", flat=True
        )
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError({"cause_codes": f"软弱涣散情形：未知的代码{'、'.join(unknown)}"})
    return sorted(set(codes))


def _event(weak: WeakOrg, kind: str, actor: User, note: str = "") -> None:
    WeakOrgEvent.objects.create(weak_org=weak, kind=kind, actor=actor, note=note[:500])


def refresh_weak_findings(listings: list[WeakOrg], today: date | None = None) -> int:
    return refresh_findings(WEAK_KIND, listings, RuleContext(today) if today else None)


@transaction.atomic
def propose_weak(
    *,
    actor: User,
    org: Organization,
    year: int,
    basis: str,
    cause_codes: list[str],
    situation: str = "",
    ranking_note: str = "",
    today: date | None = None,
) -> WeakOrg:
    """A township (or the 组织部) proposes an organization for the year's 软弱涣散 list."""
    today = today or timezone.localdate()
    _require(can_score(actor), NOT_SCORER)
    _require_scope(actor, org.path)
    _check_year(year, today)
    if org.kind not in WEAK_KINDS or org.status != OrgStatus.ACTIVE:
        raise ValidationError({"org": "党组织：只有正常状态的基层党委、党总支、党支部可以列入"})
    if basis not in WeakBasis.values:
        raise ValidationError({"basis": "列入依据：请选择"})
    causes = valid_causes(cause_codes)
    if basis == WeakBasis.CAUSE and not causes:
        raise ValidationError(
            {"cause_codes": "软弱涣散情形：按情形列入的，至少选择一种软弱涣散情形"}
        )
    if WeakOrg.objects.filter(org=org, year=year).exists():
        raise ValidationError({"org": f"党组织：“{org.name}”已在{year}年度的整顿名单中"})
    weak = WeakOrg(
        org=org,
        org_path=org.path,
        year=year,
        basis=basis,
        cause_codes=causes,
        situation=situation,
        ranking_note=ranking_note[:200],
        identified_by=actor,
    )
    weak._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            weak.save()
    except IntegrityError:
        raise ValidationError({"org": f"党组织：“{org.name}”已在{year}年度的整顿名单中"}) from None
    _event(weak, WeakOrgEvent.Kind.PROPOSED, actor, situation)
    return weak


def _require_admin_over(actor: User, weak: WeakOrg) -> None:
    _require(is_admin(actor), NOT_ADMIN)
    _require_scope(actor, weak.org_path)


@transaction.atomic
def confirm_weak(*, actor: User, weak: WeakOrg, approve: bool, reason: str) -> WeakOrg:
    """The 组织部 confirms a proposal (整顿中) or leaves the organization off the list."""
    _require_admin_over(actor, weak)
    if weak.status != WeakStatus.PROPOSED:
        raise ValidationError("只有拟列入的整顿对象需要确认")
    weak.status = WeakStatus.RECTIFYING if approve else WeakStatus.REJECTED
    weak._history_user = actor  # type: ignore[attr-defined]
    weak.save()
    kind = WeakOrgEvent.Kind.CONFIRMED if approve else WeakOrgEvent.Kind.REJECTED
    _event(weak, kind, actor, reason.strip())
    refresh_weak_findings([weak])
    return weak


def _require_plan_keeper(actor: User, weak: WeakOrg) -> None:
    _require(can_score(actor), NOT_SCORER)
    _require_scope(actor, weak.org_path)


def _require_open(weak: WeakOrg) -> None:
    if weak.status in (WeakStatus.CLOSED, WeakStatus.REJECTED):
        raise ValidationError(f"整顿对象{weak.get_status_display()}，不能再修改")


@transaction.atomic
def save_plan(
    *,
    actor: User,
    weak: WeakOrg,
    situation: str,
    responsible: str,
    deadline: date | None,
    cause_codes: list[str],
) -> WeakOrg:
    _require_plan_keeper(actor, weak)
    _require_open(weak)
    if deadline is not None and deadline < date(weak.year, 1, 1):
        raise ValidationError({"deadline": f"整顿期限：不能早于{weak.year}年1月1日"})
    causes = valid_causes(cause_codes)
    if weak.basis == WeakBasis.CAUSE and not causes:
        raise ValidationError({"cause_codes": "软弱涣散情形：按情形列入的，至少选择一种"})
    weak.situation, weak.responsible, weak.deadline = situation, responsible, deadline
    weak.cause_codes = causes
    weak._history_user = actor  # type: ignore[attr-defined]
    weak.save()
    refresh_weak_findings([weak])
    return weak


def _require_tracking(actor: User, weak: WeakOrg) -> None:
    _require(can_add_evidence(actor), NOT_EVIDENCE)
    _require_scope(actor, weak.org_path)
    _require_open(weak)


@transaction.atomic
def add_measure(*, actor: User, weak: WeakOrg, title: str, deadline: date) -> WeakOrgMeasure:
    _require_tracking(actor, weak)
    if not title.strip():
        raise ValidationError({"title": "整顿措施：必须填写"})
    if deadline < date(weak.year, 1, 1):
        raise ValidationError({"deadline": f"完成时限：不能早于{weak.year}年1月1日"})
    measure = WeakOrgMeasure(weak_org=weak, title=title.strip(), deadline=deadline)
    measure._history_user = actor  # type: ignore[attr-defined]
    measure.save()
    refresh_weak_findings([weak])
    return measure


@transaction.atomic
def complete_measure(
    *, actor: User, measure: WeakOrgMeasure, done_on: date, result: str = ""
) -> WeakOrgMeasure:
    weak = measure.weak_org
    _require_tracking(actor, weak)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "完成日期：不能晚于今天"})
    measure.done_on, measure.result = done_on, result[:300]
    measure._history_user = actor  # type: ignore[attr-defined]
    measure.save()
    refresh_weak_findings([weak])
    return measure


@transaction.atomic
def add_weak_evidence(*, actor: User, weak: WeakOrg, uploaded: UploadedFile) -> WeakOrgEvidence:
    _require_tracking(actor, weak)
    return _store(WeakOrgEvidence(weak_org=weak), uploaded, actor)


@transaction.atomic
def report_progress(*, actor: User, weak: WeakOrg, note: str) -> WeakOrg:
    _require_tracking(actor, weak)
    if not note.strip():
        raise ValidationError({"note": "进展情况：必须填写"})
    _event(weak, WeakOrgEvent.Kind.PROGRESS, actor, note.strip())
    return weak


@transaction.atomic
def request_weak_closure(*, actor: User, weak: WeakOrg, reason: str) -> WeakOrg:
    """The township asks for 销号: confirmed, every measure done, the result written."""
    _require_plan_keeper(actor, weak)
    if weak.status != WeakStatus.RECTIFYING:
        raise ValidationError("只有整顿中的党组织可以申请销号")
    measures = list(weak.measures.all())
    if not measures:
        raise ValidationError("还没有整顿措施，不能申请销号")
    pending = [m.title for m in measures if m.done_on is None]
    if pending:
        raise ValidationError(f"整顿措施尚未全部完成：{'、'.join(pending)}")
    if not reason.strip():
        raise ValidationError({"reason": "理由：必须填写整顿成效"})
    weak.status = WeakStatus.REQUESTED
    weak._history_user = actor  # type: ignore[attr-defined]
    weak.save()
    _event(weak, WeakOrgEvent.Kind.REQUESTED, actor, reason.strip())
    refresh_weak_findings([weak])
    return weak


@transaction.atomic
def decide_weak_closure(*, actor: User, weak: WeakOrg, approve: bool, reason: str) -> WeakOrg:
    _require_admin_over(actor, weak)
    if weak.status != WeakStatus.REQUESTED:
        raise ValidationError("该整顿对象没有待审核的销号申请")
    if not reason.strip():
        raise ValidationError({"reason": "审核意见：必须填写"})
    if approve:
        weak.status, weak.closed_on = WeakStatus.CLOSED, timezone.localdate()
    else:
        weak.status = WeakStatus.RECTIFYING
    weak._history_user = actor  # type: ignore[attr-defined]
    weak.save()
    kind = WeakOrgEvent.Kind.APPROVED if approve else WeakOrgEvent.Kind.REFUSED
    _event(weak, kind, actor, reason.strip())
    refresh_weak_findings([weak])
    return weak
