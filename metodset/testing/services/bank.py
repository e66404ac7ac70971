"""Writing the bank by hand and through an uploaded file.

Questions: write one in the browser (version 1), edit it (a new immutable version), change
the details the bank is searched by, copy a visible question as one's own, archive it.
Categories of the tree. Imports: upload and check (`start_import`, the preview), confirm
(`confirm_import`), save in the background (`run_import`, the task), cancel. The reads the
bank's pages share (the filtered list, the category tree) close the module.
"""

import io
import logging
import posixpath
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions as people
from metodset.accounts.models import Subject, name_key
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.core.uploads import format_size
from metodset.testing import formats, permissions, tasks
from metodset.testing.formats.cloze import parse_cloze
from metodset.testing.formats.items import (
    Item,
    ItemType,
    ParseError,
    ParseResult,
    default_name,
    validate_item,
)
from metodset.testing.models import NAME_LENGTH, Category, ImportJob, Question, QuestionVersion
from metodset.testing.serialization import from_data, to_data
from metodset.testing.services.imports import UNCATEGORIZED, find_category, import_items

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "testing.question_created": gettext_lazy("Вопрос добавлен в банк тестов"),
        "testing.question_edited": gettext_lazy("Вопрос изменён: новая версия"),
        "testing.question_details_changed": gettext_lazy("Изменены сведения о вопросе"),
        "testing.question_copied": gettext_lazy("Вопрос скопирован"),
        "testing.question_archived": gettext_lazy("Вопрос перенесён в архив"),
        "testing.question_restored": gettext_lazy("Вопрос возвращён из архива"),
        "testing.category_created": gettext_lazy("Категория вопросов создана"),
        "testing.import_started": gettext_lazy("Файл с вопросами загружен и проверен"),
        "testing.import_confirmed": gettext_lazy("Импорт вопросов подтверждён"),
        "testing.import_finished": gettext_lazy("Импорт вопросов завершён"),
        "testing.import_failed": gettext_lazy("Импорт вопросов не удался"),
        "testing.import_cancelled": gettext_lazy("Импорт вопросов отменён"),
    }
)

GRADES = range(1, 12)
MAX_TAGS = 20
TAG_LENGTH = 50
# How many items one call of import_items saves: the page's progress moves a step per chunk.
IMPORT_CHUNK = 500
PROGRESS_TIMEOUT = 60 * 60 * 12
PREVIEW_TIMEOUT = 60 * 60 * 24
PER_PAGE = 50

Status = ImportJob.Status


