"""Optimistic locking of the organization register: edits, moves and dissolutions move the
version on; a form opened before them is refused with both versions shown."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.core.locking import StaleEdit
from zugong.core.tests.edit_conflict import assert_second_save_conflicts, form_data
from zugong.orgs.models import Organization
from zugong.orgs.services import dissolve_org, move_org, update_org

pytestmark = pytest.mark.django_db


def edit_url(org: Organization) -> str:
    return reverse("orgs:edit", args=[org.pk])


def test_two_saves_from_the_same_version_first_wins(tree) -> None:
    opened = Organization.objects.get(pk=tree.branch_a1.pk).version
    update_org(
        actor=None,
        org=Organization.objects.get(pk=tree.branch_a1.pk),
        expected_version=opened,
        contact_person="甲",
    )
    with pytest.raises(StaleEdit):
        update_org(
            actor=None,
            org=Organization.objects.get(pk=tree.branch_a1.pk),
            expected_version=opened,
            contact_person="乙",
        )
    saved = Organization.objects.get(pk=tree.branch_a1.pk)
    assert (saved.contact_person, saved.version) == ("甲", opened + 1)


def test_second_save_of_the_same_form_gets_the_conflict_page(client, users, tree) -> None:
    client.force_login(users[Role.COMMITTEE_ADMIN])

    assert_second_save_conflicts(client, edit_url(tree.branch_a1), "contact_person", "甲", "乙")

    assert Organization.objects.get(pk=tree.branch_a1.pk).contact_person == "甲"


def test_a_move_after_the_form_was_opened_conflicts(client, users, tree) -> None:
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    opened = form_data(client.get(edit_url(tree.general_a2)), contact_person="甲")
    before = Organization.objects.get(pk=tree.general_a2.pk).version

    move_org(actor=None, org=tree.general_a2, new_parent=tree.town_b)

    moved = Organization.objects.get(pk=tree.general_a2.pk)
    assert moved.version == before + 1 and moved.history.first().version == moved.version
    response = client.post(edit_url(tree.general_a2), opened)
    assert response.status_code == 409
    assert moved.contact_person != "甲"
    assert Organization.objects.get(pk=tree.general_a2.pk).contact_person == moved.contact_person


def test_a_dissolution_after_the_form_was_opened_conflicts(client, users, tree) -> None:
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    opened = form_data(client.get(edit_url(tree.branch_b1)), contact_person="甲")

    dissolve_org(actor=None, org=tree.branch_b1, on=date(2026, 1, 1), reason="撤并")

    response = client.post(edit_url(tree.branch_b1), opened)
    assert response.status_code == 409
    assert Organization.objects.get(pk=tree.branch_b1.pk).contact_person != "甲"


def test_a_normal_edit_still_saves(client, users, tree) -> None:
    client.force_login(users[Role.COMMITTEE_ADMIN])
    data = form_data(client.get(edit_url(tree.branch_a1)), contact_person="甲")
    assert client.post(edit_url(tree.branch_a1), data).status_code == 302
    saved = Organization.objects.get(pk=tree.branch_a1.pk)
    assert saved.contact_person == "甲" and saved.version == int(data["version"]) + 1
