from django.urls import path

from zugong.development import views

app_name = "development"

urlpatterns = [
    path("", views.board, name="board"),
    path("overview/", views.overview, name="overview"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/", views.step_record, name="step_record"),
    path("cases/<int:pk>/cancel/", views.case_cancel, name="case_cancel"),
    path("cases/<int:pk>/extend/", views.extend_probation, name="extend_probation"),
    path("cases/<int:pk>/notice.docx", views.notice_docx_view, name="notice_docx"),
    path("cases/<int:pk>/record.docx", views.record_docx_view, name="record_docx"),
    path("cases/<int:pk>/review.docx", views.review_docx_view, name="review_docx"),
    path("cases/<int:pk>/notice.pdf", views.notice_pdf_view, name="notice_pdf"),
    path("cases/<int:pk>/record.pdf", views.record_pdf_view, name="record_pdf"),
    path("cases/<int:pk>/review.pdf", views.review_pdf_view, name="review_pdf"),
    path("plans/", views.plans, name="plans"),
    path("forms/", views.admission_forms, name="forms"),
    path("forms/<int:pk>/void/", views.form_void, name="form_void"),
]
