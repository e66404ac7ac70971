"""The «Токены API» page: list, issue with the raw value shown once, revoke one's own."""

from typing import Any

import pytest
from django.test import Client

from metodset.accounts import services
from metodset.accounts.models import ApiToken, User
from metodset.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/profile/tokens/"


def revoke_url(token: ApiToken) -> str:
    return f"/profile/tokens/{token.pk}/revoke/"


def test_lists_own_tokens_only(login: Any, teacher: User, colleague: User) -> None:
    mine, _raw = services.issue_api_token(actor=teacher, name="Выгрузка в школьную систему")
    services.issue_api_token(actor=colleague, name="Чужой скрипт")
    revoked, _raw = services.issue_api_token(actor=teacher, name="Старый скрипт")
    services.revoke_api_token(actor=teacher, token=revoked)
    response = login(teacher).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Выгрузка в школьную систему" in page
    assert f"{mine.key_prefix}…" in page
    assert "Старый скрипт" in page
    assert "отозван" in page
    assert "Чужой скрипт" not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_issues_a_token_and_shows_it_once(login: Any, teacher: User) -> None:
    client = login(teacher)
    response = client.post(URL, {"name": "Скрипт отчётов"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=teacher)
    assert token.name == "Скрипт отчётов"
    page = response.content.decode()
    assert "Скопируйте токен сейчас" in page
    raw = page.split('id="new-api-token" type="text" value="')[1].split('"')[0]
    assert raw.startswith(token.key_prefix)
    assert services.hash_token(raw) == token.key_hash
    assert "no-store" in response["Cache-Control"]
    # The raw value is gone from the next visit, and the token works.
    again = client.get(URL).content.decode()
    assert raw not in again
    assert "Скопируйте токен сейчас" not in again
    assert services.user_for_api_token(raw) == teacher


def test_a_token_needs_a_name(login: Any, teacher: User) -> None:
    response = login(teacher).post(URL, {"name": "  "})
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_limit_of_active_tokens_is_a_form_error(login: Any, teacher: User) -> None:
    for number in range(20):
        services.issue_api_token(actor=teacher, name=f"Токен {number}")
    response = login(teacher).post(URL, {"name": "Двадцать первый"})
    assert response.status_code == 200
    assert "уже 20 действующих токенов" in response.content.decode()
    assert ApiToken.objects.filter(user=teacher).count() == 20


def test_revokes_own_token(login: Any, teacher: User) -> None:
    token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    response = login(teacher).post(revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.user_for_api_token(raw) is None
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_another_persons_token_is_404(login: Any, teacher: User, school_admin: User) -> None:
    token, _raw = services.issue_api_token(actor=teacher, name="Скрипт")
    response = login(school_admin).post(revoke_url(token))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token.revoked").exists()


def test_revoke_needs_post(login: Any, teacher: User) -> None:
    token, _raw = services.issue_api_token(actor=teacher, name="Скрипт")
    assert login(teacher).get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_accepts_only_get_and_post(login: Any, teacher: User) -> None:
    assert login(teacher).put(URL).status_code == 405


def test_login_required(client: Client, teacher: User) -> None:
    token, _raw = services.issue_api_token(actor=teacher, name="Скрипт")
    for response in (
        client.get(URL),
        client.post(URL, {"name": "x"}),
        client.post(revoke_url(token)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None
