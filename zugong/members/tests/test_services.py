"""Member writes keep roll-ups, findings and history right; members are never deleted."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.members.models import Member, MemberStatus
from zugong.members.services import change_member_status, update_member
from zugong.orgs.models import OrgRollup
from zugong.orgs.tests.test_services import assert_rollups_true

pytestmark = pytest.mark.django_db


def totals(org) -> OrgRollup:
    return OrgRollup.objects.get(org=org)


def test_create_derives_search_columns_and_counts(tree):
    m = make_member(tree.branch_a1, "单雄信")
    assert (m.name_pinyin, m.name_initials) == ("shanxiongxin", "sxx")
    assert m.id_number_reversed == m.id_number[::-1]
    assert totals(tree.county).members_total == 1
    assert totals(tree.branch_a1).members_direct == 1
    assert totals(tree.town_b).members_total == 0
    assert_rollups_true()


def test_members_only_join_active_branches(tree):
    with pytest.raises(ValidationError) as exc:
        make_member(tree.town_a)
    assert "所在党支部" in str(exc.value)


def test_update_moves_counts_between_subtrees(tree):
    m = make_member(
        tree.branch_a1, member_type="probationary", joined_on=date(2026, 1, 5), confirmed_on=None
    )
    m.org = tree.branch_b1
    update_member(actor=None, member=m)
    assert totals(tree.town_a).members_total == 0
    assert totals(tree.town_b).probationary_total == 1
    assert_rollups_true()


def test_status_change_is_recorded_and_never_deletes(tree, users):
    m = make_member(tree.branch_a1)
    change = change_member_status(
        actor=users["committee_admin"],
        member=m,
        to_status=MemberStatus.DECEASED,
        on=date(2026, 5, 1),
        reason="病故",
    )
    assert change.from_status == MemberStatus.NORMAL
    m = Member.objects.get(pk=m.pk)
    assert m.status == MemberStatus.DECEASED and m.status_changed_on == date(2026, 5, 1)
    assert totals(tree.county).members_total == 0
    assert m.history.first().history_change_reason.startswith("党籍状态变更")
    with pytest.raises(ValidationError):
        change_member_status(
            actor=None,
            member=m,
            to_status=MemberStatus.NORMAL,
            on=date(2026, 6, 1),
            reason="误操作",
        )
    assert_rollups_true()


def test_status_change_needs_reason_and_scope(tree, users):
    m = make_member(tree.branch_b1)
    with pytest.raises(ValidationError):
        change_member_status(
            actor=None, member=m, to_status=MemberStatus.SUSPENDED, on=date(2026, 5, 1), reason=" "
        )
    with pytest.raises(PermissionError):
        change_member_status(
            actor=users["committee_admin"],
            member=m,
            to_status=MemberStatus.SUSPENDED,
            on=date(2026, 5, 1),
            reason="失联",
        )


def test_completeness_counts_missing_fields(tree):
    m = make_member(tree.branch_a1)
    assert m.completeness < 100
    m.ethnicity_id = None
    for field, value in {
        "native_place": "浙江杭州",
        "phone": "13800138000",
        "address": "城关镇东村1号",
        "work_started_on": date(2000, 7, 1),
    }.items():
        setattr(m, field, value)
    from zugong.conftest import code

    m.ethnicity = code("ethnicity", "01")
    m.education = code("education", "21")
    m.job_category = code("job_category", "0201")
    update_member(actor=None, member=m)
    assert Member.objects.get(pk=m.pk).completeness == 100
    assert totals(tree.county).complete_total == 1
