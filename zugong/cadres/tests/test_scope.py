"""The cadre side's scope: the unit anchor decides, and cadre findings never reach party accounts
whose organization paths look like unit paths."""

from __future__ import annotations

from django.urls import reverse

from zugong.accounts.models import Role, cadre_finding_path
from zugong.cadres.scope import visible_cadres
from zugong.cadres.tests.matrix_base import make_cadre
from zugong.core.models import Finding


def _finding(path: str, label: str) -> Finding:
    return Finding.objects.create(
        rule_id="test.rule",
        subject_type="test",
        subject_id=1,
        subject_label=label,
        org_path=path,
        severity=Finding.Severity.WARN,
        message=f"{label}的问题",
        citation="测试",
    )


def test_unit_anchor_decides_what_cadres_are_visible(users, unit_tree):
    in_a = make_cadre(unit_tree.town_a, "城关干部")
    in_b = make_cadre(unit_tree.town_b, "河口干部")
    assert set(visible_cadres(users[Role.CADRE_OFFICER])) == {in_a, in_b}
    assert list(visible_cadres(users[Role.LEADER])) == [in_a]
    for role in (Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN, Role.BRANCH_ADMIN):
        assert not visible_cadres(users[role]).exists()


def test_cadre_findings_reach_cadre_accounts_only(client, users, tree, unit_tree):
    # The first unit and the first party organization share the path "0001".
    assert unit_tree.county.path == tree.county.path
    _finding(cadre_finding_path(unit_tree.town_a.path), "干部的提醒")
    _finding(tree.town_a.path, "党组织的提醒")
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "党组织的提醒" in page and "干部的提醒" not in page
    client.force_login(users[Role.CADRE_OFFICER])
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "干部的提醒" in page
