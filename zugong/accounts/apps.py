from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zugong.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from zugong.accounts import permissions  # noqa: F401 - registers the object permissions
