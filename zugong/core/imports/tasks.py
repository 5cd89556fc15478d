"""The background task for large imports (django-tasks: database backend by default, no extra server)."""

from __future__ import annotations

from django_tasks import task

from zugong.core.imports.runner import run_import


@task()
def import_task(job_id: int) -> None:
    run_import(job_id)
