from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        # Rule modules register themselves with the engine on import.
        from django.db.models.signals import post_delete, post_save

        from zugong.core.models import CodeItem
        from zugong.core.rules import registry
        from zugong.core.selectors import clear_code_cache

        registry.autodiscover()
        post_save.connect(clear_code_cache, sender=CodeItem, dispatch_uid="code_cache_save")
        post_delete.connect(clear_code_cache, sender=CodeItem, dispatch_uid="code_cache_delete")
