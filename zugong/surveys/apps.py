from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zugong.surveys"
    verbose_name = "群众评绩"
