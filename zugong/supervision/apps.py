from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zugong.supervision"
    verbose_name = "群众监督"

    def ready(self) -> None:
        from zugong.supervision import checks  # noqa: F401 - registers the deploy check
