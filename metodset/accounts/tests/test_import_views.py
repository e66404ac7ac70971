"""The import pages: upload and history, template, detail, progress, confirm, cancel."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from metodset.accounts import importing, imports
from metodset.accounts.models import ImportBatch, Role, User
from metodset.accounts.tests.factories import UserFactory, person
from metodset.conftest import World

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "Фамилия;Имя;Отчество;E-mail;Организация;Роль;Должность;Предметы;Класс"
Status = ImportBatch.Status
Capture = Callable[..., Any]
Login = Callable[[Any], Client]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Invitation claims live in the cache; ids repeat between tests, so start empty."""
    cache.clear()


def csv_file(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", "\r\n".join([HEADER, *rows]).encode("cp1251"))


ROWS = [
    "Новикова;Алёна;;novikova@import.test;МБОУ СОШ №1;педагог;;Математика;",
    "Лебедев;Артём;;lebedev@import.test;МБОУ СОШ №1;обучающийся;;;7 б",
]


def uploaded_batch(actor: User, capture: Capture | None = None, *rows: str) -> ImportBatch:
    """A batch uploaded by `actor`; checked when `capture` runs the on-commit task."""
    if capture is None:
        return imports.start_import(
            actor=actor, uploaded_file=csv_file(*(rows or ROWS)), send_invitations=True
        )
    with capture(execute=True):
        batch = imports.start_import(
            actor=actor, uploaded_file=csv_file(*(rows or ROWS)), send_invitations=True
        )
    batch.refresh_from_db()
    return batch


# --- The upload page and history ------------------------------------------------------------


@pytest.mark.parametrize("persona", ["methodist", "school_admin"])
def test_upload_page_works(world: World, login: Login, persona: str, request: Any) -> None:
    response = login(request.getfixturevalue(persona)).get(reverse("accounts:import_list"))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert reverse("accounts:import_template", args=["xlsx"]).encode() in response.content


@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "expert", "outsider"])
def test_upload_page_is_forbidden_to_others(
    world: World, login: Login, persona: str, request: Any
) -> None:
    response = login(request.getfixturevalue(persona)).get(reverse("accounts:import_list"))
    assert response.status_code == 403


