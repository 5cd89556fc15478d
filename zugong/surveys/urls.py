"""Staff pages (/surveys/)."""

from django.urls import path

from zugong.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question_edit"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/qr/", views.survey_qr, name="qr"),
    path("<int:pk>/print/", views.survey_print, name="print"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_export"),
]
