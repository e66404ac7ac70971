"""The bulk import of accounts: upload, check in the background, show the preview or the
errors, confirm, write every row in one transaction, invite.

A batch moves through ImportBatch.TRANSITIONS; each move locks the batch row. The long
steps run as tasks (tasks.py), each calling one function here, and each safe to run twice.
"""

import logging
import os
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions, services, tasks
from metodset.accounts.importing import (
    AccountFileChecker,
    AccountRow,
    CheckResult,
    RowError,
    detect_format,
    size_limit_error,
)
from metodset.accounts.models import District, ImportBatch, Membership, Organization, User
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError

logger = logging.getLogger(__name__)

WRITE_CHUNK = 500
INVITATION_CHUNK = 100
PROGRESS_TIMEOUT = 60 * 60 * 12
STAGE_CHECKING = "checking"
STAGE_WRITING = "writing"

audit.register_actions(
    {
        "accounts.import_cancelled": gettext_lazy("Импорт учётных записей отменён"),
        "accounts.import_failed": gettext_lazy("Импорт учётных записей не выполнен"),
    }
)

Status = ImportBatch.Status


# --- The verbs ----------------------------------------------------------------------------------


def start_import(
    *,
    actor: Any,
    uploaded_file: UploadedFile[bytes],
    send_invitations: bool,
    district: District | None = None,
    organization: Organization | None = None,
) -> ImportBatch:
    """Store the file and check it in the background; the page shows the progress."""
    scope = _choose_scope(actor, district, organization)
    if (uploaded_file.size or 0) > settings.IMPORT_MAX_BYTES:
        raise size_limit_error()
    data = uploaded_file.read()
    kind = detect_format(data)  # a wrong type is refused at once, not after a queue
    original_name = os.path.basename(uploaded_file.name or "")[:255] or f"import.{kind}"
    with transaction.atomic():
        batch = ImportBatch(
            uploaded_by=actor,
            district=scope.district,
            organization=scope.organization,
            original_name=original_name,
            send_invitations=send_invitations,
        )
        # A random name: the file holds personal data, its name must not be guessable.
        batch.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
        batch.save()
        transaction.on_commit(partial(tasks.validate_import.enqueue, batch.pk))
    return batch


def _choose_scope(
    actor: Any, district: District | None, organization: Organization | None
) -> permissions.ImportScope:
    scopes = permissions.import_scopes_for(actor)
    if not scopes:
        raise PermissionDeniedError(_("У вас нет прав на импорт учётных записей."))
    if district is None and organization is None:
        if len(scopes) > 1:
            raise DomainError(_("Выберите, в какой район или организацию импортировать."))
        return scopes[0]
    for scope in scopes:
        same_organization = (scope.organization and scope.organization.pk) == (
            organization and organization.pk
        )
        if (district is None or scope.district.pk == district.pk) and same_organization:
            return scope
    raise PermissionDeniedError(_("Импортировать сюда вы не можете."))


def validate_import(batch_id: int) -> None:
    """Check every row and move the batch to READY or INVALID.

    Runs outside a transaction: on SQLite an open write transaction would hold the one
    write lock for the whole check. Progress is a plain UPDATE, seen by the page at once.
    """
    batch = (
        ImportBatch.objects.select_related("uploaded_by", "district", "organization")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.status != Status.VALIDATING:
        return  # already checked: a second run does nothing

    def progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id, status=Status.VALIDATING).update(
            processed_rows=done, total_rows=total
        )

    try:
        result = _check_batch(batch, progress)
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != Status.VALIDATING:
                return
            _move(batch, Status.READY if result.is_clean else Status.INVALID)
            batch.total_rows = result.total_rows
            batch.processed_rows = result.total_rows
            batch.errors = result.errors_json()
            batch.preview = result.preview()
            batch.save(
                update_fields=[
                    "status",
                    "total_rows",
                    "processed_rows",
                    "errors",
                    "preview",
                    "updated_at",
                ]
            )
            if batch.status == Status.INVALID:
                transaction.on_commit(partial(_discard_file, batch.pk))
    except Exception:
        logger.exception("Checking import batch %s failed", batch_id)
        _fail(
            batch_id,
            actor=None,
            from_status=Status.VALIDATING,
            reason=_(
                "Сбой при проверке файла. Загрузите его ещё раз; если не поможет — сообщите администратору."
            ),
        )
        raise


