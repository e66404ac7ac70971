"""The import of a file through preview, confirmation and the background task: the
preview saves nothing, errors keep their lines, the task saves all or nothing in chunks,
and only who uploaded the file confirms or cancels it."""

import io
import zipfile
from typing import Any

import pytest
from django.core.cache import cache

from metodset.accounts.models import User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import tasks
from metodset.testing.models import Category, ImportJob, Question, QuestionVersion
from metodset.testing.services import import_jobs
from metodset.testing.services.imports import import_items
from metodset.testing.tests.builders import FIXTURES, audit_count, start_upload, upload

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


# --- Import: upload and preview --------------------------------------------------------------


def test_a_file_is_read_for_the_preview_and_nothing_saved(teacher: User) -> None:
    job = start_upload(
        teacher, "sample.gift.txt", category_path=[" Банк ", ""], visibility="school"
    )
    assert job.status == Status.PREVIEW
    assert (job.total, job.errors, job.category_path) == (14, [], ["Банк"])
    assert str(job.file.name).endswith(".gift")
    assert job.original_name == "sample.gift.txt"
    preview = import_jobs.import_preview(job)
    assert [row.number for row in preview] == list(range(1, 15))
    assert preview[0].category == "Банк / Математика / 5 класс / Дроби"
    assert preview[0].type == "single_choice"
    assert not Question.objects.exists()
    assert not Category.objects.exists()
    assert audit_count("testing.import_started") == 1


def test_the_preview_is_read_again_when_the_cache_forgot_it(teacher: User) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    cache.clear()
    assert len(import_jobs.import_preview(job)) == 14


def test_errors_are_kept_with_their_lines(teacher: User) -> None:
    job = start_upload(teacher, "broken.gift.txt")
    assert job.total == 3
    assert {"line": 4, "element": None, "message": "не закрыта фигурная скобка «{»"} in job.errors
    assert len(job.errors) == 9
    with pytest.raises(DomainError, match="есть ошибки"):
        import_jobs.confirm_import(actor=teacher, job=job)
    job.refresh_from_db()
    assert job.status == Status.PREVIEW
    assert not Question.objects.exists()


def test_moodle_xml_errors_name_their_element(teacher: User) -> None:
    job = start_upload(teacher, "sample.moodle.xml", file_format="moodlexml")
    assert job.total == 10
    assert job.errors[0]["element"].startswith("вопрос №11")


@pytest.mark.parametrize(
    ("name", "content", "format", "message"),
    [
        ("a.xml", (FIXTURES / "sample.gift.txt").read_bytes(), "moodlexml", "нет XML"),
        ("a.xml", b"<?xml version='1.0'?><html></html>", "moodlexml", "«html»"),
        ("a.txt", (FIXTURES / "sample.moodle.xml").read_bytes(), "gift", "Moodle XML"),
        ("a.txt", b"PK\x03\x04" + b"\x00" * 100, "gift", "двоичный"),
        ("a.txt", b"\x00\x01\x02 text", "aiken", "двоичный"),
        ("a.txt", b"   \n", "gift", "пуст"),
        ("a.txt", b"::q::x{T}", "docx", "Неизвестный формат"),
    ],
)
def test_content_must_be_what_the_format_says(
    teacher: User, name: str, content: bytes, format: str, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        start_upload(teacher, name, content, file_format=format)
    assert not ImportJob.objects.exists()
    assert audit_count("testing.import_started") == 0


def test_xlsx_must_be_a_workbook(teacher: User) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("word/document.xml", "<w/>")
    with pytest.raises(DomainError, match="не книга Excel"):
        import_jobs.start_import(
            actor=teacher, uploaded_file=upload("a.xlsx", archive.getvalue()), format="xlsx"
        )
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused(teacher: User, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError, match="больше 100 байт"):
        start_upload(teacher, "sample.gift.txt")
    assert not ImportJob.objects.exists()


def test_only_staff_import_and_only_share_with_their_school(student: User, methodist: User) -> None:
    with pytest.raises(PermissionDeniedError):
        start_upload(student, "sample.gift.txt")
    with pytest.raises(DomainError, match="своей школы"):
        start_upload(methodist, "sample.gift.txt", visibility="school")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sample.gift.txt", "gift"),
        ("sample.aiken.txt", "aiken"),
        ("bank.GIFT", "gift"),
        ("sample.moodle.xml", "moodlexml"),
        ("report.docx", None),
    ],
)
def test_the_format_is_guessed_by_the_extension(name: str, expected: str | None) -> None:
    path = FIXTURES / name
    head = path.read_bytes()[:4096] if path.exists() else b"::q::x{T}"
    assert import_jobs.guess_format(name, head) == expected


