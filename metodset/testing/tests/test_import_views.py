"""The import pages: a GIFT file with a broken item is previewed with its line and saves
nothing; the fixed file is confirmed, the task saves it and the progress page shows it
done. Also: who may see an import, the HTMX fragment, cancelling, the template, export."""

from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.core.exceptions import DomainError
from metodset.testing import formats
from metodset.testing.models import Category, ImportJob, Question
from metodset.testing.services import import_jobs
from metodset.testing.tests.builders import FIXTURES, start_upload, upload, url

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


def send(client: Any, name: str, content: bytes | None = None, **fields: str) -> Any:
    data = {"format": "", "category_path": "", "visibility": "private"} | fields
    return client.post(url("import"), {"file": upload(name, content), **data})


# --- The whole flow --------------------------------------------------------------------------


def test_a_broken_file_is_previewed_then_the_fixed_one_saved(
    login: Any, teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(teacher)
    assert client.get(url("import")).status_code == 200

    # A file with broken items: the preview names each line, nothing is saved.
    response = send(client, "broken.gift.txt", category_path="Проверка/Импорт")
    broken = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("import_preview", broken.pk)
    assert broken.format == "gift"  # guessed from the ".txt" by its content
    page = client.get(response["Location"]).content.decode()
    assert '<tr class="table-danger">' in page
    assert "<td>4</td>" in page
    assert "не закрыта фигурная скобка «{»" in page
    assert "Исправьте файл и загрузите снова." in page
    assert "Сохранить" not in page
    assert url("import_confirm", broken.pk) not in page
    assert "Хороший 1" in page  # the items that were read are listed too
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url("import_confirm", broken.pk), follow=True)
    assert "В файле есть ошибки" in refused.content.decode()
    assert not Question.objects.exists()
    assert not Category.objects.exists()

    # The fixed file: every item with its type in Russian, and the button to save them.
    response = send(client, "sample.gift.txt", category_path="Проверка/Импорт")
    job = ImportJob.objects.exclude(pk=broken.pk).get()
    page = client.get(response["Location"]).content.decode()
    assert "Сохранить 14 вопросов" in page
    assert "Сравнение дробей" in page
    assert "несколько ответов" in page
    assert "Проверка / Импорт / Математика / 5 класс / Дроби" in page
    assert not Question.objects.exists()

    # Confirmed: the task runs (the immediate backend in tests) and the page shows it done.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import_confirm", job.pk))
    assert response.status_code == 302
    assert response["Location"] == url("import_progress", job.pk)
    assert Question.objects.filter(author=teacher).count() == 14
    page = client.get(response["Location"]).content.decode()
    target = Category.objects.get(name="Импорт", parent__name="Проверка")
    assert "Готово: сохранено вопросов — 14." in page
    assert f"{url('bank')}?category={target.pk}" in page
    assert "every 1s" not in page  # finished: no more polling
    assert client.get(url("import_preview", job.pk))["Location"] == url("import_progress", job.pk)


