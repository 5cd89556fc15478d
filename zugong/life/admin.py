from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.life.models import MeetingRequirement, MeetingType


@admin.register(MeetingType)
class MeetingTypeAdmin(SimpleHistoryAdmin):
    """A county adds its own kinds of meeting or study here."""

    list_display = ["name", "code", "category", "holder", "quorum", "sort_order", "is_active"]
    list_filter = ["category", "holder", "is_active"]


@admin.register(MeetingRequirement)
class MeetingRequirementAdmin(SimpleHistoryAdmin):
    """Required frequencies are rule data: a local rule is a row in its own rule set."""

    list_display = [
        "meeting_type",
        "period",
        "min_count",
        "applies_to",
        "rule_set",
        "citation_status",
        "is_active",
    ]
    list_filter = ["rule_set", "period", "applies_to", "is_active"]
