"""Organizing an event: create, change (calendars see a new SEQUENCE), announce, cancel,
attach materials, write the report."""

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import District, Organization, Subject, User
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.events import permissions
from metodset.events.models import Event, EventKind, EventMaterial, EventSession, Registration
from metodset.events.services.common import REGISTRATION_NEWS, deny, when_text
from metodset.groups.models import Group
from metodset.materials import permissions as material_permissions
from metodset.materials.models import Material
from metodset.materials.services import places_changed
from metodset.notifications.services import notify


@dataclass
class SessionData:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str = ""


@dataclass
class EventData:
    """What the form and the API give: one shape for both."""

    kind: EventKind
    title: str
    sessions: Sequence[SessionData]
    organizations: Sequence[Organization] = ()
    group: Group | None = None
    description: str = ""
    subject: Subject | None = None
    for_teachers: bool = True
    for_heads: bool = False
    for_students: bool = False
    for_parents: bool = False
    format: str = Event.Format.OFFLINE
    address: str = ""
    room: str = ""
    online_url: str = ""
    hours: int | None = None
    registration_enabled: bool = True
    capacity: int | None = None
    registration_deadline: datetime.datetime | None = None
    needs_approval: bool = False
    visibility: str = Event.Visibility.NETWORK
    publish: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# Fields whose change a participant's calendar must see (SEQUENCE goes up, they are told).
_SCHEDULE_FIELDS = ("starts_at", "ends_at", "format", "address", "room", "online_url")
_PLAIN_FIELDS = (
    "kind",
    "title",
    "description",
    "subject",
    "group",
    "for_teachers",
    "for_heads",
    "for_students",
    "for_parents",
    "format",
    "address",
    "room",
    "online_url",
    "hours",
    "registration_enabled",
    "capacity",
    "registration_deadline",
    "needs_approval",
    "visibility",
)


def _check(actor: User, data: EventData) -> list[SessionData]:
    if not data.title.strip():
        raise DomainError(_("У мероприятия должно быть название."))
    sessions = sorted(data.sessions, key=lambda s: s.starts_at)
    if not sessions:
        raise DomainError(_("Укажите дату и время мероприятия."))
    for session in sessions:
        if session.ends_at <= session.starts_at:
            raise DomainError(_("Окончание должно быть позже начала."))
    for earlier, later in itertools.pairwise(sessions):
        if later.starts_at < earlier.ends_at:
            raise DomainError(_("Части программы не должны пересекаться по времени."))
    if not (data.for_teachers or data.for_heads or data.for_students or data.for_parents):
        raise DomainError(_("Выберите, для кого мероприятие."))
    if data.format not in Event.Format.values:
        raise DomainError(_("Выберите формат мероприятия."))
    if data.format in {Event.Format.OFFLINE, Event.Format.MIXED} and not data.address.strip():
        raise DomainError(_("Для очного мероприятия укажите адрес."))
    if data.format in {Event.Format.ONLINE, Event.Format.MIXED} and not data.online_url:
        raise DomainError(_("Для онлайн-мероприятия укажите ссылку на трансляцию."))
    if data.visibility not in Event.Visibility.values:
        raise DomainError(_("Выберите, кому видно мероприятие."))
    if data.capacity is not None and data.capacity < 1:
        raise DomainError(_("Число мест должно быть больше нуля."))
    if data.registration_deadline and data.registration_deadline > sessions[-1].ends_at:
        raise DomainError(_("Регистрация должна заканчиваться не позже окончания мероприятия."))
    if not data.organizations and data.group is None:
        raise DomainError(_("Укажите организатора: организацию или объединение."))
    allowed = set(permissions.organizations_for_new_event(actor).values_list("pk", flat=True))
    if any(org.pk not in allowed for org in data.organizations):
        raise DomainError(_("Организаторами могут быть только организации вашего района."))
    if data.group is not None and not (
        permissions.groups_for_new_event(actor).filter(pk=data.group.pk).exists()
    ):
        raise DomainError(_("Мероприятие объединения проводит его руководитель."))
    if not permissions.may_organize_with(actor, {org.pk for org in data.organizations}, data.group):
        raise DomainError(
            _(
                "Среди организаторов должна быть ваша организация: совместное мероприятие "
                "проводится вместе с ней."
            )
        )
    return sessions


def _district_of(actor: User, data: EventData) -> District:
    if data.group is not None:
        return data.group.district
    for org in data.organizations:
        if org.district is not None:
            return org.district
    raise DomainError(_("Организатор должен относиться к району."))


def _write_sessions(event: Event, sessions: list[SessionData]) -> None:
    event.sessions.all().delete()
    EventSession.objects.bulk_create(
        EventSession(event=event, starts_at=s.starts_at, ends_at=s.ends_at, title=s.title)
        for s in sessions
    )


def create_event(*, actor: User, data: EventData) -> Event:
    if not permissions.can_create_event(actor):
        raise deny()
    sessions = _check(actor, data)
    district = _district_of(actor, data)
    with transaction.atomic():
        event = Event(
            district=district,
            created_by=actor,
            starts_at=sessions[0].starts_at,
            ends_at=sessions[-1].ends_at,
            status=Event.Status.PUBLISHED if data.publish else Event.Status.DRAFT,
        )
        for name in _PLAIN_FIELDS:
            setattr(event, name, getattr(data, name))
        event.save()
        event.organizations.set(data.organizations)
        _write_sessions(event, sessions)
        audit.record(
            actor=actor,
            action="event.created",
            target=event,
            to_state=event.status,
            district_id=district.pk,
        )
    return event


