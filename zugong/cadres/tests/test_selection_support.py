"""Helpers the selection tests share (no tests here): people with archives, posts, and a case
walked through its steps with valid figures."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from zugong.cadres import selection_services as services
from zugong.cadres.models import (
    AnnualAssessment,
    AssessmentGrade,
    Cadre,
    Education,
    EducationKind,
    Post,
    PostHolding,
    PostLevel,
    SelectionCase,
    SelectionMode,
    SelectionStepKind,
    Unit,
)
from zugong.cadres.unit_services import create_post
from zugong.conftest import valid_id

_births = count()
Step = SelectionStepKind

# A case walked in the past: 2025, with the 公示 across 国庆 (10-01..10-08 off, 09-28 and
# 10-11 调休 working days): starting Monday 09-29 it ends on Saturday 10-11.
OPENED = date(2025, 6, 2)
DATES = {
    Step.MOTION: date(2025, 6, 3),
    Step.RECOMMENDATION: date(2025, 6, 20),
    Step.INSPECTION: date(2025, 7, 10),
    Step.DISCIPLINE_OPINION: date(2025, 8, 1),
    Step.PERSONAL_MATTERS: date(2025, 8, 15),
    Step.DECISION: date(2025, 9, 20),
    Step.PUBLIC_NOTICE: date(2025, 9, 29),
    Step.APPOINTMENT: date(2025, 10, 20),
    Step.PROBATION: date(2026, 10, 20),
    Step.ARCHIVE: date(2026, 10, 25),
}
NOTICE_END = date(2025, 10, 11)


def make_cadre(unit: Unit, name: str, *, qualified: bool = True, **fields: Any) -> Cadre:
    """A cadre; `qualified` gives a 本科 degree and 称职 for every year since 2020."""
    birth = date(1980, 1, 1) + timedelta(days=40 * next(_births))
    fields.setdefault("work_started_on", date(2003, 7, 1))
    cadre = Cadre.objects.create(
        name=name, gender="男", id_number=valid_id(birth), birth_date=birth, unit=unit, **fields
    )
    if qualified:
        Education.objects.create(
            cadre=cadre, kind=EducationKind.FULLTIME, education="大学本科", degree="学士"
        )
        for year in range(2020, 2027):
            AnnualAssessment.objects.create(cadre=cadre, year=year, grade=AssessmentGrade.COMPETENT)
    return cadre


def hold(
    cadre: Cadre,
    unit: Unit,
    title: str,
    level: str,
    start: date,
    end: date | None = None,
    **kw: Any,
) -> PostHolding:
    return PostHolding.objects.create(
        cadre=cadre, unit=unit, title=title, level=level, started_on=start, ended_on=end, **kw
    )


def section_post(unit: Unit, title: str = "党委副书记", **kw: Any) -> Post:
    return create_post(actor=None, unit=unit, title=title, level=PostLevel.SECTION_DEPUTY, **kw)


def open_case(post: Post, mode: str = SelectionMode.PROMOTION, **kw: Any) -> SelectionCase:
    return services.open_case(
        actor=kw.pop("actor", None),
        post=post,
        mode=mode,
        opened_on=kw.pop("opened_on", OPENED),
        reason=kw.pop("reason", "岗位空缺"),
        **kw,
    )


def step_details(case: SelectionCase, step: str) -> dict[str, Any]:
    """Valid figures for each step (every candidate inspected, the first one decided)."""
    candidates = list(case.candidates.order_by("id"))
    if step == Step.MOTION:
        return {"form": "书记专题会", "scope": "全县乡科级干部"}
    if step == Step.RECOMMENDATION:
        return {
            "talk_due": 30,
            "talk_present": 28,
            "meeting_due": 60,
            "meeting_present": 55,
            "votes": {
                str(c.pk): {"talk": 20 - i, "meeting": 40 - i} for i, c in enumerate(candidates)
            },
        }
    if step == Step.INSPECTION:
        return {
            "team": "张组长、李组员",
            "talked_count": 25,
            "opinion": "政治素质好，工作实绩突出。",
            "inspected": [c.pk for c in candidates],
        }
    if step == Step.DISCIPLINE_OPINION:
        return {
            "letter_on": DATES[Step.DISCIPLINE_OPINION] - timedelta(days=7),
            "reply": "未发现违纪违法问题。",
            "conclusion": services.DISCIPLINE_CONCLUSIONS[0],
        }
    if step == Step.PERSONAL_MATTERS:
        return {"result": "一致", "handling": ""}
    if step == Step.DECISION:
        return {
            "meeting": "县委常委会",
            "members_due": 11,
            "members_present": 10,
            "votes_yes": 9,
            "votes_no": 1,
            "votes_abstain": 0,
            "appointee": candidates[0].pk,
        }
    if step == Step.PUBLIC_NOTICE:
        return {}
    if step == Step.APPOINTMENT:
        return {"document_no": "示组〔2025〕18号", "talk_on": DATES[Step.APPOINTMENT]}
    if step == Step.PROBATION:
        return {"result": "胜任"}
    return {}


def walk(case: SelectionCase, until: str, *, actor: Any = None) -> SelectionCase:
    """Record every step from the current one up to and including `until`."""
    while True:
        case.refresh_from_db()
        step = case.current_step
        services.record_step(
            actor=actor,
            case=case,
            step=step,
            done_on=DATES[step],
            details=step_details(case, step),
        )
        if step == until:
            case.refresh_from_db()
            return case
