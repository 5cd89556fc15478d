"""选拔任用纪实 checks as versioned data (cadres.md §3.1, R1–R22).

Three kinds of subject:
- "selection_candidate": a person considered for the post (SelectionCandidate). The 任职资格 and
  the other qualification checks, judged as of a date (ctx.today: the date of the 动议, 考察 or
  讨论决定 being recorded). Block verdicts stop the person being chosen for 考察 or decided.
- "selection_step": a step about to be recorded (StepProposal): 讨论决定 quorum and votes (R9),
  公示 length (R10), 差额考察 (R15), the validity of the 推荐 (R14), the 任职谈话 (R12).
- "selection_case": an open case, for the 试用期 reminder (R11) and a 公示 under verification.

Every number is a parameter with its national default; PARAMETERS says where each default
comes from and whether the domain notes confirm it (C) or not (U).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from zugong.accounts.models import cadre_finding_path
from zugong.cadres.models import (
    POST_LEVEL_RANK,
    Adjustment,
    AssessmentGrade,
    Cadre,
    PostLevel,
    RewardKind,
    SelectionCandidate,
    SelectionCase,
    SelectionMode,
    SelectionStatus,
    SelectionStep,
    SelectionStepKind,
    Unit,
    UnitKind,
)
from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict
from zugong.core.rules.registry import RULES, SubjectKind, register_rule, register_subject_kind
from zugong.core.workdays import WorkdayCalendar

CANDIDATE_KIND = "selection_candidate"
STEP_KIND = "selection_step"
CASE_KIND = "selection_case"

REGULATION = "党政领导干部选拔任用工作条例"
URL_QUALIFICATION = "http://www.78911.com.cn/HuaDangXinWen/662252-3.html"
URL_SERVICE_YEARS = "http://99.wendadaohang.com/zd/W77OBjv77BeB7eOOztX.html"
URL_DECISION = "http://www.soolun.net/periodical/63623840a7701040a8406a3123324eb9.html"
URL_NOTICE = "http://news.hebei.com.cn/system/2014/01/16/013175643_05.shtml"
URL_RECOMMENDATION = "http://news.sina.com.cn/c/2002-07-23/1742646420.html"
URL_AVOIDANCE = "http://www.uianet.net/dictionary/b12531402.html"
URL_AVOIDANCE_POSTS = "http://11.wendadaohang.com/zd/F8748PSFMM2vqv2PM7q.html"

# The 领导职务层次 the 条例's 任职资格 (第九条) speak of: 县处级 and above. A province whose
# 实施办法 applies them to 乡科级 too overrides the `levels` parameter.
COUNTY_AND_ABOVE = [
    PostLevel.COUNTY_DEPUTY.value,
    PostLevel.COUNTY_CHIEF.value,
    PostLevel.BUREAU_DEPUTY.value,
    PostLevel.BUREAU_CHIEF.value,
]
# 副职 → 正职 of the same tier (R3) and 下级正职 → 上级副职 (R4).
DEPUTY_TO_CHIEF = {
    PostLevel.SECTION_DEPUTY: PostLevel.SECTION_CHIEF,
    PostLevel.COUNTY_DEPUTY: PostLevel.COUNTY_CHIEF,
    PostLevel.BUREAU_DEPUTY: PostLevel.BUREAU_CHIEF,
}
CHIEF_TO_UPPER_DEPUTY = {
    PostLevel.SECTION_CHIEF: PostLevel.COUNTY_DEPUTY,
    PostLevel.COUNTY_CHIEF: PostLevel.BUREAU_DEPUTY,
}
LEVEL_BY_RANK = {rank: level for level, rank in POST_LEVEL_RANK.items() if rank}
LEVEL_LABELS = dict(PostLevel.choices)

# 学历 as the cadre's records write it, from the highest; 专科 is tested before 大学 because
# "大学专科" contains both.
EDUCATION_LEVELS: list[tuple[int, str, tuple[str, ...]]] = [
    (4, "研究生", ("博士", "硕士", "研究生")),
    (2, "大学专科", ("专科", "大专", "高职")),
    (3, "大学本科", ("本科", "大学")),
    (1, "中专及以下", ("中专", "中技", "技校", "高中", "职高", "初中", "小学")),
]
EDUCATION_NAMES = {2: "大学专科", 3: "大学本科", 4: "研究生"}

# A 简历 line is 基层 work when it names a 乡镇/街道 of the unit tree or one of these organs.
GRASSROOTS_TEXT = re.compile(
    r"(乡|镇|街道|村|社区)(党委|人民政府|政府|办事处|党工委|人大|纪委|党支部|党总支|村委会|居委会|委员会)"
)

PROMOTING_MODES = {SelectionMode.PROMOTION, SelectionMode.EXCEPTIONAL}
EXCEPTIONAL_NOTE = "（破格提拔可突破任职资格，须说明理由并按规定报批）"


@dataclass(frozen=True)
class ParameterInfo:
    """Where a parameter's national default comes from; status C (confirmed) or U (unconfirmed)."""

    rule_id: str
    key: str
    label: str
    default: Any
    status: str
    source: str


