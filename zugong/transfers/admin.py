"""Stock admin for the system administrator, read-only: cases change only through the services
(which check the chain, the scope and the dues and log every action)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from zugong.transfers.models import ActionLog, FlowRecord, LostContact, QuitCase, Transfer


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ActionInline(ReadOnlyMixin, admin.TabularInline):
    model = ActionLog
    fields = ["at", "operator", "level", "action", "result", "remark"]
    readonly_fields = fields
    extra = 0


@admin.register(Transfer)
class TransferAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["subject_name", "kind", "status", "from_org_name", "to_org_name", "applied_on"]
    list_filter = ["kind", "status"]
    search_fields = ["member__name", "person_name", "letter_number"]
    list_select_related = ["member"]
    inlines = [ActionInline]


@admin.register(QuitCase)
class QuitCaseAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["member", "kind", "status", "decision_on", "completed_on"]
    list_filter = ["kind", "status"]
    search_fields = ["member__name"]
    list_select_related = ["member"]
    inlines = [ActionInline]


@admin.register(FlowRecord)
class FlowRecordAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "direction", "org", "other_place", "started_on", "ended_on"]
    list_filter = ["direction", "settled"]
    search_fields = ["member__name", "person_name", "card_number"]
    list_select_related = ["member", "org"]


@admin.register(LostContact)
class LostContactAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["member", "lost_since", "status", "suspended_on", "closed_on"]
    list_filter = ["status"]
    search_fields = ["member__name"]
    list_select_related = ["member"]
