"""Every write to the organization tree and its leadership teams."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.locking import check_version, lock_row
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.orgs import rollups
from zugong.orgs.models import (
    ALLOWED_CHILDREN,
    PATH_ALPHABET,
    PATH_STEP,
    LeadershipTeam,
    Organization,
    OrgKind,
    OrgRollup,
    OrgStatus,
    TeamKind,
    TeamSeat,
)
from zugong.orgs.paths import PATH_COPIES
from zugong.stats import periods
from zugong.stats.models import PeriodSource

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "code",
    "category",
    "founded_on",
    "unit_name",
    "unit_situation",
    "contact_person",
    "contact_phone",
    "address",
    "sort_order",
    "note",
)


def _encode_segment(number: int) -> str:
    base = len(PATH_ALPHABET)
    chars = []
    for _ in range(PATH_STEP):
        number, digit = divmod(number, base)
        chars.append(PATH_ALPHABET[digit])
    if number:
        raise ValidationError("该上级组织下的组织数量已达上限。")
    return "".join(reversed(chars))


def _decode_segment(segment: str) -> int:
    value = 0
    for ch in segment:
        value = value * len(PATH_ALPHABET) + PATH_ALPHABET.index(ch)
    return value


def next_child_path(parent: Any | None, model: type[models.Model] = Organization) -> str:
    """The next free path under `parent` in any materialized-path tree (`path`, `depth`)."""
    prefix = parent.path if parent else ""
    depth = (parent.depth if parent else 0) + 1
    last = model.objects.filter(path__startswith=prefix, depth=depth).aggregate(m=Max("path"))["m"]
    number = _decode_segment(last[-PATH_STEP:]) + 1 if last else 1
    return prefix + _encode_segment(number)


def _require_scope(actor: User | None, org: Organization) -> None:
    # Services re-check scope so that no caller can write outside its subtree by mistake.
    if actor is not None and not actor.scope.contains(org.path):
        raise PermissionError("不在本账号的管理范围内")


def _check_kind(parent: Organization | None, kind: str) -> None:
    if parent is None:
        if kind != OrgKind.COUNTY_COMMITTEE:
            raise ValidationError({"parent": "只有县委可以作为顶级组织，请选择上级党组织。"})
        return
    if not parent.is_active:
        raise ValidationError({"parent": f"上级党组织“{parent.name}”已撤销，不能在其下设立组织。"})
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        allowed = "、".join(OrgKind(k).label for k in sorted(ALLOWED_CHILDREN[parent.kind])) or "无"
        raise ValidationError(
            {
                "kind": f"组织层级：“{parent.get_kind_display()}”下只能设立{allowed}，不能设立{OrgKind(kind).label}。"
            }
        )


@transaction.atomic
def create_org(
    *, actor: User | None, parent: Organization | None, **fields: object
) -> Organization:
    if parent is not None:
        _require_scope(actor, parent)
    kind = str(fields["kind"])
    _check_kind(parent, kind)
    org = Organization(parent=parent, **fields)
    org.path = next_child_path(parent)
    org.depth = len(org.path) // PATH_STEP
    org.full_clean()
    org.save()
    today = timezone.localdate()
    founded = min(org.founded_on, today) if org.founded_on else today
    periods.record_org(org, on=founded, source=PeriodSource.REGISTER, actor=actor)
    OrgRollup.objects.create(org=org)
    rollups.apply_delta(org.path, rollups.org_contribution(org))
    refresh_org_findings([org])
    return org


@transaction.atomic
def update_org(
    *,
    actor: User | None,
    org: Organization,
    expected_version: int | None = None,
    **fields: object,
) -> Organization:
    """`expected_version`: the version the form was opened with; a newer saved one raises
    StaleEdit and nothing is written."""
    _require_scope(actor, org)
    check_version(lock_row(Organization, org.pk), org, expected_version)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"field {name} is not editable here")
        setattr(org, name, value)
    org.full_clean()
    org.save()
    # A new name or category counts from today; the past keeps what it was.
    periods.record_org(org, source=PeriodSource.ORG_CHANGE, actor=actor)
    return org


@transaction.atomic
def move_org(*, actor: User | None, org: Organization, new_parent: Organization) -> Organization:
    """Move a subtree under a new parent; paths of the subtree, its members and findings follow."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require_scope(actor, org)
    _require_scope(actor, new_parent)
    if actor is not None and actor.scope.path == org.path:
        raise ValidationError({"parent": "不能移动本账号所辖的组织本身。"})
    if new_parent.path.startswith(org.path):
        raise ValidationError(
            {"parent": "不能把组织移动到它自己或它的下级组织之下（会形成循环）。"}
        )
    if org.parent_id == new_parent.pk:
        return org
    _check_kind(new_parent, org.kind)
    rollup = OrgRollup.objects.get(org=org)
    moved = {k: getattr(rollup, k) for k in OrgRollup.COUNTERS if k != "members_direct"}
    old_path = org.path
    old_parent_path = old_path[:-PATH_STEP]
    rollups.apply_delta(old_parent_path, {k: -v for k, v in moved.items()})

    new_path = next_child_path(new_parent)
    new_prefix = Value(new_path)
    for model, field in _path_copies():
        model.objects.filter(**{f"{field}__startswith": old_path}).update(
            **{field: Concat(new_prefix, Substr(field, len(old_path) + 1))}
        )
    # Two steps keep the unique path index valid at every moment on both databases.
    Organization.objects.filter(path__startswith=old_path).update(path=Concat(Value("~"), "path"))
    Organization.objects.filter(path__startswith="~" + old_path).update(
        path=Concat(new_prefix, Substr("path", len(old_path) + 2)),
    )
    Organization.objects.filter(path__startswith=new_path).update(depth=Length("path") / PATH_STEP)
    org.refresh_from_db()
    org.parent = new_parent
    org.save(update_fields=["parent", "updated_at"])
    # The subtree's place in the tree changes from today; statistics of past days keep the old one.
    periods.change_orgs_today(
        list(Organization.objects.filter(path__startswith=new_path)),
        on=timezone.localdate(),
        source=PeriodSource.ORG_CHANGE,
        actor=actor,
    )
    rollups.apply_delta(new_parent.path, moved)
    return org


