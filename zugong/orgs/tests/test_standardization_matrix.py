"""The standards part of the authorization matrix, run on its own (the full matrix collects the
same ENTRIES): every /standards/ URL has an entry, and each role gets the expected status in
scope and out of it."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from zugong.accounts.models import Role
from zugong.accounts.tests.matrix_support import ROLES, Objects
from zugong.accounts.tests.test_authorization_matrix import walk
from zugong.orgs.tests import matrix_standardization as matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(tree, users) -> Objects:
    o = Objects()
    for role in ROLES:
        o.org_in[role] = tree.branch_a1.pk
        o.org_out[role] = tree.other_branch.pk
    o.org_out[Role.COMMITTEE_ADMIN] = tree.branch_b1.pk
    o.org_out[Role.PROBLEM_TRACKER] = tree.branch_b1.pk
    o.org_out[Role.BRANCH_ADMIN] = tree.branch_a2a.pk
    matrix.build(o, users)
    return o


def test_every_standards_url_has_an_entry():
    names = {name for name, _ in walk(get_resolver().url_patterns) if name.startswith("standards:")}
    assert names, "the /standards/ URLs are not wired"
    assert names == set(matrix.ENTRIES)


@pytest.mark.parametrize("role", ROLES)
def test_standards_matrix(client, users, objects, role):
    client.force_login(users[role])
    failures = []
    for name, entry in matrix.ENTRIES.items():
        kwargs = entry.kwargs(role, objects, True) if entry.kwargs else None
        url = reverse(name, kwargs=kwargs)
        got = client.get(url).status_code
        if got != entry.expect(role):
            failures.append(f"GET {name} in {url}: {got} != {entry.expect(role)}")
        if entry.post:
            want = (entry.post_expect or entry.expect)(role)
            got = client.post(url, {}).status_code
            if got != want:
                failures.append(f"POST {name} in {url}: {got} != {want}")
        if entry.kwargs and entry.has_scope:
            url = reverse(name, kwargs=entry.kwargs(role, objects, False))
            want = entry.out_of_scope(role) if entry.out_of_scope else 404
            for method in ("get", "post") if entry.post else ("get",):
                got = getattr(client, method)(url).status_code
                if got != want:
                    failures.append(f"{method.upper()} {name} out {url}: {got} != {want}")
    assert not failures, "\n".join(failures)
