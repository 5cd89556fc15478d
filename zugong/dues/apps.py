from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _member_saved(sender: type, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    """A transfer or a change of 党籍状态 moves or ends this year's dues standard (services)."""
    if created or raw:
        return
    from zugong.dues.services import sync_member_standards

    sync_member_standards(instance)


class DuesConfig(AppConfig):
    name = "zugong.dues"
    label = "dues"
    verbose_name = "党费"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from zugong.dues import exports, permissions  # noqa: F401 - registers exporter and perms
        from zugong.dues.models import DuesPayment, DuesStandard, DuesTally
        from zugong.members.models import Member
        from zugong.orgs.paths import register_path_copy

        for model in (DuesStandard, DuesPayment, DuesTally):
            register_path_copy(model)
        post_save.connect(_member_saved, sender=Member, dispatch_uid="dues_member_saved")
