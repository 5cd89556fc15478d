"""Every write of the talent pool and the policies: transactional, role- and scope-checked, with
history. Bad input raises ValidationError with Chinese messages naming the field and the rule;
a grant to a talent who does not meet an item's conditions is refused, naming the condition.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from zugong.core.ids import check_id_number
from zugong.core.locking import check_version, lock_row
from zugong.core.pinyin import name_initials, name_pinyin
from zugong.core.rules.engine import RuleContext
from zugong.core.selectors import surname_overrides
from zugong.core.services import refresh_findings
from zugong.orgs.models import PATH_STEP, Organization
from zugong.talents.access import can_write_talents
from zugong.talents.eligibility import clean_eligibility, unmet_conditions
from zugong.talents.models import (
    ArchiveEntry,
    Grant,
    Policy,
    PolicyItem,
    PolicyItemKind,
    Talent,
    TalentCategory,
    TalentStatus,
)
from zugong.talents.rules import TALENT_KIND, tier_pairs

NOT_WRITER = "只有人才办、组织部管理员可以维护人才库和人才政策"

TALENT_FIELDS = (
    "id_number",
    "name",
    "category",
    "tier",
    "field",
    "employer",
    "title",
    "honors",
    "education",
    "major",
    "recruit_mode",
    "arrived_on",
    "policy",
    "phone",
    "status",
    "left_on",
    "note",
    "org",
)


def require_writer(actor: Any, path: str | None = None) -> None:
    if not can_write_talents(actor):
        raise PermissionDenied(NOT_WRITER)
    if path is not None and not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def can_edit_policy(actor: Any, policy: Policy) -> bool:
    """A writer edits the policies of its area and below; a policy without an area belongs to
    the top of the tree."""
    if not can_write_talents(actor):
        return False
    if policy.org_path:
        return actor.scope.contains(policy.org_path)
    return actor.scope.path is not None and len(actor.scope.path) <= PATH_STEP


def _require_policy_writer(actor: Any, policy: Policy) -> None:
    require_writer(actor)
    if not can_edit_policy(actor, policy):
        raise PermissionDenied("只能修改本级及下级制定的人才政策")


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# --- talents --------------------------------------------------------------------------------


def derive_fields(talent: Talent, overrides: dict[str, str] | None = None) -> None:
    overrides = surname_overrides() if overrides is None else overrides
    talent.name_pinyin = name_pinyin(talent.name, overrides)[:120]
    talent.name_initials = name_initials(talent.name, overrides)[:40]


def talent_errors(
    data: dict[str, Any],
    *,
    today: date,
    tiers: list[str],
    existing_pk: int | None = None,
    check_unique: bool = True,
) -> dict[str, list[str]]:
    """The record's own rules (the form, the import and the service share them)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    check = check_id_number(data.get("id_number") or "", today=today)
    if check.errors:
        for message in check.errors:
            add("id_number", message)
    else:
        data["id_number"] = check.normalized
        data["_birth_date"], data["_gender"] = check.birth_date, check.sex
        clash = Talent.objects.filter(id_number=check.normalized)
        if existing_pk:
            clash = clash.exclude(pk=existing_pk)
        if check_unique and clash.exists():
            add("id_number", "公民身份号码：人才库中已有该号码的人才，不能重复录入")
    name = (data.get("name") or "").strip()
    if not name:
        add("name", "姓名：必须填写")
    data["name"] = name
    category, tier = data.get("category") or "", (data.get("tier") or "").strip()
    if category not in TalentCategory.values:
        add("category", "人才类别：必须选择")
    elif category == TalentCategory.HIGH_LEVEL and tier not in tiers:
        add(
            "tier",
            f"层次：高层次人才须按本地分类目录选择层次（{'、'.join(tiers)}）"
            if not tier
            else f"层次：“{tier}”不在本地分类目录中（{'、'.join(tiers)}）",
        )
    elif category != TalentCategory.HIGH_LEVEL and tier:
        add("tier", "层次：只有高层次人才分层次，其他类别不填")
    data["tier"] = tier
    arrived = data.get("arrived_on")
    if arrived and arrived > today:
        add("arrived_on", "来县（入库）日期：不能晚于今天")
    birth = data.get("_birth_date")
    if arrived and birth and arrived < birth:
        add("arrived_on", "来县（入库）日期：不能早于出生日期")
    status = data.get("status") or TalentStatus.ACTIVE
    data["status"] = status
    left_on = data.get("left_on")
    if status == TalentStatus.LEFT and not left_on:
        add("left_on", "离开日期：状态为“已离开”时必须填写")
    if status != TalentStatus.LEFT and left_on:
        add("left_on", "离开日期：只有状态为“已离开”时才填写")
    if left_on and arrived and left_on < arrived:
        add("left_on", "离开日期：不能早于来县（入库）日期")
    if left_on and left_on > today:
        add("left_on", "离开日期：不能晚于今天")
    phone = (data.get("phone") or "").strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        add("phone", "手机号：应为7到12位数字")
    data["phone"] = phone
    return errors


