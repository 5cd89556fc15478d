"""URL patterns included by zugong/talents/urls.py (namespace talents): the talent pool, its
archive, 人才底数, the import, the policies, grants and eligibility matching."""

from django.urls import path

from zugong.talents import views

urlpatterns = [
    path("", views.talent_list, name="list"),
    path("new/", views.talent_create, name="create"),
    path("<int:pk>/", views.talent_detail, name="detail"),
    path("<int:pk>/edit/", views.talent_edit, name="edit"),
    path("<int:pk>/archive/new/", views.entry_add, name="entry_add"),
    path("archive/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("archive/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("<int:pk>/grants/new/", views.grant_add, name="grant_add"),
    path("statistics/", views.statistics, name="statistics"),
    path("import/", views.import_index, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("import/jobs/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/<int:pk>/stop/", views.grant_stop, name="grant_stop"),
    path("matching/", views.matching, name="matching"),
]
