"""Every write of 大调研 and 问题清单: transactional, scope- and role-checked, with history.

Promotion to a problem is explicit: staff write a new title and description; nothing of the
opinion's or the report's text is copied, and the problem keeps only a reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.evidence import prepare_upload
from zugong.core.services import refresh_findings
from zugong.inquiries.access import can_organize, can_promote_reports, can_review, is_tracker
from zugong.inquiries.models import (
    HUNDRED,
    ZERO,
    Activity,
    ActivityFile,
    Evidence,
    InvestigationPlan,
    Milestone,
    Opinion,
    Problem,
    ProblemEvent,
    ProblemList,
    ProblemState,
    SourceKind,
    TeamMember,
)
from zugong.inquiries.rules import PROBLEM_KIND
from zugong.orgs.models import Organization

NOT_ORGANIZER = "只有组织部、党（工）委管理员可以组织大调研和管理问题清单"
NOT_REVIEWER = "只有组织部管理员或系统管理员可以审核销号"
NOT_TRACKER = "只有问题的责任单位或清单的组织者可以更新整改情况"
CENT = Decimal("0.01")


def _require_organizer(actor: User, path: str) -> None:
    if not can_organize(actor):
        raise PermissionDenied(NOT_ORGANIZER)
    if not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def _require_org_in_scope(actor: User, org: Organization | None, field: str, label: str) -> None:
    if org is not None and not actor.scope.contains(org.path):
        raise ValidationError({field: f"{label}：“{org.name}”不在您的管理范围内"})


# --- plans ----------------------------------------------------------------------------------


def _check_period(start_on: date, end_on: date) -> None:
    if end_on < start_on:
        raise ValidationError({"end_on": "结束日期：不能早于开始日期"})


@transaction.atomic
def save_plan(
    *,
    actor: User,
    plan: InvestigationPlan | None,
    topic: str,
    description: str,
    start_on: date,
    end_on: date,
    targets: Iterable[Organization],
    team_users: Iterable[User] = (),
    team_names: Iterable[str] = (),
) -> InvestigationPlan:
    """Create (plan=None; run by the actor's own organization) or edit a plan and its team."""
    org = plan.org if plan is not None else actor.anchor_org
    if org is None:
        raise PermissionDenied("账号未设置所辖组织")
    _require_organizer(actor, org.path)
    _check_period(start_on, end_on)
    targets = list(targets)
    for target in targets:
        _require_org_in_scope(actor, target, "targets", "调研对象")
    if plan is None:
        plan = InvestigationPlan(org=org, org_path=org.path, created_by=actor)
    plan.topic, plan.description, plan.start_on, plan.end_on = topic, description, start_on, end_on
    plan.save()
    plan.targets.set(targets)
    plan.team.all().delete()
    members = [TeamMember(plan=plan, user=u, name=u.display_name) for u in team_users]
    members += [TeamMember(plan=plan, name=n) for n in dict.fromkeys(team_names) if n]
    TeamMember.objects.bulk_create(members)
    return plan


@transaction.atomic
def add_activity(
    *, actor: User, plan: InvestigationPlan, files: Iterable[UploadedFile] = (), **fields: Any
) -> Activity:
    _require_organizer(actor, plan.org_path)
    activity = Activity(plan=plan, **fields)
    activity.full_clean()
    activity.save()
    for f in files:
        attach_activity_file(actor=actor, activity=activity, uploaded=f)
    return activity


@transaction.atomic
def attach_activity_file(
    *, actor: User, activity: Activity, uploaded: UploadedFile
) -> ActivityFile:
    _require_organizer(actor, activity.plan.org_path)
    prepared = prepare_upload(uploaded)
    record = ActivityFile(
        activity=activity,
        original_name=prepared.original_name,
        content_type=prepared.content_type,
        size=prepared.size,
        uploaded_by=actor,
    )
    record.blob.save("f.bin", prepared.content, save=False)
    record.save()
    return record


# --- opinions -------------------------------------------------------------------------------


@transaction.atomic
def add_opinion(*, actor: User, plan: InvestigationPlan, **fields: Any) -> Opinion:
    _require_organizer(actor, plan.org_path)
    activity = fields.get("activity")
    if activity is not None and activity.plan_id != plan.pk:
        raise ValidationError({"activity": "调研活动：不属于本次大调研"})
    _require_org_in_scope(actor, fields.get("org"), "org", "涉及组织")
    opinion = Opinion(plan=plan, **fields)
    opinion.full_clean()
    opinion.save()
    return opinion


@transaction.atomic
def answer_opinion(*, actor: User, opinion: Opinion, answer: str, answered_on: date) -> Opinion:
    _require_organizer(actor, opinion.plan.org_path)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "答复内容：必须填写"})
    opinion.answer, opinion.answered_on, opinion.answered_by = answer, answered_on, actor
    opinion.save()
    return opinion


