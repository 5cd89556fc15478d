from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zugong.accounts.models import SensitiveAccess, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "role",
        "anchor_org",
        "anchor_unit",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["anchor_org", "anchor_unit"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "组工角色与管理范围",
            {"fields": ("full_name", "role", "anchor_org", "anchor_unit", "phone")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("组工角色与管理范围", {"fields": ("full_name", "role", "anchor_org", "anchor_unit")}),
    )


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "subject_type", "subject_id", "fields"]
    list_filter = ["subject_type"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
