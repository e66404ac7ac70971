"""The verbs of the library: create, edit (keeping versions), attach and remove files,
publish, withdraw, hide and return. Each checks its permission and writes the audit."""

import uuid
import zipfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import Membership, Organization, Role, Subject, User
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.uploads import inspect_upload
from metodset.materials import conversion, pagecache, permissions, preview, similarity
from metodset.materials.extraction import extract_text
from metodset.materials.models import (
    Bookmark,
    Collection,
    Comment,
    Fingerprint,
    FingerprintBand,
    Level,
    Material,
    MaterialFile,
    MaterialType,
    MaterialVersion,
    Rating,
    Report,
)
from metodset.notifications import kinds
from metodset.notifications.services import notify

MATERIAL_COMMENTED = kinds.register(
    "materials.comment", gettext_lazy("Комментарии к моим материалам и ответы мне")
)
MATERIAL_RATED = kinds.register(
    "materials.rating", gettext_lazy("Оценки моих материалов"), email_by_default=False
)
NEAR_COPY_FOUND = kinds.register(
    "materials.near_copy",
    gettext_lazy("Найденные почти копии материалов (для модераторов и авторов)"),
)
MATERIAL_REPORTED = kinds.register(
    "materials.report", gettext_lazy("Жалобы на материалы (для модераторов)")
)
MATERIAL_HIDDEN = kinds.register("materials.hidden", gettext_lazy("Мой материал скрыт модератором"))

audit.register_actions(
    {
        "material.created": gettext_lazy("Материал создан"),
        "material.updated": gettext_lazy("Материал изменён"),
        "material.file_added": gettext_lazy("К материалу добавлен файл"),
        "material.file_removed": gettext_lazy("Из материала убран файл"),
        "material.published": gettext_lazy("Материал опубликован"),
        "material.withdrawn": gettext_lazy("Материал снят автором с публикации"),
        "material.hidden": gettext_lazy("Материал скрыт модератором"),
        "material.restored": gettext_lazy("Материал возвращён в библиотеку"),
        "material.comment_removed": gettext_lazy("Комментарий удалён"),
        "material.report_resolved": gettext_lazy("Сигнал модератору рассмотрен"),
    }
)

DESCRIPTION_FIELDS = [
    "title",
    "annotation",
    "type",
    "subject",
    "grades",
    "level",
    "topic",
    "keywords",
    "licence",
    "video_url",
    "visibility",
]


def _deny() -> PermissionDeniedError:
    return PermissionDeniedError(_("У вас нет прав на это действие."))


def _clean_grades(grades: Iterable[int]) -> list[int]:
    cleaned = sorted({int(grade) for grade in grades})
    if any(grade < 1 or grade > 11 for grade in cleaned):
        raise DomainError(_("Классы указывают числами от 1 до 11."))
    return cleaned


def author_organization(actor: User) -> Organization:
    """Where the author works now: a school first, then the department or the region."""
    memberships = (
        Membership.objects.active()
        .filter(
            user=actor,
            role__in=[
                Role.TEACHER,
                Role.SCHOOL_ADMIN,
                Role.DISTRICT_METHODIST,
                Role.EXPERT,
                Role.REGION_METHODIST,
            ],
        )
        .select_related("organization")
        .order_by("organization__kind__is_education_authority", "created_at")
    )
    membership = memberships.first()
    if membership is None:
        raise DomainError(_("Публиковать материалы могут педагоги и методисты организаций сети."))
    return membership.organization


