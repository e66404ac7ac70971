"""A teacher registers alone; the school head is notified, confirms; the teacher logs in."""

from typing import Any

import pytest

from metodset.accounts.models import User
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_self_registration_is_confirmed_by_the_head(
    page: Any, new_page: Any, site: Mailbox, school_admin: User, world: Any, password: str
) -> None:
    page.goto("/accounts/register/")
    page.get_by_label("Фамилия").fill("Самостоятельная")
    page.locator("#id_first_name").fill("Дарья")
    page.get_by_label("E-mail").fill("darya@school1.test")
    page.get_by_label("Организация, где вы работаете").select_option(
        label="МБОУ СОШ №1 (Тестовый район)"
    )
    page.locator("#id_password1").fill("Darya-pass-2026")
    page.get_by_label("Пароль ещё раз").fill("Darya-pass-2026")
    page.get_by_label("Я согласен(на)").check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.get_by_role("heading", name="Заявка на регистрацию отправлена").wait_for()

    log_in(page, "darya@school1.test", "Darya-pass-2026")
    page.get_by_text("регистрация ещё не подтверждена").wait_for()

    head = new_page()
    log_in(head, school_admin.email, password)
    assert head.get_by_test_id("unread-count").inner_text().startswith("1")
    letter = site.wait_for(school_admin.email)
    assert "Самостоятельная Дарья" in str(letter["Subject"])
    head.goto("/manage/registrations/")
    head.get_by_role("button", name="Подтвердить").click()
    head.get_by_text("Регистрация Самостоятельная Дарья подтверждена").wait_for()

    site.wait_for("darya@school1.test")
    log_in(page, "darya@school1.test", "Darya-pass-2026")
    page.get_by_role("heading", name="Здравствуйте, Дарья!").wait_for()
