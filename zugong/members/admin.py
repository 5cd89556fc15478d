from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.members.models import Member


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    """Stock admin for the system administrator (and the benchmark's peer column)."""

    list_display = ["name", "gender", "member_type", "org", "status", "joined_on"]
    list_filter = ["member_type", "status"]
    search_fields = ["name", "name_initials", "name_pinyin"]
    list_select_related = ["gender", "org"]
    raw_id_fields = ["org"]
    readonly_fields = ["org_path", "completeness"]
