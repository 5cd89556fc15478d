from django.urls import path

from zugong.members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
]
