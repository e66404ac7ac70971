"""Reads of the library shared by pages and the API."""

from typing import Any

from django.db.models import QuerySet

from metodset.materials import permissions
from metodset.materials.models import Material, MaterialFile


def catalogue(
    viewer: Any, *, subject_id: int | None = None, type_code: str = "", level: str = ""
) -> QuerySet[Material]:
    """Published materials the viewer may see, newest first."""
    qs = permissions.materials_visible_to(viewer).filter(status=Material.Status.PUBLISHED)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if level:
        qs = qs.filter(level=level)
    return qs.select_related("type", "subject", "author", "organization").order_by(
        "-published_at", "-id"
    )


def materials_of_author(author: Any) -> QuerySet[Material]:
    return (
        Material.objects.filter(author=author)
        .select_related("type", "subject", "organization")
        .order_by("-updated_at", "-id")
    )


def current_files(material: Material) -> QuerySet[MaterialFile]:
    return material.files.filter(last_version__isnull=True).order_by("uploaded_at", "id")
