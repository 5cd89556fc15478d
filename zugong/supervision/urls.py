"""Staff pages of the 群众监督 module (/supervision/): case handling by the 干部监督科."""

from django.urls import path

from zugong.supervision import case_views as views

app_name = "supervision"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_register, name="case_register"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/files/<int:file_pk>/", views.case_file, name="case_file"),
    path("cases/<int:pk>/identity/", views.case_identity, name="case_identity"),
    *[
        path(
            f"cases/<int:pk>/{name.replace('_', '-')}/",
            views.case_action(name),
            name=f"case_{name}",
        )
        for name in views.ACTIONS
    ],
    path("identity-requests/", views.identity_requests, name="identity_requests"),
    path("identity-requests/<int:pk>/", views.identity_decide, name="identity_decide"),
    path("handlers/", views.handler_list, name="handler_list"),
    path("handlers/new/", views.handler_edit, name="handler_create"),
    path("handlers/<int:pk>/", views.handler_edit, name="handler_edit"),
    path("stats/", views.statistics, name="stats"),
]
