"""Asking for a 党内统计 年报 and computing it in the background, once per scope and year."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.orgs.models import Organization
from zugong.stats import asof
from zugong.stats.models import ACTIVE_RUN_STATUSES, RunStatus, StatsRun
from zugong.stats.tables import build_report, report_to_json, year_end

logger = logging.getLogger(__name__)


def check_request(user: User, org: Organization, year: int) -> None:
    """The refusals a request can meet, each with the field and the reason."""
    if not user.scope.contains(org.path):
        raise PermissionDenied("统计范围：所选组织不在本账号的管理范围内。")
    on = year_end(year)
    today = timezone.localdate()
    if on > today:
        raise ValidationError(
            {"year": f"统计年度：{year}年的统计时点{on}晚于今天，年报须在年度结束后统计。"}
        )
    begins = asof.records_begin()
    if begins is None:
        raise ValidationError({"year": "统计年度：名册中还没有任何党员记录，无法统计。"})
    if on < begins:
        raise ValidationError(
            {"year": f"统计年度：名册记录始于{begins}，不能统计更早的{year}年（统计时点{on}）。"}
        )


def request_report(user: User, org: Organization, year: int) -> tuple[StatsRun, bool]:
    """The run for (org, year): an unfinished one already asked for is reused, not repeated."""
    check_request(user, org, year)
    active = StatsRun.objects.filter(org=org, year=year, status__in=ACTIVE_RUN_STATUSES).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            run = StatsRun.objects.create(
                org=org,
                org_path=org.path,
                year=year,
                as_of=year_end(year),
                requested_by=user,
                message="等待后台任务开始",
            )
    except IntegrityError:
        # Two requests at the same moment: the other one's row won the unique index.
        run = StatsRun.objects.get(org=org, year=year, status__in=ACTIVE_RUN_STATUSES)
        return run, False
    from zugong.stats.tasks import stats_task

    transaction.on_commit(lambda: stats_task.enqueue(run.pk))
    return run, True


def _set(run_id: int, **fields: object) -> None:
    """A plain UPDATE outside any transaction, so the polling page sees it at once."""
    StatsRun.objects.filter(pk=run_id).update(**fields)


def run_report(run_id: int) -> None:
    # Claim atomically: a task delivered twice computes once.
    claimed = StatsRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), message="开始统计"
    )
    if not claimed:
        logger.warning("stats run %s is not queued; skipped", run_id)
        return
    run = StatsRun.objects.get(pk=run_id)
    try:
        report = build_report(
            run.org_id,
            run.year,
            progress=lambda pct, msg: _set(run_id, progress=pct, message=msg[:200]),
        )
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the run's page
        logger.exception("stats run %s failed", run_id)
        _set(
            run_id,
            status=RunStatus.FAILED,
            error=f"统计失败：{exc}",
            message="统计失败",
            finished_at=timezone.now(),
        )
        return
    _set(
        run_id,
        status=RunStatus.DONE,
        progress=100,
        message="统计完成",
        result=report_to_json(report),
        finished_at=timezone.now(),
    )