class QuestionInvalidError(DomainError):
    """The item cannot be asked and graded; `problems` says why, one Russian phrase each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(_("Вопрос не сохранён: %(problems)s.") % {"problems": "; ".join(problems)})
        self.problems = list(problems)


# --- Questions -------------------------------------------------------------------------------


def create_question(
    *,
    actor: Any,
    item: Item,
    category: Category | None,
    visibility: str = Question.Visibility.PRIVATE,
    difficulty: int | None = None,
    subject: Subject | None = None,
    grades: Iterable[int] = (),
    tags: Iterable[str] = (),
) -> Question:
    """A question written in the browser: the row and its version 1."""
    if not permissions.can_create_question(actor):
        raise PermissionDeniedError(_("Писать вопросы в банк могут только педагоги."))
    organization_id = _organization_of(actor)
    details = _clean_details(
        actor,
        organization_id=organization_id,
        category=category,
        visibility=visibility,
        difficulty=difficulty,
        subject=subject,
        grades=grades,
        tags=tags,
    )
    item = _checked_item(item, tags=details["tags"])
    with transaction.atomic():
        question = Question.objects.create(
            type=item.type.value,
            name=item.name,
            author=actor,
            organization_id=organization_id,
            current_version=1,
            **details,
        )
        QuestionVersion.objects.create(
            question=question, number=1, data=to_data(item), created_by=actor
        )
        audit.record(
            actor=actor,
            action="testing.question_created",
            target=question,
            to_state="1",
            changes={
                "type": item.type.value,
                "category": str(details["category"]),
                "visibility": details["visibility"],
            },
        )
    return question


def edit_question(
    *, actor: Any, question: Question, item: Item, comment: str = ""
) -> QuestionVersion:
    """A new immutable version; the question's name and type follow it. Earlier versions
    stay as they were: finished tests keep pointing at the one their students answered."""
    if not permissions.can_edit_question(actor, question):
        raise PermissionDeniedError(
            _(
                "Изменять вопрос может только его автор; чтобы изменить чужой вопрос, "
                "скопируйте его себе."
            )
        )
    with transaction.atomic():
        # Locked: two saves at once would both write version N+1.
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.is_archived:
            raise DomainError(_("Вопрос в архиве: верните его из архива, чтобы изменить."))
        item = _checked_item(item, tags=question.tags)
        if to_data(item) == current_version_of(question).data:
            raise DomainError(_("В вопросе ничего не изменилось: новая версия не нужна."))
        number = question.current_version + 1
        version = QuestionVersion.objects.create(
            question=question, number=number, data=to_data(item), created_by=actor
        )
        before = audit.snapshot(question, ["name", "type"])
        question.current_version = number
        question.name = item.name
        question.type = item.type.value
        question.save(update_fields=["current_version", "name", "type", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.question_edited",
            target=question,
            from_state=str(number - 1),
            to_state=str(number),
            comment=comment.strip(),
            changes=audit.model_changes(question, before, ["name", "type"]),
        )
    return version


DETAIL_FIELDS = ["category", "visibility", "difficulty", "subject", "grades", "tags"]


def update_question_details(
    *,
    actor: Any,
    question: Question,
    category: Category | None,
    visibility: str,
    difficulty: int | None = None,
    subject: Subject | None = None,
    grades: Iterable[int] = (),
    tags: Iterable[str] = (),
) -> Question:
    """What the bank is searched and shared by; the item's versions are not touched."""
    if not permissions.can_edit_question(actor, question):
        raise PermissionDeniedError(_("Изменять сведения о вопросе может только его автор."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        details = _clean_details(
            actor,
            organization_id=question.organization_id,
            category=category,
            visibility=visibility,
            difficulty=difficulty,
            subject=subject,
            grades=grades,
            tags=tags,
        )
        before = audit.snapshot(question, DETAIL_FIELDS)
        for name, value in details.items():
            setattr(question, name, value)
        changes = audit.model_changes(question, before, DETAIL_FIELDS)
        if not changes:
            return question
        question.save(update_fields=[*DETAIL_FIELDS, "updated_at"])
        audit.record(
            actor=actor,
            action="testing.question_details_changed",
            target=question,
            from_state=str(before["visibility"]),
            to_state=question.visibility,
            changes=changes,
        )
    return question


def copy_question(*, actor: Any, question: Question) -> Question:
    """The actor's own private copy, version 1 being the source's current one; the copy
    remembers its source, and the source's author keeps theirs unchanged."""
    if not permissions.can_copy_question(actor, question):
        raise PermissionDeniedError(_("Копировать можно только вопросы, которые вам видны."))
    question = Question.objects.get(pk=question.pk)  # its current version as of now
    source = current_version_of(question)
    with transaction.atomic():
        copy = Question.objects.create(
            category=question.category,
            type=question.type,
            name=question.name,
            author=actor,
            organization_id=_organization_of(actor),
            visibility=Question.Visibility.PRIVATE,
            difficulty=question.difficulty,
            subject=question.subject,
            grades=list(question.grades),
            tags=list(question.tags),
            current_version=1,
            copied_from=question,
        )
        QuestionVersion.objects.create(question=copy, number=1, data=source.data, created_by=actor)
        audit.record(
            actor=actor,
            action="testing.question_copied",
            target=copy,
            to_state="1",
            comment=_("Копия вопроса №%(pk)d (версия %(number)d).")
            % {"pk": question.pk, "number": source.number},
            changes={"source": question.pk, "source_version": source.number},
        )
    return copy


def archive_question(*, actor: Any, question: Question) -> Question:
    """Out of the bank's list and of new tests; finished tests keep it."""
    return _set_archived(actor, question, archived=True)


def restore_question(*, actor: Any, question: Question) -> Question:
    return _set_archived(actor, question, archived=False)


def _set_archived(actor: Any, question: Question, *, archived: bool) -> Question:
    if not permissions.can_archive_question(actor, question):
        raise PermissionDeniedError(_("Убрать вопрос в архив или вернуть его может только автор."))
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.is_archived == archived:
            raise DomainError(
                _("Вопрос уже в архиве.") if archived else _("Вопрос и так не в архиве.")
            )
        question.is_archived = archived
        question.save(update_fields=["is_archived", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.question_archived" if archived else "testing.question_restored",
            target=question,
            from_state="active" if archived else "archived",
            to_state="archived" if archived else "active",
        )
    return question


def current_version_of(question: Question) -> QuestionVersion:
    return QuestionVersion.objects.get(question=question, number=question.current_version)


def question_item(question: Question, number: int | None = None) -> Item:
    """The item of a version (the current one by default)."""
    if number is None:
        return from_data(current_version_of(question).data)
    return from_data(QuestionVersion.objects.get(question=question, number=number).data)


def _organization_of(actor: Any) -> int | None:
    """The school a question is shared with, as import_items decides it."""
    staff_orgs = people.roles_of(actor).staff_org_ids
    return min(staff_orgs) if staff_orgs else None


def _checked_item(item: Item, *, tags: list[str]) -> Item:
    """The item as it is stored: a name (from the text when none is given), the row's tags,
    no category of its own (the row has it), and no problem that stops grading."""
    name = " ".join(item.name.split()) or default_name(item.text)
    item = replace(item, name=name[:NAME_LENGTH], category=[], tags=list(tags))
    problems: list[str] = []
    if item.type is ItemType.CLOZE:
        # The fields are read from the text here, so what is stored always agrees with it.
        parts, unreadable = parse_cloze(item.text)
        item.cloze_parts = parts
        problems.extend(unreadable)
    problems.extend(validate_item(item))
    if problems:
        raise QuestionInvalidError(problems)
    return item


def _clean_details(
    actor: Any,
    *,
    organization_id: int | None,
    category: Category | None,
    visibility: str,
    difficulty: int | None,
    subject: Subject | None,
    grades: Iterable[int],
    tags: Iterable[str],
) -> dict[str, Any]:
    if category is None or not permissions.can_view_category(actor, category):
        raise DomainError(_("Выберите категорию банка, в которой будет вопрос."))
    if visibility not in Question.Visibility.values:
        raise DomainError(_("Неизвестная видимость вопроса: «%(value)s».") % {"value": visibility})
    if visibility == Question.Visibility.SCHOOL and organization_id is None:
        raise DomainError(
            _(
                "Открыть вопрос педагогам своей школы может только тот, кто в ней работает; "
                "выберите «только автору» или «педагогам всей сети»."
            )
        )
    if difficulty is not None and not 1 <= difficulty <= 5:
        raise DomainError(_("Сложность — число от 1 (легко) до 5 (трудно)."))
    clean_grades = sorted(set(grades))
    if any(grade not in GRADES for grade in clean_grades):
        raise DomainError(_("Классы — числа от 1 до 11."))
    return {
        "category": category,
        "visibility": visibility,
        "difficulty": difficulty,
        "subject": subject,
        "grades": clean_grades,
        "tags": _clean_tags(tags),
    }


def _clean_tags(tags: Iterable[str]) -> list[str]:
    """Stripped, without repeats (up to case and ё), in the order given."""
    seen: set[str] = set()
    clean: list[str] = []
    for tag in tags:
        text = " ".join(tag.split())
        if not text or name_key(text) in seen:
            continue
        if len(text) > TAG_LENGTH:
            raise DomainError(
                _("Метка «%(tag)s» длиннее %(limit)d знаков.") % {"tag": text, "limit": TAG_LENGTH}
            )
        seen.add(name_key(text))
        clean.append(text)
    if len(clean) > MAX_TAGS:
        raise DomainError(
            _("У вопроса может быть не больше %(limit)d меток.") % {"limit": MAX_TAGS}
        )
    return clean


# --- Categories ------------------------------------------------------------------------------


def create_category(*, actor: Any, parent: Category | None, name: str) -> Category:
    """A node of the tree, shared like its parent (a top one with the whole network)."""
    if not permissions.can_create_category(actor, parent):
        raise PermissionDeniedError(_("Создавать категории банка могут только педагоги."))
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Укажите название категории."))
    if len(name) > NAME_LENGTH:
        raise DomainError(
            _("Название категории длиннее %(limit)d знаков.") % {"limit": NAME_LENGTH}
        )
    siblings = Category.objects.filter(parent=parent).values_list("name", flat=True)
    if any(name_key(sibling) == name_key(name) for sibling in siblings):
        raise DomainError(_("Категория «%(name)s» здесь уже есть.") % {"name": name})
    try:
        with transaction.atomic():
            category = Category.objects.create(
                parent=parent, name=name, district_id=parent.district_id if parent else None
            )
            audit.record(
                actor=actor,
                action="testing.category_created",
                target=category,
                changes={"parent": str(parent) if parent else None, "name": name},
            )
    except IntegrityError as error:  # the same name added a moment ago by someone else
        raise DomainError(_("Категория «%(name)s» здесь уже есть.") % {"name": name}) from error
    return category


# --- Imports ---------------------------------------------------------------------------------

# What a file's extension says about its format; ".txt" is read to tell GIFT from Aiken.
EXTENSION_FORMATS = {
    "gift": "gift",
    "xml": "moodlexml",
    "aiken": "aiken",
    "xlsx": "xlsx",
}
_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:", re.MULTILINE)
_XML_START = re.compile(
    rb"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w.-]*)", re.S
)
_BINARY_STARTS = (
    b"PK\x03\x04",
    b"%PDF",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"MZ",
    b"\x7fELF",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
)


def guess_format(name: str, head: bytes) -> str | None:
    """The format of an uploaded file by its extension (a ".txt" by its first lines), or
    None when neither tells; only formats the bank reads."""
    extension = posixpath.splitext(name.replace("\\", "/"))[1].lower().lstrip(".")
    guessed = EXTENSION_FORMATS.get(extension)
    if extension == "txt":
        text = formats.decode_text(head)
        guessed = "aiken" if _AIKEN_ANSWER.search(text) and "{" not in text else "gift"
    return guessed if guessed in formats.FORMATS else None


def _check_content(data: bytes, format: str, name: str) -> None:
    """Refuse a file whose content is not what its format says, before reading it."""
    label = {
        "gift": _("текст в формате GIFT"),
        "aiken": _("текст в формате Aiken"),
        "moodlexml": _("файл Moodle XML"),
        "xlsx": _("таблица Excel (XLSX)"),
    }.get(format, format)
    refused = _("Файл «%(name)s» — не %(format)s: %(reason)s")
    if format == "xlsx":
        reason = _xlsx_problem(data)
        if reason:
            raise DomainError(refused % {"name": name, "format": label, "reason": reason})
        return
    if format == "moodlexml":
        match = _XML_START.match(data.removeprefix(b"\xef\xbb\xbf")[:65536])
        if match is None:
            reason = _("в нём нет XML; выберите формат, в котором он сохранён.")
        elif match[1] != b"quiz":
            reason = _("корневой элемент XML — «%(root)s», а в Moodle XML это «quiz».") % {
                "root": match[1].decode("ascii", "replace")
            }
        else:
            return
        raise DomainError(refused % {"name": name, "format": label, "reason": reason})
    # GIFT and Aiken: text in a teacher's encoding (formats.decode_text).
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError as error:
            reason = _("текст в UTF-16 повреждён.")
            raise DomainError(
                refused % {"name": name, "format": label, "reason": reason}
            ) from error
        return
    if data.startswith(_BINARY_STARTS) or b"\x00" in data[:65536]:
        reason = _("это двоичный файл (документ, архив или программа), а не текст.")
        raise DomainError(refused % {"name": name, "format": label, "reason": reason})
    if _XML_START.match(data.removeprefix(b"\xef\xbb\xbf")[:4096]) is not None:
        reason = _("это XML; если файл выгружен из Moodle в XML, выберите формат «Moodle XML».")
        raise DomainError(refused % {"name": name, "format": label, "reason": reason})
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data.decode("cp1251")
        except UnicodeDecodeError as error:
            reason = _("текст не читается ни в UTF-8, ни в Windows-1251.")
            raise DomainError(
                refused % {"name": name, "format": label, "reason": reason}
            ) from error


def _xlsx_problem(data: bytes) -> str | None:
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            return _("это книга Excel старого формата (XLS); сохраните её как XLSX.")
        return _("это не архив XLSX.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return _("архив повреждён.")
    if not any(entry.startswith("xl/") for entry in names):
        if "content.xml" in names:
            return _("это таблица OpenDocument (ODS); сохраните её как XLSX.")
        return _("это ZIP-архив, но не книга Excel.")
    return None


def start_import(
    *,
    actor: Any,
    uploaded_file: UploadedFile[bytes],
    format: str,
    category_path: Sequence[str] = (),
    visibility: str = Question.Visibility.PRIVATE,
) -> ImportJob:
    """Store the file and read it for the preview: every item found and every error with
    its line or element. Nothing goes into the bank before `confirm_import`."""
    if not permissions.can_import_questions(actor):
        raise PermissionDeniedError(_("Импортировать вопросы в банк могут только педагоги."))
    name = posixpath.basename((uploaded_file.name or "").replace("\\", "/"))[:255] or "questions"
    if format not in formats.FORMATS:
        raise DomainError(_("Неизвестный формат файла: «%(format)s».") % {"format": format})
    if visibility not in Question.Visibility.values:
        raise DomainError(_("Неизвестная видимость вопросов: «%(value)s».") % {"value": visibility})
    if visibility == Question.Visibility.SCHOOL and not permissions.can_share_with_school(actor):
        raise DomainError(
            _(
                "Открыть вопросы педагогам своей школы может только тот, кто в ней работает; "
                "выберите «только автору» или «педагогам всей сети»."
            )
        )
    path = [" ".join(part.split())[:NAME_LENGTH] for part in category_path]
    path = [part for part in path if part]
    limit = settings.IMPORT_MAX_BYTES
    if (uploaded_file.size or 0) > limit:
        raise DomainError(_too_large(name, limit))
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_too_large(name, limit))
    if not data.strip():
        raise DomainError(_("Файл «%(name)s» пуст.") % {"name": name})
    _check_content(data, format, name)
    result = _parse(data, format, name)
    with transaction.atomic():
        job = ImportJob(
            author=actor,
            original_name=name,
            format=format,
            category_path=path,
            visibility=visibility,
            total=len(result.items),
            errors=[_error_json(error) for error in result.errors],
        )
        # A random stored name: the teacher's own name may hold anything.
        extension = "xml" if format == "moodlexml" else format
        job.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        job.save()
        audit.record(
            actor=actor,
            action="testing.import_started",
            target=job,
            to_state=Status.PREVIEW,
            comment=_("Файл «%(name)s»: вопросов %(count)d, ошибок %(errors)d.")
            % {"name": name, "count": len(result.items), "errors": len(result.errors)},
        )
        transaction.on_commit(partial(_remember_preview, job.pk, path, result.items))
    return job


def _too_large(name: str, limit: int) -> str:
    return _("Файл «%(name)s» больше %(limit)s: разделите его на части.") % {
        "name": name,
        "limit": format_size(limit),
    }


def _parse(data: bytes, format: str, name: str) -> ParseResult:
    try:
        return formats.parse(data, format)
    except Exception as error:
        # A reader reports what it can as errors; anything it raises means the file is
        # damaged beyond reading, which the teacher can only fix by saving it again.
        logger.exception("Reading %s as %s failed", name, format)
        raise DomainError(
            _("Файл «%(name)s» не читается: он повреждён или сохранён не в выбранном формате.")
            % {"name": name}
        ) from error


def _error_json(error: ParseError) -> dict[str, Any]:
    return {"line": error.line, "element": error.element, "message": error.message}


def confirm_import(*, actor: Any, job: ImportJob) -> ImportJob:
    """Queue the saving of a file read without errors; the page then shows the progress."""
    if not permissions.can_manage_import(actor, job):
        raise PermissionDeniedError(_("Подтвердить импорт может только тот, кто загрузил файл."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status == Status.PREVIEW and job.errors:
            raise DomainError(
                _("В файле есть ошибки: исправьте файл и загрузите его снова. Ничего не сохранено.")
            )
        if job.status == Status.PREVIEW and not job.total:
            raise DomainError(_("В файле не найдено ни одного вопроса."))
        _move(job, Status.QUEUED)
        job.saved = 0
        job.save(update_fields=["status", "saved", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.import_confirmed",
            target=job,
            from_state=Status.PREVIEW,
            to_state=Status.QUEUED,
        )
        cache.set(progress_key(job.pk), 0, PROGRESS_TIMEOUT)
        transaction.on_commit(partial(tasks.import_questions_task.enqueue, job.pk))
    return job


def run_import(job_id: int) -> None:
    """Save a confirmed file's questions, all or none; safe to run twice.

    The job is claimed by a conditional UPDATE (QUEUED → RUNNING), so a second run or a
    second worker does nothing. The file is read again and saved by import_items in chunks
    inside ONE transaction: any failure and nothing is saved. The page cannot see the rows
    or the job's fields until that transaction commits, so the progress goes through the
    cache, which the worker and the web process share.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, updated_at=timezone.now()
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("author").get(pk=job_id)
    try:
        result = _read_stored(job)
        if result.errors or not result.items:
            reason = (
                _("При повторном чтении файла нашлись ошибки: %(errors)s. Ничего не сохранено.")
                % {"errors": "; ".join(str(error) for error in result.errors[:5])}
                if result.errors
                else _("В файле не найдено ни одного вопроса.")
            )
            _fail(job_id, reason)
            return
        with transaction.atomic():
            saved = 0
            for start in range(0, len(result.items), IMPORT_CHUNK):
                chunk = result.items[start : start + IMPORT_CHUNK]
                import_items(
                    actor=job.author,
                    result=ParseResult(items=chunk, categories=result.categories),
                    category_path=list(job.category_path) or None,
                    visibility=job.visibility,
                )
                saved += len(chunk)
                cache.set(progress_key(job_id), saved, PROGRESS_TIMEOUT)
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            _move(job, Status.DONE)
            job.saved = saved
            job.total = len(result.items)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "saved", "total", "finished_at", "updated_at"])
            audit.record(
                actor=job.author,
                action="testing.import_finished",
                target=job,
                from_state=Status.RUNNING,
                to_state=Status.DONE,
                comment=_("Сохранено вопросов: %(count)d.") % {"count": saved},
            )
            transaction.on_commit(partial(_discard_file, job_id))
    except DomainError as error:
        _fail(job_id, error.message)
    except Exception:
        logger.exception("Import of questions %s failed", job_id)
        _fail(
            job_id,
            _(
                "Сбой во время импорта; ничего не сохранено. Попробуйте ещё раз или "
                "сообщите администратору."
            ),
        )
        raise
    finally:
        cache.delete(progress_key(job_id))


def cancel_import(*, actor: Any, job: ImportJob) -> ImportJob:
    """Drop a file that waits for confirmation; nothing was saved from it."""
    if not permissions.can_manage_import(actor, job):
        raise PermissionDeniedError(_("Отменить импорт может только тот, кто загрузил файл."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        from_status = job.status
        _move(job, Status.CANCELLED)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at", "updated_at"])
        audit.record(
            actor=actor,
            action="testing.import_cancelled",
            target=job,
            from_state=from_status,
            to_state=Status.CANCELLED,
        )
        transaction.on_commit(partial(_discard_file, job.pk))
    return job


def _move(job: ImportJob, to: str) -> None:
    if to not in ImportJob.TRANSITIONS[job.status]:
        raise DomainError(
            _("Импорт в состоянии «%(from)s» нельзя перевести в состояние «%(to)s».")
            % {"from": job.get_status_display(), "to": Status(to).label}
        )
    job.status = to


def _fail(job_id: int, reason: str) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or Status.FAILED not in ImportJob.TRANSITIONS[job.status]:
            return
        from_status = job.status
        _move(job, Status.FAILED)
        job.failure = reason
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "failure", "finished_at", "updated_at"])
        audit.record(
            actor=job.author,
            action="testing.import_failed",
            target=job,
            from_state=from_status,
            to_state=Status.FAILED,
            comment=reason,
        )
        transaction.on_commit(partial(_discard_file, job_id))


def _read_stored(job: ImportJob) -> ParseResult:
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError) as error:
        raise DomainError(_("Загруженный файл не найден: загрузите его снова.")) from error
    return _parse(data, job.format, job.original_name)


def _discard_file(job_id: int) -> None:
    """Once a job can no longer be saved, its file is not needed: its report stays."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or not job.file or job.status in {Status.PREVIEW, Status.QUEUED, Status.RUNNING}:
        return
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job_id).update(file="")


# --- Import progress and preview -------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"metodset:testing:import:{job_id}:saved"


def _preview_key(job_id: int) -> str:
    return f"metodset:testing:import:{job_id}:preview"


@dataclass(frozen=True)
class ImportProgress:
    saved: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, self.saved * 100 // self.total) if self.total else 0


def import_progress(job: ImportJob) -> ImportProgress:
    if job.status == Status.RUNNING:
        return ImportProgress(int(cache.get(progress_key(job.pk)) or 0), job.total)
    if job.status == Status.QUEUED:
        return ImportProgress(0, job.total)
    return ImportProgress(job.saved, job.total)


@dataclass(frozen=True)
class PreviewItem:
    """One item of a file as the preview lists it."""

    number: int
    type: str
    name: str
    category: str
    source: str


def _preview_items(path: Sequence[str], items: Iterable[Item]) -> list[PreviewItem]:
    return [
        PreviewItem(
            number=number,
            type=item.type.value,
            name=item.name,
            # Where import_items will put it.
            category=" / ".join((*path, *item.category) or (UNCATEGORIZED,)),
            source=item.source,
        )
        for number, item in enumerate(items, 1)
    ]


def _remember_preview(job_id: int, path: Sequence[str], items: list[Item]) -> None:
    cache.set(_preview_key(job_id), _preview_items(path, items), PREVIEW_TIMEOUT)


def import_preview(job: ImportJob) -> list[PreviewItem]:
    """Every item found in the file; read again when the cache has forgotten it."""
    cached = cache.get(_preview_key(job.pk))
    if cached is not None:
        return list(cached)
    if job.status != Status.PREVIEW or not job.file:
        return []
    try:
        result = _read_stored(job)
    except DomainError:
        return []
    preview = _preview_items(job.category_path, result.items)
    cache.set(_preview_key(job.pk), preview, PREVIEW_TIMEOUT)
    return preview


def imported_category(job: ImportJob) -> Category | None:
    """The category the questions went to, for the link on the finished import's page."""
    return find_category(list(job.category_path)) if job.category_path else None


# --- Reads of the bank's pages ---------------------------------------------------------------


def get_question_for(user: Any, pk: int) -> Question:
    """404 both for a missing question and one the user may not see."""
    question = get_object_or_404(
        Question.objects.select_related("category", "author", "organization", "subject"), pk=pk
    )
    if not permissions.can_view_question(user, question):
        raise Http404
    return question


def get_import_for(user: Any, pk: int) -> ImportJob:
    """404 both for a missing import and someone else's."""
    job = get_object_or_404(ImportJob.objects.select_related("author"), pk=pk)
    if not permissions.can_view_import(user, job):
        raise Http404
    return job


def get_category_for(user: Any, pk: int) -> Category:
    category = get_object_or_404(Category, pk=pk)
    if not permissions.can_view_category(user, category):
        raise Http404
    return category


def version_comments(question: Question) -> dict[int, str]:
    """What the author said about each edit (the audit entry of the edit keeps it)."""
    rows = AuditEntry.objects.filter(
        action="testing.question_edited",
        target_type=ContentType.objects.get_for_model(Question),
        target_id=str(question.pk),
    ).values_list("to_state", "comment")
    return {int(number): comment for number, comment in rows if number.isdigit() and comment}


@dataclass
class CategoryNode:
    """A category of the sidebar's tree with the number of questions the user sees in it
    and below it."""

    pk: int
    name: str
    path: str
    count: int = 0
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree(user: Any) -> tuple[list[CategoryNode], dict[int, CategoryNode]]:
    """The roots of the tree the user sees and every node by id (two queries)."""
    rows = list(
        permissions.categories_visible_to(user)
        .order_by("position", "name")
        .values_list("pk", "parent_id", "name")
    )
    nodes = {pk: CategoryNode(pk=pk, name=name, path=name) for pk, _parent, name in rows}
    roots: list[CategoryNode] = []
    parents = {pk: parent for pk, parent, _name in rows}
    for pk, parent, _name in rows:
        if parent in nodes:
            nodes[parent].children.append(nodes[pk])
        else:
            roots.append(nodes[pk])
    for pk in nodes:
        names = []
        cursor: int | None = pk
        while cursor is not None and cursor in nodes:
            names.append(nodes[cursor].name)
            cursor = parents[cursor]
        nodes[pk].path = " / ".join(reversed(names))
    counts = (
        permissions.questions_visible_to(user)
        .filter(is_archived=False)
        .values("category_id")
        .annotate(count=Count("pk"))
        .values_list("category_id", "count")
    )
    for category_id, count in counts:
        cursor = category_id
        while cursor is not None and cursor in nodes:
            nodes[cursor].count += count
            cursor = parents[cursor]
    return roots, nodes


def subtree_ids(node: CategoryNode) -> list[int]:
    ids = [node.pk]
    for child in node.children:
        ids.extend(subtree_ids(child))
    return ids


@dataclass(frozen=True)
class BankFilters:
    """What the bank's list is narrowed by; the empty value of each means «any»."""

    category_ids: Sequence[int] | None = None  # the chosen category and all below it
    scope: str = ""  # "mine", "school", "network"
    subject_id: int | None = None
    grade: int | None = None
    type: str = ""
    difficulty: int | None = None
    tag: str = ""
    text: str = ""
    archived: bool = False


def bank_page(user: Any, filters: BankFilters, page_number: Any) -> Page[Any]:
    """A page of the questions the user sees, narrowed by the filters (PER_PAGE a page).

    Name, grades and tags are matched in Python: SQLite's LIKE folds the case of Latin
    letters only, and neither database is asked to look inside the JSON lists the same way.
    The database narrows by everything else first, and only the page's rows are loaded.
    """
    questions = permissions.questions_visible_to(user).filter(is_archived=filters.archived)
    roles = people.roles_of(user)
    if filters.scope == "mine":
        questions = questions.filter(author=user.pk)
    elif filters.scope == "school":
        questions = questions.filter(organization__in=roles.staff_org_ids).exclude(
            visibility=Question.Visibility.PRIVATE
        )
    elif filters.scope == "network":
        questions = questions.filter(visibility=Question.Visibility.NETWORK)
    if filters.category_ids is not None:
        questions = questions.filter(category__in=list(filters.category_ids))
    if filters.subject_id is not None:
        questions = questions.filter(subject=filters.subject_id)
    if filters.type:
        questions = questions.filter(type=filters.type)
    if filters.difficulty is not None:
        questions = questions.filter(difficulty=filters.difficulty)
    # A chosen category lists in the order its questions came (a file's order); the whole
    # bank, newest first.
    questions = questions.order_by("pk" if filters.category_ids is not None else "-pk")
    words = name_key(filters.text).split()
    tag = name_key(filters.tag)
    if not (words or tag or filters.grade is not None):
        return Paginator(
            questions.select_related("category", "author", "subject"), PER_PAGE
        ).get_page(page_number)
    found: list[Any] = [
        pk
        for pk, name, grades, tags in questions.values_list("pk", "name", "grades", "tags")
        if all(word in name_key(name) for word in words)
        and (not tag or any(name_key(str(each)) == tag for each in tags or []))
        and (filters.grade is None or filters.grade in (grades or []))
    ]
    page = Paginator(found, PER_PAGE).get_page(page_number)
    rows = Question.objects.filter(pk__in=list(page.object_list)).select_related(
        "category", "author", "subject"
    )
    by_pk = {question.pk: question for question in rows}
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    return page
