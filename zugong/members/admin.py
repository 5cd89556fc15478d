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
    # Branch, type, 党籍 and the categories change only through the register's pages, which date
    # the change for the 党内统计 (zugong.stats); the admin would change them undated.
    readonly_fields = [
        "org_path",
        "completeness",
        "org",
        "member_type",
        "status",
        "gender",
        "ethnicity",
        "education",
        "job_category",
    ]
