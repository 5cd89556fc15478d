from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.orgs.models import Organization


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    """Read access for the system administrator; the tree is changed through the app's own pages."""

    list_display = ["name", "code", "kind", "status", "parent"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth", "parent"]
