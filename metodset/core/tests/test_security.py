"""Security settings that every page carries."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_need_the_csrf_token(teacher: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    assert client.post("/profile/", {"last_name": "X", "first_name": "Y"}).status_code == 403
    teacher.refresh_from_db()
    assert teacher.last_name == "Учителева"


def test_passwords_are_hashed_with_argon2() -> None:
    from metodset.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
