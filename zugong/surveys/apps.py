from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zugong.surveys"
    verbose_name = "群众评绩"

    def ready(self) -> None:
        from zugong.orgs.paths import register_path_copy
        from zugong.surveys import exports  # noqa: F401 - registers the exporter
        from zugong.surveys.models import Survey

        # Moving an organization rewrites this copy, so scope filters stay one prefix query.
        register_path_copy(Survey)
