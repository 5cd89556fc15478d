"""Reads of the 选拔任用纪实, always through the account's unit scope; also how a recorded step
is described in words (the page, the 纪实表 .docx and the PDF say the same thing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from zugong.accounts.models import User
from zugong.cadres import selection_rules as sr
from zugong.cadres.archive_selectors import search_q
from zugong.cadres.models import (
    SELECTION_STEP_ORDER,
    Cadre,
    CadreStatus,
    Post,
    PublicNotice,
    SelectionCandidate,
    SelectionCase,
    SelectionStatus,
    SelectionStep,
    SelectionStepKind,
    Unit,
)
from zugong.cadres.scope import get_scoped, scoped, visible_cadres
from zugong.core.exports import Exporter, register_exporter
from zugong.core.models import Finding
from zugong.orgs.models import subtree_q

Step = SelectionStepKind
# How long an ended 公示 stays on the list of recent notices.
RECENT_NOTICE_DAYS = 90
# A county has hundreds of cadres, a province far more: the choice list shows the first ones
# and the search box narrows it.
ADDABLE_SHOWN = 200


@dataclass(frozen=True)
class SelectionFilters:
    q: str = ""
    status: str = ""
    step: str = ""
    unit: Unit | None = None


def case_list(user: User, f: SelectionFilters) -> QuerySet[SelectionCase]:
    qs = scoped(user, SelectionCase.objects.all()).select_related("post", "unit", "appointee")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.step:
        qs = qs.filter(current_step=f.step)
    if f.unit is not None:
        qs = qs.filter(subtree_q("unit_path", f.unit.path))
    if f.q:
        qs = qs.filter(
            Q(title__contains=f.q)
            | Q(post__title__contains=f.q)
            | Q(unit__name__contains=f.q)
            | Q(appointee__name__contains=f.q)
        )
    return qs.order_by("-opened_on", "-id")


def get_case(user: User, pk: int) -> SelectionCase:
    return get_scoped(
        user,
        SelectionCase.objects.select_related("post__unit", "unit", "appointee", "created_by"),
        pk,
    )


def get_notice(user: User, pk: int) -> PublicNotice:
    return get_scoped(user, PublicNotice.objects.select_related("case__post__unit", "cadre"), pk)


def posts_for_new_case(user: User) -> QuerySet[Post]:
    return scoped(user, Post.objects.filter(is_active=True)).select_related("unit")


def addable_cadres(user: User, case: SelectionCase, q: str = "") -> QuerySet[Cadre]:
    """People of the archive in scope who may still be proposed, by unit and name (the page
    lists the first ADDABLE_SHOWN of them)."""
    qs = (
        visible_cadres(user)
        .filter(status=CadreStatus.ACTIVE)
        .exclude(pk__in=case.candidates.values("cadre_id"))
        .select_related("unit")
    )
    if q:
        qs = qs.filter(search_q(q))
    return qs.order_by("unit_path", "name_pinyin", "id")


def case_steps(case: SelectionCase) -> list[SelectionStep]:
    order = {code: i for i, code in enumerate(SELECTION_STEP_ORDER)}
    steps = list(case.steps.select_related("recorded_by"))
    return sorted(steps, key=lambda s: order[s.step])


def candidates(case: SelectionCase) -> list[SelectionCandidate]:
    return list(case.candidates.select_related("cadre__unit").order_by("id"))


@dataclass
class CandidateRow:
    candidate: SelectionCandidate
    findings: list[Finding]

    @property
    def blocked(self) -> bool:
        return any(f.severity == Finding.Severity.BLOCK for f in self.findings)


def candidate_rows(case: SelectionCase) -> list[CandidateRow]:
    people = candidates(case)
    by_subject: dict[int, list[Finding]] = {c.pk: [] for c in people}
    for f in Finding.objects.filter(subject_type=sr.CANDIDATE_KIND, subject_id__in=by_subject):
        by_subject[f.subject_id].append(f)
    return [CandidateRow(c, sorted(by_subject[c.pk], key=lambda f: f.severity)) for c in people]


def case_findings(case: SelectionCase) -> QuerySet[Finding]:
    return Finding.objects.filter(subject_type=sr.CASE_KIND, subject_id=case.pk)


def notices(user: User, today: date) -> tuple[list[PublicNotice], list[PublicNotice]]:
    """公示 running today, and those ended in the last RECENT_NOTICE_DAYS days."""
    qs = scoped(user, PublicNotice.objects.select_related("cadre", "case__post__unit"))
    active = list(qs.filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on", "id"))
    recent = list(
        qs.filter(
            ends_on__lt=today, ends_on__gte=today - timedelta(days=RECENT_NOTICE_DAYS)
        ).order_by("-ends_on", "-id")[:200]
    )
    return active, recent


# --- describing a step ------------------------------------------------------------------------------


def _day(value: Any) -> str:
    if not value:
        return "—"
    return date.fromisoformat(value).strftime("%Y-%m-%d") if isinstance(value, str) else str(value)


def describe_step(step: SelectionStep, names: dict[int, str]) -> list[str]:
    """The figures of a recorded step as lines of text; `names` maps candidate ids to names."""
    d = step.details or {}

    def who(pk: Any) -> str:
        return names.get(int(pk), "（已删除）") if pk not in (None, "") else "—"

    lines: list[str] = []
    if step.step == Step.MOTION:
        lines.append(f"动议形式：{d.get('form') or '—'}；酝酿范围：{d.get('scope') or '—'}")
    elif step.step == Step.RECOMMENDATION:
        lines.append(
            f"谈话调研推荐：应参加{d.get('talk_due')}人，实参加{d.get('talk_present')}人；"
            f"会议推荐：应到{d.get('meeting_due')}人，实到{d.get('meeting_present')}人"
        )
        for pk, v in (d.get("votes") or {}).items():
            lines.append(f"{who(pk)}：谈话推荐{v.get('talk')}票，会议推荐{v.get('meeting')}票")
    elif step.step == Step.INSPECTION:
        lines.append(f"考察组：{d.get('team')}；个别谈话{d.get('talked_count')}人")
        lines.append(f"考察对象：{'、'.join(who(pk) for pk in d.get('inspected') or [])}")
        lines.append(f"考察意见：{d.get('opinion')}")
    elif step.step == Step.DISCIPLINE_OPINION:
        lines.append(f"函询日期：{_day(d.get('letter_on'))}；结论：{d.get('conclusion')}")
        if d.get("reply"):
            lines.append(f"回复意见：{d['reply']}")
    elif step.step == Step.PERSONAL_MATTERS:
        lines.append(f"核查结果：{d.get('result')}")
        if d.get("handling"):
            lines.append(f"处理情况：{d['handling']}")
    elif step.step == Step.DECISION:
        lines.append(
            f"{d.get('meeting') or '会议'}：应到{d.get('members_due')}人，实到{d.get('members_present')}人；"
            f"同意{d.get('votes_yes')}票，反对{d.get('votes_no')}票，弃权{d.get('votes_abstain')}票"
        )
        lines.append(f"决定拟任人选：{who(d.get('appointee'))}")
    elif step.step == Step.PUBLIC_NOTICE:
        lines.append(
            f"公示期：{_day(d.get('starts_on'))}至{_day(d.get('ends_on'))}"
            f"（{d.get('working_days')}个工作日）"
        )
    elif step.step == Step.APPOINTMENT:
        lines.append(f"任职文件：{d.get('document_no')}；任职谈话：{_day(d.get('talk_on'))}")
        if d.get("probation_until"):
            lines.append(f"试用期至：{_day(d.get('probation_until'))}")
    elif step.step == Step.PROBATION:
        lines.append(f"试用期满考核结果：{d.get('result')}")
    if step.note:
        lines.append(f"说明：{step.note}")
    return lines


def warnings_of(step: SelectionStep) -> list[dict[str, str]]:
    return list((step.details or {}).get("warnings") or [])


def checks_of(step: SelectionStep) -> list[tuple[str, list[dict[str, str]]]]:
    """The qualification verdicts snapshotted on a 动议/考察/讨论决定 step, per person."""
    return [
        (v.get("name", ""), v.get("verdicts") or [])
        for v in ((step.details or {}).get("checks") or {}).values()
    ]


# --- export ----------------------------------------------------------------------------------------

CASE_HEADERS = [
    "事项名称",
    "单位",
    "拟任职务",
    "选任方式",
    "动议日期",
    "当前环节",
    "状态",
    "暂停/终止原因",
    "拟任人选",
]


def case_rows(qs: QuerySet[SelectionCase]) -> Iterable[list[Any]]:
    for c in qs.iterator(chunk_size=2000):
        yield [
            c.title,
            c.unit.name,
            c.post.title,
            c.get_mode_display(),
            c.opened_on,
            c.get_current_step_display() if c.current_step else "",
            c.get_status_display(),
            c.status_reason,
            c.appointee.name if c.appointee_id else "",
        ]


register_exporter(
    Exporter(
        name="cadre_selection_cases",
        title="选拔任用纪实",
        headers=CASE_HEADERS,
        rows=case_rows,
        widths=[30, 20, 20, 12, 12, 16, 8, 30, 10],
    )
)

STATUS_CHOICES = SelectionStatus.choices