# --- Import: confirm, run, cancel ------------------------------------------------------------


def test_confirming_queues_the_task_which_saves_every_question(
    teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = start_upload(teacher, "sample.gift.txt", category_path=["Банк"], visibility="network")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_jobs.confirm_import(actor=teacher, job=job)
    # The task is enqueued once the confirmation is committed.
    assert callbacks[0].func == tasks.import_questions_task.enqueue
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert (job.saved, job.total) == (14, 14)
    assert job.finished_at is not None
    assert not job.file  # the file is not needed any more
    assert Question.objects.filter(author=teacher, visibility="network").count() == 14
    assert import_jobs.imported_category(job) == Category.objects.get(name="Банк", parent=None)
    assert import_jobs.import_progress(job).percent == 100
    assert audit_count("testing.import_confirmed") == 1
    assert audit_count("testing.import_finished") == 1


def test_confirming_is_for_who_uploaded(
    teacher: User, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PermissionDeniedError):
            import_jobs.confirm_import(actor=colleague, job=job)
        with pytest.raises(PermissionDeniedError):
            import_jobs.cancel_import(actor=colleague, job=job)
    assert callbacks == []
    job.refresh_from_db()
    assert job.status == Status.PREVIEW


def test_a_second_run_does_nothing(teacher: User, django_capture_on_commit_callbacks: Any) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.confirm_import(actor=teacher, job=job)
    import_jobs.run_import(job.pk)
    assert Question.objects.count() == 14
    with pytest.raises(DomainError):
        import_jobs.confirm_import(actor=teacher, job=job)


def test_the_import_saves_in_chunks_all_or_nothing(
    teacher: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Progress moves a chunk at a time through the cache; a failure in a later chunk
    takes back the earlier ones, and the job says why."""
    monkeypatch.setattr(import_jobs, "IMPORT_CHUNK", 5)
    seen: list[int] = []

    def failing_third_chunk(**kwargs: Any) -> Any:
        seen.append(int(cache.get(import_jobs.progress_key(job.pk)) or 0))
        if len(seen) == 3:
            raise DomainError("Сломалось на третьей части.")
        return import_items(**kwargs)

    monkeypatch.setattr(import_jobs, "import_items", failing_third_chunk)
    job = start_upload(teacher, "sample.gift.txt")
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.confirm_import(actor=teacher, job=job)
    assert seen == [0, 5, 10]
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.failure == "Сломалось на третьей части."
    assert not Question.objects.exists()
    assert not QuestionVersion.objects.exists()
    assert audit_count("testing.import_failed") == 1
    assert cache.get(import_jobs.progress_key(job.pk)) is None


def test_progress_while_running_comes_from_the_cache(
    teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = start_upload(teacher, "sample.gift.txt")
    import_jobs.confirm_import(
        actor=teacher, job=job
    )  # the task is not run: on_commit not executed
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert import_jobs.import_progress(job) == import_jobs.ImportProgress(0, 14)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    cache.set(import_jobs.progress_key(job.pk), 7)
    job.refresh_from_db()
    assert import_jobs.import_progress(job).percent == 50


def test_cancel_drops_the_file(teacher: User, django_capture_on_commit_callbacks: Any) -> None:
    job = start_upload(teacher, "broken.gift.txt")
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.cancel_import(actor=teacher, job=job)
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not job.file
    assert audit_count("testing.import_cancelled") == 1
    with pytest.raises(DomainError, match="нельзя перевести"):
        import_jobs.cancel_import(actor=teacher, job=job)
    with pytest.raises(DomainError):
        import_jobs.confirm_import(actor=teacher, job=job)
    assert not Question.objects.exists()
