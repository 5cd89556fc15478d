"""Regulation checks on organizations: terms (换届) and branch size and committee setup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db.models import Count, Q

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.orgs.models import LeadershipTeam, Organization, OrgKind

TERM_OPINION = Citation(
    "关于党的基层组织任期的意见",
    "（中共中央办公厅，2018年）：基层党委一般5年，总支、支部一般3年，村、社区党组织5年",
)
ELECTION_RULES = Citation("中国共产党基层组织选举工作条例", "第三条：任期届满应当按期进行换届选举")
BRANCH_RULES_SIZE = Citation(
    "中国共产党支部工作条例（试行）", "第四条：正式党员3人以上的，应当成立党支部"
)
BRANCH_RULES_COMMITTEE = Citation(
    "中国共产党支部工作条例（试行）", "第六章：党员7人以上的党支部，设立党支部委员会"
)

VILLAGE_COMMUNITY_CATEGORIES = frozenset({"01", "02"})


def term_years_param(org: Organization) -> str:
    """Which term-length parameter applies to this organization."""
    category = org.category.code if org.category_id else ""
    if category in VILLAGE_COMMUNITY_CATEGORIES:
        return "years_village_community"
    if org.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH):
        return "years_branch"
    return "years_committee"


def _preload(ctx: RuleContext, orgs: Sequence[Organization]) -> None:
    from zugong.members.models import COUNTED_STATUSES, MemberType

    ids = [o.pk for o in orgs]
    ctx.data["current_team"] = {
        t.org_id: t for t in LeadershipTeam.objects.filter(org_id__in=ids, is_current=True)
    }
    ctx.data["full_members"] = dict(
        Organization.objects.filter(pk__in=ids)
        .annotate(
            n=Count(
                "members",
                filter=Q(
                    members__status__in=list(COUNTED_STATUSES), members__member_type=MemberType.FULL
                ),
            )
        )
        .values_list("pk", "n")
    )


register_subject_kind(
    SubjectKind(
        name="organization",
        label=lambda o: o.name,
        org_path=lambda o: o.path,
        preload=_preload,
        queryset=lambda: Organization.objects.select_related("category"),
        url_name="orgs:detail",
        title="党组织",
    )
)


@rule(
    id="org.term_due",
    title="班子任期届满换届提醒",
    subject_type="organization",
    citation=TERM_OPINION,
    params={"years_branch": 3, "years_committee": 5, "years_village_community": 5, "lead_days": 90},
)
def term_due(org: Organization, ctx: RuleContext) -> Iterable[Verdict]:
    team = ctx.data["current_team"].get(org.pk)
    if not org.is_active or team is None:
        return
    ends = team.term_ends_on
    lead = int(ctx.param(term_due, "lead_days"))
    if ends >= ctx.today and ends - ctx.today <= timedelta(days=lead):
        days = (ends - ctx.today).days
        yield Verdict(
            f"{team.get_kind_display()}任期将于{ends:%Y年%m月%d日}届满（还有{days}天），请做好换届准备",
            due_on=ends,
        )


@rule(
    id="org.term_overdue",
    title="班子任期届满未换届",
    subject_type="organization",
    citation=ELECTION_RULES,
    severity="block",
)
def term_overdue(org: Organization, ctx: RuleContext) -> Iterable[Verdict]:
    team = ctx.data["current_team"].get(org.pk)
    if not org.is_active or team is None:
        return
    if team.term_ends_on < ctx.today:
        days = (ctx.today - team.term_ends_on).days
        yield Verdict(
            f"{team.get_kind_display()}任期已于{team.term_ends_on:%Y年%m月%d日}届满，已超期{days}天未换届",
            due_on=team.term_ends_on,
        )


@rule(
    id="org.branch_needs_committee",
    title="正式党员7人以上的党支部应设立支部委员会",
    subject_type="organization",
    citation=BRANCH_RULES_COMMITTEE,
    params={"min_full_members": 7},
)
def branch_needs_committee(org: Organization, ctx: RuleContext) -> Iterable[Verdict]:
    if not (org.is_active and org.kind == OrgKind.BRANCH):
        return
    threshold = int(ctx.param(branch_needs_committee, "min_full_members"))
    full = ctx.data["full_members"].get(org.pk, 0)
    if full >= threshold and org.pk not in ctx.data["current_team"]:
        yield Verdict(f"党支部有正式党员{full}人（{threshold}人以上），尚未设立支部委员会")


@rule(
    id="org.branch_too_small",
    title="党支部正式党员不足3人",
    subject_type="organization",
    citation=BRANCH_RULES_SIZE,
    params={"min_full_members": 3},
)
def branch_too_small(org: Organization, ctx: RuleContext) -> Iterable[Verdict]:
    if not (org.is_active and org.kind == OrgKind.BRANCH):
        return
    threshold = int(ctx.param(branch_too_small, "min_full_members"))
    full = ctx.data["full_members"].get(org.pk, 0)
    if full < threshold:
        yield Verdict(
            f"党支部正式党员只有{full}人，不足{threshold}人，应调整组织设置（如成立联合党支部）"
        )


# 标准化/星级/软弱涣散 rules live in their subpackage; importing registers them.
from zugong.orgs.standardization import rules as _standards  # noqa: E402, F401
