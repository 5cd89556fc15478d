"""Stock admin for the system administrator: the step catalog and the settings the checks read.

Cases and their steps are written only through the pages (services check every rule)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.development.models import (
    AdmissionFormRange,
    ApprovalAuthority,
    DevelopmentPlan,
    RuleSetPeriod,
    StepDefinition,
)


@admin.register(StepDefinition)
class StepDefinitionAdmin(SimpleHistoryAdmin):
    list_display = [
        "sort_order",
        "number",
        "name",
        "stage",
        "is_optional",
        "is_active",
        "repeatable",
    ]
    list_filter = ["stage", "is_canonical", "is_optional", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["sort_order"]

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001, ANN201 - admin API
        # The 25 canonical steps keep their code and number: the checks refer to them.
        if obj is not None and obj.is_canonical:
            return ["code", "number", "is_canonical"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001 - admin API
        return obj is None or not obj.is_canonical


@admin.register(RuleSetPeriod)
class RuleSetPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "rule_set", "source"]


@admin.register(ApprovalAuthority)
class ApprovalAuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["org", "granted_on", "revoked_on", "document"]
    search_fields = ["org__name"]
    raw_id_fields = ["org"]
    list_select_related = ["org"]


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(SimpleHistoryAdmin):
    list_display = ["org", "year", "quota", "note"]
    list_filter = ["year"]
    search_fields = ["org__name"]
    raw_id_fields = ["org"]
    readonly_fields = ["org_path"]
    list_select_related = ["org"]


@admin.register(AdmissionFormRange)
class AdmissionFormRangeAdmin(SimpleHistoryAdmin):
    list_display = ["year", "first_number", "last_number", "note"]
    list_filter = ["year"]

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001 - admin API
        # A range with numbers given out stays: used numbers are never deleted.
        return obj is None or not obj.numbers.exists()
