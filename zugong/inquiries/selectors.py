"""Every read of 大调研 and 问题清单, filtered by the acting account's scope first.

Plans, opinions and lists belong to the organization that runs them (org_path); a problem is
also visible in the subtree of its responsible unit. A tracker sees only the problems its
organization is responsible for, and none of the plans or opinions (PermissionDenied).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.inquiries.access import is_tracker
from zugong.inquiries.models import (
    Activity,
    ActivityFile,
    Evidence,
    InvestigationPlan,
    Opinion,
    Problem,
    ProblemList,
    ProblemState,
)

TRACKER_REFUSED = "整改责任单位账号只能查看和更新本单位负责的问题"


def _scope_path(user: User) -> str | None:
    return user.scope.path


def _no_tracker(user: User) -> None:
    if is_tracker(user):
        raise PermissionDenied(TRACKER_REFUSED)


# --- plans, activities, opinions ------------------------------------------------------------


def plans(user: User, *, q: str = "") -> QuerySet[InvestigationPlan]:
    _no_tracker(user)
    path = _scope_path(user)
    if path is None:
        return InvestigationPlan.objects.none()
    qs = InvestigationPlan.objects.filter(org_path__startswith=path).select_related("org")
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(description__icontains=q))
    return qs.annotate(
        n_activities=Count("activities", distinct=True), n_opinions=Count("opinions", distinct=True)
    ).order_by("-start_on", "-id")


def get_plan(user: User, pk: int) -> InvestigationPlan:
    plan = (
        plans(user)
        .select_related("created_by")
        .prefetch_related("targets", "team__user")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("大调研不存在或不在管理范围内")
    return plan


def get_activity(user: User, pk: int) -> Activity:
    _no_tracker(user)
    path = _scope_path(user)
    activity = (
        Activity.objects.select_related("plan")
        .filter(pk=pk, plan__org_path__startswith=path)
        .first()
        if path is not None
        else None
    )
    if activity is None:
        raise Http404("调研活动不存在或不在管理范围内")
    return activity


def get_activity_file(user: User, pk: int) -> ActivityFile:
    _no_tracker(user)
    path = _scope_path(user)
    found = (
        ActivityFile.objects.filter(pk=pk, activity__plan__org_path__startswith=path).first()
        if path is not None
        else None
    )
    if found is None:
        raise Http404("附件不存在或不在管理范围内")
    return found


@dataclass(frozen=True)
class OpinionFilters:
    q: str = ""
    plan: int | None = None
    source: str = ""
    answered: str = ""  # "yes", "no" or ""


def opinions(user: User, f: OpinionFilters | None = None) -> QuerySet[Opinion]:
    _no_tracker(user)
    f = f or OpinionFilters()
    path = _scope_path(user)
    if path is None:
        return Opinion.objects.none()
    qs = Opinion.objects.filter(plan__org_path__startswith=path).select_related(
        "plan", "org", "answered_by"
    )
    if f.q:
        qs = qs.filter(Q(topic__icontains=f.q) | Q(text__icontains=f.q))
    if f.plan:
        qs = qs.filter(plan_id=f.plan)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.answered == "yes":
        qs = qs.exclude(answer="")
    elif f.answered == "no":
        qs = qs.filter(answer="")
    return qs


def get_opinion(user: User, pk: int) -> Opinion:
    opinion = opinions(user).select_related("activity").filter(pk=pk).first()
    if opinion is None:
        raise Http404("意见不存在或不在管理范围内")
    return opinion


# --- problem lists and problems -------------------------------------------------------------


def problem_lists(user: User, *, q: str = "") -> QuerySet[ProblemList]:
    _no_tracker(user)
    path = _scope_path(user)
    if path is None:
        return ProblemList.objects.none()
    qs = ProblemList.objects.filter(org_path__startswith=path).select_related("org", "plan")
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.annotate(
        n_problems=Count("problems", distinct=True),
        n_closed=Count("problems", filter=Q(problems__state=ProblemState.CLOSED), distinct=True),
    ).order_by("-created_at", "-id")


def get_problem_list(user: User, pk: int) -> ProblemList:
    found = problem_lists(user).filter(pk=pk).first()
    if found is None:
        raise Http404("问题清单不存在或不在管理范围内")
    return found


@dataclass(frozen=True)
class ProblemFilters:
    q: str = ""
    problem_list: int | None = None
    state: str = ""
    overdue: bool = False


def problems(
    user: User, f: ProblemFilters | None = None, today: date | None = None
) -> QuerySet[Problem]:
    f = f or ProblemFilters()
    path = _scope_path(user)
    if path is None:
        return Problem.objects.none()
    if is_tracker(user):
        within = Q(responsible_path__startswith=path)
    else:
        within = Q(problem_list__org_path__startswith=path) | Q(responsible_path__startswith=path)
    qs = (
        Problem.objects.filter(within)
        .select_related("problem_list", "responsible_org", "parent")
        .order_by("problem_list_id", "id")
    )
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q) | Q(owner_name__icontains=f.q) | Q(topic__icontains=f.q)
        )
    if f.problem_list:
        qs = qs.filter(problem_list_id=f.problem_list)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.overdue and today is not None:
        qs = qs.filter(deadline__lt=today).exclude(state=ProblemState.CLOSED)
    return qs


def get_problem(user: User, pk: int) -> Problem:
    problem = problems(user).filter(pk=pk).first()
    if problem is None:
        raise Http404("问题不存在或不在管理范围内")
    return problem


def get_evidence(user: User, pk: int) -> Evidence:
    evidence = Evidence.objects.filter(pk=pk).first()
    if evidence is None:
        raise Http404("材料不存在")
    get_problem(user, evidence.problem_id)
    return evidence


def list_tree(
    problem_list: ProblemList, visible: QuerySet[Problem] | None = None
) -> list[tuple[Problem, int]]:
    """The list's problems in tree order with their depth: one query, the order built in memory."""
    rows = list(
        (visible if visible is not None else problem_list.problems.all())
        .filter(problem_list=problem_list)
        .select_related("responsible_org")
        .order_by("id")
    )
    children: dict[int | None, list[Problem]] = {}
    ids = {p.pk for p in rows}
    for p in rows:
        # A child whose parent is hidden from this account is shown at the top level.
        children.setdefault(p.parent_id if p.parent_id in ids else None, []).append(p)
    out: list[tuple[Problem, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for p in children.get(parent, []):
            out.append((p, depth))
            walk(p.pk, depth + 1)

    walk(None, 0)
    return out


# --- statistics -----------------------------------------------------------------------------


@dataclass
class StatRow:
    dimension: str
    label: str
    total: int
    closed: int
    overdue: int

    @property
    def closed_share(self) -> Decimal:
        if not self.total:
            return Decimal("0")
        return (Decimal(100) * self.closed / self.total).quantize(Decimal("0.1"))


def statistics(user: User, today: date) -> list[StatRow]:
    """Problems per responsible unit and per 类别: counts, the share closed, the overdue ones."""
    qs = problems(user).order_by()
    overdue = Q(deadline__lt=today) & ~Q(state=ProblemState.CLOSED)
    measures = {
        "total": Count("id"),
        "closed": Count("id", filter=Q(state=ProblemState.CLOSED)),
        "overdue": Count("id", filter=overdue),
    }
    rows = [
        StatRow("责任单位", r["responsible_org__name"], r["total"], r["closed"], r["overdue"])
        for r in qs.values("responsible_org__name")
        .annotate(**measures)
        .order_by("responsible_org__name")
    ]
    rows += [
        StatRow("问题类别", r["topic"] or "（未分类）", r["total"], r["closed"], r["overdue"])
        for r in qs.values("topic").annotate(**measures).order_by("topic")
    ]
    return rows


# --- the public portal -----------------------------------------------------------------------


def published_lists() -> QuerySet[ProblemList]:
    return ProblemList.objects.filter(published=True).order_by("-created_at", "-id")


def get_published_list(pk: int) -> ProblemList:
    found = published_lists().filter(pk=pk).first()
    if found is None:
        raise Http404("没有这个公开的问题清单")
    return found
