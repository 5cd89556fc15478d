"""Every write of the service packages (服务包): transactional, role- and scope-checked, logged.

The 人才办 enters each request (on the talent's behalf, or for the employer that asked), assigns
a service officer, and records 受理, 开始办理, 办结 or 退回 with their dates; each step gets its due
date in working days (package_rules). The talent's satisfaction is recorded after 办结.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.talents.access import TALENT_WRITER_ROLES, can_write_talents
from zugong.talents.models import (
    OPEN_SERVICE_STATES,
    PolicyItem,
    RequestSource,
    ServiceEvent,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    Talent,
)
from zugong.talents.package_rules import SERVICE_KIND, step_due
from zugong.talents.selectors import ancestor_paths

NOT_WRITER = "只有人才办、组织部管理员或系统管理员可以办理人才服务事项"
Kind = ServiceEvent.Kind


def _require_writer(actor: User, path: str) -> None:
    if not can_write_talents(actor):
        raise PermissionDenied(NOT_WRITER)
    if not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def _check_day(on: date, field: str, label: str, after: date | None, after_label: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: f"{label}：不能晚于今天"})
    if after is not None and on < after:
        raise ValidationError({field: f"{label}：不能早于{after_label}（{after:%Y-%m-%d}）"})


def _log(request: ServiceRequest, kind: str, actor: User, on: date, note: str = "") -> None:
    ServiceEvent.objects.create(request=request, kind=kind, actor=actor, on=on, note=note[:500])


def _enter_step(request: ServiceRequest, state: str, on: date) -> None:
    request.state = state
    request.step_started_on = on
    request.step_due_on = step_due(state, on, RuleContext(today=on))


def _refresh(request: ServiceRequest) -> None:
    refresh_findings(SERVICE_KIND, [request])


def eligible_assignees(request_path: str) -> list[User]:
    """Active accounts that may serve a request at this path: talent writers whose scope holds it."""
    users = User.objects.filter(role__in=TALENT_WRITER_ROLES, is_active=True).select_related(
        "anchor_org"
    )
    return [u for u in users.order_by("username") if u.scope.contains(request_path)]


def _check_assignee(assignee: User | None, path: str) -> None:
    if assignee is None:
        return
    if not any(u.pk == assignee.pk for u in eligible_assignees(path)):
        raise ValidationError(
            {"assignee": f"服务专员：“{assignee.display_name}”不是可办理该人才服务事项的账号"}
        )


@transaction.atomic
def create_request(
    *,
    actor: User,
    talent: Talent,
    kind: str,
    content: str,
    source: str,
    submitted_on: date,
    item: PolicyItem | None = None,
    requester_name: str = "",
    requester_contact: str = "",
    assignee: User | None = None,
) -> ServiceRequest:
    """Register a request; the employer's name is required when the employer asked."""
    _require_writer(actor, talent.org_path)
    if kind not in ServiceKind.values:
        raise ValidationError(
            {"kind": "服务类别：请选择医疗服务、生活补贴、住房保障、子女入学或其他"}
        )
    if source not in RequestSource.values:
        raise ValidationError({"source": "申请方式：请选择人才办代为申请或用人单位申请"})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "服务诉求：必须填写"})
    _check_day(submitted_on, "submitted_on", "申请日期", None, "")
    if getattr(talent, "status", "active") == "left":
        raise ValidationError({"talent": f"人才：“{talent.name}”已离开本县，不能登记服务事项"})
    requester_name = (requester_name or "").strip()
    if source == RequestSource.EMPLOYER:
        requester_name = requester_name or talent.employer
        if not requester_name:
            raise ValidationError(
                {"requester_name": "申请人（单位）：用人单位申请时必须填写单位名称"}
            )
    else:
        requester_name = requester_name or "人才办"
    if item is not None and item.policy.org_path not in ancestor_paths(talent.org_path):
        raise ValidationError(
            {"item": f"对应政策事项：“{item.name}”所属政策不覆盖{talent.name}所在区域"}
        )
    _check_assignee(assignee, talent.org_path)
    request = ServiceRequest(
        talent=talent,
        kind=kind,
        item=item,
        content=content,
        source=source,
        requester_name=requester_name[:100],
        requester_contact=(requester_contact or "").strip()[:60],
        submitted_on=submitted_on,
        assignee=assignee,
        created_by=actor,
    )
    _enter_step(request, ServiceState.SUBMITTED, submitted_on)
    request.save()
    _log(
        request,
        Kind.CREATED,
        actor,
        submitted_on,
        f"{request.get_source_display()}：{requester_name}",
    )
    if assignee is not None:
        _log(request, Kind.ASSIGNED, actor, submitted_on, assignee.display_name)
    _refresh(request)
    return request


def _locked(request: ServiceRequest) -> ServiceRequest:
    """The request's row, locked; its talent and item are read afterwards (FOR UPDATE cannot
    take the nullable side of the outer join to the item on PostgreSQL)."""
    return ServiceRequest.objects.select_for_update().get(pk=request.pk)


