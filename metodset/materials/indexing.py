"""The library in the search index: one document per published (or hidden) material.

The database is the source of truth; `metodset reindex` rebuilds the index from it.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch

from metodset.accounts.models import User
from metodset.accounts.permissions import roles_of
from metodset.core.models import academic_year_start
from metodset.materials import pagecache
from metodset.materials.models import Material, MaterialFile
from metodset.search import engine

INDEXED = (Material.Status.PUBLISHED, Material.Status.HIDDEN)


def document_for(material: Material) -> engine.MaterialDocument:
    prefetched = getattr(material, "current_files", None)
    texts = (
        [item.extracted_text for item in prefetched]
        if prefetched is not None
        else material.files.filter(last_version__isnull=True).values_list(
            "extracted_text", flat=True
        )
    )
    coauthors = (
        [user.pk for user in material.coauthors.all()]
        if "coauthors" in getattr(material, "_prefetched_objects_cache", {})
        else list(material.coauthors.values_list("pk", flat=True))
    )
    published = material.published_at
    return engine.MaterialDocument(
        id=material.pk,
        title=material.title,
        annotation=material.annotation,
        text="\n".join(texts),
        keywords=[word.strip() for word in material.keywords.split(",") if word.strip()],
        subject_id=material.subject_id,
        subject_name=material.subject.name if material.subject else "",
        grades=list(material.grades),
        level_code=material.level,
        type_code=material.type.code,
        organization_id=material.organization_id,
        organization_name=material.organization.short_name,
        district_id=material.organization.district_id,
        year=academic_year_start(published.date()) if published else None,
        author_ids=[material.author_id, *coauthors],
        published_at=published,
        rating=material.rating or 0.0,
        downloads=material.downloads_count,
        visibility=material.visibility,  # type: ignore[arg-type]  # "public" | "network"
        hidden=material.status == Material.Status.HIDDEN,
    )


def _with_relations() -> Any:
    return Material.objects.select_related("type", "subject", "organization")


def refresh(material_id: int) -> str:
    """Put one material into the index as it is now, or take it out (drafts)."""
    material = _with_relations().filter(pk=material_id).first()
    if material is None or material.status not in INDEXED:
        engine.remove(material_id)
        pagecache.bump()
        return "removed"
    engine.index_material(document_for(material))
    # Search pages kept for guests were made from the index as it was.
    pagecache.bump()
    return "indexed"


def all_documents() -> Iterator[engine.MaterialDocument]:
    """Every indexed material, in chunks with their current files and co-authors (three
    queries a chunk, not two a material)."""
    current = Prefetch(
        "files",
        queryset=MaterialFile.objects.filter(last_version__isnull=True).only(
            "material_id", "extracted_text"
        ),
        to_attr="current_files",
    )
    materials = (
        _with_relations()
        .filter(status__in=INDEXED)
        .prefetch_related(current, Prefetch("coauthors", queryset=User.objects.only("pk")))
    )
    for material in materials.iterator(chunk_size=500):
        yield document_for(material)


def viewer_of(user: Any) -> engine.Visibility:
    """What the engine may show this person: network materials to members, hidden ones to
    their authors (moderators work from the moderation queue)."""
    roles = roles_of(user)
    authenticated = getattr(user, "is_authenticated", False)
    return engine.Visibility(
        allow_network=roles.is_network_member,
        include_hidden_for_author_ids=frozenset({user.pk}) if authenticated else frozenset(),
        include_hidden_all=roles.is_superuser,
    )
