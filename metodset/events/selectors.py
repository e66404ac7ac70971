"""Reads shared by the event pages, the API and the sections of other pages."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from metodset.accounts.models import User
from metodset.events import permissions
from metodset.events.models import Event, EventMaterial, Feedback, Registration
from metodset.materials import permissions as material_permissions
from metodset.materials.models import Material

Status = Registration.Status


def get_event_for(user: Any, pk: int) -> Event:
    """404 both for a missing event and one the user may not see."""
    event = get_object_or_404(
        Event.objects.select_related("kind", "district__region", "subject", "group", "created_by"),
        pk=pk,
    )
    if not permissions.can_view_event(user, event):
        raise Http404
    return event


def get_registration_for(user: Any, pk: int) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("event__district__region", "event__kind", "person"),
        pk=pk,
    )
    if not (
        registration.person_id == getattr(user, "pk", None)
        or registration.registered_by_id == getattr(user, "pk", None)
        or permissions.can_view_participants(user, registration.event)
    ):
        raise Http404
    return registration


@dataclass(frozen=True)
class Places:
    capacity: int | None
    confirmed: int
    waiting: int
    pending: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        return self.left == 0


def places_of(event: Event) -> Places:
    counts = event.registrations.aggregate(
        confirmed=Count(
            "pk", filter=Q(status=Status.CONFIRMED, role=Registration.Role.PARTICIPANT)
        ),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
    )
    return Places(capacity=event.capacity, **counts)


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in the waiting list."""
    if registration.status != Status.WAITING:
        return None
    ahead = registration.event.registrations.filter(status=Status.WAITING).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return int(ahead.count()) + 1


def participants_of(event: Event) -> list[Registration]:
    """Everyone who asked, in the order of the list: confirmed and pending first, then the
    waiting list by its order, then those who left or were declined."""
    order = {
        Status.CONFIRMED: 0,
        Status.PENDING: 1,
        Status.WAITING: 2,
        Status.CANCELLED: 3,
        Status.REJECTED: 4,
    }
    rows = list(
        event.registrations.select_related("person", "organization", "registered_by").order_by(
            "queued_at", "pk"
        )
    )
    return sorted(rows, key=lambda r: order[r.status])  # type: ignore[index]


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    rows: list[Feedback]


def feedback_of(event: Event) -> FeedbackSummary:
    numbers = event.feedback.aggregate(count=Count("pk"), average=Avg("rating"))
    rows = list(event.feedback.select_related("person").order_by("-created_at")[:50])
    return FeedbackSummary(count=numbers["count"], average=numbers["average"], rows=rows)


def materials_of(viewer: Any, event: Event) -> list[EventMaterial]:
    visible = material_permissions.materials_visible_to(viewer)
    return list(
        event.material_links.filter(material__in=visible)
        .select_related("material__type", "material__author")
        .order_by("added_at")
    )


def own_materials_for(user: Any, event: Event) -> QuerySet[Material]:
    """The person's published materials not yet attached."""
    return (
        Material.objects.filter(author=user, status=Material.Status.PUBLISHED)
        .exclude(event_links__event=event)
        .order_by("-published_at")[:100]
    )


def people_to_register(
    actor: Any, event: Event, *, text: str, speakers: bool = False, limit: int = 50
) -> list[tuple[User, Registration | None]]:
    """People the actor may register (or, for the organizers, name as speakers) whose name
    matches, with their registration if any."""
    from metodset.accounts.models import name_key

    key = name_key(text)
    if len(key) < 2:
        return []
    scope = (
        permissions.speakers_invitable_by(actor, event)
        if speakers
        else permissions.people_registrable_by(actor, event)
    )
    people = list(
        scope.filter(search_name__contains=key).order_by("last_name", "first_name")[:limit]
    )
    rows = {
        r.person_id: r
        for r in Registration.objects.filter(event=event, person__in=[p.pk for p in people])
    }
    return [(person, rows.get(person.pk)) for person in people]