def confirm_import(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Start writing a checked batch; the file is checked again just before."""
    if not permissions.can_manage_import(actor, batch):
        raise PermissionDeniedError(_("У вас нет прав на это действие."))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == Status.INVALID:
            raise DomainError(
                _("В файле есть ошибки: исправьте их и загрузите файл заново. Ничего не записано.")
            )
        _move(batch, Status.IMPORTING)
        batch.processed_rows = 0
        batch.save(update_fields=["status", "processed_rows", "updated_at"])
        cache.set(progress_key(batch.pk), {"stage": STAGE_CHECKING, "done": 0}, PROGRESS_TIMEOUT)
        transaction.on_commit(partial(tasks.run_import.enqueue, batch.pk, actor.pk))
    return batch


def run_import(batch_id: int, actor_id: int | None = None) -> None:
    """Check the file again (the database may have changed since the preview), then create
    every person and role in ONE transaction: any bad row and nothing is written.

    The batch row is locked for the whole write, so a second run waits and then sees DONE.
    Progress goes through the cache: the batch's own fields are invisible to the page until
    the transaction commits.
    """
    try:
        with transaction.atomic():
            batch = (
                # Lock only the batch: PostgreSQL refuses FOR UPDATE on the nullable
                # side of the outer join to the organization.
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("uploaded_by", "district", "organization")
                .filter(pk=batch_id)
                .first()
            )
            if batch is None or batch.status != Status.IMPORTING:
                return
            actor = User.objects.filter(pk=actor_id).first() if actor_id else None
            actor = actor or batch.uploaded_by
            key = progress_key(batch_id)

            def progress(done: int, total: int) -> None:
                cache.set(key, {"stage": STAGE_CHECKING, "done": done}, PROGRESS_TIMEOUT)

            result = _check_batch(batch, progress)
            if not result.is_clean:
                _finish_failed(batch, actor, result.errors_json())
                return
            user_ids = _create_accounts(result.rows, actor=actor, progress_key=key)
            _move(batch, Status.DONE)
            batch.total_rows = result.total_rows
            batch.processed_rows = result.total_rows
            batch.created_count = len(user_ids)
            batch.errors = []
            batch.finished_at = timezone.now()
            batch.save(
                update_fields=[
                    "status",
                    "total_rows",
                    "processed_rows",
                    "created_count",
                    "errors",
                    "finished_at",
                    "updated_at",
                ]
            )
            audit.record(
                actor=actor,
                action="accounts.imported",
                target=batch,
                from_state=Status.IMPORTING,
                to_state=Status.DONE,
                comment=_("Создано учётных записей: %(count)s, файл «%(name)s».")
                % {"count": len(user_ids), "name": batch.original_name},
                district_id=batch.district_id,
            )
            transaction.on_commit(partial(_discard_file, batch.pk))
            if batch.send_invitations:
                for start in range(0, len(user_ids), INVITATION_CHUNK):
                    chunk = user_ids[start : start + INVITATION_CHUNK]
                    transaction.on_commit(
                        partial(tasks.send_import_invitations.enqueue, batch_id, chunk)
                    )
    except IntegrityError:
        # PostgreSQL: someone took one of the e-mails between the check and the insert.
        _fail(
            batch_id,
            actor=None,
            from_status=Status.IMPORTING,
            reason=_(
                "Пока шёл импорт, часть e-mail из файла успели зарегистрировать. Ничего не "
                "записано: загрузите файл заново, чтобы увидеть эти строки."
            ),
        )
    except Exception:
        logger.exception("Import batch %s failed", batch_id)
        _fail(
            batch_id,
            actor=None,
            from_status=Status.IMPORTING,
            reason=_(
                "Сбой во время импорта; ничего не записано. Попробуйте ещё раз или сообщите администратору."
            ),
        )
        raise
    finally:
        cache.delete(progress_key(batch_id))


def cancel_import(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    if not permissions.can_manage_import(actor, batch):
        raise PermissionDeniedError(_("У вас нет прав на это действие."))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        from_status = batch.status
        _move(batch, Status.CANCELLED)
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at", "updated_at"])
        audit.record(
            actor=actor,
            action="accounts.import_cancelled",
            target=batch,
            from_state=from_status,
            to_state=Status.CANCELLED,
            district_id=batch.district_id,
        )
        transaction.on_commit(partial(_discard_file, batch.pk))
    return batch


def send_import_invitations(batch_id: int, user_ids: Sequence[int]) -> int:
    """E-mail the invitation to each person the batch created, once.

    Only people who have not signed in and have no password yet; each is claimed with a
    conditional UPDATE of invitation_sent_at before sending, so a second run of the same
    chunk (or a second worker) sends nothing.
    """
    batch = ImportBatch.objects.filter(pk=batch_id, status=Status.DONE).first()
    if batch is None or not batch.send_invitations:
        return 0
    people = User.objects.filter(pk__in=list(user_ids), is_active=True, last_login__isnull=True)
    sent = 0
    with get_connection() as connection:
        for person in people.order_by("pk"):
            if person.has_usable_password():
                continue
            if not services.claim_first_invitation(person.pk):
                continue
            try:
                services.send_invitation_email(person, connection=connection)
            except Exception:
                # Not sent: release the claim so the retry sends it.
                User.objects.filter(pk=person.pk).update(invitation_sent_at=None)
                raise
            sent += 1
    return sent


# --- Progress -----------------------------------------------------------------------------------


def progress_key(batch_id: int) -> str:
    return f"metodset:import:{batch_id}:progress"


@dataclass(frozen=True)
class ImportProgress:
    done: int
    total: int
    stage: str

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def progress_of(batch: ImportBatch) -> ImportProgress:
    if batch.status == Status.VALIDATING:
        return ImportProgress(batch.processed_rows, batch.total_rows, _("Проверка строк"))
    if batch.status == Status.IMPORTING:
        state = cache.get(progress_key(batch.pk)) or {}
        if state.get("stage") == STAGE_WRITING:
            stage = _("Запись учётных записей")
        else:
            stage = _("Повторная проверка перед записью")
        return ImportProgress(int(state.get("done", 0)), batch.total_rows, stage)
    return ImportProgress(batch.processed_rows, batch.total_rows, batch.get_status_display())


# --- Inside -------------------------------------------------------------------------------------


def _check_batch(batch: ImportBatch, progress: Any) -> CheckResult:
    try:
        with batch.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        return CheckResult(
            rows=[],
            errors=[RowError(None, (_("Загруженный файл не найден: загрузите его заново."),))],
            total_rows=0,
        )
    checker = AccountFileChecker(
        actor=batch.uploaded_by, district=batch.district, organization=batch.organization
    )
    return checker.check(data, progress=progress)


def _create_accounts(rows: list[AccountRow], *, actor: User, progress_key: str) -> list[int]:
    """bulk_create in chunks: three INSERTs per 500 people instead of a dozen queries each."""
    now = timezone.now()
    subject_links = User.subjects.through
    user_ids: list[int] = []
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        users = User.objects.bulk_create([_new_user(row, now) for row in chunk])
        if any(user.pk is None for user in users):  # a database that returns no ids
            ids = dict(
                User.objects.filter(email__in=[user.email for user in users]).values_list(
                    "email", "pk"
                )
            )
            for user in users:
                user.pk = ids[user.email]
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user,
                    organization=row.organization,
                    role=row.role,
                    position=row.position,
                    student_class=row.student_class,
                    decided_by=actor,
                    decided_at=now,
                )
                for user, row in zip(users, chunk, strict=True)
            ]
        )
        subject_links.objects.bulk_create(
            [
                subject_links(user_id=user.pk, subject_id=subject.pk)
                for user, row in zip(users, chunk, strict=True)
                for subject in row.subjects
            ]
        )
        user_ids.extend(user.pk for user in users)
        cache.set(progress_key, {"stage": STAGE_WRITING, "done": len(user_ids)}, PROGRESS_TIMEOUT)
    return user_ids


def _new_user(row: AccountRow, now: Any) -> User:
    user = User(
        email=row.email,
        last_name=row.last_name,
        first_name=row.first_name,
        patronymic=row.patronymic,
        position=row.position,
        password=_unusable_password(),
        date_joined=now,
    )
    user.search_name = user.compute_search_name()  # bulk_create does not call save()
    return user


def _unusable_password() -> str:
    """What make_password(None) stores, without its per-character get_random_string, which
    was a third of the write for 10,000 people. Random, so each invitation token differs."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _move(batch: ImportBatch, to: str) -> None:
    if to not in ImportBatch.TRANSITIONS[batch.status]:
        raise DomainError(
            _("Импорт в состоянии «%(from)s» нельзя перевести в состояние «%(to)s».")
            % {"from": batch.get_status_display(), "to": Status(to).label}
        )
    batch.status = to


def _discard_file(batch_id: int) -> None:
    """The uploaded file holds personal data (minors' too): once a batch can no longer be
    imported, only its report is kept."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if (
        batch is None
        or not batch.file
        or batch.status in {Status.VALIDATING, Status.READY, Status.IMPORTING}
    ):
        return
    batch.file.delete(save=False)
    ImportBatch.objects.filter(pk=batch_id).update(file="")


def _finish_failed(batch: ImportBatch, actor: Any, errors: list[dict[str, Any]]) -> None:
    from_status = batch.status
    _move(batch, Status.FAILED)
    batch.errors = errors
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "errors", "finished_at", "updated_at"])
    audit.record(
        actor=actor,
        action="accounts.import_failed",
        target=batch,
        from_state=from_status,
        to_state=Status.FAILED,
        comment=_("Строк с ошибками: %(count)s.") % {"count": len(errors)},
        district_id=batch.district_id,
    )
    transaction.on_commit(partial(_discard_file, batch.pk))


def _fail(batch_id: int, *, actor: Any, from_status: str, reason: str) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != from_status:
            return
        _finish_failed(batch, actor, [RowError(None, (reason,)).as_json()])
