"""Staff pages (/inquiries/): 大调研, 意见建议, 问题清单 and 督办."""

from django.urls import path

from zugong.inquiries import views

app_name = "inquiries"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("plans/<int:pk>/opinions/new/", views.opinion_create, name="opinion_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activity-files/<int:pk>/", views.activity_file, name="activity_file"),
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/promote/", views.opinion_promote, name="opinion_promote"),
    path("reports/<int:pk>/promote/", views.report_promote, name="report_promote"),
    path("lists/", views.problem_list_index, name="problem_list_index"),
    path("lists/new/", views.problem_list_create, name="problem_list_create"),
    path("lists/<int:pk>/", views.problem_list_detail, name="problem_list_detail"),
    path("lists/<int:pk>/publish/", views.problem_list_publish, name="problem_list_publish"),
    path("lists/<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("problems/", views.problem_index, name="problem_index"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/progress/", views.problem_progress, name="problem_progress"),
    path("problems/<int:pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("problems/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("problems/<int:pk>/closure/", views.closure_request, name="closure_request"),
    path("problems/<int:pk>/closure/decide/", views.closure_decide, name="closure_decide"),
    path("problems/<int:pk>/reopen/", views.problem_reopen, name="problem_reopen"),
    path("statistics/", views.statistics, name="statistics"),
]
