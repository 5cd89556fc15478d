from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zugong.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from zugong.members import exports  # noqa: F401 - registers the exporter
        from zugong.members.models import Member
        from zugong.orgs.paths import register_path_copy

        register_path_copy(Member)
