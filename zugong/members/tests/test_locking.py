"""Optimistic locking of the member register: a save from a form opened before another change is
refused with both versions shown, whatever the other change was (an edit, a status change, an
import); a save from a fresh form goes through."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.conftest import code, make_member
from zugong.core.imports.runner import start_import
from zugong.core.locking import StaleEdit
from zugong.core.models import ImportJob
from zugong.core.tests.edit_conflict import assert_second_save_conflicts, form_data
from zugong.core.tests.test_imports import MEMBER_HEADERS, member_row, upload_file, xlsx_bytes
from zugong.members.models import Member, MemberStatus
from zugong.members.services import change_member_status, update_member
from zugong.orgs.tests.test_services import assert_rollups_true

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def edit_url(member: Member) -> str:
    return reverse("members:edit", args=[member.pk])


# --- service --------------------------------------------------------------------------------


def test_two_saves_from_the_same_version_first_wins(tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    opened = member.version
    mine, theirs = Member.objects.get(pk=member.pk), Member.objects.get(pk=member.pk)

    mine.address = "东村1号"
    update_member(actor=None, member=mine, expected_version=opened)
    theirs.address = "西村2号"
    with pytest.raises(StaleEdit) as refused:
        update_member(actor=None, member=theirs, expected_version=opened)

    assert refused.value.current.address == "东村1号"
    member.refresh_from_db()
    assert (member.address, member.version) == ("东村1号", opened + 1)
    assert member.history.filter(address="西村2号").count() == 0
    assert_rollups_true()


def test_a_write_without_an_expected_version_moves_the_version_on(tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    before = member.version
    member.phone = "13900001111"
    update_member(actor=None, member=member)
    member.refresh_from_db()
    assert member.version == before + 1
    assert member.history.first().version == before + 1


# --- pages ----------------------------------------------------------------------------------


def test_second_save_of_the_same_form_gets_the_conflict_page(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六", address="老地址")
    client.force_login(users[Role.COMMITTEE_ADMIN])

    page, opened = assert_second_save_conflicts(
        client, edit_url(member), "address", "东村1号", "西村2号"
    )

    assert f"该记录已被 {users[Role.COMMITTEE_ADMIN].full_name} 于" in page
    member.refresh_from_db()
    assert member.address == "东村1号"
    assert member.version == int(opened["version"]) + 1
    # Only the differing field is marked; the others show the same value on both sides.
    assert page.count('data-differs="1"') == 1
    # The form opened again from the conflict page carries the saved values and the new version.
    again = form_data(client.get(edit_url(member)), address="西村2号")
    assert again["version"] == member.version
    assert client.post(edit_url(member), again).status_code == 302
    member.refresh_from_db()
    assert member.address == "西村2号"


def test_conflict_page_shows_display_texts_of_choices_and_branches(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    client.force_login(users[Role.COMMITTEE_ADMIN])
    opened = form_data(client.get(edit_url(member)))
    assert client.post(edit_url(member), {**opened, "org": tree.branch_a2a.pk}).status_code == 302

    stale = client.post(edit_url(member), {**opened, "ethnicity": code("ethnicity", "02").pk})

    assert stale.status_code == 409
    page = stale.content.decode()
    assert tree.branch_a1.name in page and tree.branch_a2a.name in page
    assert code("ethnicity", "02").name in page
    assert "正式党员" in page and ">full<" not in page
    assert 'data-differs="1" data-field="org"' in page
    assert 'data-differs="1" data-field="ethnicity"' in page
    assert 'data-differs="1" data-field="member_type"' not in page
    member.refresh_from_db()
    assert (member.org, member.ethnicity) == (tree.branch_a2a, None)
    assert_rollups_true()


def test_a_status_change_after_the_form_was_opened_conflicts(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    admin = users[Role.COMMITTEE_ADMIN]
    client.force_login(admin)
    opened = form_data(client.get(edit_url(member)), address="东村1号")

    change_member_status(
        actor=admin,
        member=member,
        to_status=MemberStatus.SUSPENDED,
        on=date(2026, 3, 1),
        reason="停止党籍",
    )

    response = client.post(edit_url(member), opened)
    assert response.status_code == 409
    assert "保存冲突" in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED and member.address != "东村1号"


def test_an_import_after_the_form_was_opened_conflicts(client, users, tree) -> None:
    admin = users[Role.COMMITTEE_ADMIN]
    rows = [MEMBER_HEADERS, member_row("张三")]
    job = start_import(
        user=admin, spec_name="members", uploaded_file=upload_file("党员.xlsx", xlsx_bytes(rows))
    )
    assert job.status == ImportJob.Status.DONE, job.message
    member = Member.objects.get(name="张三")
    client.force_login(admin)
    opened = form_data(client.get(edit_url(member)), address="东村1号")

    rows[1][MEMBER_HEADERS.index("手机号")] = "13900000000"
    job = start_import(
        user=admin, spec_name="members", uploaded_file=upload_file("党员.xlsx", xlsx_bytes(rows))
    )
    assert job.updated_count == 1

    response = client.post(edit_url(member), opened)
    assert response.status_code == 409
    member.refresh_from_db()
    assert member.phone == "13900000000" and member.address != "东村1号"
    assert member.history.first().version == member.version


def test_a_form_posted_without_its_version_is_refused(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    client.force_login(users[Role.COMMITTEE_ADMIN])
    data = form_data(client.get(edit_url(member)), address="东村1号")
    del data["version"]

    response = client.post(edit_url(member), data)

    assert response.status_code == 200
    assert "缺少打开表单时的记录版本" in response.content.decode()
    member.refresh_from_db()
    assert member.address != "东村1号"


def test_a_normal_edit_still_saves(client, users, tree) -> None:
    member = make_member(tree.branch_a1, "赵六")
    client.force_login(users[Role.COMMITTEE_ADMIN])
    data = form_data(client.get(edit_url(member)), address="东村1号")
    assert 'name="version"' in client.get(edit_url(member)).content.decode()

    assert client.post(edit_url(member), data).status_code == 302
    member.refresh_from_db()
    assert member.address == "东村1号" and member.version == int(data["version"]) + 1
