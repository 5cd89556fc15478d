"""Every write to the member register: create, edit, status changes; roll-ups and findings follow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.locking import check_version
from zugong.core.pinyin import name_initials, name_pinyin
from zugong.core.selectors import surname_overrides
from zugong.core.services import refresh_findings
from zugong.members.completeness import completeness_score
from zugong.members.models import Member, MemberStatus, MemberStatusChange, MemberType
from zugong.orgs import rollups
from zugong.orgs.models import Organization, OrgKind
from zugong.orgs.services import refresh_org_findings
from zugong.stats import periods
from zugong.stats.models import PeriodSource

FEMALE_CODE = "2"


def contribution(member: Member) -> dict[str, int]:
    """What one member adds to the subtree counters of its branch and every ancestor."""
    if not member.is_counted:
        return {}
    return {
        "members_total": 1,
        "full_members_total": 1 if member.member_type == MemberType.FULL else 0,
        "probationary_total": 1 if member.member_type == MemberType.PROBATIONARY else 0,
        "female_total": 1 if member.gender_id and member.gender.code == FEMALE_CODE else 0,
        "completeness_sum": member.completeness,
        "complete_total": 1 if member.completeness == 100 else 0,
    }


def apply_contribution(path: str, counts: dict[str, int], sign: int) -> None:
    if counts:
        rollups.apply_delta(path, {k: sign * v for k, v in counts.items()}, direct=sign)


def derive_fields(member: Member, overrides: dict[str, str] | None = None) -> None:
    """Columns computed from others: pinyin, the reversed ID, the scope path, the completeness."""
    overrides = surname_overrides() if overrides is None else overrides
    member.name_pinyin = name_pinyin(member.name, overrides)
    member.name_initials = name_initials(member.name, overrides)
    member.id_number_reversed = member.id_number[::-1]
    member.org_path = member.org.path
    member.completeness = completeness_score(member)


def _check_branch(org: Organization) -> None:
    if org.kind != OrgKind.BRANCH:
        raise ValidationError(
            {"org": f"所在党支部：党员只能编入党支部，“{org.name}”是{org.get_kind_display()}。"}
        )
    if not org.is_active:
        raise ValidationError({"org": f"所在党支部：“{org.name}”已撤销，不能编入党员。"})


def _require_scope(actor: User | None, path: str) -> None:
    if actor is not None and not actor.scope.contains(path):
        raise PermissionError("不在本账号的管理范围内")


def after_member_write(members: Iterable[Member], orgs: Iterable[Organization]) -> None:
    members = list(members)
    id_numbers = {m.id_number for m in members}
    # A duplicate ID is a finding on every record that shares it, not only the one just written.
    related = list(Member.objects.filter(id_number__in=id_numbers).select_related("org"))
    refresh_findings("member", related)
    refresh_org_findings(list({o.pk: o for o in orgs}.values()))


def _check_effective_date(on: date | None) -> None:
    if on is not None and on > timezone.localdate():
        raise ValidationError({"effective_on": "生效日期：不能晚于今天。"})


@transaction.atomic
def create_member(
    *,
    actor: User | None,
    member: Member,
    on: date | None = None,
    source: str = PeriodSource.REGISTER,
) -> Member:
    """A new register record, counted from `on` (the day it entered the register; today by
    default, the 批准日期 for a 发展 admission, the 接收日期 for a 转入)."""
    _require_scope(actor, member.org.path)
    _check_branch(member.org)
    _check_effective_date(on)
    derive_fields(member)
    member.full_clean()
    member.save()
    periods.record_member(member, on=on, source=source, actor=actor)
    apply_contribution(member.org_path, contribution(member), +1)
    after_member_write([member], [member.org])
    return member


@transaction.atomic
def update_member(
    *,
    actor: User | None,
    member: Member,
    on: date | None = None,
    source: str = PeriodSource.EDIT,
    correction: bool = False,
    expected_version: int | None = None,
) -> Member:
    """Save an edited member; `member` holds the new values, the database the old ones.

    The changed fields count from `on` (today by default); a correction (更正) counts from the
    record's first day, as if it had always been so. `expected_version`: the version the form
    was opened with; a newer saved one raises StaleEdit."""
    before = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org", "gender")
        .get(pk=member.pk)
    )
    _require_scope(actor, before.org_path)
    _require_scope(actor, member.org.path)
    check_version(before, member, expected_version)
    if member.org_id != before.org_id:
        _check_branch(member.org)
    _check_effective_date(on)
    derive_fields(member)
    member.full_clean()
    member.save()
    if correction:
        on, source = periods.first_period_start(member), PeriodSource.CORRECTION
    periods.record_member(member, on=on, source=source, actor=actor)
    apply_contribution(before.org_path, contribution(before), -1)
    apply_contribution(member.org_path, contribution(member), +1)
    after_member_write([member, before], [member.org, before.org])
    return member


# Which status changes the register allows by hand; transfers get their own module later.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    MemberStatus.NORMAL: frozenset(
        {
            MemberStatus.SUSPENDED,
            MemberStatus.LEFT,
            MemberStatus.DECEASED,
            MemberStatus.TRANSFERRED_OUT,
        }
    ),
    MemberStatus.SUSPENDED: frozenset(
        {MemberStatus.NORMAL, MemberStatus.LEFT, MemberStatus.DECEASED}
    ),
    MemberStatus.TRANSFERRED_OUT: frozenset({MemberStatus.NORMAL}),
    MemberStatus.LEFT: frozenset(),
    MemberStatus.DECEASED: frozenset(),
}


@transaction.atomic
def change_member_status(
    *, actor: User | None, member: Member, to_status: str, on: date, reason: str
) -> MemberStatusChange:
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org", "gender")
        .get(pk=member.pk)
    )
    _require_scope(actor, member.org_path)
    if to_status not in ALLOWED_STATUS_CHANGES[member.status]:
        raise ValidationError(
            {
                "to_status": f"党籍状态：不能从“{member.get_status_display()}”变更为“{MemberStatus(to_status).label}”。"
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": "变更原因：必须填写。"})
    if on < member.birth_date or (member.joined_on and on < member.joined_on):
        raise ValidationError({"changed_on": "变更日期：不能早于出生日期或入党日期。"})
    if on > timezone.localdate():
        raise ValidationError({"changed_on": "变更日期：不能晚于今天。"})
    if member.status_changed_on and on < member.status_changed_on:
        raise ValidationError(
            {
                "changed_on": f"变更日期：不能早于上一次党籍状态变更的日期（{member.status_changed_on}），"
                "否则历史统计会前后矛盾。"
            }
        )
    if to_status == MemberStatus.NORMAL:
        _check_branch(member.org)
    before = contribution(member)
    change = MemberStatusChange.objects.create(
        member=member,
        from_status=member.status,
        to_status=to_status,
        changed_on=on,
        reason=reason.strip(),
        actor=actor,
    )
    member.status = to_status
    member.status_changed_on = on
    member._change_reason = f"党籍状态变更：{reason.strip()}"
    member.save()
    periods.record_member(member, on=on, source=PeriodSource.STATUS, actor=actor)
    apply_contribution(member.org_path, before, -1)
    apply_contribution(member.org_path, contribution(member), +1)
    after_member_write([member], [member.org])
    return change
