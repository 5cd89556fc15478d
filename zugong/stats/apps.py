from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    verbose_name = "党内统计"