PARAMETERS: list[ParameterInfo] = []


def _rule(
    rule_id: str,
    title: str,
    subject_type: str,
    citation: Citation,
    *,
    severity: str = "block",
    params: Sequence[tuple[str, str, Any, str, str]] = (),
) -> Callable[[Callable[[Any, RuleContext, Rule], Iterable[Verdict]]], Rule]:
    """Register a check that reads its own parameters; params = (key, label, default, C/U, source).

    The rule counts as confirmed only when every one of its numbers is.
    """

    def wrap(check: Callable[[Any, RuleContext, Rule], Iterable[Verdict]]) -> Rule:
        cell: list[Rule] = []
        made = register_rule(
            Rule(
                id=rule_id,
                title=title,
                subject_type=subject_type,
                citation=citation,
                check=lambda subject, ctx: check(subject, ctx, cell[0]),
                severity=severity,
                params={key: default for key, _, default, _, _ in params},
                status="unconfirmed" if any(p[3] == "U" for p in params) else "confirmed",
            )
        )
        cell.append(made)
        for key, label, default, status, source in params:
            PARAMETERS.append(ParameterInfo(rule_id, key, label, default, status, source))
        return made

    return wrap


def param(rule_id: str, key: str, on: date, ctx: RuleContext | None = None) -> Any:
    """A rule parameter in force on `on` (the administrator's override, else the default)."""
    ctx = ctx or RuleContext(today=on)
    if ctx.today != on:
        ctx = RuleContext(today=on)
    return ctx.param(RULES[rule_id], key)


# --- date arithmetic -----------------------------------------------------------------------------


def years_reached(since: date, years: int, on: date) -> bool:
    """Whether `years` full calendar years have passed from `since` to `on` (5 years from
    2020-03-01 are reached on 2025-03-01; 29 February counts as 28 February)."""
    return since + relativedelta(years=years) <= on


def span_text(since: date, on: date) -> str:
    d = relativedelta(on, since)
    return f"{d.years}年{d.months}个月" if d.months else f"{d.years}年"


def merged_days(spans: Iterable[tuple[date, date]]) -> int:
    """Days covered by the spans, each counted once however they overlap (end inclusive)."""
    total, current_start, current_end = 0, None, None
    for start, end in sorted(s for s in spans if s[1] >= s[0]):
        if current_end is None or start > current_end + timedelta(days=1):
            if current_end is not None:
                total += (current_end - current_start).days + 1
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).days + 1
    return total


def education_rank(text: str) -> int:
    for rank, _, words in EDUCATION_LEVELS:
        if any(w in text for w in words):
            return rank
    return 0


# --- the candidate subject: preloading ------------------------------------------------------------


@dataclass
class CandidateFacts:
    """What the checks read about one person, loaded once per batch."""

    cadre: Cadre
    holdings: list[Any] = field(default_factory=list)
    resume: list[Any] = field(default_factory=list)
    educations: list[Any] = field(default_factory=list)
    trainings: list[Any] = field(default_factory=list)
    assessments: dict[int, str] = field(default_factory=dict)
    punishments: list[Any] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    family: list[Any] = field(default_factory=list)
    exceptional_before: bool = False


@dataclass
class LineOfCommand:
    """The post's unit, its parent and its children: 回避 looks for relatives there (R18)."""

    unit_ids: set[int]
    # Names a relative's 工作单位 may mention; a county as a whole is too broad to match on.
    names: set[str]
    cadres_by_name: dict[str, list[Cadre]]


def _line_units(unit: Unit) -> list[Unit]:
    units = [unit, *unit.children.all()]
    if unit.parent_id:
        units.append(unit.parent)
    return units


