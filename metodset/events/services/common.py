"""Shared by the events' services: notification kinds, audit labels, small helpers."""

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import Membership, Organization, User
from metodset.core import audit
from metodset.core.exceptions import PermissionDeniedError
from metodset.events.models import Event
from metodset.notifications import kinds

REGISTRATION_NEWS = kinds.register(
    "events.registration",
    gettext_lazy("Мои регистрации на мероприятия: подтверждение, лист ожидания, изменения, отмена"),
)
REMINDERS = kinds.register(
    "events.reminder", gettext_lazy("Напоминания о мероприятиях: за день и за час")
)
ORGANIZER_NEWS = kinds.register(
    "events.organizer",
    gettext_lazy("Заявки на участие в мероприятиях, которые я провожу"),
)

audit.register_actions(
    {
        "event.created": gettext_lazy("Мероприятие создано"),
        "event.updated": gettext_lazy("Мероприятие изменено"),
        "event.published": gettext_lazy("Мероприятие объявлено"),
        "event.cancelled": gettext_lazy("Мероприятие отменено"),
        "event.report": gettext_lazy("Отчёт о мероприятии"),
        "event.material": gettext_lazy("Материалы мероприятия изменены"),
        "event.registration": gettext_lazy("Регистрация на мероприятие"),
        "event.attendance": gettext_lazy("Отмечено присутствие"),
        "event.certificates": gettext_lazy("Выданы сертификаты участников"),
        "road_map.created": gettext_lazy("Сетевой график создан"),
        "road_map.updated": gettext_lazy("Сетевой график изменён"),
        "road_map.line": gettext_lazy("Строка сетевого графика изменена"),
    }
)


def deny() -> PermissionDeniedError:
    return PermissionDeniedError(_("У вас нет прав на это действие."))


def local(moment: Any, event: Event) -> str:
    """A date and time in the event's district's zone, as people read it: «12 декабря
    2026 г., 15:00»."""
    value = timezone.localtime(moment, event.zone)
    return f"{formats.date_format(value, 'j E Y г.')}, {value:%H:%M}"


def when_text(event: Event) -> str:
    start = timezone.localtime(event.starts_at, event.zone)
    end = timezone.localtime(event.ends_at, event.zone)
    if start.date() == end.date():
        return f"{formats.date_format(start, 'j E Y г.')}, {start:%H:%M}–{end:%H:%M}"
    return f"{local(event.starts_at, event)} — {local(event.ends_at, event)}"


def organization_of(person: User) -> Organization | None:
    """The organization a person comes from: a school first, then the department."""
    membership = (
        Membership.objects.active()
        .filter(user=person)
        .select_related("organization__kind")
        .order_by("organization__kind__is_education_authority", "pk")
        .first()
    )
    return membership.organization if membership else None
