from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.orgs.models import Organization


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    """Read access for the system administrator; the tree is changed through the app's own pages."""

    list_display = ["name", "code", "kind", "status", "parent"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "code"]
    # Kind, category, status and name feed the dated history of the tree (zugong.stats): they
    # change through the app's pages, which record when.
    readonly_fields = ["path", "depth", "parent", "kind", "category", "status", "name"]
