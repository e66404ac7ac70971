"""The events' part of other pages: an organization's and a group's coming events (the
organization page is the public афиша of a school and, for the department, of the
district)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.sections import Section, register_organization_section
from metodset.events import permissions
from metodset.events.models import Event
from metodset.groups.sections import register_group_section

SHOWN = 8


def _coming(viewer: Any, **filters: Any) -> list[Event]:
    return list(
        permissions.events_visible_to(viewer)
        .filter(status=Event.Status.PUBLISHED, ends_at__gte=timezone.now(), **filters)
        .select_related("kind", "district")
        .order_by("starts_at")[:SHOWN]
    )


@register_organization_section
def organization_events(viewer: Any, organization: Any) -> Section | None:
    """Coming events the organization runs; the department's page also shows the open
    events of the whole district for students and parents."""
    scope = Q(organizations=organization)
    if organization.kind.is_education_authority and organization.district_id:
        scope |= Q(
            Q(district_id=organization.district_id)
            & Q(visibility=Event.Visibility.PUBLIC)
            & (Q(for_students=True) | Q(for_parents=True))
        )
    events = list(
        permissions.events_visible_to(viewer)
        .filter(scope, status=Event.Status.PUBLISHED, ends_at__gte=timezone.now())
        .select_related("kind", "district")
        .distinct()
        .order_by("starts_at")[:SHOWN]
    )
    if not events:
        return None
    return Section(
        title=_("Ближайшие мероприятия"),
        template_name="events/section_events.html",
        context={
            "events": events,
            "feed_url_name": "events:feed_organization",
            "feed_pk": organization.pk,
            "district_slug": organization.district.slug if organization.district_id else "",
        },
    )


@register_group_section
def group_events(viewer: Any, group: Any) -> Section | None:
    events = _coming(viewer, group=group)
    can_create = (
        permissions.groups_for_new_event(viewer).filter(pk=group.pk).exists()
        if (getattr(viewer, "is_authenticated", False))
        else False
    )
    if not events and not can_create:
        return None
    return Section(
        title=_("Мероприятия группы"),
        template_name="events/section_events.html",
        context={
            "events": events,
            "create_for_group": group.pk if can_create else None,
            "feed_url_name": "events:feed_group",
            "feed_pk": group.pk,
        },
    )
