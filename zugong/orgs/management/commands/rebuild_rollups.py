"""manage.py rebuild_rollups: recompute every OrgRollup from the records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zugong.orgs.rollups import rebuild_rollups


class Command(BaseCommand):
    help = "按党员和组织记录重新计算全部组织统计（OrgRollup）。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = rebuild_rollups()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"已重新计算 {count} 个组织的统计，用时 {elapsed:.1f} 秒。")
        )
