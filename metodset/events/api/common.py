"""Shared by the events' API modules: the caller, times in the event's zone, rows named
by id in a payload, and the events a caller may see."""

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import Organization, User
from metodset.core.exceptions import DomainError
from metodset.events import calendars, permissions
from metodset.events.models import Event, EventKind
from metodset.groups.models import Group


def actor_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def local_time(moment: datetime.datetime | None, event: Event) -> datetime.datetime | None:
    return timezone.localtime(moment, event.zone) if moment is not None else None


def organizations_by_id(ids: Iterable[int]) -> list[Organization]:
    wanted = list(dict.fromkeys(ids))
    found = {org.pk: org for org in Organization.objects.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise DomainError(
            _("Организация не найдена: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}
        )
    return [found[pk] for pk in wanted]


def people_by_id(ids: Iterable[int]) -> list[User]:
    wanted = list(dict.fromkeys(ids))
    found = {user.pk: user for user in User.objects.filter(pk__in=wanted, is_active=True)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise DomainError(
            _("Пользователь не найден: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}
        )
    return [found[pk] for pk in wanted]


def group_by_id(group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    group = Group.objects.select_related("district").filter(pk=group_id).first()
    if group is None:
        raise DomainError(_("Такого объединения нет."))
    return group


def kind_by_code(code: str) -> EventKind:
    kind = EventKind.objects.filter(code=code).first()
    if kind is None:
        raise DomainError(_("Неизвестный вид мероприятия: %(code)s.") % {"code": code})
    return kind


def events_for(viewer: Any) -> QuerySet[Event]:
    """Events with what a row needs (organizers, `taken_places`), as the calendar reads
    them."""
    return calendars.with_details(Event.objects.all(), viewer)


def visible_event(request: HttpRequest, event_id: int) -> Event:
    """404 both for a missing event and one the caller may not see."""
    event = events_for(request.user).filter(pk=event_id).first()
    if event is None or not permissions.can_view_event(request.user, event):
        raise Http404
    return event
