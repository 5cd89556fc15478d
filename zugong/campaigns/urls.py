"""Staff pages (/campaigns/): 示范创建."""

from django.urls import path

from zugong.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/targets/", views.campaign_targets, name="campaign_targets"),
    path("<int:pk>/criteria/new/", views.criterion_create, name="criterion_create"),
    path("<int:pk>/candidates/new/", views.candidate_create, name="candidate_create"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/stage/", views.candidate_advance, name="candidate_advance"),
    path("candidates/<int:pk>/score/", views.candidate_score, name="candidate_score"),
    path("candidates/<int:pk>/withdraw/", views.candidate_withdraw, name="candidate_withdraw"),
    path("candidates/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("named/", views.named_list, name="named_list"),
    path("progress/", views.progress, name="progress"),
    path("kinds/", views.kind_list, name="kind_list"),
    path("kinds/new/", views.kind_create, name="kind_create"),
    path("kinds/<int:pk>/edit/", views.kind_edit, name="kind_edit"),
]
