"""A province-sized unit tree opens branch by branch: the 干部科 account clicks a township's
arrow and its offices appear under it (htmx), with their cadre counts."""

from __future__ import annotations

import pytest

from zugong.cadres import unit_selectors
from zugong.cadres.tests.test_selection_support import make_cadre
from zugong.cadres.unit_services import create_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password


def test_a_branch_opens_in_place(live_server, page, users, unit_tree, monkeypatch):
    office = create_unit(actor=None, parent=unit_tree.town_a, name="党政综合办公室")
    make_cadre(office, "赵办公")
    # The live server runs in this process: a small limit makes the demo tree "large".
    monkeypatch.setattr(unit_selectors, "TREE_EAGER_UNITS", 3)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", users["cadre_officer"].username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/cadres/units/")
    tree = page.get_by_test_id("unit-tree")
    assert "党政综合办公室" not in tree.inner_text()
    page.get_by_role("button", name="展开城关镇").click()
    branch = tree.get_by_role("link", name="党政综合办公室")
    branch.wait_for()
    assert "干部 1 人" in tree.inner_text()
