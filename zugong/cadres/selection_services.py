"""Writes of the 选拔任用纪实: open a case, add people, record each step in order, pause, resume,
end. Every write checks the rules of selection_rules (block refuses with the rule's citation,
warn is stored on the step) and keeps the case's findings fresh."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.cadres import selection_rules as sr
from zugong.cadres.models import (
    SELECTION_STEP_ORDER,
    Cadre,
    CadreStatus,
    Post,
    PostHolding,
    PublicNotice,
    SelectionCandidate,
    SelectionCase,
    SelectionMode,
    SelectionStatus,
    SelectionStep,
    SelectionStepKind,
)
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.core.selectors import workday_calendar
from zugong.core.services import refresh_findings
from zugong.core.workdays import WorkdayCalendar

Step = SelectionStepKind
# Candidates are proposed while the case is at 动议 or 民主推荐; 考察 works on those proposed.
CANDIDATE_STEPS = (Step.MOTION, Step.RECOMMENDATION)
# The steps at which each person's qualification checks are recorded on the step itself.
CHECKED_STEPS = (Step.MOTION, Step.INSPECTION, Step.DECISION)
PERSONAL_MATTERS_RESULTS = ("一致", "不一致")
PROBATION_RESULTS = ("胜任", "不胜任")
DISCIPLINE_CONCLUSIONS = ("无影响使用的问题", "有问题线索，正在核查", "有影响使用的问题")
BLOCKING_CONCLUSION = "有影响使用的问题"
# A block verdict of a step rule is shown beside the field it is about.
RULE_FIELDS = {
    sr.R9_QUORUM_ID: "members_present",
    sr.R9_MAJORITY_ID: "votes_yes",
    sr.R10_ID: "ends_on",
}


@dataclass(frozen=True)
class Judgement:
    rule_id: str
    severity: str
    message: str
    citation: str

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
        }


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _save(obj: Any, actor: User | None, **kwargs: Any) -> None:
    obj._history_user = actor
    obj.save(**kwargs)


# --- reading helpers the views share ----------------------------------------------------------------


def case_steps(case: SelectionCase) -> dict[str, SelectionStep]:
    return {s.step: s for s in case.steps.all()}


def next_step_after(case: SelectionCase, step: str, probation: bool) -> str:
    index = SELECTION_STEP_ORDER.index(step)
    if index + 1 >= len(SELECTION_STEP_ORDER):
        return ""
    following = SELECTION_STEP_ORDER[index + 1]
    if following == Step.PROBATION and not probation:
        return Step.ARCHIVE
    return following


def check_date(case: SelectionCase) -> date:
    """The date the people's qualifications are judged as of: the latest of 动议, 考察 and
    讨论决定 recorded, else the 动议 date of the case."""
    dates = [s.done_on for s in case.steps.all() if s.step in CHECKED_STEPS]
    return max(dates, default=case.opened_on)


def probation_applies(case: SelectionCase) -> bool:
    """R11: 试用期 for a promotion (提拔 or 破格) to a post that is not elected."""
    return not case.post.is_elected and case.mode in sr.PROMOTING_MODES


def candidate_judgements(
    case: SelectionCase, on: date, candidates: Sequence[SelectionCandidate] | None = None
) -> dict[int, list[Judgement]]:
    """Every qualification verdict on the case's people as of `on`, by candidate id."""
    subjects = list(candidates) if candidates is not None else list(_candidates(case))
    result: dict[int, list[Judgement]] = {c.pk: [] for c in subjects}
    for d in evaluate(sr.CANDIDATE_KIND, subjects, RuleContext(today=on)):
        result[d.subject_id].append(Judgement(d.rule.id, d.severity, d.message, d.citation))
    return result


def _candidates(case: SelectionCase) -> Any:
    return sr.candidate_queryset().filter(case=case).order_by("id")


def refresh_candidate_findings(case: SelectionCase, on: date | None = None) -> int:
    """Store the people's qualification findings as of the case's check date."""
    return refresh_findings(
        sr.CANDIDATE_KIND, list(_candidates(case)), RuleContext(today=on or check_date(case))
    )


def refresh_case_findings(cases: Sequence[SelectionCase], today: date | None = None) -> int:
    return refresh_findings(sr.CASE_KIND, list(cases), RuleContext(today=today))


