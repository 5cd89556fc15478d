"""Out of scope and forbidden pages speak Chinese inside the site layout."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_404_and_403_pages_are_chinese(client, users, tree):
    client.force_login(users["committee_admin"])
    response = client.get(f"/orgs/{tree.branch_b1.pk}/")
    assert response.status_code == 404
    assert "不在本账号的管理范围内" in response.content.decode()
    client.force_login(users["leader"])
    response = client.get(f"/orgs/{tree.branch_a1.pk}/edit/")
    assert response.status_code == 403
    assert "没有此项操作权限" in response.content.decode()
