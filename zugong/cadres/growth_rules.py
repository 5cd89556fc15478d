"""Checks of the young cadres' growth archives and of 能上能下, as versioned rules.

Subjects:
- "cadre_reserve": an open 优秀年轻干部 reserve entry — entry criteria (age by target level, 年度考核)
  and the cadre outgrowing the age limit while in the pool;
- "cadre_assignment": a front-line assignment — 跟踪管理 notes due every few months;
- "cadre_adjustment": a 能上能下 adjustment — the 影响期 has ended, the cadre may be re-used.

The numbers are national best knowledge, not confirmed texts (cadres.md §3.2, §3.4): every rule
here is marked unconfirmed and its numbers are parameters an administrator can override.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from zugong.accounts.models import cadre_finding_path
from zugong.cadres.models import (
    Adjustment,
    AnnualAssessment,
    AssessmentGrade,
    Assignment,
    PostLevel,
    ReserveEntry,
    TrackingNote,
)
from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind

RESERVE_KIND = "cadre_reserve"
ASSIGNMENT_KIND = "cadre_assignment"
ADJUSTMENT_KIND = "cadre_adjustment"

# Cadre findings carry the unit path behind this prefix: unit paths and party-organization paths
# are built alike ("0001…"), and the party side's to-do lists select findings by org_path prefix —
# without it a 党委 account would see cadre findings of the unit with the same path.

YOUNG_CADRE_STANDARD = Citation("各地优秀年轻干部标准，待核实")
ASSESSMENT_CITATION = Citation("公务员考核规定", "年度考核等次（cadres.md §3.4）")
TRACKING_CITATION = Citation("优秀年轻干部跟踪管理（各地做法：每季度一次，待核实）")
ABLE_UP_DOWN = Citation(
    "推进领导干部能上能下规定（2022年）", "影响期及重新使用（条文待核实，cadres.md §3.2）"
)

# Grades below 称职 (and their 事业单位 equivalents below 合格): they keep a cadre out of the pool.
LOW_GRADES = frozenset(
    {
        AssessmentGrade.BASIC,
        AssessmentGrade.INCOMPETENT,
        AssessmentGrade.BASIC_QUALIFIED,
        AssessmentGrade.UNQUALIFIED,
    }
)

# Levels the pool stores cadres for, with the national best-knowledge age limits (年龄上限, 周岁).
RESERVE_LEVELS: tuple[str, ...] = (
    PostLevel.COUNTY_CHIEF,
    PostLevel.COUNTY_DEPUTY,
    PostLevel.SECTION_CHIEF,
    PostLevel.SECTION_DEPUTY,
)
DEFAULT_AGE_LIMITS: dict[str, int] = {
    PostLevel.COUNTY_CHIEF: 45,
    PostLevel.COUNTY_DEPUTY: 40,
    PostLevel.SECTION_CHIEF: 35,
    PostLevel.SECTION_DEPUTY: 32,
}


def fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def age_on(birth: date, on: date) -> int:
    """Full years (周岁) on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- parameters shared by the reserve pool and the statistics ------------------------------------


def age_limit(ctx: RuleContext, level: str) -> int | None:
    """The reserve pool's age limit for a target level today; None for a level without one."""
    if level not in DEFAULT_AGE_LIMITS:
        return None
    return int(ctx.param(RESERVE_CRITERIA, f"age_{level}"))


def age_limits(ctx: RuleContext) -> dict[str, int]:
    return {level: int(ctx.param(RESERVE_CRITERIA, f"age_{level}")) for level in RESERVE_LEVELS}


@dataclass(frozen=True)
class CriteriaProblem:
    """One entry criterion a cadre does not meet; `citation` is what the rule rests on."""

    message: str
    citation: Citation


