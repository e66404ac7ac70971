"""Events as places a material is published into (see materials.places): an organizer
publishes the presentation or the recording straight into the event."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core.exceptions import DomainError
from metodset.events import permissions, services
from metodset.events.models import Event
from metodset.materials import places

RECENT_DAYS = 60


def _place(event: Event) -> places.Place:
    return places.Place(
        key=f"event:{event.pk}",
        title=f"{event.kind.name} «{event.title}»",
        url=event.get_absolute_url(),
    )


def offered_to(user: Any) -> list[places.Place]:
    if not getattr(user, "is_authenticated", False):
        return []
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    events = (
        permissions.events_managed_by(user)
        .exclude(status=Event.Status.CANCELLED)
        .filter(ends_at__gte=since)
        .select_related("kind")
        .order_by("-starts_at")[:30]
    )
    return [_place(event) for event in events]


def of_material(viewer: Any, material: Any) -> list[places.Place]:
    events = (
        permissions.events_visible_to(viewer)
        .filter(material_links__material=material)
        .select_related("kind")
        .distinct()
    )
    return [_place(event) for event in events]


def attach(*, actor: Any, material: Any, ident: int) -> None:
    event = Event.objects.select_related("district__region").filter(pk=ident).first()
    if event is None or not permissions.can_view_event(actor, event):
        raise DomainError(_("Такого мероприятия нет. Выберите мероприятие из списка."))
    services.attach_material(actor=actor, event=event, material=material)


places.register(
    places.PlaceKind(
        code="event",
        label=gettext_lazy("Мои мероприятия"),
        offered_to=offered_to,
        of_material=of_material,
        attach=attach,
    )
)
