from django.urls import path

from zugong.core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:kind>/template/", views.template, name="template"),
    path("<str:kind>/upload/", views.upload, name="upload"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/progress/", views.progress, name="progress"),
    path("jobs/<int:pk>/errors.xlsx", views.error_file, name="error_file"),
]
