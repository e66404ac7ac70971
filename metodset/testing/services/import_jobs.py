"""Importing an uploaded file into the bank, as a job the teacher follows.

Upload and check (`start_import`, the preview of every item and error), confirm
(`confirm_import`), save in the background (`run_import`, the task), cancel
(`cancel_import`). The page reads the job's progress and preview from here too.
"""

import io
import logging
import posixpath
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.uploads import format_size
from metodset.testing import formats, permissions, tasks
from metodset.testing.formats.items import Item, ParseError, ParseResult
from metodset.testing.models import NAME_LENGTH, Category, ImportJob, Question
from metodset.testing.services.imports import UNCATEGORIZED, find_category, import_items

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "testing.import_started": gettext_lazy("Файл с вопросами загружен и проверен"),
        "testing.import_confirmed": gettext_lazy("Импорт вопросов подтверждён"),
        "testing.import_finished": gettext_lazy("Импорт вопросов завершён"),
        "testing.import_failed": gettext_lazy("Импорт вопросов не удался"),
        "testing.import_cancelled": gettext_lazy("Импорт вопросов отменён"),
    }
)

# How many items one call of import_items saves: the page's progress moves a step per chunk.
IMPORT_CHUNK = 500
PROGRESS_TIMEOUT = 60 * 60 * 12
PREVIEW_TIMEOUT = 60 * 60 * 24

Status = ImportJob.Status

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

    def refusal(reason: str) -> DomainError:
        return DomainError(
            _("Файл «%(name)s» — не %(format)s: %(reason)s")
            % {"name": name, "format": label, "reason": reason}
        )

    if format == "xlsx":
        reason = _xlsx_problem(data)
        if reason:
            raise refusal(reason)
        return
    if format == "moodlexml":
        match = _XML_START.match(data.removeprefix(b"\xef\xbb\xbf")[:65536])
        if match is None:
            raise refusal(_("в нём нет XML; выберите формат, в котором он сохранён."))
        if match[1] != b"quiz":
            raise refusal(
                _("корневой элемент XML — «%(root)s», а в Moodle XML это «quiz».")
                % {"root": match[1].decode("ascii", "replace")}
            )
        return
    # GIFT and Aiken: text in a teacher's encoding (formats.decode_text).
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise refusal(_("текст в UTF-16 повреждён.")) from error
        return
    if data.startswith(_BINARY_STARTS) or b"\x00" in data[:65536]:
        raise refusal(_("это двоичный файл (документ, архив или программа), а не текст."))
    if _XML_START.match(data.removeprefix(b"\xef\xbb\xbf")[:4096]) is not None:
        raise refusal(
            _("это XML; если файл выгружен из Moodle в XML, выберите формат «Moodle XML».")
        )
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data.decode("cp1251")
        except UnicodeDecodeError as error:
            raise refusal(_("текст не читается ни в UTF-8, ни в Windows-1251.")) from error


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
