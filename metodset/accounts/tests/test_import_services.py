"""The import services: upload, background check, confirm, one-transaction write, invite."""

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve

from metodset.accounts import importing, imports
from metodset.accounts.models import ImportBatch, Membership, Role, User
from metodset.accounts.tests.factories import UserFactory, person
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "Фамилия;Имя;Отчество;E-mail;Организация;Роль;Должность;Предметы;Класс"
Status = ImportBatch.Status
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Invitation claims live in the cache; ids repeat between tests, so start empty."""
    cache.clear()


def sample(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def csv_file(*rows: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\r\n".join([HEADER, *rows]).encode("cp1251"))


def teacher_rows(count: int, school: str = "МБОУ СОШ №1") -> list[str]:
    return [
        f"Фамилия{n};Имя{n};;person{n}@import.test;{school};педагог;учитель;Математика;"
        for n in range(count)
    ]


def start(
    capture: Capture, actor: User, uploaded: SimpleUploadedFile, **kwargs: Any
) -> ImportBatch:
    """Upload and run the background check (the immediate task backend, on commit)."""
    kwargs.setdefault("send_invitations", True)
    with capture(execute=True):
        batch = imports.start_import(actor=actor, uploaded_file=uploaded, **kwargs)
    batch.refresh_from_db()
    return batch


def confirm(capture: Capture, actor: User, batch: ImportBatch) -> ImportBatch:
    with capture(execute=True):
        imports.confirm_import(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), User.subjects.through.objects.count()


# --- Upload and check ------------------------------------------------------------------------


def test_upload_is_checked_in_the_background(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(
        django_capture_on_commit_callbacks, methodist, sample("accounts_clean_cp1251.csv")
    )
    assert batch.status == Status.READY
    assert (batch.total_rows, batch.processed_rows) == (6, 6)
    assert batch.errors == []
    assert batch.district == world.district
    assert batch.organization is None
    assert batch.original_name == "accounts_clean_cp1251.csv"
    assert batch.preview[0] == {
        "line": 2,
        "name": "Соколова Ирина Викторовна",
        "email": "sokolova@school1.test",
        "organization": "МБОУ СОШ №1",
        "role": "педагог",
        "position": "учитель математики",
        "student_class": "",
        "subjects": "Математика, Физика",
    }
    assert not str(batch.file.name).endswith("accounts_clean_cp1251.csv")  # a random stored name


def test_the_check_waits_for_the_commit(world: World, methodist: User) -> None:
    batch = imports.start_import(
        actor=methodist, uploaded_file=sample("accounts_clean.xlsx"), send_invitations=True
    )
    assert batch.status == Status.VALIDATING
    assert ImportBatch.objects.get().status == Status.VALIDATING


def test_a_file_with_bad_rows_is_invalid(
    world: World,
    methodist: User,
    teacher: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, sample("accounts_bad_rows.csv"))
    assert batch.status == Status.INVALID
    assert [error["line"] for error in batch.errors] == [
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        16,
    ]
    assert batch.errors[0] == {"line": 3, "reasons": ["Не указана фамилия."]}
    assert batch.total_rows == 14


def test_a_file_error_makes_the_batch_invalid(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    uploaded = SimpleUploadedFile("people.csv", "Имя;Роль\r\nАнна;педагог".encode())
    batch = start(django_capture_on_commit_callbacks, methodist, uploaded)
    assert batch.status == Status.INVALID
    assert batch.errors[0]["line"] is None
    assert "нет обязательных столбцов" in batch.errors[0]["reasons"][0]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"%PDF-1.5 ...", "Это PDF"), (b"\x00\x01\x02\x03" * 10, "не похож")],
)
def test_a_file_of_the_wrong_type_is_refused_at_once(
    world: World, methodist: User, content: bytes, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        imports.start_import(
            actor=methodist,
            uploaded_file=SimpleUploadedFile("people.xlsx", content),
            send_invitations=True,
        )
    assert ImportBatch.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(
    world: World, methodist: User, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError, match="Файл больше"):
        imports.start_import(
            actor=methodist,
            uploaded_file=csv_file(*teacher_rows(5)),
            send_invitations=True,
        )
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "expert", "outsider"])
def test_only_heads_and_district_staff_may_import(
    world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDeniedError):
        imports.start_import(
            actor=actor, uploaded_file=csv_file(*teacher_rows(1)), send_invitations=True
        )
    assert ImportBatch.objects.count() == 0


def test_a_head_imports_into_the_own_school_only(
    world: World, school_admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    uploaded = csv_file(
        *teacher_rows(1),
        "Чужая;Анна;;a@other.test;МБОУ Гимназия №2;педагог;;;",
        "Завучева;Анна;;z@school1.test;МБОУ СОШ №1;завуч;;;",
    )
    batch = start(django_capture_on_commit_callbacks, school_admin, uploaded)
    assert batch.organization == world.school
    assert batch.status == Status.INVALID
    assert [error["line"] for error in batch.errors] == [3, 4]
    assert "только в «МБОУ СОШ №1»" in batch.errors[0]["reasons"][0]
    assert batch.errors[1]["reasons"] == [
        "Роль «администрация ОО» в «МБОУ СОШ №1» вы дать не можете."
    ]


def test_checking_twice_changes_nothing(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, sample("accounts_clean.xlsx"))
    before = (batch.status, batch.updated_at)
    imports.validate_import(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.updated_at) == before


# --- Confirm and write -----------------------------------------------------------------------


def test_the_import_creates_every_person_and_invites_them(
    world: World,
    methodist: User,
    django_capture_on_commit_callbacks: Capture,
    client: Client,
) -> None:
    batch = start(
        django_capture_on_commit_callbacks, methodist, sample("accounts_clean_cp1251.csv")
    )
    users, memberships, subjects = counts()
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)

    assert batch.status == Status.DONE
    assert batch.created_count == 6
    assert batch.finished_at is not None
    assert counts() == (users + 6, memberships + 6, subjects + 4)
    student = User.objects.get(email="lebedev@school1.test")
    assert (student.last_name, student.first_name, student.patronymic) == (
        "Лебедев",
        "Артём",
        "Игоревич",
    )
    assert not student.has_usable_password()
    membership = student.memberships.get()
    assert (membership.organization, membership.role, membership.student_class) == (
        world.school,
        Role.STUDENT,
        "7Б",
    )
    assert membership.status == Membership.Status.ACTIVE
    assert membership.decided_by == methodist
    teacher = User.objects.get(email="sokolova@school1.test")
    assert sorted(teacher.subjects.values_list("name", flat=True)) == ["Математика", "Физика"]
    assert teacher.position == "учитель математики"
    entry = AuditEntry.objects.get(action="accounts.imported")
    assert (entry.actor, entry.target_id, entry.district_id) == (
        methodist,
        str(batch.pk),
        world.district.pk,
    )
    assert (entry.from_state, entry.to_state) == (Status.IMPORTING, Status.DONE)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [
            "sokolova@school1.test",
            "lebedev@school1.test",
            "lebedeva@mail.test",
            "novikova@school2.test",
            "orlov@school1.test",
            "kravtsova@uo.test",
        ]
    )
    letter = next(m for m in mail.outbox if m.to == ["lebedev@school1.test"])
    links = re.findall(r"https?://\S+", str(letter.body))
    assert len(links) == 1
    link = urlsplit(links[0])
    assert f"{link.scheme}://{link.netloc}" == settings.SITE_URL
    match = resolve(link.path)
    assert match.view_name == "accounts:invitation"
    assert client.get(link.path).status_code == 200


def test_one_bad_row_and_nothing_is_written(
    world: World,
    methodist: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(3)))
    assert batch.status == Status.READY
    # Between the preview and the confirmation someone registers the third e-mail.
    UserFactory(email="person2@import.test")
    before = counts()
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)

    assert batch.status == Status.FAILED
    assert batch.errors == [
        {"line": 4, "reasons": ["Пользователь с e-mail person2@import.test уже зарегистрирован."]}
    ]
    assert counts() == before
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="accounts.imported").exists()
    assert AuditEntry.objects.filter(action="accounts.import_failed").count() == 1


def test_a_failure_while_writing_rolls_everything_back(
    world: World,
    methodist: User,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(1200)))
    before = counts()
    real_bulk_create = Membership.objects.bulk_create
    calls: list[int] = []

    def failing_bulk_create(objs: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(objs))
        if len(calls) == 2:  # the second chunk of 500 fails
            raise RuntimeError("disk full")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Membership.objects, "bulk_create", failing_bulk_create)
    with django_capture_on_commit_callbacks(execute=True):
        imports.confirm_import(actor=methodist, batch=batch)
    batch.refresh_from_db()

    assert calls == [500, 500]
    assert batch.status == Status.FAILED
    assert batch.errors[0]["line"] is None
    assert "ничего не записано" in batch.errors[0]["reasons"][0]
    assert counts() == before
    assert mail.outbox == []


def test_an_email_taken_during_the_write_fails_the_whole_import(
    world: World,
    methodist: User,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check passed, yet the database's unique e-mail refuses a row (a registration
    that slipped in between): the transaction rolls back and the batch says why."""
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(3)))
    UserFactory(email="person1@import.test")
    monkeypatch.setattr(importing, "registered_emails", lambda emails: set())
    before = counts()
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)
    assert batch.status == Status.FAILED
    assert "часть e-mail из файла успели зарегистрировать" in batch.errors[0]["reasons"][0]
    assert counts() == before
    assert mail.outbox == []