def create_material(
    *,
    actor: User,
    title: str,
    annotation: str,
    type: MaterialType,
    level: str,
    subject: Subject | None = None,
    grades: Iterable[int] = (),
    topic: str = "",
    keywords: str = "",
    licence: str = "cc-by",
    visibility: str = Material.Visibility.PUBLIC,
    video_url: str = "",
    coauthors: Iterable[User] = (),
) -> Material:
    """A new material, as a draft of its author."""
    if not permissions.can_create_material(actor):
        raise _deny()
    if level not in Level.values:
        raise DomainError(_("Выберите уровень образования."))
    if not title.strip() or not annotation.strip():
        raise DomainError(_("У материала должны быть название и аннотация."))
    coauthor_list = [person for person in coauthors if person.pk != actor.pk]
    with transaction.atomic():
        material = Material.objects.create(
            title=title.strip(),
            annotation=annotation.strip(),
            type=type,
            level=level,
            subject=subject,
            grades=_clean_grades(grades),
            topic=topic.strip(),
            keywords=keywords.strip(),
            licence=licence,
            visibility=visibility,
            video_url=video_url.strip(),
            author=actor,
            organization=author_organization(actor),
        )
        material.coauthors.set(coauthor_list)
        audit.record(
            actor=actor,
            action="material.created",
            target=material,
            to_state=Material.Status.DRAFT,
            district_id=material.organization.district_id,
        )
    return material


def describe(material: Material) -> dict[str, Any]:
    """The description as plain values, for a version snapshot."""
    return {
        "title": material.title,
        "annotation": material.annotation,
        "type": material.type.name,
        "subject": material.subject.name if material.subject else "",
        "grades": list(material.grades),
        "level": material.level,
        "topic": material.topic,
        "keywords": material.keywords,
        "licence": material.licence,
        "video_url": material.video_url,
        "visibility": material.visibility,
        "files": list(
            material.files.filter(last_version__isnull=True).values_list("original_name", flat=True)
        ),
    }


def _new_version(*, actor: User, material: Material, comment: str) -> None:
    """Before a published material changes, keep what it was; a draft changes in place."""
    if material.published_at is None:
        return
    MaterialVersion.objects.create(
        material=material,
        number=material.version,
        snapshot=describe(material),
        created_by=actor,
        comment=comment,
    )
    material.version += 1
    material.save(update_fields=["version", "updated_at"])


