"""Staff pages (/standards/): 标准化规范化 checklists, yearly scores, 星级 and 软弱涣散整顿."""

from django.urls import path

from zugong.orgs.standardization import views

app_name = "standards"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("templates/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("parameters/", views.parameters, name="parameters"),
    path("township/<int:pk>/", views.township, name="township"),
    path("township/<int:pk>/confirm/", views.confirm_scores, name="confirm_scores"),
    path("branch/<int:pk>/", views.branch_sheet, name="branch_sheet"),
    path("branch/<int:pk>/reopen/", views.reopen_score, name="reopen_score"),
    path("branch/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("weak/", views.weak_list, name="weak_list"),
    path("weak/new/", views.weak_create, name="weak_create"),
    path("weak/identify/", views.weak_identify, name="weak_identify"),
    path("weak/<int:pk>/", views.weak_detail, name="weak_detail"),
    path("weak/<int:pk>/confirm/", views.weak_confirm, name="weak_confirm"),
    path("weak/<int:pk>/plan/", views.weak_plan, name="weak_plan"),
    path("weak/<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/done/", views.measure_done, name="measure_done"),
    path("weak/<int:pk>/evidence/", views.weak_evidence_upload, name="weak_evidence_upload"),
    path("weak-evidence/<int:pk>/", views.weak_evidence_download, name="weak_evidence_download"),
    path("weak/<int:pk>/progress/", views.weak_progress, name="weak_progress"),
    path("weak/<int:pk>/closure/", views.weak_closure_request, name="weak_closure_request"),
    path("weak/<int:pk>/closure/decide/", views.weak_closure_decide, name="weak_closure_decide"),
]
