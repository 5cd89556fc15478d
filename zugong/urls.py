from django.contrib import admin
from django.urls import include, path

from zugong.core.views import healthz

admin.site.site_header = "组工 · 系统管理"
admin.site.site_title = "组工系统管理"
admin.site.index_title = "字典、节假日、规则参数与账号"

urlpatterns = [
    path("", include("zugong.dashboard.urls")),
    path("accounts/", include("zugong.accounts.urls")),
    path("orgs/", include("zugong.orgs.urls")),
    path("members/", include("zugong.members.urls")),
    path("life/", include("zugong.life.urls")),
    path("dues/", include("zugong.dues.urls")),
    path("development/", include("zugong.development.urls")),
    path("transfers/", include("zugong.transfers.urls")),
    path("cadres/", include("zugong.cadres.urls")),
    path("supervision/", include("zugong.supervision.urls")),
    path("surveys/", include("zugong.surveys.urls")),
    path("inquiries/", include("zugong.inquiries.urls")),
    path("talents/", include("zugong.talents.urls")),
    path("stats/", include("zugong.stats.urls")),
    path("campaigns/", include("zugong.campaigns.urls")),
    path("standards/", include("zugong.orgs.standardization.urls")),
    # The public portal: no login; privacy.PortalPrivacyMiddleware covers everything under it.
    path("portal/surveys/", include("zugong.surveys.portal_urls")),
    path("portal/progress/", include("zugong.inquiries.portal_urls")),
    path("portal/", include("zugong.supervision.portal_urls")),
    path("imports/", include("zugong.core.imports.urls")),
    path("admin/", admin.site.urls),
    # For nginx and monitoring: 200 while the process answers (no login, no database query).
    path("healthz", healthz, name="healthz"),
]