def notice_period(start: date, calendar: WorkdayCalendar | None = None) -> tuple[date, str | None]:
    """The last day of a 任前公示 starting on `start`: the R10 number of working days on the
    holiday and 调休 calendar; the second value warns when a year's calendar is unknown."""
    calendar = calendar or workday_calendar()
    days = sr.param(sr.R10_ID, "working_days", start)
    end = calendar.end_of_notice_period(start, days)
    return end.value, end.warning  # type: ignore[return-value]


def notice_text(case: SelectionCase, cadre: Cadre, starts_on: date, ends_on: date) -> str:
    """The public text of a 任前公示, from the archive: name, gender, birth, education, current
    post and the proposed post; the 干部科 may edit it before it is published."""
    educations = list(cadre.educations.all())
    best = max(educations, key=lambda e: sr.education_rank(e.education), default=None)
    education = (
        f"，{best.education}{'（' + best.degree + '）' if best and best.degree else ''}"
        if best and best.education
        else ""
    )
    party = "，中共党员" if cadre.party_joined_on else ""
    current = cadre.current_post_text or "（现任职务）"
    reason = (
        "。该同志系破格提拔，破格理由：" + case.reason
        if case.mode == SelectionMode.EXCEPTIONAL
        else ""
    )
    return (
        f"根据《党政领导干部选拔任用工作条例》的规定，经研究，现将拟任职干部情况公示如下：\n"
        f"{cadre.name}，{cadre.gender}，{cadre.ethnicity}，{cadre.birth_date.year}年"
        f"{cadre.birth_date.month}月生{party}{education}，现任{current}，"
        f"拟任{case.post}{reason}。\n"
        f"公示时间：{starts_on.year}年{starts_on.month}月{starts_on.day}日至"
        f"{ends_on.year}年{ends_on.month}月{ends_on.day}日。\n"
        "公示期间，对公示对象有异议的，可通过来信、来电、来访等方式向县委组织部反映。"
        "反映问题应实事求是，以个人名义反映的请署真实姓名。"
    )


# --- cases and candidates -----------------------------------------------------------------------------


def _writable(case: SelectionCase) -> None:
    if case.status == SelectionStatus.ENDED:
        raise ValidationError(f"该纪实已终止（{case.status_reason}），只能查看，不能修改。")
    if case.status == SelectionStatus.COMPLETED:
        raise ValidationError("该纪实已归档，只能查看，不能修改。")


def _active(case: SelectionCase) -> None:
    _writable(case)
    if case.status == SelectionStatus.PAUSED:
        raise ValidationError("该纪实已暂停，请先恢复后再办理。")


@transaction.atomic
def open_case(
    *,
    actor: User | None,
    post: Post,
    mode: str,
    opened_on: date,
    reason: str = "",
    title: str = "",
) -> SelectionCase:
    if mode not in SelectionMode.values:
        raise ValidationError(
            {"mode": "选任方式：请选择提拔任职、进一步使用、平职交流、破格提拔或竞争上岗。"}
        )
    if not post.is_active:
        raise ValidationError({"post": f"拟任职务：“{post}”已停用，不能启动选拔。"})
    if mode == SelectionMode.EXCEPTIONAL and not reason.strip():
        raise ValidationError(
            {"reason": "动议理由：破格提拔必须写明破格的理由（条例第十条，任前公示须说明）。"}
        )
    case = SelectionCase(
        post=post,
        unit=post.unit,
        title=title.strip() or f"{post}人选选拔",
        mode=mode,
        reason=reason.strip(),
        opened_on=opened_on,
        status=SelectionStatus.ACTIVE,
        current_step=Step.MOTION,
        created_by=actor,
    )
    _save(case, actor)
    return case


@transaction.atomic
def add_candidate(*, actor: User | None, case: SelectionCase, cadre: Cadre) -> SelectionCandidate:
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    _active(case)
    if case.current_step not in CANDIDATE_STEPS:
        raise ValidationError(
            {"cadre": "人选：考察对象已经确定，不能再增加人选（人选在动议或民主推荐环节提出）。"}
        )
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"人选：{cadre.name}的状态为{cadre.get_status_display()}。"}
        )
    if case.candidates.filter(cadre=cadre).exists():
        raise ValidationError({"cadre": f"人选：{cadre.name}已经是本次选拔的人选。"})
    candidate = SelectionCandidate(case=case, cadre=cadre)
    _save(candidate, actor)
    refresh_candidate_findings(case)
    return candidate


# --- steps ----------------------------------------------------------------------------------------


@dataclass
class Prepared:
    details: dict[str, Any]
    candidates: list[SelectionCandidate]
    warnings: list[Judgement]