def _candidate_preload(ctx: RuleContext, subjects: Sequence[SelectionCandidate]) -> None:
    cadre_ids = {s.cadre_id for s in subjects}
    cadres = Cadre.objects.filter(pk__in=cadre_ids).prefetch_related(
        "post_holdings__unit",
        "resume_entries",
        "educations",
        "trainings",
        "assessments",
        "rewards",
        "adjustments",
        "family",
    )
    facts: dict[int, CandidateFacts] = {}
    exceptional = set(
        SelectionCase.objects.filter(
            appointee_id__in=cadre_ids,
            mode=SelectionMode.EXCEPTIONAL,
            steps__step=SelectionStepKind.APPOINTMENT,
        ).values_list("appointee_id", flat=True)
    )
    for c in cadres:
        facts[c.pk] = CandidateFacts(
            cadre=c,
            holdings=list(c.post_holdings.all()),
            resume=[r for r in c.resume_entries.all() if r.parent_id is None],
            educations=list(c.educations.all()),
            trainings=list(c.trainings.all()),
            assessments={a.year: a.grade for a in c.assessments.all()},
            punishments=[r for r in c.rewards.all() if r.kind == RewardKind.PUNISHMENT],
            adjustments=list(c.adjustments.all()),
            family=[f for f in c.family.all() if not f.is_deceased],
            exceptional_before=c.pk in exceptional,
        )
    ctx.data["sel_facts"] = facts
    ctx.data["sel_grassroots_names"] = {
        n
        for pair in Unit.objects.filter(
            kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT]
        ).values_list("name", "short_name")
        for n in pair
        if n
    }
    lines: dict[int, LineOfCommand] = {}
    relative_names = {f.name for cf in facts.values() for f in cf.family}
    for s in subjects:
        unit = s.case.post.unit
        if unit.pk in lines:
            continue
        units = _line_units(unit)
        line = LineOfCommand(
            unit_ids={u.pk for u in units},
            names={
                n
                for u in units
                if u.kind != UnitKind.COUNTY
                for n in (u.name, u.short_name)
                if n and len(n) >= 2
            },
            cadres_by_name={},
        )
        for c in Cadre.objects.filter(
            unit_id__in=line.unit_ids, name__in=relative_names, status="active"
        ).select_related("unit"):
            line.cadres_by_name.setdefault(c.name, []).append(c)
        lines[unit.pk] = line
    ctx.data["sel_lines"] = lines


def _facts(s: SelectionCandidate, ctx: RuleContext) -> CandidateFacts:
    return ctx.data["sel_facts"][s.cadre_id]


def is_promotion(case: SelectionCase, cadre: Cadre) -> bool:
    """提拔: the mode says so, or the post is a higher 领导职务层次 than the person holds now."""
    current = POST_LEVEL_RANK.get(cadre.current_level, 0) if cadre.current_level else 0
    return case.mode in PROMOTING_MODES or POST_LEVEL_RANK.get(case.post.level, 0) > current


def _qualification_applies(s: SelectionCandidate, rule: Rule, ctx: RuleContext) -> bool:
    return is_promotion(s.case, _facts(s, ctx).cadre) and s.case.post.level in ctx.param(
        rule, "levels"
    )


def _qualification(s: SelectionCandidate, message: str) -> Verdict:
    """任职资格 verdicts block, except in a 破格提拔 (R7) where they are shown for the reasons."""
    if s.case.mode == SelectionMode.EXCEPTIONAL:
        return Verdict(message + EXCEPTIONAL_NOTE, severity="warn")
    return Verdict(message)


def level_since(facts: CandidateFacts) -> date | None:
    """Since when the person holds the current 领导职务层次: the archive's own date, else the
    earliest post held at that level."""
    cadre = facts.cadre
    if cadre.current_level_since:
        return cadre.current_level_since
    starts = [h.started_on for h in facts.holdings if h.level and h.level == cadre.current_level]
    return min(starts) if starts else None


def grassroots_days(facts: CandidateFacts, grassroots_names: set[str], on: date) -> int:
    """基层工作经历 in days up to `on`.

    Counted from (a) every post held in a unit of kind 乡镇 or 街道 and (b) every top-level 简历
    line (not the （其间） lines, which are study) whose text names a 乡镇/街道 of the unit tree or a
    township/village organ (镇党委, 街道办事处, 村委会 ...). Open spans run to `on`; overlapping spans
    (a post and the 简历 line describing it) count once.
    """
    spans: list[tuple[date, date]] = []
    for h in facts.holdings:
        if h.unit.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT) and h.started_on <= on:
            spans.append((h.started_on, min(h.ended_on or on, on)))
    for r in facts.resume:
        text = r.text or ""
        if r.start <= on and (
            GRASSROOTS_TEXT.search(text) or any(n in text for n in grassroots_names)
        ):
            spans.append((r.start, min(r.end or on, on)))
    return merged_days(spans)


# --- candidate rules ------------------------------------------------------------------------------

R1_ID = "cadres.selection.R1.service_and_grassroots"
R2_ID = "cadres.selection.R2.breadth"
R3_ID = "cadres.selection.R3.deputy_years"
R4_ID = "cadres.selection.R4.lower_chief_years"
R5_ID = "cadres.selection.R5.education"
R6_ID = "cadres.selection.R6.training"
R7_ID = "cadres.selection.R7.exceptional"
PROBATION_CANDIDATE_ID = "cadres.selection.R11.in_probation"
PUNISHMENT_ID = "cadres.selection.punishment_period"
ADJUSTMENT_ID = "cadres.selection.adjustment_period"
ASSESSMENT_ID = "cadres.selection.assessment"
AVOIDANCE_ID = "cadres.selection.R18.avoidance"


