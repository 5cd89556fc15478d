"""Optimistic locking of the cadre archive: the second of two saves of one opened form is refused
with both versions shown; the first stays."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.cadres import archive_services as svc
from zugong.cadres.models import Cadre
from zugong.conftest import valid_id
from zugong.core.locking import StaleEdit
from zugong.core.tests.edit_conflict import assert_second_save_conflicts, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(unit_tree) -> Cadre:
    birth = date(1985, 3, 1)
    return svc.create_cadre(
        actor=None,
        name="张伟",
        gender="男",
        id_number=valid_id(birth),
        birth_date=birth,
        unit=unit_tree.town_a,
    )


def edit_url(cadre: Cadre) -> str:
    return reverse("cadres:cadre_edit", args=[cadre.pk])


def test_two_saves_from_the_same_version_first_wins(cadre) -> None:
    opened = cadre.version
    svc.update_cadre(
        actor=None, cadre=Cadre.objects.get(pk=cadre.pk), expected_version=opened, note="甲"
    )
    with pytest.raises(StaleEdit) as refused:
        svc.update_cadre(
            actor=None, cadre=Cadre.objects.get(pk=cadre.pk), expected_version=opened, note="乙"
        )
    assert refused.value.current.note == "甲"
    saved = Cadre.objects.get(pk=cadre.pk)
    assert (saved.note, saved.version) == ("甲", opened + 1)


def test_second_save_of_the_same_form_gets_the_conflict_page(client, users, cadre) -> None:
    client.force_login(users[Role.CADRE_OFFICER])

    assert_second_save_conflicts(client, edit_url(cadre), "note", "第一次保存", "第二次保存")

    assert Cadre.objects.get(pk=cadre.pk).note == "第一次保存"


def test_a_normal_edit_still_saves(client, users, cadre) -> None:
    client.force_login(users[Role.CADRE_OFFICER])
    data = form_data(client.get(edit_url(cadre)), note="甲")
    response = client.post(edit_url(cadre), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Cadre.objects.get(pk=cadre.pk)
    assert saved.note == "甲" and saved.version == int(data["version"]) + 1