def _number(details: dict[str, Any], key: str, label: str) -> int:
    value = details.get(key)
    if value is None or value == "":
        raise ValidationError({key: f"{label}：必须填写。"})
    if int(value) < 0:
        raise ValidationError({key: f"{label}：不能为负数。"})
    return int(value)


def _present_not_more_than_due(
    details: dict[str, Any], due_key: str, present_key: str, what: str
) -> None:
    if details[present_key] > details[due_key]:
        raise ValidationError(
            {
                present_key: f"{what}实到人数：{details[present_key]}人，不能多于应到{details[due_key]}人。"
            }
        )


def _prepare_recommendation(
    case: SelectionCase, details: dict[str, Any], candidates: list[SelectionCandidate]
) -> None:
    if not candidates:
        raise ValidationError({"__all__": "民主推荐：请先从干部档案中增加人选，再登记推荐票数。"})
    for key, label in (
        ("talk_due", "谈话调研推荐应参加人数"),
        ("talk_present", "谈话调研推荐实参加人数"),
        ("meeting_due", "会议推荐应到人数"),
        ("meeting_present", "会议推荐实到人数"),
    ):
        details[key] = _number(details, key, label)
    _present_not_more_than_due(details, "talk_due", "talk_present", "谈话调研推荐")
    _present_not_more_than_due(details, "meeting_due", "meeting_present", "会议推荐")
    votes = details.get("votes") or {}
    for c in candidates:
        pair = votes.get(str(c.pk)) or votes.get(c.pk) or {}
        for kind, limit_key, label in (
            ("talk", "talk_present", "谈话调研推荐票"),
            ("meeting", "meeting_present", "会议推荐票"),
        ):
            value = pair.get(kind)
            value = 0 if value in (None, "") else int(value)
            if value < 0 or value > details[limit_key]:
                raise ValidationError(
                    {
                        f"{kind}_{c.pk}": f"{c.cadre.name}的{label}：{value}票，"
                        f"应在0到实参加人数{details[limit_key]}之间。"
                    }
                )
            setattr(c, f"{kind}_votes", value)
    details["votes"] = {
        str(c.pk): {"talk": c.talk_votes, "meeting": c.meeting_votes} for c in candidates
    }


def _refuse_blocked(
    judgements: dict[int, list[Judgement]], chosen: list[SelectionCandidate], field: str
) -> None:
    for c in chosen:
        blocks = [j for j in judgements.get(c.pk, []) if j.severity == "block"]
        if blocks:
            raise ValidationError(
                {
                    field: f"{c.cadre.name}不符合任职条件：{blocks[0].message}"
                    f"（依据：{blocks[0].citation}）"
                }
            )


