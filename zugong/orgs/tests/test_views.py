"""Organization pages: structure actions show the regulation's reason beside the field, never a 500."""

from __future__ import annotations

import pytest

from zugong.conftest import make_member
from zugong.orgs.models import LeadershipTeam, Organization

pytestmark = pytest.mark.django_db


def test_create_a_branch_under_a_township(client, users, tree):
    client.force_login(users["committee_admin"])
    response = client.post(
        f"/orgs/{tree.town_a.pk}/create/",
        {
            "name": "城关镇西村党支部",
            "code": "A9",
            "kind": "branch",
            "unit_situation": "same_as_parent",
            "sort_order": 0,
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(code="A9")
    assert created.parent == tree.town_a and created.path.startswith(tree.town_a.path)


def test_create_refuses_a_duplicate_code_beside_the_field(client, users, tree):
    client.force_login(users["committee_admin"])
    response = client.post(
        f"/orgs/{tree.town_a.pk}/create/",
        {
            "name": "重复",
            "code": "A1",
            "kind": "branch",
            "unit_situation": "same_as_parent",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "组织编码已被其他党组织使用" in response.content.decode()


def test_move_into_own_subtree_is_refused_with_a_message(client, users, tree):
    client.force_login(users["department_admin"])
    response = client.post(f"/orgs/{tree.town_a.pk}/move/", {"new_parent": tree.general_a2.pk})
    body = response.content.decode()
    assert response.status_code == 200
    # The subtree is not offered as a target at all; a forged choice is refused by the form.
    assert "新的上级党组织" in body and "errorlist" in body


def test_move_under_another_township(client, users, tree):
    client.force_login(users["department_admin"])
    response = client.post(f"/orgs/{tree.general_a2.pk}/move/", {"new_parent": tree.town_b.pk})
    assert response.status_code == 302
    assert Organization.objects.get(pk=tree.branch_a2a.pk).path.startswith(tree.town_b.path)


def test_dissolve_with_members_is_refused_then_allowed(client, users, tree):
    make_member(tree.branch_b1)
    client.force_login(users["department_admin"])
    data = {"dissolved_on": "2026-06-01", "reason": "县委组织部批复撤并"}
    response = client.post(f"/orgs/{tree.branch_b1.pk}/dissolve/", data)
    assert response.status_code == 200 and "请先将党员转移" in response.content.decode()
    response = client.post(f"/orgs/{tree.branch_a2a.pk}/dissolve/", data)
    assert response.status_code == 302
    page = client.get(f"/orgs/{tree.branch_a2a.pk}/").content.decode()
    assert "已撤销" in page


def test_elect_team_stamps_the_term_and_shows_it(client, users, tree):
    client.force_login(users["committee_admin"])
    response = client.post(
        f"/orgs/{tree.branch_a1.pk}/team/",
        {
            "elected_on": "2026-03-01",
            "secretary": "李书记",
            "organization_member": "王委员",
            "other_members": "赵一、钱二",
        },
    )
    assert response.status_code == 302
    team = LeadershipTeam.objects.get(org=tree.branch_a1, is_current=True)
    assert team.term_years == 5 and team.seats.count() == 4
    page = client.get(f"/orgs/{tree.branch_a1.pk}/?tab=team").content.decode()
    assert "李书记" in page and "2031-03-01" in page


def test_history_tab_shows_field_changes(client, users, tree):
    client.force_login(users["committee_admin"])
    client.post(
        f"/orgs/{tree.branch_a1.pk}/edit/",
        {
            "name": tree.branch_a1.name,
            "code": "A1",
            "contact_person": "新联系人",
            "unit_situation": "same_as_parent",
            "sort_order": 0,
            "version": tree.branch_a1.version,
        },
    )
    page = client.get(f"/orgs/{tree.branch_a1.pk}/?tab=history").content.decode()
    assert "联系人" in page and "新联系人" in page
