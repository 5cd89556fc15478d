from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zugong.cadres.models import AdjustmentSituation, Post, PostQuota, Rank, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "grade", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    readonly_fields = ["path", "depth"]


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    list_display = ["name", "track", "order", "equivalent_level", "grade_high", "grade_low"]
    list_filter = ["track"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "level", "seats", "is_active"]
    list_filter = ["level"]
    search_fields = ["title", "unit__name"]


@admin.register(PostQuota)
class PostQuotaAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "level", "approved", "document"]
    list_filter = ["level"]


@admin.register(AdjustmentSituation)
class AdjustmentSituationAdmin(admin.ModelAdmin):
    list_display = ["number", "text", "status", "is_active"]