def _prepare(
    case: SelectionCase,
    step: str,
    done_on: date,
    details: dict[str, Any],
    steps: dict[str, SelectionStep],
    calendar: WorkdayCalendar,
) -> Prepared:
    details = dict(details)
    candidates = list(_candidates(case))
    by_id = {c.pk: c for c in candidates}
    warnings: list[Judgement] = []
    if step == Step.RECOMMENDATION:
        _prepare_recommendation(case, details, candidates)
    elif step == Step.INSPECTION:
        chosen_ids = [int(i) for i in details.get("inspected") or []]
        chosen = [by_id[i] for i in chosen_ids if i in by_id]
        if not chosen:
            raise ValidationError({"inspected": "考察对象：请至少选择一名人选列为考察对象。"})
        if not str(details.get("team") or "").strip():
            raise ValidationError({"team": "考察组成员：必须填写。"})
        details["talked_count"] = _number(details, "talked_count", "个别谈话人数")
        if not str(details.get("opinion") or "").strip():
            raise ValidationError({"opinion": "考察意见：必须填写。"})
        _refuse_blocked(candidate_judgements(case, done_on, chosen), chosen, "inspected")
        details["inspected"] = [c.pk for c in chosen]
        for c in candidates:
            c.is_inspected = c.pk in details["inspected"]
    elif step == Step.DISCIPLINE_OPINION:
        letter_on = details.get("letter_on")
        if not letter_on:
            raise ValidationError({"letter_on": "函询日期：必须填写。"})
        if letter_on > done_on:
            raise ValidationError({"letter_on": "函询日期：不能晚于回复意见的办理日期。"})
        if details.get("conclusion") not in DISCIPLINE_CONCLUSIONS:
            raise ValidationError({"conclusion": "结论：请选择纪委监委的结论。"})
    elif step == Step.PERSONAL_MATTERS:
        if details.get("result") not in PERSONAL_MATTERS_RESULTS:
            raise ValidationError({"result": "核查结果：请选择一致或不一致。"})
        if details["result"] == "不一致" and not str(details.get("handling") or "").strip():
            raise ValidationError(
                {"handling": "处理情况：核查结果不一致的，必须写明认定和处理情况。"}
            )
    elif step == Step.DECISION:
        for key, label in (
            ("members_due", "应到会成员"),
            ("members_present", "实到会成员"),
            ("votes_yes", "同意票"),
        ):
            details[key] = _number(details, key, label)
        for key in ("votes_no", "votes_abstain"):
            details[key] = int(details.get(key) or 0)
        _present_not_more_than_due(details, "members_due", "members_present", "讨论决定")
        cast = details["votes_yes"] + details["votes_no"] + details["votes_abstain"]
        if cast > details["members_present"]:
            raise ValidationError(
                {
                    "votes_yes": f"表决票：同意、反对、弃权共{cast}票，多于实到会成员{details['members_present']}人。"
                }
            )
        appointee = by_id.get(int(details.get("appointee") or 0))
        if appointee is None:
            raise ValidationError({"appointee": "拟任人选：请选择讨论决定的拟任人选。"})
        if not appointee.is_inspected:
            raise ValidationError(
                {"appointee": f"拟任人选：{appointee.cadre.name}未列为考察对象，不能决定任用。"}
            )
        opinion = steps.get(Step.DISCIPLINE_OPINION)
        if opinion and opinion.details.get("conclusion") == BLOCKING_CONCLUSION:
            raise ValidationError(
                {
                    "appointee": "拟任人选：纪委监委意见认为有影响使用的问题，不能决定任用（凡提四必）。"
                }
            )
        _refuse_blocked(candidate_judgements(case, done_on, [appointee]), [appointee], "appointee")
        details["appointee"] = appointee.pk
        for c in candidates:
            c.is_chosen = c.pk == appointee.pk
    elif step == Step.PUBLIC_NOTICE:
        if case.appointee_id is None:
            raise ValidationError("任前公示：讨论决定尚未确定拟任人选。")
        end = details.get("ends_on")
        computed, unknown = notice_period(done_on, calendar)
        if not end:
            end = computed
        if end < done_on:
            raise ValidationError({"ends_on": "公示结束日期：不能早于公示开始日期。"})
        details.update(starts_on=done_on, ends_on=end)
        details["working_days"] = calendar.workdays_between(done_on, end).value
    elif step == Step.APPOINTMENT:
        notice = case.notices.order_by("-starts_on", "-id").first()
        if notice is None:
            raise ValidationError("任职：尚未进行任前公示。")
        if notice.under_review:
            raise ValidationError(
                {
                    "done_on": "任职日期：任前公示收到的反映正在核查，核查清楚前不得任职（条例第四十五条）。"
                }
            )
        if done_on <= notice.ends_on:
            raise ValidationError(
                {"done_on": f"任职日期：任前公示至{notice.ends_on:%Y-%m-%d}，公示期满后才能任职。"}
            )
        if not str(details.get("document_no") or "").strip():
            raise ValidationError({"document_no": "任职文件号：必须填写。"})
        talk_on = details.get("talk_on")
        if talk_on and talk_on < steps[Step.DECISION].done_on:
            raise ValidationError({"talk_on": "任职谈话日期：不能早于讨论决定的日期。"})
    elif step == Step.PROBATION and details.get("result") not in PROBATION_RESULTS:
        raise ValidationError({"result": "考核结果：请选择胜任或不胜任。"})
    proposal = sr.StepProposal(
        case=case,
        step=step,
        done_on=done_on,
        details=details,
        inspected_count=sum(1 for c in candidates if c.is_inspected),
        recommendation_on=steps[Step.RECOMMENDATION].done_on
        if Step.RECOMMENDATION in steps
        else None,
        calendar=calendar,
    )
    for d in evaluate(sr.STEP_KIND, [proposal], RuleContext(today=done_on)):
        judgement = Judgement(d.rule.id, d.severity, d.message, d.citation)
        if d.severity == "block":
            key = RULE_FIELDS.get(d.rule.id, "__all__")
            raise ValidationError({key: f"{d.message}（依据：{d.citation}）"})
        warnings.append(judgement)
    return Prepared(details, candidates, warnings)


