from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "zugong.dashboard"
    label = "dashboard"
    verbose_name = "首页"