# --- problem lists --------------------------------------------------------------------------


@transaction.atomic
def create_problem_list(
    *, actor: User, title: str, plan: InvestigationPlan | None = None, published: bool = False
) -> ProblemList:
    org = plan.org if plan is not None else actor.anchor_org
    if org is None:
        raise PermissionDenied("账号未设置所辖组织")
    _require_organizer(actor, org.path)
    return ProblemList.objects.create(
        title=title, plan=plan, org=org, org_path=org.path, published=published, created_by=actor
    )


@transaction.atomic
def set_published(*, actor: User, problem_list: ProblemList, published: bool) -> ProblemList:
    _require_organizer(actor, problem_list.org_path)
    problem_list.published = published
    problem_list.save(update_fields=["published", "updated_at"])
    return problem_list


# --- problems -------------------------------------------------------------------------------


def _check_problem_fields(
    actor: User, problem_list: ProblemList, parent: Problem | None, responsible_org: Organization
) -> None:
    _require_org_in_scope(actor, responsible_org, "responsible_org", "责任单位")
    if parent is not None and parent.problem_list_id != problem_list.pk:
        raise ValidationError({"parent": "上级问题：不在同一个问题清单中"})
    if parent is not None and parent.is_closed:
        raise ValidationError({"parent": "上级问题：已销号，不能再增加下级问题"})


def _new_problem(
    *,
    actor: User,
    problem_list: ProblemList,
    source_kind: str = SourceKind.NONE,
    source_reference: str = "",
    source_opinion: Opinion | None = None,
    **fields: Any,
) -> Problem:
    _check_problem_fields(actor, problem_list, fields.get("parent"), fields["responsible_org"])
    problem = Problem(
        problem_list=problem_list,
        responsible_path=fields["responsible_org"].path,
        source_kind=source_kind,
        source_reference=source_reference,
        source_opinion=source_opinion,
        **fields,
    )
    problem.full_clean()
    problem.save()
    if problem.parent_id:
        _roll_up_from(problem.parent)
    refresh_problem_findings([problem])
    return problem


@transaction.atomic
def create_problem(*, actor: User, problem_list: ProblemList, **fields: Any) -> Problem:
    _require_organizer(actor, problem_list.org_path)
    return _new_problem(actor=actor, problem_list=problem_list, **fields)


@transaction.atomic
def update_problem(*, actor: User, problem: Problem, **fields: Any) -> Problem:
    """The organizer edits what the problem is; progress goes through set_progress."""
    _require_organizer(actor, problem.problem_list.org_path)
    if problem.is_closed:
        raise ValidationError("已销号的问题不能修改，如需继续整改请先“重新整改”")
    old_parent = problem.parent
    _check_problem_fields(
        actor, problem.problem_list, fields.get("parent"), fields["responsible_org"]
    )
    if fields.get("parent") is not None and _is_within(fields["parent"], problem):
        raise ValidationError({"parent": "上级问题：不能是本问题或其下级问题"})
    for name, value in fields.items():
        setattr(problem, name, value)
    problem.responsible_path = problem.responsible_org.path
    problem.full_clean()
    problem.save()
    for parent in {old_parent, problem.parent} - {None}:
        _roll_up_from(parent)
    refresh_problem_findings([problem])
    return problem


def _is_within(candidate: Problem, problem: Problem) -> bool:
    node: Problem | None = candidate
    while node is not None:
        if node.pk == problem.pk:
            return True
        node = node.parent
    return False


# --- promotion ------------------------------------------------------------------------------


