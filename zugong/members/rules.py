"""Data-quality checks on the member register, each citing the rule it enforces."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dateutil.relativedelta import relativedelta
from django.db.models import Count

from zugong.core.ids import check_id_number
from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.members.models import Member, MemberStatus, MemberType

GB11643 = Citation("GB 11643-1999 公民身份号码", "第5、6条：出生日期码与校验码")
CONSTITUTION_AGE = Citation(
    "中国共产党章程", "第一条：年满十八岁的中国工人、农民……可以申请加入中国共产党"
)
CONSTITUTION_PROBATION = Citation("中国共产党章程", "第七条：预备党员的预备期为一年")
REGISTER_UNIQUE = Citation(
    "中国共产党党员教育管理工作条例", "第二十五条：每个党员都要编入一个党的支部"
)

TERMINAL_STATUSES = frozenset({MemberStatus.LEFT, MemberStatus.DECEASED})


def _preload(ctx: RuleContext, members: Sequence[Member]) -> None:
    ids = {m.id_number for m in members if m.id_number}
    dupes = (
        Member.objects.filter(id_number__in=ids)
        .values("id_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("id_number", flat=True)
    )
    ctx.data["duplicate_ids"] = set(dupes)


register_subject_kind(
    SubjectKind(
        name="member",
        label=lambda m: m.name,
        org_path=lambda m: m.org_path,
        preload=_preload,
        queryset=lambda: Member.objects.select_related("org"),
        url_name="members:detail",
        title="党员",
    )
)


@rule(
    id="member.id_invalid",
    title="公民身份号码校验",
    subject_type="member",
    citation=GB11643,
    severity="block",
)
def id_invalid(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    result = check_id_number(member.id_number)
    for error in result.errors:
        yield Verdict(error)
    if (
        result.ok
        and result.birth_date
        and member.birth_date
        and result.birth_date != member.birth_date
    ):
        yield Verdict(
            f"出生日期（{member.birth_date:%Y-%m-%d}）与公民身份号码中的出生日期（{result.birth_date:%Y-%m-%d}）不一致"
        )


@rule(
    id="member.joined_under_18",
    title="入党时未满十八周岁",
    subject_type="member",
    citation=CONSTITUTION_AGE,
    severity="block",
)
def joined_under_18(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    if member.joined_on and member.birth_date:
        adult_on = member.birth_date + relativedelta(years=18)
        if member.joined_on < adult_on:
            yield Verdict(
                f"入党日期{member.joined_on:%Y-%m-%d}早于年满十八周岁之日（{adult_on:%Y-%m-%d}）"
            )


@rule(
    id="member.probation_overdue",
    title="预备期满一年未转正",
    subject_type="member",
    citation=CONSTITUTION_PROBATION,
    params={"probation_months": 12},
)
def probation_overdue(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    if (
        member.member_type != MemberType.PROBATIONARY
        or member.status != MemberStatus.NORMAL
        or not member.joined_on
    ):
        return
    ends = member.joined_on + relativedelta(
        months=int(ctx.param(probation_overdue, "probation_months"))
    )
    if ctx.today > ends:
        yield Verdict(
            f"预备期已于{ends:%Y年%m月%d日}届满，尚未讨论转正（延长预备期的须有组织决定）",
            due_on=ends,
        )


@rule(
    id="member.duplicate_id",
    title="公民身份号码重复登记",
    subject_type="member",
    citation=REGISTER_UNIQUE,
    severity="block",
)
def duplicate_id(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    if member.id_number in ctx.data["duplicate_ids"]:
        yield Verdict("同一公民身份号码在党员库中登记了多条记录，请核实合并")
