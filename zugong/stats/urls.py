from django.urls import path

from zugong.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/export/", views.run_export, name="run_export"),
]
