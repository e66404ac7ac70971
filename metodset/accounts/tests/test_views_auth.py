"""Login, lockout, password reset, invitations, registration pages."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from metodset.accounts import services
from metodset.accounts.models import Membership, User

pytestmark = pytest.mark.django_db


def test_login_by_email_any_case(client: Client, teacher: User, password: str) -> None:
    response = client.post(
        "/accounts/login/", {"username": "Teacher@School1.test", "password": password}
    )
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 200


def test_wrong_password_keeps_the_email_and_explains(client: Client, teacher: User) -> None:
    response = client.post(
        "/accounts/login/", {"username": "teacher@school1.test", "password": "wrong"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Неверный e-mail или пароль" in page
    assert 'value="teacher@school1.test"' in page


def test_pending_registration_is_told_why_it_cannot_log_in(client: Client, world: Any) -> None:
    services.register_teacher(
        email="new@school.test",
        password="Strong-pass-2026",
        last_name="Новая",
        first_name="Вера",
        organization=world.school,
    )
    page = client.post(
        "/accounts/login/", {"username": "new@school.test", "password": "Strong-pass-2026"}
    ).content.decode()
    assert "регистрация ещё не подтверждена" in page


def test_five_failures_lock_the_login(client: Client, teacher: User, password: str) -> None:
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": "teacher@school1.test", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "teacher@school1.test", "password": password}
    )
    assert response.status_code == 429
    assert "временно заблокирован" in response.content.decode()


def test_password_reset_by_email(client: Client, teacher: User) -> None:
    client.post("/accounts/password/reset/", {"email": "TEACHER@school1.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", str(mail.outbox[0].body))
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"}
    )
    teacher.refresh_from_db()
    assert teacher.check_password("Another-pass-2026")


def test_invitation_sets_a_password_and_logs_in(
    client: Client, methodist: User, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = services.create_account(
            actor=methodist,
            email="invited@school.test",
            last_name="Приглашённая",
            first_name="Нина",
            organization=world.school,
            role="teacher",
        )
    link = re.search(r"http://\S+(/accounts/invitation/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    page = client.get(link.group(1))
    assert "Нина, добро пожаловать" in page.content.decode()
    bad = client.post(link.group(1), {"new_password1": "short", "new_password2": "short"})
    assert bad.status_code == 200
    assert "слишком короткий" in bad.content.decode().lower()
    response = client.post(
        link.group(1), {"new_password1": "Invited-pass-2026", "new_password2": "Invited-pass-2026"}
    )
    assert response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.check_password("Invited-pass-2026")
    again = Client().get(link.group(1))
    assert again.status_code == 400


def test_broken_invitation_link(client: Client) -> None:
    assert client.get("/accounts/invitation/xx/yy-zz/").status_code == 400


def test_registration_form_keeps_input_on_error(client: Client, world: Any) -> None:
    data = {
        "last_name": "Самостоятельная",
        "first_name": "Дарья",
        "email": "self@school.test",
        "organization": world.school.pk,
        "password1": "Strong-pass-2026",
        "password2": "Other-pass-2026",
        "consent": "on",
    }
    page = client.post("/accounts/register/", data).content.decode()
    assert "Пароли не совпадают" in page
    assert 'value="Самостоятельная"' in page
    assert not User.objects.filter(email="self@school.test").exists()


def test_registration_creates_a_pending_teacher(client: Client, world: Any) -> None:
    data = {
        "last_name": "Самостоятельная",
        "first_name": "Дарья",
        "email": "self@school.test",
        "organization": world.school.pk,
        "password1": "Strong-pass-2026",
        "password2": "Strong-pass-2026",
        "consent": "on",
    }
    response = client.post("/accounts/register/", data)
    assert response["Location"] == "/accounts/register/done/"
    assert Membership.objects.get(user__email="self@school.test").status == "pending"


def test_education_department_is_not_offered_for_registration(client: Client, world: Any) -> None:
    page = client.get("/accounts/register/").content.decode()
    assert "МБОУ СОШ №1" in page
    assert "Управление образования (" not in page


def test_logout_needs_post(client: Client, teacher: User, login: Any) -> None:
    client = login(teacher)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/profile/").status_code == 302