@transaction.atomic
def save_talent(
    *,
    actor: Any,
    talent: Talent | None,
    reason: str = "",
    refresh: bool = True,
    expected_version: int | None = None,
    **data: Any,
) -> Talent:
    """Create or change a talent; `refresh=False` leaves the findings to a later batch run
    (the demo and bulk loads). `expected_version`: the version an edit form was opened with; a
    newer saved one raises StaleEdit and nothing is written."""
    org: Organization | None = data.get("org")
    if org is None:
        raise ValidationError({"org": "所属乡镇（系统）：必须选择"})
    require_writer(actor, talent.org_path if talent else None)
    if talent is not None:
        check_version(lock_row(Talent, talent.pk), talent, expected_version)
    if not actor.scope.contains(org.path):
        raise ValidationError({"org": f"所属乡镇（系统）：“{org.name}”不在您的管理范围内"})
    policy = data.get("policy")
    if policy is not None and not org.path.startswith(policy.org_path):
        raise ValidationError({"policy": f"引进依据政策：“{policy.title}”不适用于“{org.name}”"})
    today = timezone.localdate()
    tiers = [code for code, _ in tier_pairs(on=today)]
    errors = talent_errors(
        data, today=today, tiers=tiers, existing_pk=talent.pk if talent else None
    )
    if errors:
        raise ValidationError(errors)
    record = talent or Talent(created_by=actor)
    for name in TALENT_FIELDS:
        if name in data:
            setattr(record, name, data[name] if data[name] is not None else _blank(name))
    record.birth_date, record.gender = data["_birth_date"], data["_gender"] or ""
    derive_fields(record)
    if reason:
        record._change_reason = reason  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError({"id_number": "公民身份号码：人才库中已有该号码的人才"}) from None
    if refresh:
        refresh_talent_findings([record], today=today)
    return record


def _blank(name: str) -> Any:
    return None if name in ("arrived_on", "left_on", "policy") else ""


def refresh_talent_findings(talents: list[Talent], today: date | None = None) -> int:
    return refresh_findings(TALENT_KIND, talents, RuleContext(today) if today else None)


@transaction.atomic
def add_archive_entry(*, actor: Any, talent: Talent, **data: Any) -> ArchiveEntry:
    require_writer(actor, talent.org_path)
    _check_entry_date(talent, data["occurred_on"])
    return ArchiveEntry.objects.create(talent=talent, created_by=actor, **data)


@transaction.atomic
def update_archive_entry(*, actor: Any, entry: ArchiveEntry, **data: Any) -> ArchiveEntry:
    """A correction of an entry; the previous text stays in the entry's change history."""
    require_writer(actor, entry.talent.org_path)
    _check_entry_date(entry.talent, data["occurred_on"])
    for name, value in data.items():
        setattr(entry, name, value)
    entry._change_reason = "修改发展档案"
    entry.save()
    return entry


def _check_entry_date(talent: Talent, occurred_on: date) -> None:
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "日期：发展档案只记录已发生的事，不能晚于今天"})
    if talent.birth_date and occurred_on < talent.birth_date:
        raise ValidationError({"occurred_on": "日期：不能早于该人才的出生日期"})


@transaction.atomic
def delete_archive_entry(*, actor: Any, entry: ArchiveEntry) -> None:
    require_writer(actor, entry.talent.org_path)
    entry.delete()


# --- policies -------------------------------------------------------------------------------


@transaction.atomic
def save_policy(*, actor: Any, policy: Policy | None, **data: Any) -> Policy:
    if policy is not None:
        _require_policy_writer(actor, policy)
    require_writer(actor)
    org: Organization = data["org"]
    if not actor.scope.contains(org.path):
        raise ValidationError({"org": f"适用范围：“{org.name}”不在您的管理范围内"})
    if data["effective_from"] < data["issued_on"]:
        raise ValidationError({"effective_from": "施行日期：不能早于印发日期"})
    until = data.get("effective_until")
    if until and until < data["effective_from"]:
        raise ValidationError({"effective_until": "截止日期：不能早于施行日期"})
    record = policy or Policy()
    for name, value in data.items():
        setattr(record, name, value)
    record.save()
    return record