def criteria_problems(
    birth_date: date,
    level: str,
    on: date,
    grades_by_year: dict[int, str],
    ctx: RuleContext,
) -> list[CriteriaProblem]:
    """The reserve pool's entry criteria checked for one cadre and target level on a date."""
    problems: list[CriteriaProblem] = []
    limit = age_limit(ctx, level)
    if limit is not None and age_on(birth_date, on) > limit:
        problems.append(
            CriteriaProblem(
                f"入库时{age_on(birth_date, on)}周岁，超过{PostLevel(level).label}"
                f"优秀年轻干部年龄上限{limit}周岁",
                YOUNG_CADRE_STANDARD,
            )
        )
    years = int(ctx.param(RESERVE_CRITERIA, "assessment_years"))
    labels = dict(AssessmentGrade.choices)
    for year in range(on.year - years, on.year):
        grade = grades_by_year.get(year)
        if grade in LOW_GRADES:
            problems.append(
                CriteriaProblem(
                    f"{year}年度考核为{labels[grade]}，近{years}年年度考核应为称职（合格）以上",
                    ASSESSMENT_CITATION,
                )
            )
    return problems


def grades_of(cadre_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """年度考核 of a batch of cadres: cadre id → year → grade, one query."""
    grades: dict[int, dict[int, str]] = defaultdict(dict)
    for cadre_id, year, grade in AnnualAssessment.objects.filter(
        cadre_id__in=list(cadre_ids)
    ).values_list("cadre_id", "year", "grade"):
        grades[cadre_id][year] = grade
    return grades


# --- the reserve pool --------------------------------------------------------------------------


def _reserve_preload(ctx: RuleContext, entries: Sequence[ReserveEntry]) -> None:
    ctx.data["reserve_grades"] = grades_of([e.cadre_id for e in entries])


register_subject_kind(
    SubjectKind(
        name=RESERVE_KIND,
        label=lambda e: e.cadre.name,
        org_path=lambda e: cadre_finding_path(e.unit_path),
        preload=_reserve_preload,
        queryset=lambda: ReserveEntry.objects.filter(left_on__isnull=True).select_related("cadre"),
        title="优秀年轻干部库",
    )
)


@rule(
    id="cadres.reserve_criteria",
    title="优秀年轻干部入库条件（年龄按储备层次；近年年度考核称职以上）",
    subject_type=RESERVE_KIND,
    citation=YOUNG_CADRE_STANDARD,
    severity="warn",
    status="unconfirmed",
    params={
        **{f"age_{level}": limit for level, limit in DEFAULT_AGE_LIMITS.items()},
        "assessment_years": 3,
    },
)
def reserve_criteria(entry: ReserveEntry, ctx: RuleContext) -> Iterable[Verdict]:
    """An entry made outside the criteria stays flagged (with its recorded reason) while open."""
    if entry.left_on is not None:
        return
    grades = ctx.data.get("reserve_grades", {}).get(entry.cadre_id, {})
    for problem in criteria_problems(
        entry.cadre.birth_date, entry.target_level, entry.entered_on, grades, ctx
    ):
        reason = entry.exception_reason or "未记录"
        yield Verdict(
            f"不符合入库条件：{problem.message}；入库理由：{reason}", citation=problem.citation
        )


@rule(
    id="cadres.reserve_age_exceeded",
    title="在库期间超出年轻干部年龄",
    subject_type=RESERVE_KIND,
    citation=YOUNG_CADRE_STANDARD,
    severity="warn",
    status="unconfirmed",
)
def reserve_age_exceeded(entry: ReserveEntry, ctx: RuleContext) -> Iterable[Verdict]:
    limit = age_limit(ctx, entry.target_level)
    if entry.left_on is not None or limit is None:
        return
    birth = entry.cadre.birth_date
    # The day the cadre turns limit + 1 is the first day above the limit.
    over_from = birth + relativedelta(years=limit + 1)
    if over_from <= entry.entered_on or ctx.today < over_from:
        return  # entered already over it (the criteria finding says so), or not yet over
    yield Verdict(
        f"超出年轻干部年龄：{PostLevel(entry.target_level).label}年龄上限{limit}周岁，"
        f"已于{fmt(over_from)}超出，请研究是否出库",
        due_on=over_from,
    )


# --- front-line assignments: 跟踪管理 ------------------------------------------------------------


def _assignment_preload(ctx: RuleContext, assignments: Sequence[Assignment]) -> None:
    ctx.data["last_note"] = dict(
        TrackingNote.objects.filter(assignment_id__in=[a.pk for a in assignments])
        .values("assignment_id")
        .annotate(last=Max("noted_on"))
        .values_list("assignment_id", "last")
    )


def _assignments_to_track() -> QuerySet[Assignment]:
    """Assignments still running today (an end date in the future included)."""
    running = Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate())
    return Assignment.objects.filter(running).select_related("cadre")


