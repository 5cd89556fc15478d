from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zugong.orgs"
    label = "orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from zugong.orgs import exports  # noqa: F401 - registers the exporter
