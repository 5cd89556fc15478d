from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    verbose_name = "党内统计"

    def ready(self) -> None:
        from zugong.core.rules.registry import DailyJob, register_daily_job
        from zugong.stats.structure import _daily

        # The 驾驶舱's structure roll-up: ages move every day, so it is rebuilt daily.
        register_daily_job(DailyJob("stats_structure_rollup", _daily))