def test_guest_is_sent_to_login(world: World, client: Client) -> None:
    response = client.get(reverse("accounts:import_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_upload_page_rejects_other_methods(world: World, methodist: User, login: Login) -> None:
    assert login(methodist).put(reverse("accounts:import_list")).status_code == 405


def test_upload_checks_the_file_and_shows_the_preview(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    client = login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:import_list"),
            {"file": csv_file(*ROWS), "send_invitations": "on", "scope": f"{world.district.pk}-0"},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert batch.status == Status.READY
    assert batch.send_invitations
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "novikova@import.test" in page.content.decode()
    assert reverse("accounts:import_confirm", args=[batch.pk]) in page.content.decode()


def test_upload_of_a_wrong_file_shows_the_reason(
    world: World, methodist: User, login: Login
) -> None:
    response = login(methodist).post(
        reverse("accounts:import_list"),
        {
            "file": SimpleUploadedFile("people.xlsx", b"%PDF-1.4 ..."),
            "scope": f"{world.district.pk}-0",
        },
    )
    assert response.status_code == 200
    assert "Это PDF, а нужна таблица" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_head_uploads_into_the_own_school(world: World, school_admin: User, login: Login) -> None:
    response = login(school_admin).post(
        reverse("accounts:import_list"),
        {"file": csv_file(*ROWS), "scope": f"{world.district.pk}-{world.school.pk}"},
    )
    assert response.status_code == 302
    assert ImportBatch.objects.get().organization == world.school


def test_a_head_cannot_choose_the_whole_district(
    world: World, school_admin: User, login: Login
) -> None:
    response = login(school_admin).post(
        reverse("accounts:import_list"),
        {"file": csv_file(*ROWS), "scope": f"{world.district.pk}-0"},
    )
    assert response.status_code == 200  # not one of the offered choices
    assert ImportBatch.objects.count() == 0


def test_history_lists_visible_imports(
    world: World,
    methodist: User,
    school_admin: User,
    login: Login,
    django_assert_num_queries: Any,
) -> None:
    own = uploaded_batch(methodist)
    heads = uploaded_batch(school_admin)
    client = login(methodist)
    client.get(reverse("accounts:import_list"))  # warm the session and caches
    for _ in range(3):
        uploaded_batch(methodist)
    with django_assert_num_queries(10):
        response = client.get(reverse("accounts:import_list"))
    content = response.content.decode()
    assert own.get_absolute_url() in content
    assert heads.get_absolute_url() in content  # district staff see the heads' imports

    head_page = login(school_admin).get(reverse("accounts:import_list")).content.decode()
    assert heads.get_absolute_url() in head_page
    assert own.get_absolute_url() not in head_page


# --- The template ------------------------------------------------------------------------------


def test_csv_template(world: World, methodist: User, login: Login) -> None:
    response = login(methodist).get(reverse("accounts:import_template", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    table = importing.read_table(response.content)
    assert len(table.rows) == 2
    assert set(importing.TEMPLATE_COLUMNS) == table.columns
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER


def test_xlsx_template_is_a_clean_file(world: World, methodist: User, login: Login) -> None:
    response = login(methodist).get(reverse("accounts:import_template", args=["xlsx"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER.split(";")
    assert len(rows) == 3
    checker = importing.AccountFileChecker(actor=methodist, district=world.district)
    assert checker.check(response.content).errors == []


def test_template_of_an_unknown_format(world: World, methodist: User, login: Login) -> None:
    response = login(methodist).get(reverse("accounts:import_template", args=["pdf"]))
    assert response.status_code == 404


def test_template_is_for_importers_only(world: World, teacher: User, login: Login) -> None:
    response = login(teacher).get(reverse("accounts:import_template", args=["csv"]))
    assert response.status_code == 403


# --- Detail and progress -------------------------------------------------------------------------


def test_detail_shows_errors_with_line_numbers(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(
        methodist,
        django_capture_on_commit_callbacks,
        ROWS[0],
        "Петров;;;petrov@import.test;МБОУ СОШ №99;дворник;;;",
    )
    assert batch.status == Status.INVALID
    content = login(methodist).get(batch.get_absolute_url()).content.decode()
    assert "Не указано имя." in content
    assert "Организация «МБОУ СОШ №99» не найдена" in content
    assert "<td>3</td>" in content
    assert reverse("accounts:import_confirm", args=[batch.pk]) not in content


def test_errors_are_paginated(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    rows = [f";Имя{n};;n{n}@import.test;МБОУ СОШ №1;педагог;;;" for n in range(150)]
    batch = uploaded_batch(methodist, django_capture_on_commit_callbacks, *rows)
    client = login(methodist)
    first = client.get(batch.get_absolute_url()).content.decode()
    assert "<td>101</td>" in first
    assert "<td>102</td>" not in first
    assert "?page=2" in first
    second = client.get(batch.get_absolute_url(), {"page": 2}).content.decode()
    assert "<td>102</td>" in second
    assert "<td>151</td>" in second


def test_detail_of_a_failed_import_says_nothing_was_written(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(methodist, django_capture_on_commit_callbacks)
    UserFactory(email="lebedev@import.test")  # registered after the preview
    with django_capture_on_commit_callbacks(execute=True):
        login(methodist).post(reverse("accounts:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    content = login(methodist).get(batch.get_absolute_url()).content.decode()
    assert "Импорт не выполнен, ничего не записано." in content
    assert "Пользователь с e-mail lebedev@import.test уже зарегистрирован." in content
    assert reverse("accounts:import_confirm", args=[batch.pk]) not in content
    assert reverse("accounts:import_cancel", args=[batch.pk]) not in content


def test_detail_is_seen_by_uploader_and_district(
    world: World,
    school_admin: User,
    methodist: User,
    login: Login,
) -> None:
    batch = uploaded_batch(school_admin)
    assert login(school_admin).get(batch.get_absolute_url()).status_code == 200
    assert login(methodist).get(batch.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["teacher", "colleague", "outsider", "expert"])
def test_detail_of_another_persons_batch_is_404(
    world: World, school_admin: User, login: Login, persona: str, request: Any
) -> None:
    batch = uploaded_batch(school_admin)
    response = login(request.getfixturevalue(persona)).get(batch.get_absolute_url())
    assert response.status_code == 404


def test_detail_of_another_heads_batch_is_404(
    world: World, school_admin: User, login: Login
) -> None:
    batch = uploaded_batch(school_admin)
    deputy = person(world.school, Role.SCHOOL_ADMIN, email="deputy@school1.test")
    assert login(deputy).get(batch.get_absolute_url()).status_code == 404


def test_detail_for_guest_redirects_to_login(world: World, methodist: User, client: Client) -> None:
    batch = uploaded_batch(methodist)
    response = client.get(batch.get_absolute_url())
    assert response.status_code == 302


def test_detail_is_get_only(world: World, methodist: User, login: Login) -> None:
    batch = uploaded_batch(methodist)
    assert login(methodist).post(batch.get_absolute_url()).status_code == 405


def test_progress_polls_while_validating(world: World, methodist: User, login: Login) -> None:
    batch = uploaded_batch(methodist)  # the check has not run yet
    client = login(methodist)
    detail = client.get(batch.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in detail
    assert f'href="{batch.get_absolute_url()}"' in detail  # refresh without JavaScript
    response = client.get(reverse("accounts:import_progress", args=[batch.pk]))
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert "<progress" in response.content.decode()
    assert "HX-Refresh" not in response


def test_progress_shows_rows_checked(world: World, methodist: User, login: Login) -> None:
    batch = uploaded_batch(methodist)
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=250, total_rows=1000)
    response = login(methodist).get(reverse("accounts:import_progress", args=[batch.pk]))
    content = response.content.decode()
    assert 'value="250" max="1000"' in content
    assert "250 из 1000" in content


def test_progress_stops_and_reloads_when_done(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(methodist, django_capture_on_commit_callbacks)
    url = reverse("accounts:import_progress", args=[batch.pk])
    response = login(methodist).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


def test_progress_of_another_persons_batch_is_404(
    world: World, methodist: User, colleague: User, login: Login
) -> None:
    batch = uploaded_batch(methodist)
    url = reverse("accounts:import_progress", args=[batch.pk])
    assert login(colleague).get(url).status_code == 404


def test_progress_is_get_only(world: World, methodist: User, login: Login) -> None:
    batch = uploaded_batch(methodist)
    url = reverse("accounts:import_progress", args=[batch.pk])
    assert login(methodist).post(url).status_code == 405


# --- Confirm and cancel ----------------------------------------------------------------------------


def test_confirm_imports_everyone(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(methodist, django_capture_on_commit_callbacks)
    client = login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert batch.status == Status.DONE
    assert User.objects.filter(email__endswith="@import.test").count() == 2
    assert len(mail.outbox) == 2
    content = client.get(batch.get_absolute_url()).content.decode()
    assert "Создано учётных записей: 2" in content


def test_head_confirms_the_own_import(
    world: World,
    school_admin: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(school_admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        login(school_admin).post(reverse("accounts:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == Status.DONE


def test_confirm_of_an_invalid_batch_shows_a_message(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(methodist, django_capture_on_commit_callbacks, ";;;;;педагог;;;")
    client = login(methodist)
    response = client.post(reverse("accounts:import_confirm", args=[batch.pk]), follow=True)
    assert "В файле есть ошибки" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.INVALID
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["colleague", "teacher", "outsider"])
def test_confirm_and_cancel_of_another_persons_batch_is_404(
    world: World,
    school_admin: User,
    login: Login,
    persona: str,
    request: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(school_admin, django_capture_on_commit_callbacks)
    client = login(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:import_confirm", args=[batch.pk])).status_code == 404
        assert client.post(reverse("accounts:import_cancel", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == Status.READY
    assert User.objects.filter(email__endswith="@import.test").count() == 0
    assert mail.outbox == []


def test_guest_cannot_confirm(world: World, methodist: User, client: Client) -> None:
    batch = uploaded_batch(methodist)
    response = client.post(reverse("accounts:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["accounts:import_confirm", "accounts:import_cancel"])
def test_confirm_and_cancel_are_post_only(
    world: World, methodist: User, login: Login, name: str
) -> None:
    batch = uploaded_batch(methodist)
    assert login(methodist).get(reverse(name, args=[batch.pk])).status_code == 405
    batch.refresh_from_db()
    assert batch.status == Status.VALIDATING


def test_cancel(
    world: World,
    methodist: User,
    login: Login,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = uploaded_batch(methodist, django_capture_on_commit_callbacks)
    response = login(methodist).post(reverse("accounts:import_cancel", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:import_list")
    batch.refresh_from_db()
    assert batch.status == Status.CANCELLED
    assert User.objects.filter(email__endswith="@import.test").count() == 0


def test_cancel_while_validating_shows_a_message(
    world: World, methodist: User, login: Login
) -> None:
    batch = uploaded_batch(methodist)
    response = login(methodist).post(
        reverse("accounts:import_cancel", args=[batch.pk]), follow=True
    )
    assert "нельзя перевести" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.VALIDATING
