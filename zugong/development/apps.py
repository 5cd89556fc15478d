from __future__ import annotations

from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "zugong.development"
    label = "development"
    verbose_name = "发展党员"

    def ready(self) -> None:
        from zugong.development import exports, permissions  # noqa: F401 - registers both
        from zugong.development.models import Case, DevelopmentPlan
        from zugong.orgs.paths import register_path_copy

        # Moving an organization rewrites these copies, so scope filters stay one prefix query.
        register_path_copy(Case)
        register_path_copy(DevelopmentPlan)
