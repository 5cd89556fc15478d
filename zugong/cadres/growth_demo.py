"""Demo data of the growth archives and 能上能下, built on the demo county's cadres: a reserve pool
of the ~40 youngest, ~20 front-line assignments (some with overdue 跟踪管理), evaluations with the
七种能力, two adjustments (a 调离岗位 and a 降职 whose 影响期 still runs) and a few incentives.

Deterministic: the same cadres and the same `today` give the same rows. Skipped when the pool
already has entries.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction

from zugong.cadres.growth_rules import (
    ADJUSTMENT_KIND,
    ASSIGNMENT_KIND,
    RESERVE_KIND,
    criteria_problems,
    demotion_impact_until,
    grades_of,
)
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    Adjustment,
    AdjustmentSituation,
    AdjustmentWay,
    Assignment,
    AssignmentKind,
    Cadre,
    CadreStatus,
    Evaluation,
    Incentive,
    IncentiveKind,
    PostLevel,
    ReserveEntry,
    TrackingNote,
)
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings

POOL_SIZE = 40
ASSIGNMENTS = 20

# The next level up a young cadre is stored for, from the level held now.
NEXT_LEVEL = {
    PostLevel.SECTION_DEPUTY: PostLevel.SECTION_CHIEF,
    PostLevel.SECTION_CHIEF: PostLevel.COUNTY_DEPUTY,
    PostLevel.COUNTY_DEPUTY: PostLevel.COUNTY_CHIEF,
}
KINDS = [k for k in AssignmentKind.values if k != AssignmentKind.OTHER]
PLACES = {
    AssignmentKind.RURAL_REVITALIZATION: "驻村第一书记",
    AssignmentKind.PROJECT: "重点项目指挥部",
    AssignmentKind.EMERGENCY: "防汛抗旱指挥部",
    AssignmentKind.PETITION: "信访接待中心",
    AssignmentKind.INVESTMENT: "招商引资专班",
    AssignmentKind.GRASSROOTS: "社区挂职",
}
MENTORS = ["张建国", "刘红梅", "陈志强", "王秀英", "李卫东"]
GOALS = {
    AssignmentKind.RURAL_REVITALIZATION: "推动村集体经济增收，完成人居环境整治任务",
    AssignmentKind.PROJECT: "保障项目按节点推进，协调征地拆迁",
    AssignmentKind.EMERGENCY: "参与汛期值守和应急处置，完善应急预案",
    AssignmentKind.PETITION: "化解信访积案，做好群众接待",
    AssignmentKind.INVESTMENT: "对接意向企业，促成项目签约落地",
    AssignmentKind.GRASSROOTS: "熟悉基层治理，参与网格化管理",
}
NOTES = [
    "深入一线开展工作，按计划推进各项任务。",
    "能主动对接群众诉求，解决实际问题。",
    "协调推进有力，阶段性目标已完成。",
]
DEMO_REASON = "一线实绩突出，经组织推荐入库（演示数据）"


def _level_for(cadre: Cadre) -> str:
    return NEXT_LEVEL.get(cadre.current_level, PostLevel.SECTION_DEPUTY)


def _ratings(i: int) -> dict[str, int]:
    return {key: 3 + (i + j) % 3 for j, (key, _) in enumerate(SEVEN_ABILITIES)}


def _pool(young: list[Cadre], today: date, ctx: RuleContext) -> list[ReserveEntry]:
    grades = grades_of([c.pk for c in young])
    entries = []
    for i, cadre in enumerate(young):
        level = _level_for(cadre)
        entered = today - timedelta(days=60 + 17 * i)
        problems = criteria_problems(
            cadre.birth_date, level, entered, grades.get(cadre.pk, {}), ctx
        )
        entry = ReserveEntry(
            cadre=cadre,
            target_level=level,
            entered_on=entered,
            recommended_by=("民主推荐", "个别推荐", "组织推荐")[i % 3],
            exception_reason=DEMO_REASON if problems else "",
            unit_path=cadre.unit_path,
        )
        entry.save()
        entries.append(entry)
    return entries


def _assignments(young: list[Cadre], today: date) -> list[Assignment]:
    made = []
    for i, cadre in enumerate(young[:ASSIGNMENTS]):
        kind = KINDS[i % len(KINDS)]
        started = today - timedelta(days=75 + 23 * i)
        ended = started + relativedelta(months=6) if i % 5 == 4 else None
        assignment = Assignment(
            cadre=cadre,
            kind=kind,
            place=f"{cadre.unit.short_name or cadre.unit.name}{PLACES[kind]}",
            started_on=started,
            ended_on=ended if ended and ended < today else None,
            mentor=MENTORS[i % len(MENTORS)],
            goals=GOALS[kind],
            tracking_months=2 if i % 7 == 6 else None,
            unit_path=cadre.unit_path,
        )
        assignment.save()
        made.append(assignment)
        # Every third assignment has had no note since it began: its 跟踪管理 falls overdue.
        if i % 3 == 0:
            continue
        noted = started + timedelta(days=70)
        n = 0
        while noted <= today - timedelta(days=10):
            TrackingNote.objects.create(
                assignment=assignment, noted_on=noted, content=NOTES[(i + n) % len(NOTES)]
            )
            n += 1
            noted += timedelta(days=80)
    return made


def _evaluations(assignments: list[Assignment], today: date) -> None:
    grades = [Evaluation.Grade.EXCELLENT, Evaluation.Grade.GOOD, Evaluation.Grade.GOOD]
    for i, assignment in enumerate(assignments):
        if i % 3 == 0:
            continue
        on = min(assignment.started_on + timedelta(days=120), today)
        Evaluation.objects.create(
            cadre=assignment.cadre,
            assignment=assignment,
            evaluated_on=on,
            grade=grades[i % len(grades)],
            summary="政治坚定，敢于担当，在一线经受了锻炼。",
            abilities=_ratings(i),
            evaluator="县委组织部考察组",
        )


def _adjustments(others: list[Cadre], today: date, ctx: RuleContext) -> list[Adjustment]:
    situations = {s.number: s for s in AdjustmentSituation.objects.filter(number__in=[3, 8])}
    if len(others) < 2 or len(situations) < 2:
        return []
    reassign_decided = today - timedelta(days=200)
    demote_decided = today - timedelta(days=120)
    first, second = others[0], others[1]
    rows = [
        Adjustment(
            cadre=first,
            situation=situations[8],
            way=AdjustmentWay.REASSIGN,
            facts="分管工作较长时间处于全县后列，经分析研判不适宜继续担任现职。",
            basis="《推进领导干部能上能下规定》第五条第（八）项",
            proposed_on=reassign_decided - timedelta(days=40),
            verified_on=reassign_decided - timedelta(days=30),
            talked_on=reassign_decided - timedelta(days=10),
            decided_on=reassign_decided,
            announced_on=reassign_decided + timedelta(days=3),
            post_before=first.current_post_text or "原任职务",
            post_after="调任其他岗位",
        ),
        Adjustment(
            cadre=second,
            situation=situations[3],
            way=AdjustmentWay.DEMOTE,
            facts="面对重大风险隐患不敢担当，造成不良影响。",
            basis="《推进领导干部能上能下规定》第五条第（三）项",
            proposed_on=demote_decided - timedelta(days=45),
            verified_on=demote_decided - timedelta(days=30),
            talked_on=demote_decided - timedelta(days=12),
            decided_on=demote_decided,
            announced_on=demote_decided + timedelta(days=2),
            post_before=second.current_post_text or "原任职务",
            post_after="降任下一层次职务",
            impact_until=demotion_impact_until(demote_decided, ctx),
        ),
    ]
    for row in rows:
        row.unit_path = row.cadre.unit_path
        row.save()
    return rows


def _incentives(young: list[Cadre], today: date) -> None:
    items = [
        (IncentiveKind.COMMENDATION, "县委、县政府", "在防汛救灾工作中表现突出，予以通报表扬。"),
        (IncentiveKind.FAULT_TOLERANCE, "县委", "推进改革试点中出现的失误符合容错情形，予以容错。"),
        (IncentiveKind.CLARIFICATION, "县纪委监委", "经核查反映问题失实，予以澄清正名。"),
    ]
    for i, (kind, by, content) in enumerate(items):
        if i >= len(young):
            return
        cadre = young[i * 3]
        Incentive.objects.create(
            cadre=cadre,
            kind=kind,
            decided_on=today - timedelta(days=30 + 45 * i),
            decided_by=by,
            content=content,
            unit_path=cadre.unit_path,
        )


@transaction.atomic
def seed_growth(today: date) -> None:
    """Create the demo growth archives and 能上能下 rows, then their findings as of `today`."""
    if ReserveEntry.objects.exists():
        return
    active = Cadre.objects.filter(status=CadreStatus.ACTIVE).select_related("unit")
    young = list(active.order_by("-birth_date", "id")[:POOL_SIZE])
    if not young:
        return
    ctx = RuleContext(today=today)
    entries = _pool(young, today, ctx)
    assignments = _assignments(young, today)
    _evaluations(assignments, today)
    chosen = {c.pk for c in young}
    # The adjusted are older cadres with a leading post, not anyone in the pool.
    others = [
        c
        for c in active.exclude(current_level="").order_by("birth_date", "id")[:50]
        if c.pk not in chosen
    ]
    adjustments = _adjustments(others[5:] or others, today, ctx)
    _incentives(young, today)
    refresh_findings(RESERVE_KIND, entries, ctx)
    refresh_findings(ASSIGNMENT_KIND, assignments, ctx)
    refresh_findings(ADJUSTMENT_KIND, adjustments, ctx)
