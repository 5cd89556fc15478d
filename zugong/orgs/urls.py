from django.urls import path

from zugong.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("list/", views.org_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/create/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/team/", views.elect_team, name="elect_team"),
]