@_rule(
    R1_ID,
    "提任县处级领导职务的工龄和基层工作经历",
    CANDIDATE_KIND,
    Citation(REGULATION, "第九条（一）（2014年条例第八条）", URL_SERVICE_YEARS),
    params=[
        ("service_years", "工龄（年）", 5, "C", "2014年条例第八条，99.wendadaohang.com"),
        ("grassroots_years", "基层工作经历（年）", 2, "C", "2014年条例第八条，同上"),
        ("levels", "适用的职务层次", COUNTY_AND_ABOVE, "C", "条例：提任县处级领导职务"),
    ],
)
def service_and_grassroots(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if not _qualification_applies(s, rule, ctx):
        return []
    facts, on = _facts(s, ctx), ctx.today
    verdicts: list[Verdict] = []
    years = ctx.param(rule, "service_years")
    started = facts.cadre.work_started_on
    if started is None:
        verdicts.append(_qualification(s, "工龄：档案未录入参加工作时间，无法核实工龄"))
    elif not years_reached(started, years, on):
        verdicts.append(
            _qualification(
                s,
                f"工龄：参加工作时间{started:%Y-%m-%d}，至{on:%Y-%m-%d}工龄{span_text(started, on)}，"
                f"提任县处级领导职务应当具有{years}年以上工龄",
            )
        )
    needed = ctx.param(rule, "grassroots_years")
    days = grassroots_days(facts, ctx.data["sel_grassroots_names"], on)
    # A year of 基层经历 is 365 days of the merged spans (a leap day is a bonus, never a loss).
    if days < needed * 365:
        verdicts.append(
            _qualification(
                s,
                f"基层工作经历：按任职记录和简历累计约{days // 365}年{days % 365 * 12 // 365}个月"
                f"（{days}天），提任县处级领导职务应当具有{needed}年以上基层工作经历",
            )
        )
    return verdicts


@_rule(
    R2_ID,
    "在下一级两个以上职位任职的经历",
    CANDIDATE_KIND,
    Citation(REGULATION, "第九条（二）", URL_SERVICE_YEARS),
    severity="warn",
    params=[
        ("posts", "下一级职位数", 2, "C", "2014年条例第八条（二）"),
        ("levels", "适用的职务层次", COUNTY_AND_ABOVE, "C", "条例：提任县处级以上领导职务"),
    ],
)
def breadth(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if not _qualification_applies(s, rule, ctx):
        return []
    lower = LEVEL_BY_RANK.get(POST_LEVEL_RANK.get(s.case.post.level, 0) - 1)
    if lower is None:
        return []
    facts = _facts(s, ctx)
    posts = {
        (h.unit_id, h.title)
        for h in facts.holdings
        if h.level == lower and h.started_on <= ctx.today
    }
    needed = ctx.param(rule, "posts")
    if len(posts) >= needed:
        return []
    return [
        Verdict(
            f"任职经历：在{LEVEL_LABELS[lower]}岗位任职{len(posts)}个，"
            f"一般应当具有在下一级{needed}个以上职位任职的经历"
        )
    ]


def _years_at_level(
    s: SelectionCandidate, ctx: RuleContext, rule: Rule, transitions: dict[str, str], what: str
) -> list[Verdict]:
    if not _qualification_applies(s, rule, ctx):
        return []
    cadre = _facts(s, ctx).cadre
    if transitions.get(cadre.current_level) != s.case.post.level:
        return []
    facts = _facts(s, ctx)
    years = ctx.param(rule, "years")
    since = level_since(facts)
    label = LEVEL_LABELS[cadre.current_level]
    if since is None:
        return [_qualification(s, f"任职年限：档案未录入任{label}的时间，无法核实{what}的任职年限")]
    if years_reached(since, years, ctx.today):
        return []
    return [
        _qualification(
            s,
            f"任职年限：{since:%Y-%m-%d}起任{label}，至{ctx.today:%Y-%m-%d}为"
            f"{span_text(since, ctx.today)}，{what}应当在{label}岗位工作{years}年以上",
        )
    ]


@_rule(
    R3_ID,
    "由副职提任正职的任职年限",
    CANDIDATE_KIND,
    Citation(REGULATION, "第九条（三）", URL_QUALIFICATION),
    params=[
        ("years", "副职岗位工作年限", 2, "C", "2014年条例第八条（三），78911.com.cn"),
        ("levels", "适用的职务层次", COUNTY_AND_ABOVE, "C", "条例：提任县处级以上领导职务"),
    ],
)
def deputy_years(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    return _years_at_level(s, ctx, rule, DEPUTY_TO_CHIEF, "由副职提任正职")


@_rule(
    R4_ID,
    "由下级正职提任上级副职的任职年限",
    CANDIDATE_KIND,
    Citation(REGULATION, "第九条（三）", URL_QUALIFICATION),
    params=[
        ("years", "下级正职岗位工作年限", 3, "C", "2014年条例第八条（三），78911.com.cn"),
        ("levels", "适用的职务层次", COUNTY_AND_ABOVE, "C", "条例：提任县处级以上领导职务"),
    ],
)
def lower_chief_years(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    return _years_at_level(s, ctx, rule, CHIEF_TO_UPPER_DEPUTY, "由下级正职提任上级副职")


@_rule(
    R5_ID,
    "文化程度",
    CANDIDATE_KIND,
    Citation(REGULATION, "第九条（四）", URL_QUALIFICATION),
    params=[
        ("minimum", "一般应具有的学历（2=大学专科，3=大学本科）", 2, "C", "2014年条例第八条（四）"),
        ("bureau_minimum", "厅局级以上应具有的学历", 3, "C", "同上"),
    ],
)
def education(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if not is_promotion(s.case, _facts(s, ctx).cadre):
        return []
    facts = _facts(s, ctx)
    bureau = s.case.post.level in (PostLevel.BUREAU_DEPUTY, PostLevel.BUREAU_CHIEF)
    needed = ctx.param(rule, "bureau_minimum" if bureau else "minimum")
    best = max((education_rank(e.education) for e in facts.educations), default=0)
    if not facts.educations:
        return [_qualification(s, "学历：档案未录入学历，无法核实文化程度")]
    if best >= needed:
        return []
    return [
        _qualification(
            s,
            f"学历：最高学历低于{EDUCATION_NAMES.get(needed, '规定')}，"
            f"提任领导职务应当具有{EDUCATION_NAMES.get(needed, '规定')}以上文化程度",
        )
    ]


@_rule(
    R6_ID,
    "干部教育培训学时",
    CANDIDATE_KIND,
    Citation(REGULATION, "第九条（五）", URL_QUALIFICATION),
    severity="warn",
    params=[
        (
            "hours",
            "培训学时",
            550,
            "U",
            "《干部教育培训工作条例》县处级以上每5年累计3个月或550学时（待核实）",
        ),
        ("window_years", "统计年限", 5, "U", "同上"),
        ("levels", "适用的职务层次", COUNTY_AND_ABOVE, "U", "同上"),
    ],
)
def training(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if not _qualification_applies(s, rule, ctx):
        return []
    on = ctx.today
    since = on - relativedelta(years=ctx.param(rule, "window_years"))
    hours = sum(t.hours for t in _facts(s, ctx).trainings if since < t.started_on <= on)
    needed = ctx.param(rule, "hours")
    if hours >= needed:
        return []
    return [
        Verdict(
            f"教育培训：近{ctx.param(rule, 'window_years')}年培训{hours:g}学时，不足{needed}学时；"
            "提拔前未达到培训要求的，应当在提拔任职1年内完成培训"
        )
    ]


def in_probation(facts: CandidateFacts, on: date) -> Any | None:
    """The post whose 试用期 is not over on `on` (it is over on the day `probation_until`)."""
    for h in facts.holdings:
        if (
            h.probation_until
            and h.started_on <= on < h.probation_until
            and (h.ended_on is None or h.ended_on > on)
        ):
            return h
    return None


@_rule(
    R7_ID,
    "破格提拔的限制",
    CANDIDATE_KIND,
    Citation(REGULATION, "第十条（2014年条例第九条）", URL_QUALIFICATION),
    params=[
        ("months_after_promotion", "提拔任职满（月）", 12, "C", "2014年条例第九条"),
        ("max_levels_up", "最多提升的职务层次", 2, "C", "2014年条例第九条：不得越两级提拔"),
    ],
)
def exceptional(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if s.case.mode != SelectionMode.EXCEPTIONAL:
        return []
    facts, on = _facts(s, ctx), ctx.today
    verdicts: list[Verdict] = []
    probation = in_probation(facts, on)
    if probation is not None:
        verdicts.append(
            Verdict(
                f"破格提拔：任“{probation.title}”的试用期至{probation.probation_until:%Y-%m-%d}"
                "未满，不得破格提拔"
            )
        )
    since = level_since(facts)
    months = ctx.param(rule, "months_after_promotion")
    if since is not None and since + relativedelta(months=months) > on:
        verdicts.append(
            Verdict(
                f"破格提拔：{since:%Y-%m-%d}提拔任现职务层次，不满{months // 12}年，不得破格提拔"
            )
        )
    current = (
        POST_LEVEL_RANK.get(_facts(s, ctx).cadre.current_level, 0)
        if _facts(s, ctx).cadre.current_level
        else 0
    )
    target = POST_LEVEL_RANK.get(s.case.post.level, 0)
    limit = ctx.param(rule, "max_levels_up")
    if current and target - current > limit:
        verdicts.append(
            Verdict(
                f"破格提拔：由{LEVEL_LABELS[_facts(s, ctx).cadre.current_level]}提任"
                f"{LEVEL_LABELS[s.case.post.level]}，越两级提拔，不得破格"
            )
        )
    elif current and target - current == limit:
        verdicts.append(
            Verdict("破格提拔：越级提拔，应当报上级组织（人事）部门同意", severity="warn")
        )
    if facts.exceptional_before:
        verdicts.append(
            Verdict("破格提拔：曾经破格提拔任职，不得在任职年限上连续破格，请核实", severity="warn")
        )
    return verdicts


@_rule(
    PROBATION_CANDIDATE_ID,
    "试用期内的干部",
    CANDIDATE_KIND,
    Citation(REGULATION, "第四十七条（2014年条例第四十二条）", URL_NOTICE),
    severity="warn",
)
def candidate_in_probation(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if s.case.mode == SelectionMode.EXCEPTIONAL or not is_promotion(s.case, _facts(s, ctx).cadre):
        return []
    probation = in_probation(_facts(s, ctx), ctx.today)
    if probation is None:
        return []
    return [
        Verdict(
            f"试用期：任“{probation.title}”的试用期至{probation.probation_until:%Y-%m-%d}，"
            "试用期未满即再提拔的，应当从严把握并说明理由"
        )
    ]


@_rule(
    PUNISHMENT_ID,
    "处分影响期内不得提拔或者重用",
    CANDIDATE_KIND,
    Citation("中国共产党纪律处分条例、公务员法（处分影响期的规定）", "条文待核实"),
    params=[],
)
def punishment_period(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if s.case.mode == SelectionMode.LATERAL:
        return []
    return [
        Verdict(
            f"影响期：受“{p.name}”处分，影响期至{p.effect_until:%Y-%m-%d}，期内不得提拔或者重用"
        )
        for p in _facts(s, ctx).punishments
        if p.effect_until and ctx.today <= p.effect_until
    ]


@_rule(
    ADJUSTMENT_ID,
    "能上能下调整影响期内不得提拔",
    CANDIDATE_KIND,
    Citation("推进领导干部能上能下规定（2022年）", "影响期条文待核实"),
    params=[],
)
def adjustment_period(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if s.case.mode == SelectionMode.LATERAL:
        return []
    return [
        Verdict(
            f"影响期：{a.proposed_on:%Y-%m-%d}因不适宜担任现职被{a.get_way_display()}，"
            f"影响期至{a.impact_until:%Y-%m-%d}，期内不得提拔"
        )
        for a in _facts(s, ctx).adjustments
        if a.impact_until and ctx.today <= a.impact_until
    ]


BLOCKING_GRADES = [
    AssessmentGrade.BASIC.value,
    AssessmentGrade.INCOMPETENT.value,
    AssessmentGrade.BASIC_QUALIFIED.value,
    AssessmentGrade.UNQUALIFIED.value,
]


@_rule(
    ASSESSMENT_ID,
    "年度考核结果",
    CANDIDATE_KIND,
    Citation("公务员考核规定（2020年）", "考核结果的使用（条文待核实）"),
    params=[
        ("years", "查看最近几个年度", 1, "U", "《公务员考核规定》：基本称职、不称职当年不得晋升"),
        ("grades", "不得提拔的等次", BLOCKING_GRADES, "U", "同上"),
    ],
)
def assessment(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if not is_promotion(s.case, _facts(s, ctx).cadre):
        return []
    grades = _facts(s, ctx).assessments
    blocking = set(ctx.param(rule, "grades"))
    labels = dict(AssessmentGrade.choices)
    verdicts = []
    last = ctx.today.year - 1
    for year in range(last, last - ctx.param(rule, "years"), -1):
        grade = grades.get(year)
        if grade in blocking:
            verdicts.append(Verdict(f"年度考核：{year}年度考核为{labels[grade]}，不得提拔"))
        elif grade is None and year == last:
            verdicts.append(
                Verdict(f"年度考核：档案没有{year}年度考核结果，请核实", severity="warn")
            )
    return verdicts


@_rule(
    AVOIDANCE_ID,
    "亲属任职回避",
    CANDIDATE_KIND,
    Citation("党政领导干部任职回避暂行规定", "第三条、第四条", URL_AVOIDANCE_POSTS),
    severity="warn",
)
def avoidance(s: SelectionCandidate, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    line: LineOfCommand = ctx.data["sel_lines"][s.case.post.unit_id]
    verdicts = []
    unit_name = s.case.post.unit.name
    for relative in _facts(s, ctx).family:
        mentioned = sorted(n for n in line.names if n in relative.employer_and_post)
        if mentioned:
            verdicts.append(
                Verdict(
                    f"回避：{relative.relation}{relative.name}在“{relative.employer_and_post}”"
                    f"工作，与拟任职务所在的{unit_name}同属一条领导线（提及{'、'.join(mentioned)}），"
                    "请核实是否需要任职回避"
                )
            )
            continue
        namesakes = [c for c in line.cadres_by_name.get(relative.name, []) if c.pk != s.cadre_id]
        for c in namesakes:
            verdicts.append(
                Verdict(
                    f"回避：{relative.relation}{relative.name}与{c.unit.name}干部{c.name}同名，"
                    f"该单位与拟任职务所在的{unit_name}同属一条领导线，请核实是否为同一人"
                )
            )
    return verdicts


register_subject_kind(
    SubjectKind(
        name=CANDIDATE_KIND,
        label=lambda s: f"{s.cadre.name}（{s.case.title}）",
        org_path=lambda s: cadre_finding_path(s.case.unit_path),
        preload=_candidate_preload,
        # A full refresh judges the people of the cases still running.
        queryset=lambda: candidate_queryset().filter(case__status=SelectionStatus.ACTIVE),
        title="选拔任用人选",
    )
)


def candidate_queryset() -> Any:
    return SelectionCandidate.objects.select_related(
        "cadre", "case__post__unit__parent", "case__unit"
    )


# --- a step about to be recorded -------------------------------------------------------------------


@dataclass
class StepProposal:
    case: SelectionCase
    step: str
    done_on: date
    details: dict[str, Any]
    inspected_count: int = 0
    recommendation_on: date | None = None
    calendar: WorkdayCalendar | None = None
    pk: None = None


R9_QUORUM_ID = "cadres.selection.R9.quorum"
R9_MAJORITY_ID = "cadres.selection.R9.majority"
R10_ID = "cadres.selection.R10.notice_days"
R12_ID = "cadres.selection.R12.talk"
R14_ID = "cadres.selection.R14.recommendation_validity"
R15_ID = "cadres.selection.R15.competitive_inspection"


@_rule(
    R9_QUORUM_ID,
    "讨论决定时到会成员应当超过三分之二",
    STEP_KIND,
    Citation(REGULATION, "讨论决定（2002年条例第三十条）", URL_DECISION),
    params=[("quorum", "到会比例", [2, 3], "C", "2002年条例，soolun.net")],
)
def quorum(p: StepProposal, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if p.step != SelectionStepKind.DECISION:
        return []
    due, present = p.details.get("members_due") or 0, p.details.get("members_present") or 0
    num, den = ctx.param(rule, "quorum")
    if present * den >= due * num:
        return []
    return [
        Verdict(
            f"到会人数：应到{due}人、实到{present}人，不足应到会成员的{num}/{den}，不能讨论决定干部任免"
        )
    ]


@_rule(
    R9_MAJORITY_ID,
    "以超过应到会成员半数同意形成决定",
    STEP_KIND,
    Citation(REGULATION, "讨论决定（2002年条例第三十条）", URL_DECISION),
    params=[
        ("share", "同意票须超过应到会成员的比例", [1, 2], "U", "2002年条例（2019年表述待核实）")
    ],
)
def majority(p: StepProposal, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if p.step != SelectionStepKind.DECISION:
        return []
    due, yes = p.details.get("members_due") or 0, p.details.get("votes_yes") or 0
    num, den = ctx.param(rule, "share")
    if yes * den > due * num:
        return []
    return [Verdict(f"同意票：{yes}票，未超过应到会成员{due}人的{num}/{den}，不能形成任用决定")]


@_rule(
    R10_ID,
    "任前公示期不少于5个工作日",
    STEP_KIND,
    Citation(REGULATION, "第四十五条（2014年条例第四十一条）", URL_NOTICE),
    params=[("working_days", "公示工作日", 5, "C", "2014年条例第四十一条，hebei.com.cn")],
)
def notice_days(p: StepProposal, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if p.step != SelectionStepKind.PUBLIC_NOTICE or p.calendar is None:
        return []
    start, end = p.details["starts_on"], p.details["ends_on"]
    counted = p.calendar.workdays_between(start, end)
    needed = ctx.param(rule, "working_days")
    verdicts = []
    if counted.value < needed:
        verdicts.append(
            Verdict(
                f"公示期：{start:%Y-%m-%d}至{end:%Y-%m-%d}只有{counted.value}个工作日，"
                f"任前公示期不少于{needed}个工作日"
            )
        )
    if counted.warning:
        verdicts.append(Verdict(f"公示期：{counted.warning}", severity="warn"))
    return verdicts


@_rule(
    R12_ID,
    "任职谈话",
    STEP_KIND,
    Citation(REGULATION, "第四十八条（2014年条例第四十三条）", URL_NOTICE),
    severity="warn",
)
def appointment_talk(p: StepProposal, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if p.step != SelectionStepKind.APPOINTMENT or p.details.get("talk_on"):
        return []
    return [Verdict("任职谈话：未记录任职谈话日期，对决定任用的干部应当进行任职谈话")]


@_rule(
    R14_ID,
    "民主推荐结果的有效期",
    STEP_KIND,
    Citation(REGULATION, "民主推荐（2002年条例）", URL_RECOMMENDATION),
    severity="warn",
    params=[("months", "有效期（月）", 12, "U", "2002年条例，sina.com.cn；2019年表述待核实")],
)
def recommendation_validity(p: StepProposal, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if p.step != SelectionStepKind.DECISION or p.recommendation_on is None:
        return []
    months = ctx.param(rule, "months")
    if p.recommendation_on + relativedelta(months=months) >= p.done_on:
        return []
    return [
        Verdict(
            f"民主推荐：推荐于{p.recommendation_on:%Y-%m-%d}，至讨论决定已超过{months}个月，"
            "推荐结果一般在一年内有效"
        )
    ]


@_rule(
    R15_ID,
    "差额考察",
    STEP_KIND,
    Citation(REGULATION, "考察（考察对象一般应当多于拟任职务人数）"),
    severity="warn",
    params=[("more_than_seats", "考察对象多于职位数", True, "U", "条例，条文待核实")],
)
def competitive_inspection(p: StepProposal, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if p.step != SelectionStepKind.INSPECTION or not ctx.param(rule, "more_than_seats"):
        return []
    seats = p.case.post.seats
    if p.inspected_count > seats:
        return []
    return [
        Verdict(
            f"考察对象：{p.inspected_count}人，未多于拟任职务人数{seats}人，"
            "考察对象一般应当多于拟任职务人数（差额考察），请说明理由"
        )
    ]


register_subject_kind(
    SubjectKind(
        name=STEP_KIND,
        label=lambda p: f"{p.case.title} {SelectionStepKind(p.step).label}",
        org_path=lambda p: cadre_finding_path(p.case.unit_path),
        # A step is judged as it is recorded (the verdicts show on the form and block it or are
        # noted with the step); nothing about a step is stored, so a full refresh has nothing to do.
        queryset=lambda: SelectionStep.objects.none(),
        title="选拔任用环节",
    )
)


# --- open cases ------------------------------------------------------------------------------------

R11_ID = "cadres.selection.R11.probation"
NOTICE_REVIEW_ID = "cadres.selection.R10.feedback_review"


def _case_preload(ctx: RuleContext, cases: Sequence[SelectionCase]) -> None:
    from zugong.cadres.models import PostHolding, PublicNotice, SelectionStep

    ids = [c.pk for c in cases]
    steps: dict[int, dict[str, Any]] = {}
    for s in SelectionStep.objects.filter(case_id__in=ids):
        steps.setdefault(s.case_id, {})[s.step] = s
    ctx.data["sel_case_steps"] = steps
    holding_ids = [
        s.details.get("holding_id")
        for by_step in steps.values()
        for code, s in by_step.items()
        if code == SelectionStepKind.APPOINTMENT and s.details.get("holding_id")
    ]
    ctx.data["sel_holdings"] = PostHolding.objects.in_bulk(holding_ids)
    notices: dict[int, list[Any]] = {}
    for n in PublicNotice.objects.filter(case_id__in=ids):
        notices.setdefault(n.case_id, []).append(n)
    ctx.data["sel_case_notices"] = notices


@_rule(
    R11_ID,
    "试用期一年，期满考核",
    CASE_KIND,
    Citation(REGULATION, "第四十七条（2014年条例第四十二条）", URL_NOTICE),
    severity="warn",
    params=[
        ("months", "试用期（月）", 12, "C", "2014年条例第四十二条；2001年试用期规定"),
        ("lead_days", "提前提醒（天）", 30, "U", "本系统约定"),
    ],
)
def probation_due(case: SelectionCase, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if case.status not in (SelectionStatus.ACTIVE, SelectionStatus.PAUSED):
        return []
    steps = ctx.data["sel_case_steps"].get(case.pk, {})
    appointment = steps.get(SelectionStepKind.APPOINTMENT)
    if appointment is None or SelectionStepKind.PROBATION in steps:
        return []
    holding = ctx.data["sel_holdings"].get(appointment.details.get("holding_id"))
    until = holding.probation_until if holding else None
    if until is None or ctx.today < until - timedelta(days=ctx.param(rule, "lead_days")):
        return []
    state = "已届满" if ctx.today >= until else "即将届满"
    return [
        Verdict(
            f"试用期：{case.appointee}的试用期于{until:%Y-%m-%d}{state}，应当进行试用期满考核",
            due_on=until,
        )
    ]


@_rule(
    NOTICE_REVIEW_ID,
    "公示反映的问题核查清楚前不得任职",
    CASE_KIND,
    Citation(REGULATION, "第四十五条（2014年条例第四十一条）", URL_NOTICE),
    severity="block",
)
def notice_under_review(case: SelectionCase, ctx: RuleContext, rule: Rule) -> list[Verdict]:
    if case.status not in (SelectionStatus.ACTIVE, SelectionStatus.PAUSED):
        return []
    return [
        Verdict(
            f"任前公示：{n.cadre}的公示收到反映{n.feedback_count}件，正在核查，核查清楚前不得任职"
        )
        for n in ctx.data["sel_case_notices"].get(case.pk, [])
        if n.under_review
    ]


register_subject_kind(
    SubjectKind(
        name=CASE_KIND,
        label=lambda c: c.title,
        org_path=lambda c: cadre_finding_path(c.unit_path),
        preload=_case_preload,
        queryset=lambda: SelectionCase.objects.filter(
            status__in=[SelectionStatus.ACTIVE, SelectionStatus.PAUSED]
        ).select_related("appointee"),
        url_name="cadres:selection_detail",
        title="选拔任用纪实",
    )
)


def parameter_rows() -> list[tuple[Rule, ParameterInfo]]:
    return [(RULES[p.rule_id], p) for p in PARAMETERS]
