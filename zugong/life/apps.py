from django.apps import AppConfig


class LifeConfig(AppConfig):
    name = "zugong.life"
    label = "life"
    verbose_name = "组织生活"

    def ready(self) -> None:
        # Exporters and the 民主评议 import spec register themselves when imported (the import
        # framework only discovers modules named "imports").
        from zugong.life import (  # noqa: F401
            appraisal_exports,
            appraisal_imports,
            exports,
        )
        from zugong.life.models import AppraisalRound, Meeting, MeetingTally
        from zugong.orgs.paths import register_path_copy

        for model in (Meeting, MeetingTally, AppraisalRound):
            register_path_copy(model)
