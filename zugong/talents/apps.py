from django.apps import AppConfig


class TalentsConfig(AppConfig):
    name = "zugong.talents"
    verbose_name = "人才"
