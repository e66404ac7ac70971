"""The pages: the public verification page, the PDF, «Мои сертификаты» and the revocation
form — each works for whom it is for, 404 for an unknown code or a PDF one may not have,
403 for a form one may not use, 405 for a wrong method; a failed form keeps what was typed."""

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metodset.accounts.models import User
from metodset.certificates import services
from metodset.certificates.models import Certificate
from metodset.certificates.tests.conftest import Issue
from metodset.conftest import PERSONAS
from metodset.core.models import AuditEntry

pytestmark = pytest.mark.django_db

MAY_DOWNLOAD = {"teacher", "school_admin", "methodist"}


def page(certificate: Certificate, name: str = "verify") -> str:
    return reverse(f"certificates:{name}", args=[certificate.code])


def assert_strict_csp(html: str) -> None:
    """No inline styles or scripts: the site's CSP would block them."""
    assert " style=" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


# --- Verification page ----------------------------------------------------------------------


def test_verify_is_public_and_says_valid(client: Any, certificate: Certificate) -> None:
    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Сертификат действителен" in html
    assert "alert-success" in html
    assert f"№ {certificate.number}" in html
    assert "Сертификат участника" in html
    assert "Учителева Анна Павловна" in html
    assert "МБОУ СОШ №1" in html
    assert "принял(а) участие в семинаре" in html
    assert "4 ч" in html
    assert "Управление образования Администрации Тестового района" in html
    assert "Скачать PDF" not in html
    assert "Аннулировать" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Content-Security-Policy" in response
    assert_strict_csp(html)


def test_verify_shows_revocation_with_reason(
    client: Any, certificate: Certificate, methodist: User
) -> None:
    services.revoke_certificate(
        actor=methodist, certificate=certificate, reason="Участник не присутствовал."
    )

    html = client.get(page(certificate)).content.decode()

    assert "Сертификат аннулирован:" in html
    assert "Участник не присутствовал." in html
    assert "alert-danger" in html
    assert "Сертификат действителен" not in html


def test_unknown_code_is_404(client: Any, certificate: Certificate) -> None:
    for code in ["x" * 22, certificate.code[:-1], str(certificate.pk)]:
        assert client.get(f"/certificates/{code}/").status_code == 404
        assert client.get(f"/certificates/{code}/pdf").status_code in {302, 404}


def test_verify_wrong_method_is_405(client: Any, certificate: Certificate) -> None:
    assert client.post(page(certificate)).status_code == 405


@pytest.mark.parametrize("who", ["guest", "colleague", "outsider", "parent"])
def test_a_student_holder_is_masked(
    who: str, request: pytest.FixtureRequest, login: Any, issue: Issue, student: User
) -> None:
    certificate = issue(student, holder_organization="МБОУ СОШ №1, 7 «Б» класс")
    client = login(request.getfixturevalue(who))

    html = client.get(page(certificate)).content.decode()

    assert student.short_name in html
    assert "Маша" not in html
    assert "МБОУ СОШ №1, 7" not in html
    assert "полное имя и организация не публикуются" in html


@pytest.mark.parametrize("who", ["student", "school_admin", "methodist"])
def test_a_student_holder_is_shown_in_full_to_those_who_download(
    who: str, request: pytest.FixtureRequest, login: Any, issue: Issue, student: User
) -> None:
    certificate = issue(student, holder_organization="МБОУ СОШ №1, 7 «Б» класс")
    client = login(request.getfixturevalue(who))

    html = client.get(page(certificate)).content.decode()

    assert student.full_name in html
    assert "МБОУ СОШ №1, 7 «Б» класс" in html
    assert "Скачать PDF" in html


@pytest.mark.parametrize("who", PERSONAS)
def test_verify_buttons_follow_permissions(
    who: str, request: pytest.FixtureRequest, login: Any, certificate: Certificate
) -> None:
    client = login(request.getfixturevalue(who))

    html = client.get(page(certificate)).content.decode()

    assert ("Скачать PDF" in html) is (who in MAY_DOWNLOAD)
    assert (page(certificate, "revoke") in html) is (who in {"school_admin", "methodist"})