def test_running_the_import_twice_writes_once(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(3)))
    confirm(django_capture_on_commit_callbacks, methodist, batch)
    after = counts()
    imports.run_import(batch.pk, actor_id=methodist.pk)
    assert counts() == after
    assert len(mail.outbox) == 3


def test_sending_the_invitations_twice_sends_once(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(3)))
    confirm(django_capture_on_commit_callbacks, methodist, batch)
    ids = list(User.objects.filter(email__endswith="@import.test").values_list("pk", flat=True))
    assert imports.send_import_invitations(batch.pk, ids) == 0
    assert len(mail.outbox) == 3


def test_people_who_already_set_a_password_are_not_invited_again(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(2)))
    confirm(django_capture_on_commit_callbacks, methodist, batch)
    cache.clear()
    mail.outbox.clear()
    ids = list(User.objects.filter(email__endswith="@import.test").values_list("pk", flat=True))
    assert imports.send_import_invitations(batch.pk, ids) == 0  # the claim is in the database
    User.objects.filter(pk__in=ids).update(invitation_sent_at=None)
    person = User.objects.get(email="person0@import.test")
    person.set_password("Пароль-2026")
    person.save(update_fields=["password"])
    assert imports.send_import_invitations(batch.pk, ids) == 1
    assert [message.to for message in mail.outbox] == [["person1@import.test"]]


