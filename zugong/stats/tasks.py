"""The background task for the 党内统计 年报 (django-tasks: database backend by default)."""

from __future__ import annotations

from django_tasks import task

from zugong.stats.services import run_report


@task()
def stats_task(run_id: int) -> None:
    run_report(run_id)
