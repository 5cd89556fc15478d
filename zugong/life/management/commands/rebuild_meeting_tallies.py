"""manage.py rebuild_meeting_tallies: recompute the per-year meeting tally from the meeting records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zugong.life.tally import rebuild_tallies
from zugong.orgs.models import Organization


class Command(BaseCommand):
    help = "根据会议记录重新计算组织生活统计（各组织各类会议的召开月份和次数）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="只重算该组织编码及其下级组织；不填则重算全部")

    def handle(self, *args: Any, **options: Any) -> None:
        path = ""
        if options["org"]:
            path = (
                Organization.objects.filter(code=options["org"])
                .values_list("path", flat=True)
                .first()
            )
            if path is None:
                raise CommandError(f"组织编码“{options['org']}”不存在。")
        started = time.perf_counter()
        rows = rebuild_tallies(path)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"已重算组织生活统计 {rows} 行，用时 {elapsed:.1f} 秒。")
        )
