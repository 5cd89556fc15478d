"""zugong.core.locking: the version check, the version every save moves on, and the
field-by-field comparison the conflict page shows."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from freezegun import freeze_time

from zugong.core.locking import (
    EMPTY,
    StaleEdit,
    check_version,
    compare_form,
    conflict_message,
    lock_row,
)
from zugong.orgs.forms import OrganizationForm
from zugong.orgs.models import Organization, OrgKind

pytestmark = pytest.mark.django_db


def test_check_version_refuses_a_stale_expected_version(tree) -> None:
    current = lock_row(Organization, tree.branch_a1.pk)
    edited = Organization.objects.get(pk=tree.branch_a1.pk)
    with pytest.raises(StaleEdit) as refused:
        check_version(current, edited, current.version - 1 if current.version > 1 else 99)
    assert refused.value.current is current


def test_check_version_lets_the_save_move_the_version_on(tree) -> None:
    current = lock_row(Organization, tree.branch_a1.pk)
    edited = Organization.objects.get(pk=tree.branch_a1.pk)
    edited.version = 1  # however old the edited copy is, the saved version counts
    check_version(current, edited, current.version)
    edited.save()
    assert Organization.objects.get(pk=edited.pk).version == current.version + 1


def test_every_save_moves_the_version_on_also_with_update_fields(tree) -> None:
    org = Organization.objects.get(pk=tree.branch_a1.pk)
    before = org.version
    org.contact_person = "甲"
    org.save(update_fields=["contact_person"])
    org.save()
    saved = Organization.objects.get(pk=org.pk)
    assert (saved.version, saved.contact_person) == (before + 2, "甲")
    assert saved.history.first().version == before + 2


def test_a_new_record_starts_at_version_one(tree) -> None:
    assert Organization.objects.get(pk=tree.county.pk).history.last().version == 1


def test_compare_form_shows_labels_and_display_texts(tree) -> None:
    org = Organization.objects.get(pk=tree.branch_a1.pk)
    form = OrganizationForm(
        data={
            "name": org.name,
            "code": org.code,
            "contact_person": "新联系人",
            "unit_situation": "same_as_parent",
            "sort_order": 0,
            "version": org.version,
        },
        instance=Organization.objects.get(pk=org.pk),
    )
    assert form.is_valid(), form.errors
    rows = {row.name: row for row in compare_form(form, org)}
    assert "version" not in rows, "the hidden version is no field of the comparison"
    assert rows["contact_person"].differs
    assert (rows["contact_person"].submitted, rows["contact_person"].saved) == (
        "新联系人",
        org.contact_person or EMPTY,
    )
    assert rows["contact_person"].label == "联系人"
    assert not rows["name"].differs
    assert rows["unit_situation"].submitted != "same_as_parent", "a choice shows its label"


class _Sample(forms.Form):
    kind = forms.ChoiceField(label="组织层级", choices=OrgKind.choices)
    parent = forms.ModelChoiceField(label="上级", queryset=Organization.objects.all())
    founded_on = forms.DateField(label="成立日期", required=False)


def test_compare_form_with_a_plain_form_and_override_values(tree) -> None:
    form = _Sample(
        data={"kind": OrgKind.BRANCH, "parent": tree.town_b.pk, "founded_on": "2020-01-02"}
    )
    assert form.is_valid(), form.errors
    org = Organization.objects.get(pk=tree.branch_a1.pk)
    rows = {
        row.name: row
        for row in compare_form(form, org, saved_values={"founded_on": date(2020, 1, 2)})
    }
    assert (rows["kind"].submitted, rows["kind"].differs) == (OrgKind.BRANCH.label, False)
    assert (rows["parent"].submitted, rows["parent"].saved) == (tree.town_b.name, tree.town_a.name)
    assert rows["parent"].differs
    assert (rows["founded_on"].submitted, rows["founded_on"].differs) == ("2020-01-02", False)


# Later than the fixture's own history rows, which are written at the real time.
@freeze_time("2036-11-22 02:03:00")
def test_conflict_message_names_who_and_when(tree, users) -> None:
    org = Organization.objects.get(pk=tree.branch_a1.pk)
    org._history_user = users["committee_admin"]
    org.save()
    message = conflict_message(org)
    assert message == (
        f"保存冲突：您打开表单后，该记录已被 {users['committee_admin'].full_name} "
        "于 2036-11-22 10:03 修改。您的修改没有保存。"
    )
