from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "zugong.transfers"
    label = "transfers"
    verbose_name = "组织关系转接"

    def ready(self) -> None:
        from zugong.orgs.paths import register_path_copy
        from zugong.transfers import exports, permissions  # noqa: F401 - exporters and perms
        from zugong.transfers.models import FlowRecord, LostContact, QuitCase, Transfer

        # A transfer is seen from both ends: the issuing side (org_path) and the receiving side.
        register_path_copy(Transfer)
        register_path_copy(Transfer, "to_org_path")
        for model in (FlowRecord, LostContact, QuitCase):
            register_path_copy(model)
