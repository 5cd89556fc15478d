from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "zugong.dashboard"
    label = "dashboard"
    verbose_name = "首页"

    def ready(self) -> None:
        from zugong.dashboard import exports  # noqa: F401 - registers the exporter
