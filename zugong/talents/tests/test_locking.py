"""Optimistic locking of the talent pool: a save from a form opened before another save or an
import is refused with both versions shown."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from zugong.accounts.models import Role
from zugong.core.imports.runner import start_import
from zugong.core.locking import StaleEdit
from zugong.core.models import ImportJob
from zugong.core.tests.edit_conflict import assert_second_save_conflicts, form_data
from zugong.core.tests.test_imports import upload_file, xlsx_bytes
from zugong.talents import services
from zugong.talents.forms import TalentForm
from zugong.talents.models import Talent
from zugong.talents.tests import support
from zugong.talents.tests.test_imports import HEADERS, row

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def edit_url(talent: Talent) -> str:
    return reverse("talents:edit", args=[talent.pk])


@freeze_time(TODAY)
def test_two_saves_from_the_same_version_first_wins(tree, users) -> None:
    office = users[Role.TALENT_OFFICE]
    talent = support.talent(tree.town_a)
    opened = talent.version
    data = TalentForm.initial_for(talent)
    data.update(org=tree.town_a, policy=None, _birth_date=talent.birth_date, _gender="1")

    services.save_talent(
        actor=office,
        talent=Talent.objects.get(pk=talent.pk),
        expected_version=opened,
        **dict(data, employer="甲"),
    )
    with pytest.raises(StaleEdit):
        services.save_talent(
            actor=office,
            talent=Talent.objects.get(pk=talent.pk),
            expected_version=opened,
            **dict(data, employer="乙"),
        )
    saved = Talent.objects.get(pk=talent.pk)
    assert (saved.employer, saved.version) == ("甲", opened + 1)


@freeze_time(TODAY)
def test_second_save_of_the_same_form_gets_the_conflict_page(client, users, tree) -> None:
    talent = support.talent(tree.town_a)
    client.force_login(users[Role.TALENT_OFFICE])

    page, _ = assert_second_save_conflicts(
        client, edit_url(talent), "employer", "县中医院", "县机械厂"
    )

    assert "高层次人才" in page, "a choice shows its label, not its code"
    assert Talent.objects.get(pk=talent.pk).employer == "县中医院"


@freeze_time(TODAY)
def test_an_import_after_the_form_was_opened_conflicts(client, users, tree) -> None:
    office = users[Role.TALENT_OFFICE]
    talent = support.talent(tree.town_a, "单雄信")
    client.force_login(office)
    opened = form_data(client.get(edit_url(talent)), note="手工备注")

    sheet = xlsx_bytes([HEADERS, row(1, "单雄信", talent.id_number, c6="县中医院")])
    job = start_import(
        user=office, spec_name="talents", uploaded_file=upload_file("人才库.xlsx", sheet)
    )
    assert (job.status, job.updated_count) == (ImportJob.Status.DONE, 1), job.errors

    response = client.post(edit_url(talent), opened)
    assert response.status_code == 409
    saved = Talent.objects.get(pk=talent.pk)
    assert saved.employer == "县中医院" and saved.note != "手工备注"


@freeze_time(TODAY)
def test_a_normal_edit_still_saves(client, users, tree) -> None:
    talent = support.talent(tree.town_a)
    client.force_login(users[Role.TALENT_OFFICE])
    data = form_data(client.get(edit_url(talent)), employer="县中医院")
    assert client.post(edit_url(talent), data).status_code == 302
    saved = Talent.objects.get(pk=talent.pk)
    assert saved.employer == "县中医院" and saved.version == int(data["version"]) + 1