@transaction.atomic
def record_step(
    *,
    actor: User | None,
    case: SelectionCase,
    step: str,
    done_on: date,
    details: dict[str, Any] | None = None,
    note: str = "",
) -> SelectionStep:
    """Record the step the case waits on; refused out of order, backwards in time, or against a
    block rule. Side effects: votes and 考察/拟任 flags on the people, the PublicNotice row, the
    new 主职 of the appointee."""
    case = SelectionCase.objects.select_for_update().select_related("post__unit").get(pk=case.pk)
    _active(case)
    if step not in SELECTION_STEP_ORDER:
        raise ValidationError({"step": "环节：没有这个环节。"})
    if step != case.current_step:
        raise ValidationError(
            {
                "step": f"环节：当前应办理“{SelectionStepKind(case.current_step).label}”，"
                f"不能办理“{SelectionStepKind(step).label}”（须按顺序逐个环节办理）。"
            }
        )
    steps = case_steps(case)
    previous = max((s.done_on for s in steps.values()), default=case.opened_on)
    previous = max(previous, case.opened_on)
    if done_on < previous:
        raise ValidationError(
            {"done_on": f"办理日期：不能早于上一环节或动议的日期{previous:%Y-%m-%d}。"}
        )
    calendar = workday_calendar()
    prepared = _prepare(case, step, done_on, details or {}, steps, calendar)
    details = prepared.details
    for c in prepared.candidates:
        _save(c, actor)
    if step in CHECKED_STEPS:
        judgements = candidate_judgements(case, done_on, prepared.candidates)
        details["checks"] = {
            str(c.pk): {"name": c.cadre.name, "verdicts": [j.as_json() for j in judgements[c.pk]]}
            for c in prepared.candidates
        }
    if prepared.warnings:
        details["warnings"] = [w.as_json() for w in prepared.warnings]
    probation = probation_applies(case)
    if step == Step.DECISION:
        case.appointee = next(c.cadre for c in prepared.candidates if c.pk == details["appointee"])
    elif step == Step.PUBLIC_NOTICE:
        notice = PublicNotice(
            case=case,
            cadre=case.appointee,
            public_text=str(details.pop("public_text", "") or "").strip()
            or notice_text(case, case.appointee, details["starts_on"], details["ends_on"]),
            starts_on=details["starts_on"],
            ends_on=details["ends_on"],
            working_days=details["working_days"],
            unit_path=case.unit_path,
        )
        _save(notice, actor)
        details["notice_id"] = notice.pk
    elif step == Step.APPOINTMENT:
        holding = _appoint(actor, case, done_on, details, probation)
        details["holding_id"] = holding.pk
        details["probation_until"] = holding.probation_until
    elif step == Step.PROBATION:
        _close_probation(actor, case, steps[Step.APPOINTMENT], done_on, details)
    record = SelectionStep(
        case=case,
        step=step,
        done_on=done_on,
        details=_json(details),
        note=note.strip(),
        recorded_by=actor,
    )
    _save(record, actor)
    case.current_step = next_step_after(case, step, probation)
    if not case.current_step:
        case.status = SelectionStatus.COMPLETED
    _save(case, actor)
    if step in CHECKED_STEPS:
        refresh_candidate_findings(case, done_on)
    refresh_case_findings([case])
    return record


def _appoint(
    actor: User | None, case: SelectionCase, on: date, details: dict[str, Any], probation: bool
) -> PostHolding:
    """The appointee's new 主职 in the post; the previous 主职 ends the same day (R13: 任职时间
    from the decision's 任职通知)."""
    cadre = Cadre.objects.select_for_update().get(pk=case.appointee_id)
    post = case.post
    for old in PostHolding.objects.filter(cadre=cadre, is_main=True, ended_on__isnull=True):
        if old.started_on > on:
            raise ValidationError(
                {
                    "done_on": f"任职日期：{cadre.name}现任“{old.title}”自{old.started_on:%Y-%m-%d}起，任职日期不能早于此。"
                }
            )
        old.ended_on = on
        _save(old, actor)
    months = sr.param(sr.R11_ID, "months", on) if probation else None
    holding = PostHolding(
        cadre=cadre,
        post=post,
        unit=post.unit,
        title=post.title,
        level=post.level,
        is_main=True,
        counts_toward_quota=True,
        started_on=on,
        document=str(details["document_no"]).strip(),
        probation_until=on + relativedelta(months=months) if months else None,
    )
    _save(holding, actor)
    if cadre.current_level != post.level:
        cadre.current_level = post.level
        cadre.current_level_since = on
    cadre.unit = post.unit
    cadre.current_post_text = str(post)
    cadre.proposed_post = ""
    _save(cadre, actor)
    return holding