register_subject_kind(
    SubjectKind(
        name=ASSIGNMENT_KIND,
        label=lambda a: f"{a.cadre.name}（{a.place}）",
        org_path=lambda a: cadre_finding_path(a.unit_path),
        preload=_assignment_preload,
        queryset=_assignments_to_track,
        url_name="cadres:assignment_detail",
        title="一线历练",
    )
)


def tracking_due(assignment: Assignment, last_note: date | None, ctx: RuleContext) -> date:
    """When the next 跟踪管理 note is due: the last note (or the start) plus the interval."""
    months = assignment.tracking_months or int(ctx.param(TRACKING_OVERDUE, "months"))
    return (last_note or assignment.started_on) + relativedelta(months=months)


def is_ongoing(assignment: Assignment, on: date) -> bool:
    return assignment.started_on <= on and (
        assignment.ended_on is None or assignment.ended_on >= on
    )


@rule(
    id="cadres.tracking_overdue",
    title="一线历练期间按期填写跟踪管理记录",
    subject_type=ASSIGNMENT_KIND,
    citation=TRACKING_CITATION,
    severity="warn",
    status="unconfirmed",
    params={"months": 3},
)
def tracking_overdue(assignment: Assignment, ctx: RuleContext) -> Iterable[Verdict]:
    if not is_ongoing(assignment, ctx.today):
        return
    last = ctx.data.get("last_note", {}).get(assignment.pk)
    due = tracking_due(assignment, last, ctx)
    if ctx.today < due:
        return
    since = f"上次跟踪记录{fmt(last)}" if last else f"历练开始于{fmt(assignment.started_on)}"
    if ctx.today == due:
        yield Verdict(f"今日应填写跟踪管理记录（{since}）", due_on=due)
    else:
        days = (ctx.today - due).days
        yield Verdict(f"跟踪管理记录已逾期{days}天（{since}，应于{fmt(due)}前填写）", due_on=due)


# --- 能上能下: the 影响期 and re-use --------------------------------------------------------------

register_subject_kind(
    SubjectKind(
        name=ADJUSTMENT_KIND,
        label=lambda a: a.cadre.name,
        org_path=lambda a: cadre_finding_path(a.unit_path),
        queryset=lambda: Adjustment.objects.filter(
            impact_until__isnull=False, reused_on__isnull=True
        ).select_related("cadre"),
        url_name="cadres:adjustment_detail",
        title="能上能下调整",
    )
)


@rule(
    id="cadres.adjustment_reuse",
    title="影响期满可重新使用（降职影响期）",
    subject_type=ADJUSTMENT_KIND,
    citation=ABLE_UP_DOWN,
    severity="info",
    status="unconfirmed",
    params={"demote_months": 12},
)
def adjustment_reuse(adjustment: Adjustment, ctx: RuleContext) -> Iterable[Verdict]:
    """The 影响期至 date is the last day of the period: the reminder starts the day after."""
    ends = adjustment.impact_until
    if ends is None or adjustment.reused_on is not None or ctx.today <= ends:
        return
    yield Verdict(
        f"影响期已于{fmt(ends)}届满，可根据表现重新使用（可重新使用提醒）",
        due_on=ends + timedelta(days=1),
    )


def demotion_impact_until(decided_on: date, ctx: RuleContext) -> date:
    """The last day of the 影响期 after a 降职 decided on a date (default one year)."""
    months = int(ctx.param(ADJUSTMENT_REUSE, "demote_months"))
    return decided_on + relativedelta(months=months) - timedelta(days=1)


RESERVE_CRITERIA = reserve_criteria
TRACKING_OVERDUE = tracking_overdue
ADJUSTMENT_REUSE = adjustment_reuse