def _path_copies() -> list[tuple[type, str]]:
    """Tables that keep a copy of an organization path for scope filtering."""
    return [(Finding, "org_path"), *PATH_COPIES]


@transaction.atomic
def dissolve_org(*, actor: User | None, org: Organization, on: date, reason: str) -> Organization:
    from zugong.members.selectors import has_members_in_subtree

    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require_scope(actor, org)
    if actor is not None and actor.scope.path == org.path:
        raise ValidationError("不能撤销本账号所辖的组织本身。")
    if not org.is_active:
        raise ValidationError("该组织已撤销。")
    if org.children.filter(status=OrgStatus.ACTIVE).exists():
        raise ValidationError("该组织还有未撤销的下级组织，请先撤销或移走下级组织。")
    if has_members_in_subtree(org.path):
        raise ValidationError("该组织还有党员，请先将党员转移到其他党组织后再撤销。")
    if org.founded_on and on < org.founded_on:
        raise ValidationError({"dissolved_on": "撤销日期不能早于成立日期。"})
    before = rollups.org_contribution(org)
    org.status = OrgStatus.DISSOLVED
    org.dissolved_on = on
    org.dissolved_reason = reason
    org.save()
    periods.record_org(org, on=on, source=PeriodSource.ORG_CHANGE, actor=actor)
    rollups.apply_delta(org.path, {k: -v for k, v in before.items()})
    LeadershipTeam.objects.filter(org=org, is_current=True).update(is_current=False)
    refresh_org_findings([org])
    return org


def team_kind_for(org: Organization) -> str:
    if org.kind == OrgKind.BRANCH:
        return TeamKind.BRANCH_COMMITTEE
    if org.kind == OrgKind.GENERAL_BRANCH:
        return TeamKind.GENERAL_BRANCH_COMMITTEE
    return TeamKind.PARTY_COMMITTEE


def term_years_for(org: Organization, ctx: RuleContext | None = None) -> tuple[int, str]:
    """The term length in force for this organization, and where it comes from."""
    from zugong.orgs.rules import term_due as term_rule
    from zugong.orgs.rules import term_years_param

    ctx = ctx or RuleContext()
    key = term_years_param(org)
    return int(ctx.param(term_rule, key)), str(term_rule.citation)


@transaction.atomic
def elect_team(
    *,
    actor: User | None,
    org: Organization,
    elected_on: date,
    seats: list[tuple[str, str]],
    note: str = "",
) -> LeadershipTeam:
    """Record a new term: the previous team ends, the term length is stamped from the rule in force."""
    _require_scope(actor, org)
    if not org.is_active:
        raise ValidationError("已撤销的组织不能选举班子。")
    if org.kind in (OrgKind.BRANCH_GROUP, OrgKind.COUNTY_COMMITTEE, OrgKind.PARTY_GROUP):
        raise ValidationError(f"{org.get_kind_display()}不在本模块的换届管理范围内。")
    current = org.teams.filter(is_current=True).first()
    if current and elected_on <= current.elected_on:
        raise ValidationError(
            {"elected_on": f"选举日期须晚于上一届的选举日期（{current.elected_on}）。"}
        )
    if not seats:
        raise ValidationError("请至少填写一名班子成员。")
    years, source = term_years_for(org)
    LeadershipTeam.objects.filter(org=org, is_current=True).update(is_current=False)
    team = LeadershipTeam.objects.create(
        org=org,
        kind=team_kind_for(org),
        elected_on=elected_on,
        term_years=years,
        term_ends_on=elected_on + relativedelta(years=years),
        term_rule_source=source,
        note=note,
    )
    TeamSeat.objects.bulk_create(
        [
            TeamSeat(team=team, person_name=name, position=position, started_on=elected_on)
            for name, position in seats
        ]
    )
    refresh_org_findings([org])
    return team


def refresh_org_findings(orgs: list[Organization]) -> int:
    return refresh_findings("organization", orgs)