def test_the_progress_polls_while_saving(login: Any, teacher: User) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    import_jobs.confirm_import(actor=teacher, job=job)  # on_commit not run: the job stays queued
    client = login(teacher)
    page = client.get(url("import_progress", job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert f'hx-get="{url("import_progress", job.pk)}"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "Обновить" in page
    assert "0 из 14" in page
    fragment = client.get(url("import_progress", job.pk), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="import-progress"' in fragment.content.decode()


def test_a_failed_import_says_why(
    login: Any,
    teacher: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def refuse(**kwargs: Any) -> Any:
        raise DomainError("Банк переполнен.")

    monkeypatch.setattr(import_jobs, "import_items", refuse)
    job = start_upload(teacher, "sample.gift.txt")
    client = login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("import_confirm", job.pk))
    page = client.get(url("import_progress", job.pk)).content.decode()
    assert "Импорт не удался, ничего не сохранено. Банк переполнен." in page
    assert not Question.objects.exists()


def test_cancelling_a_preview(login: Any, teacher: User) -> None:
    job = start_upload(teacher, "broken.gift.txt")
    client = login(teacher)
    response = client.post(url("import_cancel", job.pk))
    assert response.status_code == 302
    assert response["Location"] == url("import")
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    page = client.get(url("import_preview", job.pk)).content.decode()
    assert "Импорт отменён" in page
    assert url("import_progress", job.pk) not in page


# --- The upload form -------------------------------------------------------------------------


def test_a_file_that_is_not_its_format_is_refused_keeping_the_form(
    login: Any, teacher: User
) -> None:
    response = send(
        login(teacher),
        "questions.xml",
        (FIXTURES / "sample.gift.txt").read_bytes(),
        category_path="Физика/7 класс",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "не файл Moodle XML" in page
    assert 'value="Физика/7 класс"' in page
    assert not ImportJob.objects.exists()


def test_the_filled_template_is_read_by_its_extension(login: Any, teacher: User) -> None:
    client = login(teacher)
    response = send(client, "вопросы.xlsx", formats.xlsx_template())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.format == "xlsx"
    assert job.total > 0
    assert "Сохранить" in client.get(response["Location"]).content.decode()


def test_an_unknown_extension_asks_for_the_format(login: Any, teacher: User) -> None:
    response = send(login(teacher), "questions.docx", b"::q::x{T}")
    assert "формат не понять" in response.content.decode()
    response = send(login(teacher), "questions.docx", b"::q::x{T}", format="gift")
    assert response.status_code == 302


def test_a_file_over_the_limit_is_refused(login: Any, teacher: User, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    response = send(login(teacher), "sample.gift.txt")
    assert "больше 1 КБ" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_upload_starts_from_a_category(login: Any, teacher: User) -> None:
    top = Category.objects.create(name="Математика")
    child = Category.objects.create(name="5/6 класс", parent=top)
    page = login(teacher).get(url("import"), {"category": child.pk}).content.decode()
    assert 'value="Математика/5//6 класс"' in page


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_the_import_pages_do_not_exist_for_students(
    persona: str, request: pytest.FixtureRequest, login: Any, teacher: User
) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    client = login(request.getfixturevalue(persona))
    assert client.get(url("import")).status_code == 404
    assert client.get(url("export")).status_code == 404
    assert client.get(url("import_template")).status_code == 404
    assert client.get(url("import_preview", job.pk)).status_code == 404


def test_another_teachers_import_is_not_found(login: Any, teacher: User, colleague: User) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    client = login(colleague)
    assert client.get(url("import_preview", job.pk)).status_code == 404
    assert client.get(url("import_progress", job.pk)).status_code == 404
    assert client.post(url("import_confirm", job.pk)).status_code == 404
    assert client.post(url("import_cancel", job.pk)).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.PREVIEW


def test_a_superuser_looks_but_does_not_confirm(login: Any, teacher: User) -> None:
    admin = User.objects.create_superuser(
        "admin@metodset.test", "pass", last_name="А", first_name="Б"
    )
    job = start_upload(teacher, "sample.gift.txt")
    client = login(admin)
    page = client.get(url("import_preview", job.pk)).content.decode()
    assert url("import_confirm", job.pk) not in page
    assert client.post(url("import_confirm", job.pk)).status_code == 403
    job.refresh_from_db()
    assert job.status == Status.PREVIEW


def test_guests_sign_in_first(client: Any) -> None:
    assert client.get(url("import")).status_code == 302
    assert client.get(url("export")).status_code == 302


def test_import_pages_take_only_their_methods(login: Any, teacher: User) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    client = login(teacher)
    assert client.put(url("import")).status_code == 405
    assert client.post(url("import_preview", job.pk)).status_code == 405
    assert client.get(url("import_confirm", job.pk)).status_code == 405
    assert client.get(url("import_cancel", job.pk)).status_code == 405
    assert client.post(url("import_progress", job.pk)).status_code == 405
    assert client.post(url("export")).status_code == 405
    assert client.post(url("import_template")).status_code == 405


# --- Template and export ---------------------------------------------------------------------


def test_the_xlsx_template(login: Any, teacher: User) -> None:
    response = login(teacher).get(url("import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")
    assert formats.parse(response.content, "xlsx").items  # the examples read back


def test_export_gives_the_questions_one_sees(
    login: Any, teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = start_upload(teacher, "sample.gift.txt", category_path=["Банк"])
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.confirm_import(actor=teacher, job=job)
    client = login(teacher)
    assert client.get(url("export")).status_code == 200
    numbers = Category.objects.get(name="Числа")
    response = client.get(url("export"), {"format": "gift", "category": numbers.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions-gift.txt"'
    text = response.content.decode()
    assert "Короткий ответ" in text
    assert "Сравнение дробей" not in text
    xml = client.get(url("export"), {"format": "moodlexml"})
    assert xml["Content-Type"].startswith("application/xml")
    assert formats.parse(xml.content, "moodlexml").items


def test_export_of_nothing_says_so(login: Any, colleague: User, teacher: User) -> None:
    start_upload(teacher, "sample.gift.txt")  # read, not saved: nothing in the bank yet
    response = login(colleague).get(url("export"), {"format": "gift"})
    assert response.status_code == 200
    assert "выгружать нечего" in response.content.decode()


def test_export_needs_a_known_format(login: Any, teacher: User) -> None:
    response = login(teacher).get(url("export"), {"format": "docx"})
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
