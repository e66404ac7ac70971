"""Events in the API: the calendar, one event, create, change, announce and cancel it."""

import datetime
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import PUBLIC, SIGNED_IN, ErrorOut
from metodset.accounts.models import Organization, Subject
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.events import calendars, permissions, selectors, services
from metodset.events.api.common import (
    actor_of,
    events_for,
    group_by_id,
    kind_by_code,
    local_time,
    organizations_by_id,
    visible_event,
)
from metodset.events.api.schemas import (
    ERRORS,
    PER_PAGE,
    EventDetailOut,
    EventFilters,
    EventIn,
    EventPageOut,
    ReasonIn,
)
from metodset.events.models import Event, EventKind
from metodset.groups.models import Group

router = Router()


def _aware(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """A time without an offset is the wall clock of the district it happens in."""
    return timezone.make_aware(moment, zone) if timezone.is_naive(moment) else moment


def _subject(subject_id: int | None) -> Subject | None:
    if subject_id is None:
        return None
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        raise DomainError(_("Такого предмета нет."))
    return subject


def _zone_of_organizers(
    organizations: Sequence[Organization], group: Group | None
) -> zoneinfo.ZoneInfo:
    """The zone a new event's times are typed in: its district's, found as the service
    finds the district (the group's, else the first organizer's with one)."""
    if group is not None:
        return group.district.zone
    for org in organizations:
        if org.district is not None:
            return org.district.zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _event_data(
    payload: EventIn, zone: zoneinfo.ZoneInfo | None, *, publish: bool
) -> services.EventData:
    organizations = organizations_by_id(payload.organization_ids)
    group = group_by_id(payload.group_id)
    if zone is None:
        zone = _zone_of_organizers(organizations, group)
    return services.EventData(
        kind=kind_by_code(payload.kind),
        title=payload.title,
        description=payload.description,
        subject=_subject(payload.subject_id),
        sessions=[
            services.SessionData(
                starts_at=_aware(session.starts_at, zone),
                ends_at=_aware(session.ends_at, zone),
                title=session.title,
            )
            for session in payload.sessions
        ],
        organizations=organizations,
        group=group,
        for_teachers=payload.for_teachers,
        for_heads=payload.for_heads,
        for_students=payload.for_students,
        for_parents=payload.for_parents,
        format=payload.format,
        address=payload.address,
        room=payload.room,
        online_url=payload.online_url,
        hours=payload.hours,
        registration_enabled=payload.registration_enabled,
        capacity=payload.capacity,
        registration_deadline=(
            _aware(payload.registration_deadline, zone)
            if payload.registration_deadline is not None
            else None
        ),
        needs_approval=payload.needs_approval,
        visibility=payload.visibility,
        publish=publish,
    )


def _ics_url(event: Event) -> str:
    return reverse("events:event_ics", args=[event.pk])


def _event_data_out(user: Any, event: Event) -> dict[str, Any]:
    """One event as the list shows it; `event` comes from `events_for()`."""
    confirmed = getattr(event, "taken_places", None)
    if confirmed is None:
        confirmed = selectors.places_of(event).confirmed
    closed_reason = permissions.registration_closed_reason(event)
    mine = permissions.registration_of(user, event)
    return {
        "id": event.pk,
        "title": event.title,
        "kind": {"code": event.kind.code, "name": event.kind.name},
        "status": event.status,
        "status_label": event.get_status_display(),
        "starts_at": local_time(event.starts_at, event),
        "ends_at": local_time(event.ends_at, event),
        "time_zone": str(event.zone.key),
        "format": event.format,
        "format_label": event.get_format_display(),
        "address": event.address if event.is_offline else "",
        "room": event.room if event.is_offline else "",
        "online_url": (
            event.online_url
            if event.is_online and permissions.can_see_online_link(user, event)
            else None
        ),
        "organizers": [
            {"id": org.pk, "short_name": org.short_name} for org in event.organizations.all()
        ],
        "group": {"id": event.group.pk, "title": event.group.title} if event.group else None,
        "audience": [
            code for code, name in calendars.AUDIENCE_FIELDS.items() if getattr(event, name)
        ],
        "capacity": event.capacity,
        "places_left": (None if event.capacity is None else max(event.capacity - confirmed, 0)),
        "registration_deadline": local_time(event.registration_deadline, event),
        "registration_open": not closed_reason,
        "registration_closed_reason": closed_reason,
        "url": event.get_absolute_url(),
        "ics_url": _ics_url(event),
        "my_registration": (
            {"id": mine.pk, "status": mine.status, "role": mine.role} if mine else None
        ),
    }


@router.get(
    "/events",
    response=EventPageOut,
    auth=PUBLIC,
    operation_id="metodset_events_api_event_list",
    summary="Мероприятия",
    description="Мероприятия, которые вы видите (гостям — открытые всем), по времени "
    "начала, по 20 на странице, с фильтрами. Черновики видят только их организаторы.",
)
def event_list(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    user = request.user
    empty = {"total": 0, "page": filters.page, "items": []}
    # The pages' filters (calendars.filtered) take rows: a code or id that names nothing
    # matches nothing.
    kind = EventKind.objects.filter(code=filters.kind).first() if filters.kind else None
    subject = Subject.objects.filter(pk=filters.subject).first() if filters.subject else None
    organization = (
        Organization.objects.filter(pk=filters.organization).first()
        if filters.organization
        else None
    )
    group = Group.objects.filter(pk=filters.group).first() if filters.group else None
    if (
        (filters.kind and kind is None)
        or (filters.subject and subject is None)
        or (filters.organization and organization is None)
        or (filters.group and group is None)
    ):
        return empty
    qs = calendars.filtered(
        permissions.events_visible_to(user),
        calendars.CalendarFilters(
            text=filters.q or "",
            audience=filters.audience or "",
            kind=kind,
            subject=subject,
            organization=organization,
            group=group,
        ),
    )
    zone = timezone.get_current_timezone()
    if filters.date_from is not None:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min, tzinfo=zone)
        qs = qs.filter(ends_at__gte=start)
    if filters.date_to is not None:
        end = datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        qs = qs.filter(starts_at__lt=end)
    if filters.status:
        qs = qs.filter(status=filters.status)
    total = qs.count()
    offset = (filters.page - 1) * PER_PAGE
    page = list(
        events_for(user)
        .filter(pk__in=qs.values("pk"))
        .order_by("starts_at", "pk")[offset : offset + PER_PAGE]
    )
    permissions.prime(user, page)
    return {
        "total": total,
        "page": filters.page,
        "items": [_event_data_out(user, event) for event in page],
    }


@router.post(
    "/events",
    response={201: EventDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_event_create",
    summary="Создать мероприятие",
    description="Педагоги, руководители ОО, руководители объединений и методисты. "
    "Организатор — своя организация (методисту — любая в районе) или объединение, "
    "которым вы руководите. Нарушение правил — 400 с причиной по-русски.",
)
def event_create(request: HttpRequest, payload: EventIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    if not permissions.can_create_event(actor):
        raise PermissionDeniedError(
            _("Мероприятия проводят педагоги, руководители и методисты организаций района.")
        )
    event = services.create_event(
        actor=actor, data=_event_data(payload, None, publish=payload.publish)
    )
    return Status(201, event_detail(request, event.pk))


@router.get(
    "/events/{event_id}",
    response={200: EventDetailOut, 404: ErrorOut},
    auth=PUBLIC,
    operation_id="metodset_events_api_event_detail",
    summary="Мероприятие",
    description="Одно мероприятие с расписанием, отчётом и материалами; 404, если его нет "
    "или оно вам не видно. Ссылка на трансляцию — только зарегистрированным и "
    "организаторам.",
)
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    event = visible_event(request, event_id)
    user = request.user
    places = selectors.places_of(event)
    return {
        **_event_data_out(user, event),
        "description": event.description,
        "subject": (
            {"id": event.subject.pk, "name": event.subject.name} if event.subject else None
        ),
        "hours": event.hours,
        "registration_enabled": event.registration_enabled,
        "needs_approval": event.needs_approval,
        "visibility": event.visibility,
        "cancel_reason": event.cancel_reason,
        "sessions": [
            {
                "starts_at": local_time(session.starts_at, event),
                "ends_at": local_time(session.ends_at, event),
                "title": session.title,
            }
            for session in event.sessions.all()
        ],
        "report": event.report,
        "materials": [
            {
                "id": link.material.pk,
                "title": link.material.title,
                "url": link.material.get_absolute_url(),
            }
            for link in selectors.materials_of(user, event)
        ],
        "confirmed": places.confirmed,
        "waiting": places.waiting,
        "can_manage": permissions.can_manage_event(user, event),
        "can_register": permissions.can_register(user, event),
    }


@router.put(
    "/events/{event_id}",
    response={200: EventDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_event_update",
    summary="Изменить мероприятие",
    description="Организаторы меняют мероприятие целиком (те же поля, что при создании). "
    "Изменение времени, места или ссылки получают зарегистрированные и их календари; "
    "новые места получает лист ожидания. Отменённое изменить нельзя.",
)
def event_update(request: HttpRequest, event_id: int, payload: EventIn) -> dict[str, Any]:
    event = visible_event(request, event_id)
    actor = actor_of(request)
    if not permissions.can_manage_event(actor, event):
        raise PermissionDeniedError(_("Изменить мероприятие могут только его организаторы."))
    publish = payload.publish if "publish" in payload.model_fields_set else False
    services.update_event(
        actor=actor, event=event, data=_event_data(payload, event.zone, publish=publish)
    )
    return event_detail(request, event_id)


@router.post(
    "/events/{event_id}/publish",
    response={200: EventDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_event_publish",
    summary="Объявить мероприятие",
    description="Организаторы объявляют черновик: мероприятие появляется в календарях.",
)
def event_publish(request: HttpRequest, event_id: int) -> dict[str, Any]:
    services.publish_event(actor=actor_of(request), event=visible_event(request, event_id))
    return event_detail(request, event_id)


@router.post(
    "/events/{event_id}/cancel",
    response={200: EventDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_event_cancel",
    summary="Отменить мероприятие",
    description="Организаторы отменяют мероприятие с причиной: её получают "
    "зарегистрированные, календари — STATUS:CANCELLED.",
)
def event_cancel(request: HttpRequest, event_id: int, payload: ReasonIn) -> dict[str, Any]:
    services.cancel_event(
        actor=actor_of(request), event=visible_event(request, event_id), reason=payload.reason
    )
    return event_detail(request, event_id)
