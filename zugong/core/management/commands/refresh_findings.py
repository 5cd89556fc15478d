"""manage.py refresh_findings: re-evaluate every rule for every subject, then run the daily jobs
(reminders and escalations); run it daily (terms fall due by date)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext
from zugong.core.rules.registry import DAILY_JOBS, SUBJECT_KINDS
from zugong.core.services import refresh_findings

DEFAULT_BATCH = 2000


def subjects() -> dict[str, QuerySet[Any]]:
    """Each registered kind of subject with what its rules read (labels and org paths included)."""
    return {name: kind.queryset() for name, kind in SUBJECT_KINDS.items() if kind.queryset}


class Command(BaseCommand):
    help = "重新检查全部党组织和党员，替换已保存的“发现的问题”。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", choices=sorted(subjects()), help="只检查一类对象")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="每批对象数")

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["batch_size"]
        if size < 1:
            raise CommandError("--batch-size 必须大于 0。")
        ctx = RuleContext()
        chosen = {k: v for k, v in subjects().items() if options["only"] in (None, k)}
        total = 0
        started = time.perf_counter()
        for subject_type, queryset in chosen.items():
            total += self._refresh(subject_type, queryset, ctx, size)
        if options["only"] is None:
            today = timezone.localdate()
            for job in DAILY_JOBS.values():
                self.stdout.write(f"{job.name}: {job.run(today)}")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"共发现问题 {total} 条，用时 {elapsed:.1f} 秒。"))

    def _refresh(
        self, subject_type: str, queryset: QuerySet[Any], ctx: RuleContext, size: int
    ) -> int:
        bounds = queryset.aggregate(lo=Min("pk"), hi=Max("pk"))
        # Findings of records that no longer exist, or no longer qualify (a member who left is
        # no longer judged for attendance), go first.
        stale = Finding.objects.filter(subject_type=subject_type).exclude(
            subject_id__in=queryset.values("pk")
        )
        stale.delete()
        if bounds["lo"] is None:
            self.stdout.write(f"{subject_type}: 无记录")
            return 0
        total = seen = 0
        expected = queryset.count()
        # Primary-key ranges, not OFFSET: every batch is one indexed range scan.
        for start in range(bounds["lo"], bounds["hi"] + 1, size):
            batch = list(queryset.filter(pk__gte=start, pk__lt=start + size).order_by("pk"))
            if not batch:
                continue
            total += refresh_findings(subject_type, batch, ctx)
            seen += len(batch)
            self.stdout.write(f"{subject_type}: {seen}/{expected}，发现问题 {total} 条")
        return total
