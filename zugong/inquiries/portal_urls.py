"""Public progress pages of problem lists (/portal/progress/), when a list is published."""

from django.urls import path

from zugong.inquiries import portal_views

app_name = "portal_progress"

urlpatterns = [
    path("", portal_views.index, name="index"),
    path("<int:pk>/", portal_views.detail, name="detail"),
]