# --- PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", sorted(MAY_DOWNLOAD))
def test_pdf_for_holder_issuer_and_methodist(
    who: str, request: pytest.FixtureRequest, login: Any, certificate: Certificate
) -> None:
    client = login(request.getfixturevalue(who))

    response = client.get(page(certificate, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote(f"Сертификат-{certificate.number}.pdf") in disposition


@pytest.mark.parametrize("who", sorted(set(PERSONAS) - MAY_DOWNLOAD - {"guest"}))
def test_pdf_is_404_for_others(
    who: str, request: pytest.FixtureRequest, login: Any, certificate: Certificate
) -> None:
    client = login(request.getfixturevalue(who))

    assert client.get(page(certificate, "pdf")).status_code == 404


def test_pdf_asks_a_guest_to_log_in(client: Any, certificate: Certificate) -> None:
    response = client.get(page(certificate, "pdf"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_pdf_wrong_method_is_405(login: Any, teacher: User, certificate: Certificate) -> None:
    assert login(teacher).post(page(certificate, "pdf")).status_code == 405


# --- My certificates ------------------------------------------------------------------------


def test_my_certificates_lists_only_my_own(
    login: Any, issue: Issue, teacher: User, colleague: User, methodist: User
) -> None:
    mine = issue(teacher)
    revoked = issue(teacher, title="Сертификат выступающего")
    services.revoke_certificate(actor=methodist, certificate=revoked, reason="Ошибка.")
    others = issue(colleague)

    response = login(teacher).get(reverse("certificates:mine"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Мои сертификаты" in html
    assert mine.get_absolute_url() in html
    assert page(mine, "pdf") in html
    assert revoked.get_absolute_url() in html
    assert "аннулирован" in html
    assert others.get_absolute_url() not in html
    assert_strict_csp(html)


def test_my_certificates_empty_and_for_guests(client: Any, login: Any, colleague: User) -> None:
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 302

    html = login(colleague).get(reverse("certificates:mine")).content.decode()
    assert "Сертификатов пока нет" in html


def test_my_certificates_queries_do_not_grow_with_the_list(
    login: Any, issue: Issue, teacher: User
) -> None:
    issue(teacher)
    client = login(teacher)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("certificates:mine"))
    for _ in range(4):
        issue(teacher)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("certificates:mine"))

    assert len(five) == len(one)


# --- Revocation form ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["school_admin", "methodist"])
def test_revoke_form_works(
    who: str, request: pytest.FixtureRequest, login: Any, certificate: Certificate
) -> None:
    client = login(request.getfixturevalue(who))
    url = page(certificate, "revoke")

    form = client.get(url)
    assert form.status_code == 200
    assert_strict_csp(form.content.decode())
    response = client.post(url, {"reason": "Выдан по ошибке."})

    assert response.status_code == 302
    assert response["Location"] == certificate.get_absolute_url()
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Выдан по ошибке."
    followed = client.get(response["Location"]).content.decode()
    assert "аннулирован" in followed


def test_revoke_form_needs_a_reason_and_keeps_what_was_typed(
    login: Any, methodist: User, certificate: Certificate
) -> None:
    client = login(methodist)
    url = page(certificate, "revoke")

    empty = client.post(url, {"reason": "   "})
    too_long = client.post(url, {"reason": "Ошибка в фамилии. " + "x" * 2000})

    assert empty.status_code == 200
    assert "Обязательное поле" in empty.content.decode()
    assert too_long.status_code == 200
    assert "Ошибка в фамилии. xxx" in too_long.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_valid
    assert not AuditEntry.objects.filter(action="certificate.revoked").exists()


@pytest.mark.parametrize("who", ["teacher", "colleague", "expert", "student", "outsider"])
def test_revoke_form_is_403_for_others(
    who: str, request: pytest.FixtureRequest, login: Any, certificate: Certificate
) -> None:
    """The certificate is public, so one may see it but not revoke it: 403, not 404."""
    client = login(request.getfixturevalue(who))
    url = page(certificate, "revoke")

    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Не нужен."}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_revoke_form_for_guests_and_unknown_codes(
    client: Any, login: Any, methodist: User, certificate: Certificate
) -> None:
    assert client.post(page(certificate, "revoke"), {"reason": "x"}).status_code == 302
    assert login(methodist).get("/certificates/unknown-code-123456/revoke").status_code == 404
    assert login(methodist).put(page(certificate, "revoke")).status_code == 405
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_revoke_form_of_a_revoked_certificate_says_so(
    login: Any, methodist: User, certificate: Certificate
) -> None:
    services.revoke_certificate(actor=methodist, certificate=certificate, reason="Ошибка.")
    client = login(methodist)

    html = client.get(page(certificate, "revoke")).content.decode()
    again = client.post(page(certificate, "revoke"), {"reason": "Ещё раз."})

    assert "уже аннулирован" in html
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="certificate.revoked").count() == 1
