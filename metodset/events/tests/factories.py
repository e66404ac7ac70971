"""Events and road maps built through the services, as organizers make them."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from metodset.accounts.models import Organization, User
from metodset.core.models import AcademicYear
from metodset.events import services
from metodset.events.models import Event, EventKind, RoadMap

TOMSK = datetime.timezone(datetime.timedelta(hours=7))


def kind(code: str = "seminar") -> EventKind:
    """A kind seeded by the migration: seminar, master-class, open-day, contest, …"""
    return EventKind.objects.get(code=code)


def at(days: float = 7, hour: int = 15, minute: int = 0) -> datetime.datetime:
    """A moment `days` from today at hour:minute (the installation's zone)."""
    day = timezone.localdate() + datetime.timedelta(days=int(days))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def event_data(
    organizations: Sequence[Organization] = (),
    *,
    starts: datetime.datetime | None = None,
    hours: float = 2,
    **fields: Any,
) -> services.EventData:
    starts = starts or at(7)
    values: dict[str, Any] = {
        "kind": kind(fields.pop("kind_code", "seminar")),
        "title": "Формирующее оценивание на уроках математики",
        "description": "Практический семинар для учителей математики.",
        "organizations": list(organizations),
        "sessions": [services.SessionData(starts, starts + datetime.timedelta(hours=hours))],
        "address": "с. Кожевниково, ул. Кирова, 36",
        "room": "каб. 12",
    }
    values.update(fields)
    return services.EventData(**values)


def event(
    organizer: User,
    organizations: Sequence[Organization] = (),
    **fields: Any,
) -> Event:
    """An event created by `organizer` for their organizations (their first one if none
    are named)."""
    if not organizations and fields.get("group") is None:
        membership = organizer.memberships.select_related("organization").first()
        assert membership is not None
        organizations = [membership.organization]
    return services.create_event(actor=organizer, data=event_data(organizations, **fields))


def road_map(author: User, organizations: Sequence[Organization], **fields: Any) -> RoadMap:
    values: dict[str, Any] = {
        "title": "Сетевой график совместных мероприятий",
        "academic_year": AcademicYear.objects.current(),
        "organizations": list(organizations),
    }
    values.update(fields)
    return services.create_road_map(actor=author, **values)
