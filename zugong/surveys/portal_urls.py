"""Public survey pages (/portal/surveys/): no login, the portal privacy rules apply."""

from django.urls import path

from zugong.surveys import portal_views

app_name = "portal_surveys"

urlpatterns = [
    path("", portal_views.survey_list, name="list"),
    path("<int:pk>/", portal_views.survey_detail, name="detail"),
    path("<int:pk>/results/", portal_views.survey_results, name="results"),
]
