"""The library's part of people's and organizations' pages."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from metodset.accounts.sections import (
    Section,
    register_organization_section,
    register_person_section,
)
from metodset.materials import permissions
from metodset.materials.models import Material

SHOWN = 12


def _section(title: str, qs: Any) -> Section | None:
    published = qs.filter(status=Material.Status.PUBLISHED).distinct()
    count = published.count()
    if not count:
        return None
    items = list(
        published.select_related("type", "subject", "author", "organization").order_by(
            "-published_at"
        )[:SHOWN]
    )
    return Section(
        title=title,
        template_name="materials/section.html",
        context={"materials": items, "more": count > SHOWN},
        count=count,
    )


@register_person_section
def person_materials(viewer: Any, person: Any) -> Section | None:
    mine = permissions.materials_visible_to(viewer).filter(Q(author=person) | Q(coauthors=person))
    return _section(_("Материалы"), mine)


@register_organization_section
def organization_materials(viewer: Any, organization: Any) -> Section | None:
    return _section(
        _("Материалы педагогов"),
        permissions.materials_visible_to(viewer).filter(organization=organization),
    )
