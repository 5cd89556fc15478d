"""URL patterns of the service packages (服务包), included by zugong/talents/urls.py (namespace
talents)."""

from django.urls import path

from zugong.talents import package_views as views

urlpatterns = [
    path("packages/", views.package_list, name="package_list"),
    path("packages/new/", views.package_create, name="package_create"),
    path("packages/<int:pk>/", views.package_detail, name="package_detail"),
    path("packages/<int:pk>/assign/", views.package_assign, name="package_assign"),
    path("packages/<int:pk>/accept/", views.package_accept, name="package_accept"),
    path("packages/<int:pk>/handle/", views.package_handle, name="package_handle"),
    path("packages/<int:pk>/finish/", views.package_finish, name="package_finish"),
    path("packages/<int:pk>/return/", views.package_return, name="package_return"),
    path("packages/<int:pk>/feedback/", views.package_feedback, name="package_feedback"),
]
