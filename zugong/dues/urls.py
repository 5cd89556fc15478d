from django.urls import path

from zugong.dues import views

app_name = "dues"

urlpatterns = [
    path("", views.home, name="home"),
    path("branch/<int:pk>/", views.branch_month, name="branch_month"),
    path("branch/<int:pk>/standards/", views.standards, name="standards"),
    path("branch/<int:pk>/setting/", views.branch_setting, name="branch_setting"),
    path("member/<int:pk>/", views.member_ledger, name="member_ledger"),
    path("member/<int:pk>/standard/", views.standard_edit, name="standard_edit"),
    path("payments/", views.payments, name="payments"),
    path("payments/<int:pk>/edit/", views.payment_edit, name="payment_edit"),
    path("payments/<int:pk>/void/", views.payment_void, name="payment_void"),
    path("report/<int:pk>/", views.report, name="report"),
]
