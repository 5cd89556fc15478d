"""Background tasks of the cadres app (django-tasks; the database queue by default)."""

from __future__ import annotations

from django_tasks import task

from zugong.cadres.lrmx_services import run_file_job


@task()
def cadre_file_task(job_id: int) -> None:
    run_file_job(job_id)
