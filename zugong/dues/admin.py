from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.dues.models import DuesBranchSetting, DuesPayment, DuesStandard


@admin.register(DuesStandard)
class DuesStandardAdmin(SimpleHistoryAdmin):
    """Stock admin for the system administrator; the pages under /dues/ are where work is done."""

    list_display = ["member", "year", "category", "income_base", "monthly_amount", "reduction"]
    list_filter = ["year", "category", "reduction"]
    search_fields = ["member__name", "member__name_initials"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "org"]
    readonly_fields = ["org_path"]


@admin.register(DuesPayment)
class DuesPaymentAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "month", "amount", "paid_on", "by_proxy", "is_voided"]
    list_filter = ["year", "month", "by_proxy"]
    search_fields = ["member__name", "receipt_number"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "org"]
    readonly_fields = ["org_path"]


@admin.register(DuesBranchSetting)
class DuesBranchSettingAdmin(SimpleHistoryAdmin):
    list_display = ["org", "quarterly_allowed", "decided_on"]
    raw_id_fields = ["org"]
