"""Reads for the 党内统计 pages: the runs in the account's scope, and one run with its report."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.stats.checks import Check, consistency
from zugong.stats.models import RunStatus, StatsRun
from zugong.stats.tables import Report, report_from_json


def runs(
    user: User, *, year: int | None = None, status: str = "", q: str = ""
) -> QuerySet[StatsRun]:
    scope = user.scope.path
    if scope is None:
        return StatsRun.objects.none()
    qs = StatsRun.objects.filter(org_path__startswith=scope).select_related("org", "requested_by")
    if year:
        qs = qs.filter(year=year)
    if status in RunStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(org__name__contains=q) | Q(org__short_name__contains=q))
    return qs.defer("result")


def get_run(user: User, pk: int) -> StatsRun:
    """The run if it lies in the account's scope; otherwise a 404, like a missing one."""
    scope = user.scope.path
    run = (
        StatsRun.objects.filter(pk=pk, org_path__startswith=scope or "\x00")
        .select_related("org", "requested_by")
        .first()
    )
    if run is None:
        raise Http404("统计不存在或不在管理范围内")
    return run


def report_of(run: StatsRun) -> tuple[Report, list[Check]] | None:
    """The finished report and its checks, compared with last year's latest report when there is one."""
    if run.status != RunStatus.DONE or not run.result:
        return None
    report = report_from_json(run.result)
    previous_run = (
        StatsRun.objects.filter(org_id=run.org_id, year=run.year - 1, status=RunStatus.DONE)
        .order_by("-finished_at")
        .first()
    )
    previous = (
        report_from_json(previous_run.result) if previous_run and previous_run.result else None
    )
    return report, consistency(report, previous)
