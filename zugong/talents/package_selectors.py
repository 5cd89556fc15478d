"""Every read of the service packages, filtered by the acting account's scope first, and the
Excel export of the filtered list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.core.exports import Exporter, register_exporter
from zugong.talents import package_rules  # noqa: F401 - registers the deadline rule
from zugong.talents.access import can_read_talents
from zugong.talents.models import (
    OPEN_SERVICE_STATES,
    ServiceKind,
    ServiceRequest,
    ServiceState,
    Talent,
)

NOT_READER = "您的角色不能查看人才服务事项"

# The queues of the list page: key → (label, filter builder on today).
QUEUES: dict[str, str] = {
    "pending": "待受理",
    "handling": "办理中",
    "done": "已办结",
    "overdue": "超时",
    "returned": "已退回",
    "all": "全部",
}


def _require_reader(user: User) -> str:
    if not can_read_talents(user):
        raise PermissionDenied(NOT_READER)
    return user.scope.path or ""


def queue_q(queue: str, today: date) -> Q:
    if queue == "pending":
        return Q(state=ServiceState.SUBMITTED)
    if queue == "handling":
        return Q(state__in=[ServiceState.ACCEPTED, ServiceState.HANDLING])
    if queue == "done":
        return Q(state=ServiceState.DONE)
    if queue == "returned":
        return Q(state=ServiceState.RETURNED)
    if queue == "overdue":
        return Q(state__in=OPEN_SERVICE_STATES, step_due_on__lt=today)
    return Q()


@dataclass(frozen=True)
class RequestFilters:
    queue: str = "all"
    q: str = ""
    kind: str = ""
    assignee: int | None = None
    source: str = ""


def requests(
    user: User, f: RequestFilters | None = None, today: date | None = None
) -> QuerySet[ServiceRequest]:
    path = _require_reader(user)
    f = f or RequestFilters()
    if user.scope.path is None:
        return ServiceRequest.objects.none()
    qs = ServiceRequest.objects.filter(org_path__startswith=path).select_related(
        "talent", "item", "assignee"
    )
    if today is not None:
        qs = qs.filter(queue_q(f.queue, today))
    if f.q:
        qs = qs.filter(
            Q(talent__name__icontains=f.q)
            | Q(content__icontains=f.q)
            | Q(requester_name__icontains=f.q)
            | Q(talent__employer__icontains=f.q)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.assignee:
        qs = qs.filter(assignee_id=f.assignee)
    if f.source:
        qs = qs.filter(source=f.source)
    return qs.order_by("-submitted_on", "-id")


def queue_counts(user: User, today: date) -> dict[str, int]:
    path = _require_reader(user)
    if user.scope.path is None:
        return dict.fromkeys(QUEUES, 0)
    qs = ServiceRequest.objects.filter(org_path__startswith=path)
    return qs.aggregate(**{key: Count("id", filter=queue_q(key, today)) for key in QUEUES})


def get_request(user: User, pk: int) -> ServiceRequest:
    found = (
        requests(user)
        .select_related("created_by", "item__policy", "talent__org")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("人才服务事项不存在或不在管理范围内")
    return found


def talents_in_scope(user: User) -> QuerySet[Talent]:
    path = user.scope.path
    if path is None:
        return Talent.objects.none()
    return Talent.objects.filter(org_path__startswith=path).order_by("name", "id")


def assignees_in(requests_qs: QuerySet[ServiceRequest]) -> list[tuple[int, str]]:
    """The service officers that appear in a set of requests, for the filter dropdown."""
    users = User.objects.filter(
        pk__in=requests_qs.order_by().exclude(assignee=None).values("assignee_id")
    ).order_by("username")
    return [(u.pk, u.display_name) for u in users]


@dataclass
class SatisfactionRow:
    kind: str
    total: int
    done: int
    rated: int
    average: float | None


def satisfaction_by_kind(user: User) -> list[SatisfactionRow]:
    qs = requests(user).order_by()
    rows = {
        r["kind"]: r
        for r in qs.values("kind").annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state=ServiceState.DONE)),
            rated=Count("id", filter=Q(satisfaction__isnull=False)),
            average=Avg("satisfaction"),
        )
    }
    out = []
    for value, label in ServiceKind.choices:
        r = rows.get(value)
        if r:
            avg = round(float(r["average"]), 2) if r["average"] is not None else None
            out.append(SatisfactionRow(label, r["total"], r["done"], r["rated"], avg))
    return out


# --- export ----------------------------------------------------------------------------------

REQUEST_HEADERS = [
    "编号",
    "人才",
    "工作单位",
    "服务类别",
    "政策事项",
    "服务诉求",
    "申请方式",
    "申请人（单位）",
    "申请日期",
    "服务专员",
    "办理状态",
    "本环节期限",
    "受理日期",
    "开始办理日期",
    "办结（退回）日期",
    "办理结果",
    "退回原因",
    "满意度",
    "评价意见",
]


def request_rows(qs: QuerySet[ServiceRequest], today: date | None = None) -> Iterable[list[Any]]:
    for r in qs.select_related("talent", "item", "assignee").iterator(chunk_size=2000):
        state = r.get_state_display()
        if today is not None and package_rules.is_overdue(r, today):
            state += "（超时）"
        yield [
            r.number,
            r.talent.name,
            r.talent.employer,
            r.get_kind_display(),
            r.item.name if r.item_id else "",
            r.content,
            r.get_source_display(),
            r.requester_name,
            r.submitted_on,
            r.assignee.display_name if r.assignee_id else "",
            state,
            r.step_due_on,
            r.accepted_on,
            r.handling_on,
            r.closed_on,
            r.result,
            r.return_reason,
            r.satisfaction,
            r.feedback,
        ]


register_exporter(
    Exporter(
        "talent_service_requests",
        "人才服务事项",
        REQUEST_HEADERS,
        request_rows,
        [14, 10, 24, 10, 14, 40, 14, 20, 12, 10, 12, 12, 12, 12, 14, 30, 24, 8, 30],
    )
)