def update_material(
    *,
    actor: User,
    material: Material,
    comment: str = "",
    coauthors: Iterable[User] | None = None,
    **fields: Any,
) -> Material:
    if not permissions.can_edit_material(actor, material):
        raise _deny()
    unknown = set(fields) - set(DESCRIPTION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "grades" in fields:
        fields["grades"] = _clean_grades(fields["grades"])
    if "level" in fields and fields["level"] not in Level.values:
        raise DomainError(_("Выберите уровень образования."))
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        before = audit.snapshot(material, DESCRIPTION_FIELDS)
        changed = {name: value for name, value in fields.items() if before[name] != value}
        if not changed and coauthors is None:
            return material
        _new_version(actor=actor, material=material, comment=comment)
        for name, value in changed.items():
            setattr(material, name, value)
        material.save(update_fields=[*changed, "updated_at"])
        if coauthors is not None:
            material.coauthors.set(
                [person for person in coauthors if person.pk != material.author_id]
            )
        _reindex_on_commit(material.pk)
        audit.record(
            actor=actor,
            action="material.updated",
            target=material,
            changes=audit.model_changes(material, before, list(changed)),
            comment=comment,
            district_id=material.organization.district_id,
        )
    return material


def add_file(
    *,
    actor: User,
    material: Material,
    stored_name: str,
    original_name: str,
    kind: str,
    mime_type: str,
    size: int,
) -> MaterialFile:
    """Attach a file already checked by content (core.uploads) and saved to storage."""
    if not permissions.can_edit_material(actor, material):
        raise _deny()
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        _new_version(
            actor=actor,
            material=material,
            comment=_("Добавлен файл «%(name)s»") % {"name": original_name},
        )
        attached = MaterialFile.objects.create(
            material=material,
            file=stored_name,
            original_name=original_name,
            kind=kind,
            mime_type=mime_type,
            size=size,
            uploaded_by=actor,
            first_version=material.version,
            conversion=(
                MaterialFile.Conversion.PENDING
                if kind in conversion.CONVERTIBLE_KINDS
                else MaterialFile.Conversion.NOT_NEEDED
            ),
        )
        transaction.on_commit(partial(_enqueue_extraction, attached.pk))
        _page_changed(material.pk)
        if attached.conversion == MaterialFile.Conversion.PENDING:
            transaction.on_commit(partial(_enqueue_conversion, attached.pk))
        audit.record(
            actor=actor,
            action="material.file_added",
            target=material,
            comment=original_name,
            district_id=material.organization.district_id,
        )
    return attached


def attach_upload(*, actor: User, material: Material, upload: UploadedFile[Any]) -> MaterialFile:
    """Check an uploaded file by its content, store it and attach it; a refused file leaves
    nothing behind and raises UploadRefused with the reason in Russian."""
    if not permissions.can_edit_material(actor, material):
        raise _deny()
    name = upload.name or "file"
    kind = inspect_upload(upload, name=name)
    stored = default_storage.save(material_upload_to_name(material, name), upload)
    try:
        return add_file(
            actor=actor,
            material=material,
            stored_name=stored,
            original_name=name[:255],
            kind=kind.code,
            mime_type=kind.mime_type,
            size=upload.size or 0,
        )
    except Exception:
        default_storage.delete(stored)
        raise


def material_upload_to_name(material: Material, name: str) -> str:
    suffix = Path(name).suffix.lower()[:10]
    return f"materials/{timezone.now():%Y/%m}/{material.pk}/{uuid.uuid4().hex}{suffix}"


def count_download(material_file: MaterialFile) -> None:
    """One more download of the material (an UPDATE, so concurrent downloads all count)."""
    Material.objects.filter(pk=material_file.material_id).update(
        downloads_count=F("downloads_count") + 1
    )


# Views are added up in the cache and written to the database ten at a time: a write a
# view serialized every reader of a busy page (SQLite has one writer).
VIEWS_BATCH = 10


def _views_key(material_id: int) -> str:
    return f"materials:views:{material_id}"


def count_view(material_id: int) -> int:
    """One more view. Whoever's view completes a batch writes the batch: one process per
    batch, since the cache's increment is atomic; a lost cache loses under a batch.
    Returns how many views a row of the material read just before lacks."""
    key = _views_key(material_id)
    try:
        pending = cache.incr(key)
    except ValueError:
        cache.add(key, 0, None)
        pending = cache.incr(key)
    if pending % VIEWS_BATCH == 0:
        Material.objects.filter(pk=material_id).update(views_count=F("views_count") + VIEWS_BATCH)
        return VIEWS_BATCH
    return int(pending % VIEWS_BATCH)


def views_of(materials: Iterable[Material]) -> dict[int, int]:
    """Views of each material: written to the database, and those still being added up."""
    listed = list(materials)
    pending = cache.get_many([_views_key(material.pk) for material in listed])
    return {
        material.pk: material.views_count
        + int(pending.get(_views_key(material.pk), 0)) % VIEWS_BATCH
        for material in listed
    }


def _page_changed(material_id: int) -> None:
    """The material's page shows something new: guests' kept copies go, after commit."""
    transaction.on_commit(partial(pagecache.bump_material, material_id))


def places_changed(material_id: int) -> None:
    """A material was published into a group (or left it): its page names its places."""
    _page_changed(material_id)


def remove_file(*, actor: User, material_file: MaterialFile) -> MaterialFile:
    """A removed file stays with the versions that had it."""
    material = material_file.material
    if not permissions.can_edit_material(actor, material):
        raise _deny()
    if not material_file.is_current:
        raise DomainError(_("Этого файла уже нет в текущей версии материала."))
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        if material.published_at is None:
            material_file.file.delete(save=False)
            if material_file.viewer_pdf:
                material_file.viewer_pdf.delete(save=False)
            material_file.delete()
        else:
            _new_version(
                actor=actor,
                material=material,
                comment=_("Убран файл «%(name)s»") % {"name": material_file.original_name},
            )
            material_file.last_version = material.version - 1
            material_file.save(update_fields=["last_version"])
        _page_changed(material.pk)
        audit.record(
            actor=actor,
            action="material.file_removed",
            target=material,
            comment=material_file.original_name,
            district_id=material.organization.district_id,
        )
    return material_file


def _move(material: Material, to: str) -> str:
    if to not in Material.TRANSITIONS[material.status]:
        raise DomainError(
            _("Материал в состоянии «%(from)s» нельзя перевести в состояние «%(to)s».")
            % {"from": material.get_status_display(), "to": Material.Status(to).label}
        )
    before = material.status
    material.status = to
    return before


def publish_material(*, actor: User, material: Material) -> Material:
    if not permissions.can_publish_material(actor, material):
        raise _deny()
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        if not material.video_url and not material.files.filter(last_version__isnull=True).exists():
            raise DomainError(
                _("Прикрепите хотя бы один файл или ссылку на видео, чтобы опубликовать материал.")
            )
        before = _move(material, Material.Status.PUBLISHED)
        if material.published_at is None:
            material.published_at = timezone.now()
        material.save(update_fields=["status", "published_at", "updated_at"])
        transaction.on_commit(partial(_enqueue_fingerprint, material.pk))
        _reindex_on_commit(material.pk)
        audit.record(
            actor=actor,
            action="material.published",
            target=material,
            from_state=before,
            to_state=material.status,
            district_id=material.organization.district_id,
        )
    return material


def withdraw_material(*, actor: User, material: Material) -> Material:
    """The author takes a published material back to drafts."""
    if not permissions.can_publish_material(actor, material):
        raise _deny()
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        if material.status != Material.Status.PUBLISHED:
            raise DomainError(_("Снять с публикации можно только опубликованный материал."))
        before = _move(material, Material.Status.DRAFT)
        material.save(update_fields=["status", "updated_at"])
        _reindex_on_commit(material.pk)
        audit.record(
            actor=actor,
            action="material.withdrawn",
            target=material,
            from_state=before,
            to_state=material.status,
            district_id=material.organization.district_id,
        )
    return material


def hide_material(*, actor: User, material: Material, reason: str) -> Material:
    """Moderation: the material leaves the library; the author sees the reason."""
    if not permissions.can_moderate_material(actor, material):
        raise _deny()
    if not reason.strip():
        raise DomainError(_("Укажите причину: автор увидит её."))
    with transaction.atomic():
        material = Material.objects.select_for_update().select_related("author").get(pk=material.pk)
        before = _move(material, Material.Status.HIDDEN)
        material.hidden_reason = reason.strip()
        material.save(update_fields=["status", "hidden_reason", "updated_at"])
        _reindex_on_commit(material.pk)
        audit.record(
            actor=actor,
            action="material.hidden",
            target=material,
            from_state=before,
            to_state=material.status,
            comment=reason.strip(),
            district_id=material.organization.district_id,
        )
        notify(
            recipients=[material.author, *material.coauthors.all()],
            kind=MATERIAL_HIDDEN.code,
            title=_("Материал «%(title)s» скрыт модератором") % {"title": material.title},
            body=_("Причина: %(reason)s") % {"reason": reason.strip()},
            actor=actor,
        )
    return material


def restore_material(*, actor: User, material: Material) -> Material:
    if not permissions.can_moderate_material(actor, material):
        raise _deny()
    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        before = _move(material, Material.Status.PUBLISHED)
        material.hidden_reason = ""
        material.save(update_fields=["status", "hidden_reason", "updated_at"])
        _reindex_on_commit(material.pk)
        audit.record(
            actor=actor,
            action="material.restored",
            target=material,
            from_state=before,
            to_state=material.status,
            district_id=material.organization.district_id,
        )
    return material


# --- Discussion and ratings -------------------------------------------------------------


def add_comment(
    *, actor: User, material: Material, text: str, parent: Comment | None = None
) -> Comment:
    if not permissions.can_comment(actor, material):
        raise _deny()
    if not text.strip():
        raise DomainError(_("Комментарий пуст."))
    if parent is not None and (parent.material_id != material.pk or parent.is_removed):
        raise DomainError(_("Отвечать можно только на действующий комментарий к этому материалу."))
    with transaction.atomic():
        comment = Comment.objects.create(
            material=material, author=actor, parent=parent, text=text.strip()
        )
        _page_changed(material.pk)
        recipients = {material.author, *material.coauthors.all()}
        if parent is not None:
            recipients.add(parent.author)
        notify(
            recipients=recipients,
            kind=MATERIAL_COMMENTED.code,
            title=_("%(name)s: комментарий к «%(title)s»")
            % {"name": actor.short_name, "title": material.title},
            body=comment.text[:500],
            url=material.get_absolute_url() + f"#comment-{comment.pk}",
            actor=actor,
        )
    return comment


def remove_comment(*, actor: User, comment: Comment) -> Comment:
    """The text goes, the place in the thread stays (replies keep their context)."""
    if not permissions.can_remove_comment(actor, comment):
        raise _deny()
    comment.is_removed = True
    comment.save(update_fields=["is_removed"])
    _page_changed(comment.material_id)
    audit.record(
        actor=actor,
        action="material.comment_removed",
        target=comment.material,
        comment=comment.text[:300],
        district_id=comment.material.organization.district_id,
    )
    return comment


def rate_material(*, actor: User, material: Material, value: int) -> Rating:
    """Set or change one's mark; the material's sum and count change in the same transaction."""
    if not permissions.can_rate(actor, material, check_state=False):
        raise (
            DomainError(_("Свой материал оценивать нельзя."))
            if material.author_id == actor.pk
            else _deny()
        )
    if not permissions.can_rate(actor, material):
        raise _deny()
    if value not in range(1, 6):
        raise DomainError(_("Оценка — от 1 до 5."))
    with transaction.atomic():
        # The row lock serializes two marks of the same material, so sum and count agree.
        locked = Material.objects.select_for_update().get(pk=material.pk)
        rating = Rating.objects.filter(material=locked, user=actor).first()
        if rating is None:
            rating = Rating.objects.create(material=locked, user=actor, value=value)
            locked.rating_sum += value
            locked.rating_count += 1
        else:
            locked.rating_sum += value - rating.value
            rating.value = value
            rating.save(update_fields=["value"])
        locked.save(update_fields=["rating_sum", "rating_count"])
        _page_changed(locked.pk)
        notify(
            recipients=[locked.author],
            kind=MATERIAL_RATED.code,
            title=_("«%(title)s» оценили на %(value)s") % {"title": locked.title, "value": value},
            url=locked.get_absolute_url(),
            actor=actor,
        )
    return rating


# --- Text of the files -----------------------------------------------------------------


def _enqueue_extraction(file_id: int) -> None:
    from metodset.materials.tasks import extract_file_text as task

    task.enqueue(file_id)


def extract_file_text(file_id: int) -> str:
    """Read the text of one file for search and near-duplicate detection.

    The file is claimed with a conditional UPDATE (pending → running is not a state here:
    the claim is the change of `extraction` itself), so a second run does nothing.
    """
    material_file = MaterialFile.objects.filter(
        pk=file_id, extraction=MaterialFile.Extraction.PENDING
    ).first()
    if material_file is None:
        return "skipped"
    html = ""
    try:
        with material_file.file.open("rb") as source:
            result = extract_text(source, material_file.kind)
            if material_file.kind == "docx":
                source.seek(0)
                html = preview.docx_html(source)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        status, text, note = MaterialFile.Extraction.FAILED, "", str(error)[:300]
    else:
        status = (
            MaterialFile.Extraction.DONE if result.text.strip() else MaterialFile.Extraction.EMPTY
        )
        text, note = result.text, str(result.reason)[:300]
        if material_file.kind in {"odt", "odp"}:
            html = preview.text_html(text)
    claimed = MaterialFile.objects.filter(
        pk=file_id, extraction=MaterialFile.Extraction.PENDING
    ).update(extraction=status, extracted_text=text, extraction_note=note, preview_html=html)
    if claimed != 1:
        return "skipped"
    pagecache.bump_material(material_file.material_id)
    if Material.objects.filter(
        pk=material_file.material_id, status=Material.Status.PUBLISHED
    ).exists():
        _enqueue_fingerprint(material_file.material_id)
        _enqueue_indexing(material_file.material_id)
    return status


def _enqueue_conversion(file_id: int) -> None:
    from metodset.materials.tasks import convert_for_viewing as task

    task.enqueue(file_id)


def convert_for_viewing(file_id: int) -> str:
    """Make the PDF through which a presentation or DOC file is read on the page.

    Runs for a file whose conversion is pending; the result is recorded with a
    conditional UPDATE, so a second run of the same task changes nothing.
    """
    material_file = MaterialFile.objects.filter(
        pk=file_id, conversion=MaterialFile.Conversion.PENDING
    ).first()
    if material_file is None:
        return "skipped"
    stored = ""
    try:
        with material_file.file.open("rb") as source:
            pdf = conversion.to_pdf(source, material_file.kind)
    except conversion.ConversionUnavailableError:
        status = MaterialFile.Conversion.UNAVAILABLE
    except (conversion.ConversionFailedError, OSError):
        status = MaterialFile.Conversion.FAILED
    else:
        status = MaterialFile.Conversion.DONE
        name = f"{Path(material_file.file.name or 'file').with_suffix('')}-view.pdf"
        stored = default_storage.save(name, ContentFile(pdf))
    claimed = MaterialFile.objects.filter(
        pk=file_id, conversion=MaterialFile.Conversion.PENDING
    ).update(conversion=status, viewer_pdf=stored)
    if claimed != 1:
        if stored:
            default_storage.delete(stored)
        return "skipped"
    pagecache.bump_material(material_file.material_id)
    return str(status)


def retry_conversions() -> int:
    """Queue again the files that could not be shown (LibreOffice installed later)."""
    ids = list(
        MaterialFile.objects.filter(
            kind__in=conversion.CONVERTIBLE_KINDS,
            conversion__in=[
                MaterialFile.Conversion.UNAVAILABLE,
                MaterialFile.Conversion.FAILED,
                MaterialFile.Conversion.NOT_NEEDED,
            ],
        ).values_list("pk", flat=True)
    )
    MaterialFile.objects.filter(pk__in=ids).update(conversion=MaterialFile.Conversion.PENDING)
    for file_id in ids:
        transaction.on_commit(partial(_enqueue_conversion, file_id))
    return len(ids)


# --- Near copies and complaints ----------------------------------------------------------


def material_text(material: Material) -> str:
    """Title, annotation and the text of the current files: what a copy would repeat."""
    texts = material.files.filter(last_version__isnull=True).values_list(
        "extracted_text", flat=True
    )
    return "\n".join([material.title, material.annotation, *texts])


def _enqueue_indexing(material_id: int) -> None:
    from metodset.materials.tasks import refresh_search_index as task

    task.enqueue(material_id)


def _reindex_on_commit(material_id: int) -> None:
    """The search index follows the material within seconds, through the worker; the
    kept catalogue pages at once."""
    transaction.on_commit(pagecache.bump)
    transaction.on_commit(partial(_enqueue_indexing, material_id))


def _enqueue_fingerprint(material_id: int) -> None:
    from metodset.materials.tasks import check_near_copies as task

    task.enqueue(material_id)


def check_near_copies(material_id: int) -> list[Report]:
    """Fingerprint a published material and flag it when it nearly copies an earlier one.

    Safe to run again: the fingerprint is replaced and a pair is flagged once (constraint).
    """
    material = (
        Material.objects.select_related("organization", "author").filter(pk=material_id).first()
    )
    if material is None or material.status != Material.Status.PUBLISHED:
        return []
    sig = similarity.signature(material_text(material))
    keys = similarity.bands(sig)
    with transaction.atomic():
        Fingerprint.objects.update_or_create(
            material=material,
            defaults={
                "signature": similarity.signature_to_bytes(sig),
                "computed_at": timezone.now(),
            },
        )
        FingerprintBand.objects.filter(material=material).delete()
        FingerprintBand.objects.bulk_create(
            FingerprintBand(material=material, key=key) for key in keys
        )
    if not keys:
        return []
    candidates = (
        Fingerprint.objects.filter(
            material__in=FingerprintBand.objects.filter(key__in=keys)
            .exclude(material=material)
            .values("material"),
            material__published_at__lt=material.published_at,
            material__status=Material.Status.PUBLISHED,
        )
        .exclude(material__author=material.author)
        .select_related("material")
    )
    reports: list[Report] = []
    for candidate in candidates:
        score = similarity.similarity(
            sig, similarity.signature_from_bytes(bytes(candidate.signature))
        )
        if score < similarity.NEAR_COPY_THRESHOLD:
            continue
        original = candidate.material
        report, created = Report.objects.get_or_create(
            material=material,
            original=original,
            kind=Report.Kind.NEAR_COPY,
            defaults={
                "similarity": score,
                "reason": _("Текст совпадает с материалом «%(title)s» примерно на %(percent)s%%.")
                % {"title": original.title, "percent": round(score * 100)},
            },
        )
        if not created:
            continue
        reports.append(report)
        notify(
            recipients=permissions.users_who_can_moderate(material),
            kind=NEAR_COPY_FOUND.code,
            title=_("Почти копия: «%(title)s»") % {"title": material.title},
            body=report.reason,
            url=material.get_absolute_url(),
        )
        notify(
            recipients=[material.author],
            kind=NEAR_COPY_FOUND.code,
            title=_("Ваш материал «%(title)s» похож на уже опубликованный")
            % {"title": material.title},
            body=_(
                "Он совпадает с «%(original)s» (%(author)s). Модератор посмотрит оба; если это ваш "
                "материал или переработка с указанием источника, ничего делать не нужно."
            )
            % {"original": original.title, "author": original.author.short_name},
            url=original.get_absolute_url(),
        )
    return reports


def report_material(*, actor: User, material: Material, reason: str) -> Report:
    if not permissions.can_report(actor, material):
        raise _deny()
    if not reason.strip():
        raise DomainError(_("Опишите, что не так с материалом."))
    with transaction.atomic():
        report = Report.objects.create(
            material=material, kind=Report.Kind.COMPLAINT, reporter=actor, reason=reason.strip()
        )
        notify(
            recipients=permissions.users_who_can_moderate(material),
            kind=MATERIAL_REPORTED.code,
            title=_("Жалоба на материал «%(title)s»") % {"title": material.title},
            body=report.reason,
            url=material.get_absolute_url(),
            actor=actor,
        )
    return report


def resolve_report(*, actor: User, report: Report, hide: bool, comment: str = "") -> Report:
    """Decide on a signal: hide the material (with the reason) or leave it."""
    if not permissions.can_moderate_material(actor, report.material):
        raise _deny()
    if report.resolution:
        raise DomainError(_("Этот сигнал уже рассмотрен."))
    with transaction.atomic():
        if hide:
            hide_material(actor=actor, material=report.material, reason=comment or report.reason)
        report.resolution = Report.Resolution.HIDDEN if hide else Report.Resolution.DISMISSED
        report.resolved_by = actor
        report.resolved_at = timezone.now()
        report.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        audit.record(
            actor=actor,
            action="material.report_resolved",
            target=report.material,
            to_state=report.resolution,
            comment=comment,
            district_id=report.material.organization.district_id,
        )
    return report


# --- Bookmarks ---------------------------------------------------------------------------

DEFAULT_COLLECTION = gettext_lazy("Избранное")


def bookmark_material(*, actor: User, material: Material, collection_name: str = "") -> Bookmark:
    """Keep a material in one of one's collections («Избранное» unless named)."""
    if not getattr(actor, "is_authenticated", False) or not permissions.can_view_material(
        actor, material
    ):
        raise _deny()
    name = collection_name.strip()[:120] or str(DEFAULT_COLLECTION)
    with transaction.atomic():
        collection, _created = Collection.objects.get_or_create(owner=actor, name=name)
        bookmark, _new = Bookmark.objects.get_or_create(collection=collection, material=material)
    return bookmark


def remove_bookmark(*, actor: User, bookmark: Bookmark) -> None:
    if bookmark.collection.owner_id != actor.pk:
        raise _deny()
    bookmark.delete()
