from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.core.models import (
    CodeItem,
    CodeTable,
    Holiday,
    HolidayYear,
    ImportJob,
    RuleParameter,
    RuleSetting,
)


class CodeItemInline(admin.TabularInline):
    model = CodeItem
    extra = 1
    fields = ["code", "name", "parent_code", "sort_order", "is_active"]


@admin.register(CodeTable)
class CodeTableAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "standard"]
    inlines = [CodeItemInline]


@admin.register(CodeItem)
class CodeItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "table", "parent_code", "is_active"]
    list_filter = ["table", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["day", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]


@admin.register(RuleSetting)
class RuleSettingAdmin(SimpleHistoryAdmin):
    list_display = ["rule_set", "enabled"]


@admin.register(RuleParameter)
class RuleParameterAdmin(SimpleHistoryAdmin):
    list_display = ["rule_id", "key", "value", "effective_from", "source"]
    list_filter = ["rule_id"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "status", "total_rows", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