def test_no_invitations_when_not_asked(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(
        django_capture_on_commit_callbacks,
        methodist,
        csv_file(*teacher_rows(2)),
        send_invitations=False,
    )
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)
    assert batch.status == Status.DONE
    assert User.objects.filter(email__endswith="@import.test").count() == 2
    assert mail.outbox == []


def test_an_invalid_batch_cannot_be_confirmed(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(
        django_capture_on_commit_callbacks,
        methodist,
        csv_file("Без;Почты;;;МБОУ СОШ №1;педагог;;;"),
    )
    before = counts()
    with pytest.raises(DomainError, match="В файле есть ошибки"):
        confirm(django_capture_on_commit_callbacks, methodist, batch)
    batch.refresh_from_db()
    assert batch.status == Status.INVALID
    assert counts() == before


def test_a_done_batch_cannot_be_confirmed_again(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(1)))
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)
    with pytest.raises(DomainError, match="нельзя перевести"):
        confirm(django_capture_on_commit_callbacks, methodist, batch)


def test_district_staff_confirm_a_heads_import(
    world: World,
    school_admin: User,
    methodist: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = start(django_capture_on_commit_callbacks, school_admin, csv_file(*teacher_rows(2)))
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)
    assert batch.status == Status.DONE
    assert AuditEntry.objects.get(action="accounts.imported").actor == methodist


@pytest.mark.parametrize("persona", ["colleague", "teacher", "outsider", "expert"])
def test_others_may_not_confirm_or_cancel(
    world: World,
    school_admin: User,
    persona: str,
    request: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    batch = start(django_capture_on_commit_callbacks, school_admin, csv_file(*teacher_rows(2)))
    actor = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDeniedError):
        confirm(django_capture_on_commit_callbacks, actor, batch)
    with pytest.raises(PermissionDeniedError):
        imports.cancel_import(actor=actor, batch=batch)
    batch.refresh_from_db()
    assert batch.status == Status.READY
    assert counts() == before
    assert mail.outbox == []


