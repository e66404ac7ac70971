"""The library in the REST API: list and search with the same query language and facets,
detail, create, upload files, publish, comment, rate — with the pages' permissions."""

from datetime import datetime
from typing import Any, Literal, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from metodset.accounts.api import PUBLIC, SIGNED_IN
from metodset.accounts.models import Subject, User
from metodset.core.exceptions import DomainError
from metodset.materials import indexing, permissions, selectors, services
from metodset.materials.models import Comment, Material, MaterialFile, MaterialType
from metodset.search import engine

router = Router(tags=["Библиотека материалов"])
PER_PAGE = 20


class FileOut(Schema):
    id: int
    name: str = Field(description="Имя файла.")
    kind: str = Field(description="Тип по содержимому: pdf, docx, pptx, mp4…")
    size: int = Field(description="Размер в байтах.")
    url: str = Field(description="Адрес для скачивания.")
    view_url: str = Field(
        description="Адрес для просмотра без скачивания (PDF, изображение, видео; "
        "презентация и DOC — как PDF, когда он готов); пусто, если просмотра нет."
    )


def _file_out(item: MaterialFile) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.original_name,
        "kind": item.kind,
        "size": item.size,
        "url": item.get_absolute_url(),
        "view_url": item.viewer_url(),
    }


class MaterialOut(Schema):
    id: int
    title: str = Field(description="Название.")
    annotation: str = Field(description="Аннотация.")
    type: str = Field(description="Код вида материала.")
    subject: str | None = Field(description="Предмет.")
    grades: list[int] = Field(description="Классы.")
    level: str = Field(description="Код уровня образования: do, noo, ooo, soo, spo, dop.")
    author_id: int
    author: str = Field(description="Автор, фамилия и инициалы.")
    organization: str = Field(description="Организация автора.")
    status: str = Field(description="draft, published или hidden.")
    visibility: str = Field(description="public — всем, network — участникам сети.")
    published_at: datetime | None
    rating: float | None = Field(description="Средняя оценка 1–5.")
    rating_count: int
    downloads: int
    url: str = Field(description="Страница материала.")


class MaterialDetailOut(MaterialOut):
    topic: str
    keywords: str
    licence: str
    version: int
    files: list[FileOut]


class HitOut(Schema):
    material: MaterialOut
    title_html: str = Field(description="Название с подсветкой <mark>.")
    snippet_html: str = Field(description="Фрагмент текста с подсветкой <mark>.")


class FacetOut(Schema):
    value: int | str
    label: str
    count: int


class SearchOut(Schema):
    total: int
    page: int
    items: list[HitOut]
    facets: dict[str, list[FacetOut]]
    suggestion: str | None = Field(description="«Возможно, вы искали».")


class SearchQuery(Schema):
    q: str = Field("", description="Слова, «фразы в кавычках», -минус-слова.")
    subject: int | None = None
    type: str | None = None
    level: str | None = None
    grade: int | None = None
    organization: int | None = Field(None, description="Организация автора (id), как фасет.")
    year: int | None = Field(
        None, description="Учебный год публикации: год его начала, 2025 — это 2025/2026."
    )
    sort: Literal["relevance", "newest", "rating", "downloads"] = "relevance"
    page: int = Field(1, ge=1)


class MaterialIn(Schema):
    title: str
    annotation: str
    type: str = Field(description="Код вида, например lesson-plan.")
    level: str
    subject_id: int | None = None
    grades: list[int] = []
    topic: str = ""
    keywords: str = ""
    licence: str = "cc-by"
    visibility: Literal["public", "network"] = "public"
    video_url: str = ""


class CommentIn(Schema):
    text: str
    parent_id: int | None = None


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime
    parent_id: int | None


class RatingIn(Schema):
    value: int = Field(ge=1, le=5)


def _material_data(material: Material) -> dict[str, Any]:
    return {
        "id": material.pk,
        "title": material.title,
        "annotation": material.annotation,
        "type": material.type.code,
        "subject": material.subject.name if material.subject else None,
        "grades": list(material.grades),
        "level": material.level,
        "author_id": material.author_id,
        "author": material.author.short_name,
        "organization": material.organization.short_name,
        "status": material.status,
        "visibility": material.visibility,
        "published_at": material.published_at,
        "rating": material.rating,
        "rating_count": material.rating_count,
        "downloads": material.downloads_count,
        "url": material.get_absolute_url(),
    }


