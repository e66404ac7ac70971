"""Reads of the library shared by pages and the API."""

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import Organization, Subject
from metodset.materials import pagecache, permissions
from metodset.materials.models import (
    Bookmark,
    Collection,
    Comment,
    Level,
    Material,
    MaterialFile,
    MaterialType,
    Rating,
)
from metodset.search import engine

SIMILAR_SHOWN = 5
# Similar materials change slowly: kept ten minutes (and until the library changes).
SIMILAR_TTL = 600


def catalogue(
    viewer: Any, *, subject_id: int | None = None, type_code: str = "", level: str = ""
) -> QuerySet[Material]:
    """Published materials the viewer may see, newest first."""
    qs = permissions.published_visible_to(viewer)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if level:
        qs = qs.filter(level=level)
    return qs.select_related("type", "subject", "author", "organization").order_by(
        "-published_at", "-id"
    )


def search_filters(**values: Any) -> dict[str, Any]:
    """The engine's filters from a page's or the API's parameters: the given ones, an
    unknown level dropped."""
    filters = {key: value for key, value in values.items() if value}
    if filters.get("level") not in (None, *Level.values):
        filters.pop("level")
    return filters


def visible_by_id(viewer: Any, ids: list[int]) -> dict[int, Material]:
    """Those of `ids` the viewer may read, for cards. Looked up by primary key alone and
    checked here (as published_visible_to): with the status in the query, SQLite without
    statistics walks the catalogue's index over a million rows instead."""
    network = permissions.sees_network_materials(viewer)
    found = (
        Material.objects.select_related("type", "subject", "author", "organization")
        .order_by()
        .in_bulk(ids)
    )
    return {
        pk: material
        for pk, material in found.items()
        if material.status == Material.Status.PUBLISHED
        and (network or material.visibility == Material.Visibility.PUBLIC)
    }


def materials_of_author(author: Any) -> QuerySet[Material]:
    return (
        Material.objects.filter(author=author)
        .select_related("type", "subject", "organization")
        .order_by("-updated_at", "-id")
    )


def current_files(material: Material) -> QuerySet[MaterialFile]:
    return material.files.filter(last_version__isnull=True).order_by("uploaded_at", "id")


def comment_tree(material: Material) -> list[Comment]:
    """Top-level comments, each with `.children` filled: one query for the whole thread."""
    comments = list(material.comments.select_related("author"))
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.children = children.get(comment.pk, [])  # type: ignore[attr-defined]
    return children.get(None, [])


def rating_of(user: Any, material: Material) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Rating.objects.filter(material=material, user=user).values_list("value", flat=True).first()
    )


FACET_TITLES = {
    "subject": _("Предмет"),
    "grade": _("Класс"),
    "type": _("Вид"),
    "level": _("Уровень"),
    "organization": _("Организация"),
    "year": _("Учебный год"),
}


def facet_labels(facets: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The engine's facet values (ids and codes) with the names people read; one query per
    facet that needs names."""
    names: dict[str, dict[Any, str]] = {
        "subject": dict(
            Subject.objects.filter(pk__in=[v.value for v in facets.get("subject", [])]).values_list(
                "pk", "name"
            )
        ),
        "type": dict(
            MaterialType.objects.filter(
                code__in=[v.value for v in facets.get("type", [])]
            ).values_list("code", "name")
        ),
        "organization": dict(
            Organization.objects.filter(
                pk__in=[v.value for v in facets.get("organization", [])]
            ).values_list("pk", "short_name")
        ),
        "level": {code: str(label) for code, label in Level.choices},
    }
    labelled = []
    for key, values in facets.items():
        if not values:
            continue
        items = []
        for value in values:
            if key == "grade":
                label = _("%(grade)s класс") % {"grade": value.value}
            elif key == "year":
                label = f"{value.value}/{int(value.value) + 1}"
            else:
                label = str(names.get(key, {}).get(value.value, value.value))
            items.append({"value": value.value, "label": label, "count": value.count})
        labelled.append({"key": key, "title": FACET_TITLES.get(key, key), "values": items})
    return labelled


def collections_of(owner: Any, viewer: Any) -> list[Collection]:
    """The owner's collections with the bookmarked materials the viewer may still see."""
    collections = list(
        Collection.objects.filter(owner=owner).prefetch_related(
            "bookmarks__material__type",
            "bookmarks__material__author",
            "bookmarks__material__organization",
            "bookmarks__material__subject",
        )
    )
    ids = {b.material_id for c in collections for b in c.bookmarks.all()}
    # A bookmarked material may have been hidden or withdrawn since: check only these.
    visible = set(
        permissions.materials_visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for collection in collections:
        shown = [b for b in collection.bookmarks.all() if b.material_id in visible]
        collection.visible_bookmarks = shown  # type: ignore[attr-defined]
    return collections


def bookmarks_of(user: Any, material: Material) -> list[Bookmark]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Bookmark.objects.filter(collection__owner=user, material=material).select_related(
            "collection"
        )
    )


def similar_to(viewer: Any, material: Material) -> list[Material]:
    """Published materials like this one that the viewer may read (the search engine's
    "more like this"), best first."""
    network = permissions.sees_network_materials(viewer)
    key = f"materials:similar:{pagecache.generation()}:{material.pk}:{int(network)}"
    ids = cache.get(key)
    if ids is None:
        ids = engine.similar(
            material.pk, viewer=engine.Visibility(allow_network=network), limit=SIMILAR_SHOWN
        )
        cache.set(key, ids, SIMILAR_TTL)
    found = visible_by_id(viewer, ids)
    return [found[pk] for pk in ids if pk in found]
