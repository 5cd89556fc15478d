"""seed_demo, refresh_findings and rebuild_rollups."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zugong.accounts.models import Role, User
from zugong.core.models import Finding
from zugong.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from zugong.development.models import Case
from zugong.members.models import Member
from zugong.orgs.models import Organization, OrgKind, OrgRollup
from zugong.transfers.models import Transfer, TransferKind


def _run(*args: str, **options: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def _added_by_records() -> int:
    """Members the demo's records added to the generator's: transfers in, and admissions."""
    arrived = Transfer.objects.filter(kind=TransferKind.IN, member__isnull=False).count()
    return arrived + Case.objects.filter(member__isnull=False).count()


@pytest.mark.django_db
def test_seed_demo_creates_the_county_and_one_account_per_role() -> None:
    output = _run("seed_demo", members=300)
    assert Member.objects.count() == 300 + _added_by_records()
    users = {u.username: u for u in User.objects.select_related("anchor_org")}
    assert set(users) == {a.username for a in DEMO_ACCOUNTS}
    assert {u.role for u in users.values()} == set(Role.values)
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
        assert user.full_name
        assert user.anchor_org is not None
    assert users["sysadmin"].is_superuser and users["sysadmin"].is_staff
    assert not users["zzb"].is_staff
    assert users["zzb"].anchor_org.kind == OrgKind.COUNTY_COMMITTEE
    assert users["chengguan"].anchor_org.name == "城关镇党委"
    assert users["dongguan"].anchor_org.name == "东关街道党工委"
    branch = users["zhibu"].anchor_org
    assert branch.kind == OrgKind.BRANCH and users["chengguan"].scope.contains(branch.path)
    for header in ("用户名", "角色", "所辖组织", "密码", DEMO_PASSWORD, "城关镇党委"):
        assert header in output


@pytest.mark.django_db
def test_seed_demo_if_empty_leaves_existing_data_alone() -> None:
    _run("seed_demo", members=300)
    before = Organization.objects.count()
    zzb = User.objects.get(username="zzb")
    zzb.set_password("changed-1234")
    zzb.save()
    output = _run("seed_demo", "--if-empty", members=300)
    assert Organization.objects.count() == before
    assert "sysadmin" in output and "（已修改）" in output
    with pytest.raises(CommandError):
        _run("seed_demo", members=300)


@pytest.mark.django_db
def test_refresh_findings_recomputes_what_the_seed_stored() -> None:
    _run("seed_demo", members=300)
    stored = sorted(Finding.objects.values_list("rule_id", "subject_type", "subject_id"))
    Finding.objects.all().delete()
    Finding.objects.create(
        rule_id="org.stale", subject_type="organization", subject_id=10**9, subject_label="x",
        org_path="0001", severity="warn", message="x", citation="x",
    )  # fmt: skip
    output = _run("refresh_findings", batch_size=50)
    assert sorted(Finding.objects.values_list("rule_id", "subject_type", "subject_id")) == stored
    members = 300 + _added_by_records()
    assert f"member: {members}/{members}" in output


@pytest.mark.django_db
def test_rebuild_rollups_repairs_counts() -> None:
    _run("seed_demo", members=300)
    truth = {r.org_id: r.members_total for r in OrgRollup.objects.all()}
    OrgRollup.objects.update(members_total=0)
    _run("rebuild_rollups")
    assert {r.org_id: r.members_total for r in OrgRollup.objects.all()} == truth