@transaction.atomic
def promote_opinion(
    *, actor: User, opinion: Opinion, problem_list: ProblemList, **fields: Any
) -> Problem:
    """An organizer lists an opinion as a problem with a new title and description."""
    _require_organizer(actor, opinion.plan.org_path)
    _require_organizer(actor, problem_list.org_path)
    problem = _new_problem(
        actor=actor,
        problem_list=problem_list,
        source_kind=SourceKind.OPINION,
        source_reference=f"意见 #{opinion.pk}",
        source_opinion=opinion,
        **fields,
    )
    ProblemEvent.objects.create(
        problem=problem,
        kind=ProblemEvent.Kind.PROMOTED,
        actor=actor,
        note=f"由意见 #{opinion.pk} 列入",
    )
    return problem


def verified_report(pk: int) -> Any:
    """A closed 举报 found 属实 or 部分属实; anything else is a 404, like a missing report."""
    from zugong.supervision.models import Report, ReportResult, ReportState

    report = Report.objects.filter(
        pk=pk,
        state=ReportState.CLOSED,
        result__in=[ReportResult.TRUE, ReportResult.PARTLY_TRUE],
    ).first()
    if report is None:
        raise Http404("举报件不存在，或尚未办结为属实、部分属实")
    return report


@transaction.atomic
def promote_report(
    *, actor: User, report_pk: int, problem_list: ProblemList, **fields: Any
) -> Problem:
    """The 干部监督科 lists a verified 举报 as a problem. Only the bare number goes along: the
    title and description are written anew, so the reporter's words never reach the list."""
    if not can_promote_reports(actor):
        raise PermissionDenied("只有干部监督科可以将举报件列入问题清单")
    report = verified_report(report_pk)
    if not actor.scope.contains(problem_list.org_path):
        raise Http404("问题清单不在管理范围内")
    reference = f"举报件 #{report.pk}"
    problem = _new_problem(
        actor=actor,
        problem_list=problem_list,
        source_kind=SourceKind.REPORT,
        source_reference=reference,
        **fields,
    )
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.PROMOTED, actor=actor, note=f"由{reference}列入"
    )
    return problem


# --- progress and the roll-up ---------------------------------------------------------------


def rolled_up(children: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """Weighted mean of (progress, weight); a plain mean when every weight is 0; None if no child."""
    items = list(children)
    if not items:
        return None
    total_weight = sum(w for _, w in items)
    if total_weight:
        value = sum(Decimal(p) * w for p, w in items) / total_weight
    else:
        value = sum(Decimal(p) for p, _ in items) / len(items)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _roll_up_from(parent: Problem) -> None:
    """Recompute the parent's progress from its children, then its own parent's, to the top."""
    node: Problem | None = parent
    while node is not None:
        value = rolled_up(node.children.values_list("progress", "weight"))
        if value is not None and value != node.progress:
            node.progress = value
            node.save(update_fields=["progress", "updated_at"])
        node = node.parent


def can_track(user: User, problem: Problem) -> bool:
    """The responsible side (a tracker over its subtree) or the list's organizer in scope."""
    if is_tracker(user):
        return user.scope.contains(problem.responsible_path)
    return can_organize(user) and user.scope.contains(problem.problem_list.org_path)


def _require_tracking(actor: User, problem: Problem) -> None:
    if not can_track(actor, problem):
        raise PermissionDenied(NOT_TRACKER)
    if problem.is_closed:
        raise ValidationError("问题已销号，不能再更新整改情况")


@transaction.atomic
def set_progress(
    *, actor: User, problem: Problem, progress: Decimal, measures: str | None = None
) -> Problem:
    _require_tracking(actor, problem)
    if problem.children.exists():
        raise ValidationError(
            {"progress": "整改进度：有下级问题的，进度由下级问题加权汇总，不能直接填写"}
        )
    if not ZERO <= progress <= HUNDRED:
        raise ValidationError({"progress": "整改进度：应在0到100之间"})
    problem.progress = progress
    if measures is not None:
        problem.measures = measures
    problem.save()
    if problem.parent_id:
        _roll_up_from(problem.parent)
    return problem


@transaction.atomic
def add_milestone(*, actor: User, problem: Problem, title: str, planned_on: date) -> Milestone:
    _require_tracking(actor, problem)
    milestone = Milestone.objects.create(problem=problem, title=title, planned_on=planned_on)
    refresh_problem_findings([problem])
    return milestone


@transaction.atomic
def complete_milestone(*, actor: User, milestone: Milestone, done_on: date) -> Milestone:
    _require_tracking(actor, milestone.problem)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "实际完成日期：不能晚于今天"})
    milestone.done_on = done_on
    milestone.save()
    refresh_problem_findings([milestone.problem])
    return milestone


