"""The foundation's journey: a methodist imports a CSV with one bad row, sees the error
with its line, fixes the file and imports it; the invited teacher sets a password from
the letter that a real SMTP server received, logs in, edits the profile and switches the
version for the visually impaired on."""

from pathlib import Path
from typing import Any

import pytest

from metodset.accounts.models import ImportBatch, Membership, User
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "Фамилия;Имя;Отчество;E-mail;Организация;Роль;Должность;Предметы;Класс"
GOOD = [
    "Сергеева;Ольга;Викторовна;olga.sergeeva@school1.test;МБОУ СОШ №1;педагог;учитель математики;Математика, Алгебра;",
    "Ветров;Илья;Андреевич;ilya.vetrov@gym2.test;МБОУ Гимназия №2;учитель;учитель физики;Физика;",
]
BAD = "Пустоименная;;;no-name@school1.test;МБОУ СОШ №1;педагог;;;"


def write_csv(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    # Windows-1251 with «;», as Russian Excel saves CSV.
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1251"))
    return path


def test_methodist_imports_and_the_invited_teacher_starts_working(
    page: Any,
    new_page: Any,
    site: Mailbox,
    methodist: User,
    world: Any,
    password: str,
    tmp_path: Path,
) -> None:
    log_in(page, methodist.email, password)

    # A file with one bad row: the error names its line, and nothing is written.
    page.goto("/manage/import/")
    page.get_by_label("Файл с учётными записями").set_input_files(
        write_csv(tmp_path, "staff.csv", [GOOD[0], BAD, GOOD[1]])
    )
    page.get_by_role("button", name="Загрузить и проверить").click()
    errors = page.get_by_role("table").filter(has=page.get_by_text("Что не так"))
    errors.wait_for()
    row = errors.locator("tbody tr")
    assert row.count() == 1, errors.inner_text()
    assert row.locator("td").first.inner_text() == "3"
    assert "имя" in row.locator("td").nth(1).inner_text().lower()
    assert page.get_by_role("button", name="Импортировать").count() == 0
    assert not User.objects.filter(
        email__in=["olga.sergeeva@school1.test", "ilya.vetrov@gym2.test"]
    ).exists()

    # The fixed file: a preview, then the import in the background.
    page.goto("/manage/import/")
    page.get_by_label("Файл с учётными записями").set_input_files(
        write_csv(tmp_path, "staff-fixed.csv", GOOD)
    )
    page.get_by_role("button", name="Загрузить и проверить").click()
    page.get_by_role("heading", name="Предпросмотр").wait_for()
    assert page.get_by_text("olga.sergeeva@school1.test").is_visible()
    page.get_by_role("button", name="Импортировать").click()
    page.wait_for_function(
        "() => document.body.innerText.includes('Создано учётных записей') || document.body.innerText.includes('импортирован')",
        timeout=30_000,
    )
    assert ImportBatch.objects.filter(status=ImportBatch.Status.DONE).count() == 1
    olga = User.objects.get(email="olga.sergeeva@school1.test")
    assert Membership.objects.get(user=olga).organization == world.school

    # The letter arrives through SMTP; its link sets the password.
    letter = site.wait_for("olga.sergeeva@school1.test")
    assert "Приглашение" in str(letter["Subject"])
    link = site.link(letter, "/accounts/invitation/")
    teacher = new_page()
    teacher.goto(link)
    teacher.get_by_role("heading", name="Ольга, добро пожаловать в Методсеть!").wait_for()
    teacher.locator("#id_new_password1").fill("Olga-pass-2026")
    teacher.locator("#id_new_password2").fill("Olga-pass-2026")
    teacher.get_by_role("button", name="Сохранить пароль и войти").click()
    teacher.get_by_text("Пароль сохранён").wait_for()

    # Log out and in again with the new password.
    teacher.get_by_role("button", name=olga.short_name).click()
    teacher.get_by_role("button", name="Выйти").click()
    log_in(teacher, "olga.sergeeva@school1.test", "Olga-pass-2026")
    teacher.get_by_role("heading", name="Здравствуйте, Ольга!").wait_for()

    # The profile.
    teacher.goto("/profile/")
    teacher.get_by_label("Квалификационная категория").select_option(label="высшая")
    teacher.get_by_label("О себе").fill("Руковожу РМО учителей математики.")
    teacher.get_by_role("button", name="Сохранить").click()
    teacher.get_by_text("Профиль сохранён").wait_for()
    teacher.goto(f"/people/{olga.pk}/")
    assert teacher.get_by_text("Руковожу РМО учителей математики.").is_visible()

    # The version for the visually impaired, remembered for the account.
    teacher.get_by_role("button", name="Версия для слабовидящих").click()
    assert "a11y" in (teacher.locator("html").get_attribute("class") or "").split()
    teacher.get_by_label("Цветовая схема").select_option("white_on_black")
    teacher.get_by_role("button", name="Применить").click()
    olga.refresh_from_db()
    assert olga.accessibility["enabled"] is True
    assert olga.accessibility["scheme"] == "white_on_black"
    assert "a11y-scheme-white_on_black" in (teacher.locator("html").get_attribute("class") or "")