def _close_probation(
    actor: User | None,
    case: SelectionCase,
    appointment: SelectionStep,
    on: date,
    details: dict[str, Any],
) -> None:
    """胜任 → 正式任职; 不胜任 → 免去试任职务 (the 试任 post ends on the day of the 考核)."""
    holding = PostHolding.objects.filter(pk=appointment.details.get("holding_id")).first()
    if holding is None:
        return
    if holding.probation_until and on < holding.probation_until:
        details.setdefault("warnings", []).append(
            Judgement(
                sr.R11_ID,
                "warn",
                f"试用期满考核：试用期至{holding.probation_until:%Y-%m-%d}，考核早于期满",
                str(sr.RULES[sr.R11_ID].citation),
            ).as_json()
        )
    if details["result"] == "不胜任":
        holding.ended_on = on
        _save(holding, actor)


@transaction.atomic
def update_notice_feedback(
    *,
    actor: User | None,
    notice: PublicNotice,
    feedback_count: int,
    feedback_summary: str = "",
    under_review: bool = False,
    public_text: str | None = None,
) -> PublicNotice:
    """反映 received during the 公示, and whether they are still being verified."""
    case = SelectionCase.objects.select_for_update().get(pk=notice.case_id)
    _active(case)
    if case.current_step != Step.APPOINTMENT:
        raise ValidationError("公示反映：任职后不能再修改公示情况。")
    if feedback_count < 0:
        raise ValidationError({"feedback_count": "收到反映件数：不能为负数。"})
    if feedback_count and not feedback_summary.strip():
        raise ValidationError(
            {"feedback_summary": "反映内容及核查情况：收到反映的，必须写明内容和核查情况。"}
        )
    if under_review and not feedback_count:
        raise ValidationError({"under_review": "核查中：没有收到反映，不能标记为核查中。"})
    notice.feedback_count = feedback_count
    notice.feedback_summary = feedback_summary.strip()
    notice.under_review = under_review
    if public_text is not None and public_text.strip():
        notice.public_text = public_text.strip()
    _save(notice, actor)
    refresh_case_findings([case])
    return notice


# --- pause, resume, end -----------------------------------------------------------------------------


def _status_date(case: SelectionCase, on: date) -> None:
    if on < case.opened_on:
        raise ValidationError({"on": f"日期：不能早于动议日期{case.opened_on:%Y-%m-%d}。"})
    if on > timezone.localdate() + timedelta(days=1):
        raise ValidationError({"on": "日期：不能晚于今天。"})


@transaction.atomic
def pause_case(*, actor: User | None, case: SelectionCase, on: date, reason: str) -> SelectionCase:
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    _active(case)
    if not reason.strip():
        raise ValidationError({"reason": "原因：暂停必须写明原因。"})
    _status_date(case, on)
    case.status = SelectionStatus.PAUSED
    case.status_reason = f"{on:%Y-%m-%d}暂停：{reason.strip()}"[:300]
    _save(case, actor)
    refresh_case_findings([case])
    return case


@transaction.atomic
def resume_case(
    *, actor: User | None, case: SelectionCase, on: date, reason: str = ""
) -> SelectionCase:
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    _writable(case)
    if case.status != SelectionStatus.PAUSED:
        raise ValidationError("该纪实没有暂停，无需恢复。")
    _status_date(case, on)
    case.status = SelectionStatus.ACTIVE
    case.status_reason = f"{on:%Y-%m-%d}恢复办理{'：' + reason.strip() if reason.strip() else ''}"[
        :300
    ]
    _save(case, actor)
    refresh_case_findings([case])
    return case


@transaction.atomic
def end_case(*, actor: User | None, case: SelectionCase, on: date, reason: str) -> SelectionCase:
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    _writable(case)
    if not reason.strip():
        raise ValidationError({"reason": "原因：终止必须写明原因。"})
    _status_date(case, on)
    case.status = SelectionStatus.ENDED
    case.status_reason = f"{on:%Y-%m-%d}终止：{reason.strip()}"[:300]
    _save(case, actor)
    # An ended case has nothing left to do: its reminders go.
    Finding.objects.filter(subject_type=sr.CASE_KIND, subject_id=case.pk).delete()
    return case