def test_another_head_of_the_same_school_may_not_confirm(
    world: World,
    school_admin: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    other_head = person(world.school, Role.SCHOOL_ADMIN, email="deputy@school1.test")
    batch = start(django_capture_on_commit_callbacks, school_admin, csv_file(*teacher_rows(1)))
    with pytest.raises(PermissionDeniedError):
        imports.confirm_import(actor=other_head, batch=batch)


# --- Cancel ----------------------------------------------------------------------------------


def test_cancel_a_ready_or_invalid_batch(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    ready = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(1)))
    invalid = start(django_capture_on_commit_callbacks, methodist, csv_file(";;;;;педагог;;;"))
    for batch in (ready, invalid):
        cancelled = imports.cancel_import(actor=methodist, batch=batch)
        assert cancelled.status == Status.CANCELLED
        assert cancelled.finished_at is not None
    assert AuditEntry.objects.filter(action="accounts.import_cancelled").count() == 2
    with pytest.raises(DomainError):
        imports.confirm_import(actor=methodist, batch=ready)
    assert User.objects.filter(email__endswith="@import.test").count() == 0


def test_a_done_batch_cannot_be_cancelled(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(1)))
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)
    with pytest.raises(DomainError, match="нельзя перевести"):
        imports.cancel_import(actor=methodist, batch=batch)


# --- Progress ----------------------------------------------------------------------------------


def test_progress_while_importing_comes_from_the_cache(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(4)))
    imports.confirm_import(actor=methodist, batch=batch)  # the task is not run: no capture
    batch.refresh_from_db()
    assert batch.status == Status.IMPORTING
    progress = imports.progress_of(batch)
    assert (progress.done, progress.total, progress.stage) == (
        0,
        4,
        "Повторная проверка перед записью",
    )
    cache.set(imports.progress_key(batch.pk), {"stage": imports.STAGE_WRITING, "done": 3})
    progress = imports.progress_of(batch)
    assert (progress.done, progress.percent, progress.stage) == (3, 75, "Запись учётных записей")


def test_the_write_reports_progress_per_chunk(
    world: World,
    methodist: User,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch = start(
        django_capture_on_commit_callbacks,
        methodist,
        csv_file(*teacher_rows(1200)),
        send_invitations=False,
    )
    seen: list[Any] = []

    class SpyCache:
        def set(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
            if key == imports.progress_key(batch.pk):
                seen.append(value)
            cache.set(key, value, *args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(cache, name)

    monkeypatch.setattr(imports, "cache", SpyCache())
    confirm(django_capture_on_commit_callbacks, methodist, batch)
    writing = [value["done"] for value in seen if value["stage"] == imports.STAGE_WRITING]
    assert writing == [500, 1000, 1200]
    assert [value["done"] for value in seen if value["stage"] == imports.STAGE_CHECKING][-1] == 1200
    assert cache.get(imports.progress_key(batch.pk)) is None


# --- Size ----------------------------------------------------------------------------------------


def test_three_hundred_rows_import_quickly(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    """The 10,000-row timing lives in bench/import_accounts.py."""
    students = [
        f"Ученик{n};Имя{n};;student{n}@import.test;МБОУ СОШ №1;обучающийся;;;{n % 11 + 1} а"
        for n in range(150)
    ]
    started = time.monotonic()
    batch = start(
        django_capture_on_commit_callbacks,
        methodist,
        csv_file(*teacher_rows(150), *students),
        send_invitations=False,
    )
    batch = confirm(django_capture_on_commit_callbacks, methodist, batch)
    assert batch.status == Status.DONE
    assert batch.created_count == 300
    assert Membership.objects.filter(role=Role.STUDENT, student_class="3А").count() == 14
    assert time.monotonic() - started < 10


def test_the_uploaded_file_is_kept_private_and_deleted_when_the_batch_ends(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    """Import files hold personal data: stored outside MEDIA_ROOT, gone once imported."""
    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(2)))
    stored = Path(batch.file.path)
    assert stored.exists()
    assert Path(settings.PRIVATE_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    confirm(django_capture_on_commit_callbacks, methodist, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert not batch.file
    assert not stored.exists()


def test_imported_people_are_found_by_name_in_any_case(
    world: World, methodist: User, django_capture_on_commit_callbacks: Capture
) -> None:
    from metodset.accounts import permissions, selectors

    batch = start(django_capture_on_commit_callbacks, methodist, csv_file(*teacher_rows(1)))
    confirm(django_capture_on_commit_callbacks, methodist, batch)
    imported = User.objects.get(email="person0@import.test")
    word = imported.last_name.lower()
    found = selectors.search_people(permissions.accounts_managed_by(methodist), text=word)
    assert list(found) == [imported]