@transaction.atomic
def add_evidence(*, actor: User, problem: Problem, uploaded: UploadedFile) -> Evidence:
    _require_tracking(actor, problem)
    prepared = prepare_upload(uploaded)
    record = Evidence(
        problem=problem,
        original_name=prepared.original_name,
        content_type=prepared.content_type,
        size=prepared.size,
        uploaded_by=actor,
    )
    record.blob.save("f.bin", prepared.content, save=False)
    record.save()
    return record


# --- 销号 --------------------------------------------------------------------------------------


def _event(problem: Problem, kind: str, actor: User, note: str) -> None:
    ProblemEvent.objects.create(problem=problem, kind=kind, actor=actor, note=note[:500])


@transaction.atomic
def request_closure(*, actor: User, problem: Problem, reason: str) -> Problem:
    """The responsible side asks for 销号: the work is at 100% and every sub-item is closed."""
    _require_tracking(actor, problem)
    if problem.state != ProblemState.OPEN:
        raise ValidationError("已申请销号，等待审核")
    if problem.progress < HUNDRED:
        raise ValidationError(
            {"progress": f"整改进度为{problem.progress}%，达到100%后才能申请销号"}
        )
    if problem.children.exclude(state=ProblemState.CLOSED).exists():
        raise ValidationError("还有下级问题未销号，不能申请销号")
    if problem.milestones.filter(done_on__isnull=True).exists():
        raise ValidationError("还有整改节点未完成，不能申请销号")
    if not reason.strip():
        raise ValidationError({"reason": "销号理由：必须填写整改完成情况"})
    problem.state = ProblemState.CLOSURE_REQUESTED
    problem.save()
    _event(problem, ProblemEvent.Kind.REQUESTED, actor, reason.strip())
    return problem


def _require_reviewer(actor: User, problem: Problem) -> None:
    if not can_review(actor):
        raise PermissionDenied(NOT_REVIEWER)
    if not actor.scope.contains(problem.problem_list.org_path):
        raise PermissionDenied("该问题清单不在您的审核范围内")


@transaction.atomic
def decide_closure(*, actor: User, problem: Problem, approve: bool, reason: str) -> Problem:
    _require_reviewer(actor, problem)
    if problem.state != ProblemState.CLOSURE_REQUESTED:
        raise ValidationError("该问题没有待审核的销号申请")
    if not reason.strip():
        raise ValidationError({"reason": "审核意见：必须填写"})
    if approve:
        problem.state, problem.closed_on = ProblemState.CLOSED, timezone.localdate()
    else:
        problem.state = ProblemState.OPEN
    problem.save()
    kind = ProblemEvent.Kind.APPROVED if approve else ProblemEvent.Kind.REFUSED
    _event(problem, kind, actor, reason.strip())
    refresh_problem_findings([problem])
    return problem


@transaction.atomic
def reopen_problem(*, actor: User, problem: Problem, reason: str) -> Problem:
    _require_reviewer(actor, problem)
    if problem.state != ProblemState.CLOSED:
        raise ValidationError("只有已销号的问题可以重新整改")
    if not reason.strip():
        raise ValidationError({"reason": "重新整改理由：必须填写"})
    problem.state, problem.closed_on = ProblemState.OPEN, None
    problem.save()
    _event(problem, ProblemEvent.Kind.REOPENED, actor, reason.strip())
    if problem.parent is not None and problem.parent.is_closed:
        # A parent cannot stay closed over a reopened child.
        reopen_problem(
            actor=actor, problem=problem.parent, reason=f"下级问题“{problem.title}”重新整改"
        )
    refresh_problem_findings([problem])
    return problem


def refresh_problem_findings(problems: list[Problem], today: date | None = None) -> int:
    from zugong.core.rules.engine import RuleContext

    return refresh_findings(PROBLEM_KIND, problems, RuleContext(today) if today else None)
