"""The groups' part of people's and organizations' pages: who takes part in what."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from metodset.accounts.sections import (
    Section,
    register_organization_section,
    register_person_section,
)
from metodset.groups import permissions
from metodset.groups.models import GroupMember


def _rows(viewer: Any, **filters: Any) -> list[GroupMember]:
    # Students' memberships are never shown on public pages.
    return list(
        GroupMember.objects.filter(
            status=GroupMember.Status.ACTIVE,
            is_student=False,
            group__in=permissions.groups_visible_to(viewer),
            **filters,
        )
        .select_related("group__kind", "user")
        .order_by("group__kind__ordering", "group__title", "role", "user__last_name")
    )


@register_person_section
def person_groups(viewer: Any, person: Any) -> Section | None:
    rows = _rows(viewer, user=person)
    if not rows:
        return None
    return Section(
        title=_("Объединения"),
        template_name="groups/section_person.html",
        context={"rows": rows},
        count=len(rows),
    )


@register_organization_section
def organization_groups(viewer: Any, organization: Any) -> Section | None:
    rows = _rows(viewer, organization=organization)
    if not rows:
        return None
    by_group: dict[Any, list[GroupMember]] = defaultdict(list)
    for row in rows:
        by_group[row.group].append(row)
    return Section(
        title=_("Участие педагогов в объединениях"),
        template_name="groups/section_organization.html",
        context={"groups": list(by_group.items())},
        count=len(by_group),
    )


# --- Sections of the group page, filled by higher apps (events) --------------------------

GroupSectionBuilder = Callable[[Any, Any], Section | None]
_GROUP: list[GroupSectionBuilder] = []


def register_group_section(builder: GroupSectionBuilder) -> GroupSectionBuilder:
    """builder(viewer, group) -> Section | None, shown on the group's page."""
    _GROUP.append(builder)
    return builder


def group_sections(viewer: Any, group: Any) -> list[Section]:
    return [section for builder in _GROUP if (section := builder(viewer, group)) is not None]