def update_event(*, actor: User, event: Event, data: EventData) -> Event:
    """Change an event. A change of time, place or link raises SEQUENCE (so subscribed
    calendars replace the entry) and tells the registered. More places move the waiting
    list up."""
    if not permissions.can_manage_event(actor, event) or event.is_cancelled:
        raise deny()
    sessions = _check(actor, data)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = {name: getattr(event, name) for name in (*_PLAIN_FIELDS, *_SCHEDULE_FIELDS)}
        before_sessions = list(event.sessions.values_list("starts_at", "ends_at", "title"))
        for name in _PLAIN_FIELDS:
            setattr(event, name, getattr(data, name))
        event.starts_at, event.ends_at = sessions[0].starts_at, sessions[-1].ends_at
        new_sessions = [(s.starts_at, s.ends_at, s.title) for s in sessions]
        schedule_changed = new_sessions != before_sessions or any(
            before[name] != getattr(event, name) for name in _SCHEDULE_FIELDS
        )
        if schedule_changed:
            event.sequence += 1
        if data.publish and event.is_draft:
            event.status = Event.Status.PUBLISHED
        event.save()
        event.organizations.set(data.organizations)
        if new_sessions != before_sessions:
            _write_sessions(event, sessions)
        changes = {
            name: [str(before[name] or ""), str(getattr(event, name) or "")]
            for name in _PLAIN_FIELDS
            if before[name] != getattr(event, name)
        }
        audit.record(
            actor=actor,
            action="event.updated",
            target=event,
            changes=changes,
            district_id=event.district_id,
        )
        from metodset.events.services.registration import fill_free_places

        fill_free_places(event=event)
        if schedule_changed and not event.is_draft:
            notify(
                recipients=_live_people(event),
                kind=REGISTRATION_NEWS.code,
                title=_("Изменилось время или место: «%(title)s»") % {"title": event.title},
                body=_("Теперь: %(when)s.") % {"when": when_text(event)},
                url=event.get_absolute_url(),
                actor=actor,
            )
    return event


def _live_people(event: Event) -> list[User]:
    return list(
        User.objects.filter(
            event_registrations__event=event,
            event_registrations__status__in=Registration.LIVE,
        )
    )


def publish_event(*, actor: User, event: Event) -> Event:
    if not permissions.can_manage_event(actor, event) or not event.is_draft:
        raise deny()
    with transaction.atomic():
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="event.published",
            target=event,
            from_state=Event.Status.DRAFT,
            to_state=event.status,
            district_id=event.district_id,
        )
    return event


def cancel_event(*, actor: User, event: Event, reason: str) -> Event:
    """Cancel with a reason everyone registered reads; calendars get STATUS:CANCELLED; a
    road map line it came from is marked cancelled too."""
    if not permissions.can_manage_event(actor, event) or event.is_cancelled:
        raise deny()
    if not reason.strip():
        raise DomainError(_("Укажите причину отмены: её увидят участники."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        previous = event.status
        event.status = Event.Status.CANCELLED
        event.cancel_reason = reason.strip()
        event.sequence += 1
        event.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        audit.record(
            actor=actor,
            action="event.cancelled",
            target=event,
            from_state=previous,
            to_state=event.status,
            comment=event.cancel_reason,
            district_id=event.district_id,
        )
        from metodset.events.services.roadmaps import event_cancelled

        event_cancelled(actor=actor, event=event)
        if previous != Event.Status.DRAFT:
            notify(
                recipients=_live_people(event),
                kind=REGISTRATION_NEWS.code,
                title=_("Мероприятие отменено: «%(title)s»") % {"title": event.title},
                body=_("Причина: %(reason)s") % {"reason": event.cancel_reason},
                url=event.get_absolute_url(),
                actor=actor,
            )
    return event


def write_report(*, actor: User, event: Event, report: str) -> Event:
    if not permissions.can_manage_event(actor, event) or not event.has_started:
        raise deny()
    with transaction.atomic():
        event.report = report.strip()
        event.save(update_fields=["report", "updated_at"])
        audit.record(
            actor=actor, action="event.report", target=event, district_id=event.district_id
        )
    return event


def attach_material(*, actor: User, event: Event, material: Material) -> None:
    """Attach a published library material the organizer may see (a presentation, the
    recording)."""
    if not permissions.can_attach_material(actor, event):
        raise deny()
    if material.status != Material.Status.PUBLISHED or not (
        material_permissions.can_view_material(actor, material)
    ):
        raise DomainError(_("Прикрепить можно только опубликованный материал библиотеки."))
    with transaction.atomic():
        _link, created = EventMaterial.objects.get_or_create(
            event=event, material=material, defaults={"added_by": actor}
        )
        if created:
            audit.record(
                actor=actor,
                action="event.material",
                target=event,
                to_state=f"+{material.pk}",
                comment=material.title,
                district_id=event.district_id,
            )
    material_id = material.pk
    transaction.on_commit(lambda: places_changed(material_id))


def detach_material(*, actor: User, event: Event, material: Material) -> None:
    if not permissions.can_attach_material(actor, event):
        raise deny()
    with transaction.atomic():
        deleted, _rows = EventMaterial.objects.filter(event=event, material=material).delete()
        if deleted:
            audit.record(
                actor=actor,
                action="event.material",
                target=event,
                to_state=f"-{material.pk}",
                comment=material.title,
                district_id=event.district_id,
            )
    material_id = material.pk
    transaction.on_commit(lambda: places_changed(material_id))


def default_starts(now: datetime.datetime | None = None) -> datetime.datetime:
    """A new event's suggested start: tomorrow at 15:00 local time."""
    today = timezone.localdate(now)
    return timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(15))
    )
