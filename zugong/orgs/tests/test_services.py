"""The tree: hierarchy rules, moves without cycles, dissolving, and roll-ups equal to the truth."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.members.models import Member
from zugong.orgs.models import Organization, OrgRollup
from zugong.orgs.rollups import rebuild_rollups
from zugong.orgs.services import create_org, dissolve_org, move_org, update_org

pytestmark = pytest.mark.django_db


def rollup_snapshot() -> dict[int, tuple]:
    return {
        r.org_id: tuple(getattr(r, k) for k in OrgRollup.COUNTERS) for r in OrgRollup.objects.all()
    }


def assert_rollups_true() -> None:
    maintained = rollup_snapshot()
    rebuild_rollups()
    assert maintained == rollup_snapshot()


def test_hierarchy_rules_are_enforced(tree):
    with pytest.raises(ValidationError) as exc:
        create_org(
            actor=None, parent=tree.branch_a1, name="错误党委", code="E1", kind="party_committee"
        )
    assert "组织层级" in str(exc.value)
    group = create_org(
        actor=None, parent=tree.branch_a1, name="第一党小组", code="G1", kind="branch_group"
    )
    assert group.depth == tree.branch_a1.depth + 1 and group.path.startswith(tree.branch_a1.path)


def test_codes_are_unique(tree):
    with pytest.raises(ValidationError):
        create_org(actor=None, parent=tree.town_a, name="重复编码支部", code="A1", kind="branch")


def test_move_carries_paths_members_and_counts(tree):
    m = make_member(tree.branch_a2a, "刘一")
    make_member(tree.branch_a2a, "刘二", male=False)
    assert tree.town_a.rollup.__class__.objects.get(org=tree.town_a).members_total == 2
    move_org(actor=None, org=tree.general_a2, new_parent=tree.town_b)
    general = Organization.objects.get(pk=tree.general_a2.pk)
    branch = Organization.objects.get(pk=tree.branch_a2a.pk)
    assert general.path.startswith(tree.town_b.path) and branch.path.startswith(general.path)
    assert branch.depth == general.depth + 1
    assert Member.objects.get(pk=m.pk).org_path == branch.path
    assert OrgRollup.objects.get(org=tree.town_a).members_total == 0
    assert OrgRollup.objects.get(org=tree.town_b).members_total == 2
    assert OrgRollup.objects.get(org=tree.town_b).female_total == 1
    assert_rollups_true()


def test_move_refuses_cycles(tree):
    with pytest.raises(ValidationError) as exc:
        move_org(actor=None, org=tree.town_a, new_parent=tree.branch_a2a)
    assert "循环" in str(exc.value)
    with pytest.raises(ValidationError):
        move_org(actor=None, org=tree.town_a, new_parent=tree.town_a)


def test_move_refuses_a_level_that_does_not_fit(tree):
    with pytest.raises(ValidationError):
        move_org(actor=None, org=tree.general_a2, new_parent=tree.branch_b1)


def test_scope_is_enforced_by_services(tree, users):
    township = users["committee_admin"]
    with pytest.raises(PermissionError):
        create_org(actor=township, parent=tree.town_b, name="越权支部", code="Z9", kind="branch")
    with pytest.raises(PermissionError):
        move_org(actor=township, org=tree.branch_a1, new_parent=tree.town_b)
    with pytest.raises(PermissionError):
        move_org(actor=township, org=tree.town_a, new_parent=tree.county)
    with pytest.raises(ValidationError):
        dissolve_org(actor=township, org=tree.town_a, on=date(2026, 1, 1), reason="撤销自身")


def test_dissolve_needs_an_empty_subtree_and_keeps_the_record(tree):
    m = make_member(tree.branch_b1)
    with pytest.raises(ValidationError) as exc:
        dissolve_org(actor=None, org=tree.branch_b1, on=date(2026, 1, 1), reason="撤并")
    assert "党员" in str(exc.value)
    with pytest.raises(ValidationError):
        dissolve_org(actor=None, org=tree.town_b, on=date(2026, 1, 1), reason="撤并")
    Member.objects.filter(pk=m.pk).update(org=tree.branch_a1, org_path=tree.branch_a1.path)
    rebuild_rollups()
    dissolve_org(actor=None, org=tree.branch_b1, on=date(2026, 1, 1), reason="撤并")
    branch = Organization.objects.get(pk=tree.branch_b1.pk)
    assert branch.status == "dissolved" and branch.dissolved_on == date(2026, 1, 1)
    assert OrgRollup.objects.get(org=tree.town_b).branches_total == 0
    assert_rollups_true()


def test_edits_are_in_history(tree):
    update_org(
        actor=None, org=tree.branch_a1, contact_person="李书记", name="城关镇东村党支部委员会"
    )
    records = tree.branch_a1.history.all()
    assert records.count() >= 2
    assert records.first().contact_person == "李书记"


def test_completeness_average_never_rounds_up_to_complete():
    assert OrgRollup(completeness_sum=1999, members_total=20).completeness_average == 99
    assert OrgRollup(completeness_sum=2000, members_total=20).completeness_average == 100
    assert OrgRollup(completeness_sum=0, members_total=0).completeness_average == 0
