"""Three 选拔任用纪实 cases for the demo county, each at a different step:

1. at 民主推荐 (动议 recorded, three people proposed);
2. in 任前公示 today (decided, the 公示 running);
3. appointed some months ago, its one-year 试用期 running.

Built from whatever cadres and posts the database has (≥ 20 active cadres, ≥ 5 posts), picked
in primary-key order, so the same database always gets the same cases. Every write goes through
selection_services, so the cases pass the same rules as the ones entered by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from zugong.cadres import selection_services as services
from zugong.cadres.models import (
    POST_LEVEL_RANK,
    Cadre,
    CadreStatus,
    Post,
    SelectionCandidate,
    SelectionCase,
    SelectionMode,
    SelectionStepKind,
)

Step = SelectionStepKind
DEMO_MARK = "（示范）"


def _figures(case: SelectionCase, step: str, on: date) -> dict[str, Any]:
    people = list(case.candidates.order_by("id"))
    if step == Step.MOTION:
        return {"form": "书记专题会", "scope": "全县优秀年轻干部和现职副职"}
    if step == Step.RECOMMENDATION:
        return {
            "talk_due": 32,
            "talk_present": 30,
            "meeting_due": 68,
            "meeting_present": 64,
            "votes": {
                str(c.pk): {"talk": 22 - 4 * i, "meeting": 45 - 9 * i} for i, c in enumerate(people)
            },
        }
    if step == Step.INSPECTION:
        return {
            "team": "县委组织部干部科考察组（3人）",
            "talked_count": 28,
            "opinion": "政治立场坚定，工作实绩突出，群众基础较好，廉洁自律。",
            "inspected": [c.pk for c in people if not _blocked(case, c, on)][:2],
        }
    if step == Step.DISCIPLINE_OPINION:
        return {
            "letter_on": on - timedelta(days=6),
            "reply": "经查，未发现违纪违法问题。",
            "conclusion": services.DISCIPLINE_CONCLUSIONS[0],
        }
    if step == Step.PERSONAL_MATTERS:
        return {"result": "一致", "handling": ""}
    if step == Step.DECISION:
        inspected = [c for c in people if c.is_inspected]
        return {
            "meeting": "县委常委会会议",
            "members_due": 11,
            "members_present": 10,
            "votes_yes": 10,
            "votes_no": 0,
            "votes_abstain": 0,
            "appointee": inspected[0].pk,
        }
    if step == Step.APPOINTMENT:
        return {"document_no": f"示组任〔{on.year}〕{case.pk:02d}号", "talk_on": on}
    return {}


def _blocked(case: SelectionCase, candidate: Any, on: date) -> bool:
    judgements = services.candidate_judgements(case, on, [candidate])[candidate.pk]
    return any(j.severity == "block" for j in judgements)


def _eligible(
    post: Post, mode: str, pool: list[Cadre], dates: list[date], count: int
) -> list[Cadre]:
    """The first `count` people of the pool with no block verdict for this post and mode on any
    of `dates` (the 考察 and the 讨论决定 judge them again)."""
    # Unsaved: the checks read only the case's post and mode, so nothing is written to probe.
    probe = SelectionCase(post=post, unit=post.unit, mode=mode, opened_on=dates[0], title="")
    chosen: list[Cadre] = []
    for cadre in pool:
        if len(chosen) == count:
            break
        candidate = SelectionCandidate(case=probe, cadre=cadre)
        if not any(_blocked(probe, candidate, on) for on in dates):
            chosen.append(cadre)
    return chosen


def _walk(case: SelectionCase, dates: dict[str, date], until: str) -> None:
    for step in SELECTION_ORDER:
        case.refresh_from_db()
        if case.current_step != step:
            continue
        services.record_step(
            actor=None,
            case=case,
            step=step,
            done_on=dates[step],
            details=_figures(case, step, dates[step]),
        )
        if step == until:
            return


SELECTION_ORDER = [c for c, _ in Step.choices]


def _open(
    post: Post, mode: str, opened_on: date, people: list[Cadre], reason: str
) -> SelectionCase:
    case = services.open_case(
        actor=None,
        post=post,
        mode=mode,
        opened_on=opened_on,
        reason=reason,
        title=f"{post}人选选拔{DEMO_MARK}",
    )
    for cadre in people:
        services.add_candidate(actor=None, case=case, cadre=cadre)
    return case


def _mode_for(post: Post, people: list[Cadre]) -> str:
    top = max((POST_LEVEL_RANK.get(c.current_level, 0) for c in people), default=0)
    return (
        SelectionMode.PROMOTION
        if POST_LEVEL_RANK.get(post.level, 0) > top
        else SelectionMode.LATERAL
    )


@transaction.atomic
def seed_selection(today: date) -> None:
    """Create the three demo cases (skipped when they exist already)."""
    if SelectionCase.objects.filter(title__endswith=DEMO_MARK).exists():
        return
    cadres = list(
        Cadre.objects.filter(status=CadreStatus.ACTIVE).select_related("unit").order_by("pk")
    )
    posts = list(Post.objects.filter(is_active=True).select_related("unit").order_by("pk"))
    if len(cadres) < 3 or len(posts) < 3:
        return
    # Each case draws from its own slice of the people, so no one is proposed twice.
    slices = [cadres[i::3] for i in range(3)]

    # 1. At 民主推荐: three people proposed at the 动议 forty days ago.
    motion_on = today - timedelta(days=40)
    post = posts[0]
    people = _eligible(post, SelectionMode.PROMOTION, slices[0], [motion_on], 3) or slices[0][:3]
    case = _open(post, SelectionMode.PROMOTION, motion_on, people, "原任职者调任，岗位空缺")
    _walk(case, {Step.MOTION: motion_on + timedelta(days=1)}, Step.MOTION)

    # 2. In 任前公示 since two days ago (five working days reach at least today).
    post = posts[len(posts) // 2]
    start = today - timedelta(days=2)
    opened = start - timedelta(days=60)
    dates = _dates(opened, start)
    checked = [dates[Step.INSPECTION], dates[Step.DECISION]]
    people = _eligible(post, SelectionMode.PROMOTION, slices[1], checked, 2)
    if people:
        case = _open(post, _mode_for(post, people), opened, people, "班子配备需要")
        _walk(case, dates, Step.PUBLIC_NOTICE)

    # 3. Appointed about five months ago: the 试用期 (R11) runs for another seven months.
    post = next((p for p in reversed(posts) if not p.is_elected), posts[-1])
    start = today - timedelta(days=165)
    opened = start - timedelta(days=60)
    dates = _dates(opened, start)
    checked = [dates[Step.INSPECTION], dates[Step.DECISION]]
    people = _eligible(post, SelectionMode.PROMOTION, slices[2], checked, 2)
    if people:
        end, _ = services.notice_period(start)
        dates[Step.APPOINTMENT] = end + timedelta(days=3)
        case = _open(post, SelectionMode.PROMOTION, opened, people, "工作需要，择优选配")
        _walk(case, dates, Step.APPOINTMENT)


def _dates(opened: date, notice_start: date) -> dict[str, date]:
    """The steps of a case spread between its 动议 and its 公示."""
    return {
        Step.MOTION: opened + timedelta(days=1),
        Step.RECOMMENDATION: opened + timedelta(days=12),
        Step.INSPECTION: opened + timedelta(days=25),
        Step.DISCIPLINE_OPINION: opened + timedelta(days=35),
        Step.PERSONAL_MATTERS: opened + timedelta(days=40),
        Step.DECISION: notice_start - timedelta(days=7),
        Step.PUBLIC_NOTICE: notice_start,
    }