def _require_open(request: ServiceRequest, action: str) -> None:
    if request.state not in OPEN_SERVICE_STATES:
        raise ValidationError(f"{action}：该事项已{request.get_state_display()}，不能再办理")


def _require_state(request: ServiceRequest, state: str, action: str) -> None:
    if request.state != state:
        wanted = ServiceState(state).label
        raise ValidationError(
            f"{action}：只能对“{wanted}”的事项办理，当前状态为“{request.get_state_display()}”"
        )


@transaction.atomic
def assign(*, actor: User, request: ServiceRequest, assignee: User, on: date) -> ServiceRequest:
    _require_writer(actor, request.org_path)
    request = _locked(request)
    _require_open(request, "指派服务专员")
    _check_assignee(assignee, request.org_path)
    _check_day(on, "on", "指派日期", request.submitted_on, "申请日期")
    request.assignee = assignee
    request.save()
    _log(request, Kind.ASSIGNED, actor, on, assignee.display_name)
    return request


@transaction.atomic
def accept(*, actor: User, request: ServiceRequest, on: date, note: str = "") -> ServiceRequest:
    """受理: the step 开始办理 starts."""
    _require_writer(actor, request.org_path)
    request = _locked(request)
    _require_state(request, ServiceState.SUBMITTED, "受理")
    _check_day(on, "on", "受理日期", request.submitted_on, "申请日期")
    _enter_step(request, ServiceState.ACCEPTED, on)
    request.accepted_on = on
    request.save()
    _log(request, Kind.ACCEPTED, actor, on, note)
    _refresh(request)
    return request


@transaction.atomic
def start_handling(
    *, actor: User, request: ServiceRequest, on: date, note: str = ""
) -> ServiceRequest:
    """办理: the service officer starts; a request without one cannot be handled."""
    _require_writer(actor, request.org_path)
    request = _locked(request)
    _require_state(request, ServiceState.ACCEPTED, "开始办理")
    if request.assignee_id is None:
        raise ValidationError("开始办理：请先指派服务专员")
    _check_day(on, "on", "开始办理日期", request.accepted_on, "受理日期")
    _enter_step(request, ServiceState.HANDLING, on)
    request.handling_on = on
    request.save()
    _log(request, Kind.HANDLING, actor, on, note)
    _refresh(request)
    return request


@transaction.atomic
def finish(*, actor: User, request: ServiceRequest, on: date, result: str) -> ServiceRequest:
    """办结 with the result."""
    _require_writer(actor, request.org_path)
    request = _locked(request)
    _require_state(request, ServiceState.HANDLING, "办结")
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": "办理结果：办结时必须填写"})
    _check_day(on, "on", "办结日期", request.handling_on, "开始办理日期")
    request.state, request.step_started_on, request.step_due_on = ServiceState.DONE, on, None
    request.closed_on, request.result = on, result
    request.save()
    _log(request, Kind.DONE, actor, on, result)
    _refresh(request)
    return request


@transaction.atomic
def return_request(
    *, actor: User, request: ServiceRequest, on: date, reason: str
) -> ServiceRequest:
    """退回 from any open step, with the reason (e.g. 不符合政策条件, 材料不全)."""
    _require_writer(actor, request.org_path)
    request = _locked(request)
    _require_open(request, "退回")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回原因：退回时必须填写"})
    _check_day(on, "on", "退回日期", request.step_started_on, "本环节开始日期")
    request.state, request.step_started_on, request.step_due_on = ServiceState.RETURNED, on, None
    request.closed_on, request.return_reason = on, reason[:300]
    request.save()
    _log(request, Kind.RETURNED, actor, on, reason)
    _refresh(request)
    return request


@transaction.atomic
def record_feedback(
    *, actor: User, request: ServiceRequest, satisfaction: int, feedback: str, on: date
) -> ServiceRequest:
    """The talent's satisfaction (1–5 and text), once, after 办结."""
    _require_writer(actor, request.org_path)
    request = _locked(request)
    if request.state != ServiceState.DONE:
        raise ValidationError("满意度评价：只能在事项办结后评价")
    if request.satisfaction is not None:
        raise ValidationError("满意度评价：该事项已评价，不能重复评价")
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": "满意度：必须是1至5之间的整数"})
    _check_day(on, "on", "评价日期", request.closed_on, "办结日期")
    request.satisfaction, request.feedback, request.feedback_on = (
        satisfaction,
        (feedback or "").strip()[:500],
        on,
    )
    request.save()
    _log(request, Kind.FEEDBACK, actor, on, f"{satisfaction}分 {request.feedback}".strip())
    return request


def refresh_all(today: date | None = None) -> int:
    """Re-judge every open request (the daily refresh_findings command does the same)."""
    from zugong.talents.package_rules import _open_requests

    subjects = list(_open_requests())
    return refresh_findings(SERVICE_KIND, subjects, RuleContext(today)) if subjects else 0
