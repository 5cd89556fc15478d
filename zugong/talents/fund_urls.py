"""URL patterns of the special fund (人才发展专项资金), included by zugong/talents/urls.py
(namespace talents)."""

from django.urls import path

from zugong.talents import fund_views as views

urlpatterns = [
    path("fund/", views.fund_budget_list, name="fund_budget_list"),
    path("fund/budgets/new/", views.fund_budget_create, name="fund_budget_create"),
    path("fund/budgets/<int:pk>/", views.fund_budget_detail, name="fund_budget_detail"),
    path("fund/budgets/<int:pk>/edit/", views.fund_budget_edit, name="fund_budget_edit"),
    path(
        "fund/budgets/<int:pk>/allocate/",
        views.fund_allocation_create,
        name="fund_allocation_create",
    ),
    path(
        "fund/allocations/<int:pk>/apply/",
        views.fund_disbursement_create,
        name="fund_disbursement_create",
    ),
    path("fund/disbursements/", views.fund_disbursement_list, name="fund_disbursement_list"),
    path(
        "fund/disbursements/<int:pk>/",
        views.fund_disbursement_detail,
        name="fund_disbursement_detail",
    ),
    path(
        "fund/disbursements/<int:pk>/decide/",
        views.fund_disbursement_decide,
        name="fund_disbursement_decide",
    ),
    path(
        "fund/disbursements/<int:pk>/cancel/",
        views.fund_disbursement_cancel,
        name="fund_disbursement_cancel",
    ),
    path(
        "fund/disbursements/<int:pk>/pay/",
        views.fund_disbursement_pay,
        name="fund_disbursement_pay",
    ),
    path("fund/ledger/", views.fund_ledger, name="fund_ledger"),
    path("fund/usage/", views.fund_usage, name="fund_usage"),
]