@transaction.atomic
def save_item(
    *, actor: Any, policy: Policy, item: PolicyItem | None, eligibility: dict[str, Any], **data: Any
) -> PolicyItem:
    _require_policy_writer(actor, policy)
    tiers = [code for code, _ in tier_pairs()]
    rules = clean_eligibility(eligibility, tiers)
    code = data["code"]
    clash = PolicyItem.objects.filter(policy=policy, code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": f"编码：本政策已有编码为“{code}”的事项"})
    if data["kind"] == PolicyItemKind.MONEY and not data.get("amount"):
        raise ValidationError({"amount": "标准金额（元）：资金补贴类事项须填写大于0的标准金额"})
    if data["kind"] == PolicyItemKind.SERVICE and not data.get("service"):
        raise ValidationError({"service": "服务内容：服务保障类事项须写明服务内容"})
    record = item or PolicyItem(policy=policy)
    for name, value in data.items():
        setattr(record, name, value if value is not None else _item_blank(name))
    record.eligibility = rules
    record.save()
    if item is not None:
        # The conditions changed: the talents enjoying the item are judged again.
        talents = list(Talent.objects.filter(grants__item=record).distinct())
        refresh_talent_findings(talents)
    return record


def _item_blank(name: str) -> Any:
    return {"amount": Decimal("0"), "period_months": None}.get(name, "")


# --- grants ---------------------------------------------------------------------------------


@transaction.atomic
def grant_item(
    *,
    actor: Any,
    talent: Talent,
    item: PolicyItem,
    granted_on: date,
    amount: Decimal | None = None,
    remark: str = "",
    refresh: bool = True,
) -> Grant:
    """兑现 one policy item to one talent; refused when any condition is unmet (nothing written)."""
    require_writer(actor, talent.org_path)
    # One grant per talent and item: lock the talent so two clerks cannot grant it twice.
    talent = Talent.objects.select_for_update().get(pk=talent.pk)
    if not talent.org_path.startswith(item.policy.org_path):
        raise ValidationError({"item": f"政策事项：“{item.policy.title}”不适用于该人才所在区域"})
    today = timezone.localdate()
    if granted_on > today:
        raise ValidationError({"granted_on": "兑现日期：不能晚于今天"})
    previous = Grant.objects.filter(talent=talent, item=item).first()
    if previous is not None:
        raise ValidationError(
            {
                "item": f"政策事项：该人才已于{previous.granted_on:%Y-%m-%d}享受“{item.name}”，不能重复兑现"
            }
        )
    unmet = unmet_conditions(talent, item, granted_on, dict(tier_pairs(on=granted_on)))
    if unmet:
        raise ValidationError(
            {"item": [f"不能向{talent.name}兑现“{item.name}”：{u}" for u in unmet]}
        )
    if item.kind == PolicyItemKind.MONEY:
        amount = item.amount if amount is None else amount
        if amount <= 0:
            raise ValidationError({"amount": "核定金额（元）：资金补贴须大于0"})
        if amount > item.amount:
            raise ValidationError(
                {"amount": f"核定金额（元）：不能超过该事项的标准金额{item.amount}元"}
            )
    else:
        amount = Decimal("0")
    ends_on = add_months(granted_on, item.period_months) if item.period_months else None
    if ends_on is not None:
        ends_on = date.fromordinal(ends_on.toordinal() - 1)
    grant = Grant.objects.create(
        talent=talent,
        item=item,
        granted_on=granted_on,
        ends_on=ends_on,
        amount=amount,
        remark=remark,
        created_by=actor,
    )
    if refresh:
        refresh_talent_findings([talent])
    return grant


@transaction.atomic
def stop_grant(*, actor: Any, grant: Grant, stopped_on: date, reason: str) -> Grant:
    """终止享受: a grant that no longer meets its conditions ends on a date, with the reason."""
    require_writer(actor, grant.talent.org_path)
    grant = Grant.objects.select_for_update().select_related("talent").get(pk=grant.pk)
    if grant.stopped_on is not None:
        raise ValidationError(
            {"stopped_on": f"终止日期：该记录已于{grant.stopped_on:%Y-%m-%d}终止"}
        )
    if stopped_on < grant.granted_on:
        raise ValidationError({"stopped_on": "终止日期：不能早于兑现日期"})
    if stopped_on > timezone.localdate():
        raise ValidationError({"stopped_on": "终止日期：不能晚于今天"})
    if not reason.strip():
        raise ValidationError({"stop_reason": "终止原因：必须填写"})
    grant.stopped_on, grant.stop_reason = stopped_on, reason.strip()
    grant.save(update_fields=["stopped_on", "stop_reason", "updated_at"])
    refresh_talent_findings([grant.talent])
    return grant
