"""Certificates in the REST API: the public twin of the verification page, with the same
masking of student holders, and the caller's own list."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metodset.accounts.models import User
from metodset.certificates import services
from metodset.certificates.models import Certificate
from metodset.certificates.tests.conftest import Issue

pytestmark = pytest.mark.django_db

API = "/api/v1/certificates"


def client_for(user: Any) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def get(user: Any, url: str, **params: Any) -> tuple[int, Any]:
    response = client_for(user).get(url, params)
    return response.status_code, json.loads(response.content)


def test_detail_is_public_and_matches_the_page(
    guest: Any, certificate: Certificate, settings: Any
) -> None:
    status, body = get(guest, f"{API}/{certificate.code}")

    assert status == 200
    assert body["number"] == certificate.number
    assert body["valid"] is True
    assert body["revoked_at"] is None
    assert body["revoked_reason"] == ""
    assert body["title"] == "Сертификат участника"
    assert body["holder"] == "Учителева Анна Павловна"
    assert body["holder_organization"] == "МБОУ СОШ №1"
    assert body["holder_masked"] is False
    assert body["details"] == [
        {"label": "Дата", "value": "12 декабря 2026 г."},
        {"label": "Объём", "value": "4 ч"},
    ]
    assert body["url"] == settings.SITE_URL + certificate.get_absolute_url()
    assert body["pdf_url"] is None


def test_detail_of_a_revoked_certificate(
    guest: Any, certificate: Certificate, methodist: User
) -> None:
    services.revoke_certificate(actor=methodist, certificate=certificate, reason="Ошибка.")

    status, body = get(guest, f"{API}/{certificate.code}")

    assert status == 200
    assert body["valid"] is False
    assert body["revoked_reason"] == "Ошибка."
    assert body["revoked_at"] is not None


def test_unknown_code_is_404(guest: Any, certificate: Certificate) -> None:
    status, body = get(guest, f"{API}/nothing-like-a-code")

    assert status == 404
    assert body == {"detail": "Не найдено."}


@pytest.mark.parametrize(
    ("who", "masked"),
    [("guest", True), ("colleague", True), ("student", False), ("methodist", False)],
)
def test_a_student_holder_is_masked(
    who: str, masked: bool, request: pytest.FixtureRequest, issue: Issue, student: User
) -> None:
    certificate = issue(student, holder_organization="МБОУ СОШ №1, 7 «Б» класс")

    _status, body = get(request.getfixturevalue(who), f"{API}/{certificate.code}")

    assert body["holder_masked"] is masked
    if masked:
        assert body["holder"] == student.short_name
        assert body["holder_organization"] == ""
        assert body["pdf_url"] is None
    else:
        assert body["holder"] == student.full_name
        assert body["holder_organization"] == "МБОУ СОШ №1, 7 «Б» класс"
        assert body["pdf_url"].endswith(f"/certificates/{certificate.code}/pdf")


def test_my_certificates(issue: Issue, teacher: User, colleague: User) -> None:
    mine = [issue(teacher), issue(teacher, title="Сертификат выступающего")]
    issue(colleague)

    status, body = get(teacher, API)

    assert status == 200
    assert body["total"] == 2
    assert body["page"] == 1
    assert [item["number"] for item in body["items"]] == [c.number for c in reversed(mine)]
    assert all(item["pdf_url"] for item in body["items"])


def test_my_certificates_needs_a_caller(guest: Any) -> None:
    status, body = get(guest, API)

    assert status == 401
    assert "Нужна авторизация" in body["detail"]


def test_my_certificates_queries_do_not_grow_with_the_page(issue: Issue, teacher: User) -> None:
    issue(teacher)
    client = client_for(teacher)
    with CaptureQueriesContext(connection) as one:
        client.get(API)
    for _ in range(4):
        issue(teacher)
    with CaptureQueriesContext(connection) as five:
        client.get(API)

    assert len(five) == len(one)
