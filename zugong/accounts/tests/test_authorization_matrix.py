"""The authorization matrix: every URL in the URLconf × every role × an in-scope and an out-of-scope
object → the expected status. Out of scope is a 404, exactly like a record that does not exist.
A URL without an entry here fails the test."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import (
    ROLES,
    STRUCTURE,
    WRITERS,
    Entry,
    Objects,
    everyone,
    job,
    kind,
    member,
    only,
    org,
)
from zugong.conftest import Tree, make_member
from zugong.core.models import ImportJob

pytestmark = pytest.mark.django_db

# Apps that keep their part of the matrix beside their code: ENTRIES and build(objects, users).
APP_MATRICES = [
    "zugong.life.tests.matrix_meetings",
    "zugong.life.tests.matrix_compliance",
    "zugong.life.tests.matrix_appraisal",
    "zugong.dues.tests.matrix",
    "zugong.development.tests.matrix",
    "zugong.transfers.tests.matrix",
    # The cadre side: matrix_base builds the units and cadres the other modules use.
    "zugong.cadres.tests.matrix_base",
    "zugong.cadres.tests.matrix_units",
    "zugong.cadres.tests.matrix_archive",
    "zugong.cadres.tests.matrix_lrmx",
    "zugong.cadres.tests.matrix_growth",
    "zugong.cadres.tests.matrix_selection",
    # 群众监督: the public portal (no login) and the staff's case handling; 评绩; 大调研.
    "zugong.supervision.tests.matrix_portal",
    "zugong.supervision.tests.matrix_cases",
    "zugong.surveys.tests.matrix",
    "zugong.inquiries.tests.matrix",
    # 人才; 示范创建; 标准化规范化与星级.
    "zugong.talents.tests.matrix",
    "zugong.talents.tests.matrix_services",
    "zugong.campaigns.tests.matrix",
    "zugong.orgs.tests.matrix_standardization",
    # 党内统计年报.
    "zugong.stats.tests.matrix",
]


def app_matrix_modules() -> list:
    modules = []
    for name in APP_MATRICES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = (
                f"{namespace}:{p.namespace}"
                if namespace and p.namespace
                else (p.namespace or namespace)
            )
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else (p.name or "")
            yield name.lstrip(":"), prefix + str(p.pattern)


@pytest.fixture
def objects(tree: Tree, users) -> Objects:
    in_a1 = make_member(tree.branch_a1, "甲")
    in_a2a = make_member(tree.branch_a2a, "乙")
    in_b1 = make_member(tree.branch_b1, "丙")
    elsewhere = make_member(tree.other_branch, "丁")
    o = Objects()
    for role in ROLES:
        o.org_in[role] = tree.branch_a1.pk
        o.member_in[role] = in_a1.pk
    county_roles = (
        Role.SYSTEM_ADMIN,
        Role.DEPARTMENT_ADMIN,
        Role.LEADER,
        Role.CADRE_OFFICER,
        Role.SUPERVISION_OFFICER,
        Role.CUSTODIAN,
        Role.TALENT_OFFICE,
    )
    for role in county_roles:
        o.org_out[role], o.member_out[role] = tree.other_branch.pk, elsewhere.pk
    for role in (Role.COMMITTEE_ADMIN, Role.PROBLEM_TRACKER):
        o.org_out[role], o.member_out[role] = tree.branch_b1.pk, in_b1.pk
    o.org_out[Role.BRANCH_ADMIN], o.member_out[Role.BRANCH_ADMIN] = tree.branch_a2a.pk, in_a2a.pk
    # Import jobs are private to the account that uploaded them.
    for role in ROLES:
        o.job_in[role] = make_job(users[role]).pk
    stranger = User.objects.create_user(
        username="stranger", role=Role.COMMITTEE_ADMIN, anchor_org=tree.town_b
    )
    o.job_out = make_job(stranger).pk
    for module in app_matrix_modules():
        module.build(o, users)
    return o


def make_job(user: User) -> ImportJob:
    job = ImportJob(
        kind="members",
        original_name="党员.xlsx",
        status=ImportJob.Status.INVALID,
        scope_path=user.scope.path or "",
        created_by=user,
        errors=[{"row": 2, "column": "姓名", "value": "", "message": "姓名：必须填写"}],
    )
    job.file.save("matrix.xlsx", ContentFile(b"PK"), save=False)
    job.error_file.save("matrix-errors.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    return job


MATRIX: dict[str, Entry] = {
    "dashboard:home": Entry(None, everyone(200)),
    # The 举报人身份保管人 and the 整改责任单位 have no cockpit (zugong.dashboard.cockpit).
    "dashboard:cockpit": Entry(None, only(set(ROLES) - {Role.CUSTODIAN, Role.PROBLEM_TRACKER})),
    "accounts:login": Entry(None, everyone(302), anonymous=200),  # signed in: sent on
    "accounts:logout": Entry(None, everyone(405)),  # POST only
    "accounts:password_change": Entry(None, everyone(200), post=True),
    "accounts:password_change_done": Entry(None, everyone(200)),
    "orgs:tree": Entry(None, everyone(200)),
    "orgs:list": Entry(None, everyone(200)),
    "orgs:detail": Entry(org, everyone(200)),
    "orgs:children": Entry(org, everyone(200)),
    "orgs:create": Entry(org, only(STRUCTURE), post=True),
    "orgs:edit": Entry(org, only(WRITERS), post=True),
    "orgs:move": Entry(org, only(STRUCTURE), post=True),
    "orgs:dissolve": Entry(org, only(STRUCTURE), post=True),
    "orgs:elect_team": Entry(org, only(STRUCTURE), post=True),
    "members:list": Entry(None, everyone(200)),
    "members:create": Entry(None, only(WRITERS), post=True),
    "members:detail": Entry(member, everyone(200)),
    "members:edit": Entry(member, only(WRITERS), post=True),
    "members:change_status": Entry(member, only(WRITERS), post=True),
    "imports:index": Entry(None, only(WRITERS)),
    "imports:template": Entry(kind, only(WRITERS), has_scope=False),
    "imports:upload": Entry(
        kind, everyone(405), post=True, post_expect=only(WRITERS, yes=400), has_scope=False
    ),
    "imports:job": Entry(job, only(WRITERS), out_of_scope=only(WRITERS, yes=404)),
    "imports:progress": Entry(job, only(WRITERS), out_of_scope=only(WRITERS, yes=404)),
    "imports:error_file": Entry(job, only(WRITERS), out_of_scope=only(WRITERS, yes=404)),
    "healthz": Entry(None, everyone(200), anonymous=200),  # public: the load balancer's probe
}


for _module in app_matrix_modules():
    MATRIX.update(_module.ENTRIES)


def build(name: str, entry: Entry, role: str, o: Objects, inside: bool) -> str:
    return reverse(name, kwargs=entry.kwargs(role, o, inside) if entry.kwargs else None)


def app_urls() -> list[tuple[str, str]]:
    return [
        (name, route)
        for name, route in walk(get_resolver().url_patterns)
        if not name.startswith("admin:")
    ]


def test_every_url_has_a_matrix_entry():
    missing = [f"{name} ({route})" for name, route in app_urls() if name not in MATRIX]
    assert not missing, f"URLs without an authorization-matrix entry: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, users, objects, role):
    client.force_login(users[role])
    failures = []
    for name, entry in MATRIX.items():
        expected_in = entry.expect(role)
        url = build(name, entry, role, objects, inside=True)
        got = client.get(url).status_code
        if got != expected_in:
            failures.append(f"GET {name} in-scope {url}: {got} != {expected_in}")
        if entry.post:
            expected_post = (entry.post_expect or entry.expect)(role)
            got = client.post(url, {}).status_code
            if got != expected_post:
                failures.append(f"POST {name} in-scope {url}: {got} != {expected_post}")
        if entry.kwargs and entry.has_scope:
            url = build(name, entry, role, objects, inside=False)
            expected_out = entry.out_of_scope(role) if entry.out_of_scope else 404
            for method in ("get", "post") if entry.post else ("get",):
                got = getattr(client, method)(url).status_code
                if got != expected_out:
                    failures.append(
                        f"{method.upper()} {name} out-of-scope {url}: {got} != {expected_out}"
                    )
    assert not failures, "\n".join(failures)


def test_anonymous_is_sent_to_login(client, objects):
    """Without login every staff URL sends to the login page; the public portal answers."""
    for name, entry in MATRIX.items():
        url = build(name, entry, Role.DEPARTMENT_ADMIN, objects, inside=True)
        response = client.get(url)
        assert response.status_code == entry.anonymous, name
        if entry.anonymous == 302:
            assert "/accounts/login/" in response["Location"], name
        if entry.post and entry.anonymous_post is not None:
            assert client.post(url, {}).status_code == entry.anonymous_post, name


def admin_urls_without_arguments() -> list[str]:
    urls = []
    for name, _route in walk(get_resolver().url_patterns):
        if not name.startswith("admin:") or name == "admin:logout":
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue  # needs an object id: covered by the same staff check as its changelist
    return urls


def refused_to_superuser(url: str, user: User) -> bool:
    """Admin pages that refuse even a superuser: autocomplete without parameters, add where adding is off."""
    from django.contrib import admin
    from django.test import RequestFactory

    if url.endswith("/autocomplete/"):
        return True
    if url.endswith("/add/"):
        request = RequestFactory().get(url)
        request.user = user
        app_label, model_name = url.strip("/").split("/")[1:3]
        for model, model_admin in admin.site._registry.items():
            if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
                return not model_admin.has_add_permission(request)
    return False


def test_admin_is_for_the_system_administrator_only(client, users):
    admin_urls = admin_urls_without_arguments()
    assert admin_urls
    for role in ROLES:
        client.force_login(users[role])
        for url in admin_urls:
            status = client.get(url).status_code
            if role == Role.SYSTEM_ADMIN:
                assert (
                    status == (403 if refused_to_superuser(url, users[role]) else 200)
                    or status == 302
                ), (url, status)
            elif url.endswith("/admin/login/"):
                assert status == 200  # the admin's own login form, which refuses non-staff accounts
            else:
                assert status == 302, (role, url, status)
