"""The public portal (/portal/): no login, its own plain layout, nothing recorded about the client
(privacy.py). Surveys (/portal/surveys/) and public progress pages (/portal/progress/) are mounted
beside it in zugong/urls.py."""

from django.urls import path

from zugong.supervision import portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("privacy/", portal_views.privacy, name="privacy"),
    path("report/", portal_views.report, name="report"),
    path("status/", portal_views.status, name="status"),
    path("status/add/", portal_views.status_add, name="status_add"),
    path("notices/", portal_views.notices, name="notices"),
]
