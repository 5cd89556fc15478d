from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        # Rule modules register themselves with the engine on import.
        from zugong.core.rules import registry

        registry.autodiscover()