def _visible(request: HttpRequest, material_id: int) -> Material:
    material = (
        Material.objects.select_related("type", "subject", "author", "organization")
        .filter(pk=material_id)
        .first()
    )
    if material is None or not permissions.can_view_material(request.user, material):
        raise Http404
    return material


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/materials", response=SearchOut, auth=PUBLIC, summary="Материалы: список и поиск")
def material_search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Поиск по-русски с морфологией, внутри файлов тоже, с фасетами; без `q` — все видимые
    вызывающему материалы, сначала новые."""
    filters = selectors.search_filters(
        subject=query.subject,
        type=query.type,
        level=query.level,
        grade=query.grade,
        organization=query.organization,
        year=query.year,
    )
    result = engine.search(
        query.q,
        filters=filters,
        sort=query.sort if query.q else "newest",
        page=query.page,
        per_page=PER_PAGE,
        viewer=indexing.viewer_of(request.user),
    )
    by_id = selectors.visible_by_id(request.user, [hit.id for hit in result.hits])
    items = [
        {
            "material": _material_data(by_id[hit.id]),
            "title_html": hit.title_html,
            "snippet_html": hit.text_html,
        }
        for hit in result.hits
        if hit.id in by_id
    ]
    facets = {facet["key"]: facet["values"] for facet in selectors.facet_labels(result.facets)}
    return {
        "total": result.total,
        "page": query.page,
        "items": items,
        "facets": facets,
        "suggestion": result.suggestion,
    }


@router.get("/materials/{material_id}", response=MaterialDetailOut, auth=PUBLIC, summary="Материал")
def material_detail(request: HttpRequest, material_id: int) -> dict[str, Any]:
    material = _visible(request, material_id)
    files = [_file_out(item) for item in selectors.current_files(material)]
    return {
        **_material_data(material),
        "topic": material.topic,
        "keywords": material.keywords,
        "licence": material.licence,
        "version": material.version,
        "files": files,
    }


@router.post(
    "/materials", response={201: MaterialDetailOut}, auth=SIGNED_IN, summary="Создать черновик"
)
def material_create(request: HttpRequest, payload: MaterialIn) -> Status[dict[str, Any]]:
    material_type = MaterialType.objects.filter(code=payload.type).first()
    if material_type is None:
        raise DomainError(_("Неизвестный вид материала."))
    subject = Subject.objects.filter(pk=payload.subject_id).first() if payload.subject_id else None
    material = services.create_material(
        actor=_actor(request),
        title=payload.title,
        annotation=payload.annotation,
        type=material_type,
        level=payload.level,
        subject=subject,
        grades=payload.grades,
        topic=payload.topic,
        keywords=payload.keywords,
        licence=payload.licence,
        visibility=payload.visibility,
        video_url=payload.video_url,
    )
    return Status(201, material_detail(request, material.pk))


@router.post(
    "/materials/{material_id}/files",
    response={201: FileOut},
    auth=SIGNED_IN,
    summary="Загрузить файл",
)
def material_upload(
    request: HttpRequest, material_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Файл проверяется по содержимому; отказ — 400 с причиной по-русски."""
    material = _visible(request, material_id)
    attached = services.attach_upload(actor=_actor(request), material=material, upload=file)
    return Status(201, _file_out(attached))


@router.post(
    "/materials/{material_id}/publish",
    response=MaterialDetailOut,
    auth=SIGNED_IN,
    summary="Опубликовать",
)
def material_publish(request: HttpRequest, material_id: int) -> dict[str, Any]:
    services.publish_material(actor=_actor(request), material=_visible(request, material_id))
    return material_detail(request, material_id)


@router.post(
    "/materials/{material_id}/comments",
    response={201: CommentOut},
    auth=SIGNED_IN,
    summary="Комментировать",
)
def material_comment(
    request: HttpRequest, material_id: int, payload: CommentIn
) -> Status[dict[str, Any]]:
    material = _visible(request, material_id)
    parent = (
        Comment.objects.filter(pk=payload.parent_id, material=material).first()
        if payload.parent_id
        else None
    )
    comment = services.add_comment(
        actor=_actor(request), material=material, text=payload.text, parent=parent
    )
    return Status(
        201,
        {
            "id": comment.pk,
            "author": comment.author.short_name,
            "text": comment.text,
            "created_at": comment.created_at,
            "parent_id": comment.parent_id,
        },
    )


@router.put(
    "/materials/{material_id}/rating", response=MaterialOut, auth=SIGNED_IN, summary="Оценить (1–5)"
)
def material_rate(request: HttpRequest, material_id: int, payload: RatingIn) -> dict[str, Any]:
    services.rate_material(
        actor=_actor(request), material=_visible(request, material_id), value=payload.value
    )
    return _material_data(_visible(request, material_id))
