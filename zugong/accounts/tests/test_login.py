"""Login, logout and password change in Chinese; argon2 first; sessions end after inactivity."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_wrong_password_gets_a_chinese_message(client, users):
    response = client.post(
        "/accounts/login/", {"username": "u_leader", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_login_logout_round_trip(client, users):
    response = client.post("/accounts/login/", {"username": "u_leader", "password": "Zugong@2026"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_errors_name_the_field(client, users):
    client.force_login(users["leader"])
    response = client.post(
        "/accounts/password/",
        {"old_password": "Zugong@2026", "new_password1": "12345678", "new_password2": "12345678"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "新密码" in body and "errorlist" in body
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "Zugong@2026",
            "new_password1": "Qingxi#2027x",
            "new_password2": "Qingxi#2027x",
        },
    )
    assert response.status_code == 302


def test_argon2_and_idle_timeout_are_configured():
    production_hashers = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert production_hashers[0].endswith("Argon2PasswordHasher")
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
