"""民主评议党员 checks on a branch's yearly round: the share of 优秀, members left without a
grade after closing, and 不合格 members without a 组织处置."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db.models import Exists, OuterRef

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.life.appraisal_selectors import SUBJECT, grouped_entries_by_round
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    RoundStatus,
    UnqualifiedHandling,
)

EXCELLENT_SHARE = Citation(
    "关于民主评议党员的规定（共产党员网“民主评议党员”专题）",
    "评定为优秀的党员一般不超过党员总数的三分之一",
    "https://www.12371.cn/special/zbsh/mzpy/",
)
BRANCH_RULES_APPRAISAL = Citation(
    "中国共产党支部工作条例（试行）",
    "民主评议党员：党支部一般每年开展1次，组织党员对照合格党员标准进行评议，逐一评定等次",
)
CONSTITUTION_ART9 = Citation(
    "中国共产党章程",
    "第九条：党员不符合党员条件的，党的支部应当对他进行教育，要求他限期改正；"
    "经教育仍无转变的，应当劝他退党",
)
# Names shown in one finding; the rest are counted ("等N人").
MAX_NAMES = 10


def _names(names: list[str]) -> str:
    shown = "、".join(names[:MAX_NAMES])
    return shown + (f"等{len(names)}人" if len(names) > MAX_NAMES else "")


def _preload(ctx: RuleContext, rounds: Sequence[AppraisalRound]) -> None:
    """Grade counts of every round in one query; names of the ungraded and of the 不合格 members
    without a handling for the closed rounds in a second one."""
    ids = [r.pk for r in rounds]
    ctx.data["appraisal_counts"] = grouped_entries_by_round(ids)
    closed = [r.pk for r in rounds if r.status == RoundStatus.CLOSED]
    ungraded: dict[int, list[str]] = {}
    unhandled: dict[int, list[str]] = {}
    if closed:
        rows = (
            AppraisalEntry.objects.filter(round_id__in=closed, grade__in=["", Grade.UNQUALIFIED])
            .annotate(handled=Exists(UnqualifiedHandling.objects.filter(entry_id=OuterRef("pk"))))
            .order_by("round_id", "member__name_pinyin", "id")
            .values_list("round_id", "grade", "member__name", "handled")
        )
        for round_id, grade, name, handled in rows:
            if not grade:
                ungraded.setdefault(round_id, []).append(name)
            elif not handled:
                unhandled.setdefault(round_id, []).append(name)
    ctx.data["appraisal_ungraded"] = ungraded
    ctx.data["appraisal_unhandled"] = unhandled


register_subject_kind(
    SubjectKind(
        name=SUBJECT,
        label=lambda r: f"{r.org.name} {r.year}年度民主评议党员",
        org_path=lambda r: r.org_path,
        preload=_preload,
        queryset=lambda: AppraisalRound.objects.select_related("org"),
        url_name="life:appraisal_detail",
        title="民主评议党员",
    )
)


@rule(
    id="life.appraisal_excellent_share",
    title="评定为优秀的党员超过三分之一",
    subject_type=SUBJECT,
    citation=EXCELLENT_SHARE,
    params={"max_share_numerator": 1, "max_share_denominator": 3},
    status="secondary",
)
def excellent_share(appraisal: AppraisalRound, ctx: RuleContext) -> Iterable[Verdict]:
    counts = ctx.data["appraisal_counts"].get(appraisal.pk)
    if not counts:
        return
    total = sum(counts.values())
    excellent = counts.get(Grade.EXCELLENT, 0)
    numerator = int(ctx.param(excellent_share, "max_share_numerator"))
    denominator = int(ctx.param(excellent_share, "max_share_denominator"))
    # Integers only: exactly one third (3 of 9) is allowed, 4 of 9 is not.
    if excellent * denominator > total * numerator:
        yield Verdict(
            f"评定为优秀的党员{excellent}名，占参加评议党员{total}名的"
            f"{100 * excellent / total:.1f}%，超过{numerator}/{denominator}"
        )


@rule(
    id="life.appraisal_ungraded",
    title="评议结束后仍有党员未评定等次",
    subject_type=SUBJECT,
    citation=BRANCH_RULES_APPRAISAL,
)
def ungraded(appraisal: AppraisalRound, ctx: RuleContext) -> Iterable[Verdict]:
    if appraisal.status != RoundStatus.CLOSED or appraisal.closed_on is None:
        return
    if appraisal.closed_on > ctx.today:
        return
    names = ctx.data["appraisal_ungraded"].get(appraisal.pk)
    if names:
        yield Verdict(
            f"评议已于{appraisal.closed_on:%Y-%m-%d}结束，{len(names)}名党员未评定等次：{_names(names)}",
            due_on=appraisal.closed_on,
        )


@rule(
    id="life.unqualified_without_handling",
    title="评定为不合格的党员未作组织处置",
    subject_type=SUBJECT,
    citation=CONSTITUTION_ART9,
    params={"days": 30},
    # 党章第九条 requires the handling; no national deadline was found, so the days are a
    # configurable default.
    status="unconfirmed",
)
def unqualified_without_handling(appraisal: AppraisalRound, ctx: RuleContext) -> Iterable[Verdict]:
    if appraisal.status != RoundStatus.CLOSED or appraisal.closed_on is None:
        return
    days = int(ctx.param(unqualified_without_handling, "days"))
    due = appraisal.closed_on + timedelta(days=days)
    # The handling may be decided up to and including the due day.
    if ctx.today <= due:
        return
    names = ctx.data["appraisal_unhandled"].get(appraisal.pk)
    if names:
        yield Verdict(
            f"评定为不合格的党员{_names(names)}在评议结束{days}日后（{due:%Y-%m-%d}前）"
            "仍无组织处置记录（限期改正、劝其退党、除名等）",
            due_on=due,
        )
