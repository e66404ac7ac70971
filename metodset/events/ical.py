"""iCalendar (RFC 5545) of events: one event's .ics and the feeds that Яндекс Календарь,
Google Календарь, Thunderbird and Outlook subscribe to.

Times are written in the event's district zone with its VTIMEZONE, so a calendar shows
15:00 in Томск as 15:00 there whatever the reader's own zone. A cancelled event stays in
the feeds with STATUS:CANCELLED and a higher SEQUENCE, so calendars remove it. The output
depends only on the rows (DTSTAMP is the row's last change, which RFC 5545 §3.8.7.2 allows
without METHOD), so the same data gives the same bytes and the feeds can carry an ETag.
"""

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.events.models import Event, EventSession

PRODID = "-//Metodset//Календарь мероприятий//RU"
# Calendar apps that honour it refresh a subscription hourly (Google decides for itself).
REFRESH = datetime.timedelta(hours=1)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _organizer(event: Event) -> icalendar.vCalAddress | None:
    """ORGANIZER needs an address: the first organizer's e-mail, else its page."""
    organizations = list(event.organizations.all())
    if organizations:
        first = organizations[0]
        address = f"mailto:{first.email}" if first.email else absolute(first.get_absolute_url())
        name = first.short_name
    elif event.group is not None:
        address, name = absolute(event.group.get_absolute_url()), event.group.title
    else:
        return None
    organizer = icalendar.vCalAddress(address)
    organizer.params["CN"] = icalendar.vText(name)
    return organizer


def _location(event: Event) -> str:
    if not event.is_offline:
        return _("Онлайн")
    return ", ".join(part for part in (event.address, event.room) if part)


def _description(event: Event, *, with_link: bool) -> str:
    parts: list[str] = []
    if event.is_cancelled:
        parts.append(
            _("Мероприятие отменено. Причина: %(reason)s") % {"reason": event.cancel_reason}
        )
    if event.description.strip():
        parts.append(event.description.strip())
    if with_link and event.online_url and event.is_online:
        parts.append(_("Ссылка на трансляцию: %(url)s") % {"url": event.online_url})
    parts.append(_("Страница мероприятия: %(url)s") % {"url": absolute(event.get_absolute_url())})
    return "\n\n".join(parts)


def _spans(
    event: Event,
) -> list[tuple[str, datetime.datetime, datetime.datetime, EventSession | None]]:
    """(UID, start, end, session) of each VEVENT: one for a single sitting, else one per
    session. Sessions are numbered by their order, not their ids: the services write them
    anew on every change of time, and a UID must survive that so an imported event is
    updated instead of doubled."""
    sessions = list(event.sessions.all())
    if len(sessions) <= 1:
        return [(f"event-{event.pk}@metodset", event.starts_at, event.ends_at, None)]
    return [
        (f"event-{event.pk}-{number}@metodset", session.starts_at, session.ends_at, session)
        for number, session in enumerate(sessions, start=1)
    ]


def vevents_of(
    event: Event, *, with_link: bool = False, tentative: bool = False
) -> list[icalendar.Event]:
    zone = event.zone
    stamp = event.updated_at.astimezone(datetime.UTC)
    status = "TENTATIVE" if tentative else "CONFIRMED"
    if event.is_cancelled:
        status = "CANCELLED"
    spans = _spans(event)
    components = []
    for uid, start, end, session in spans:
        summary = event.title
        if session is not None and session.title:
            summary = f"{summary} — {session.title}"
        if event.is_cancelled:
            summary = _("ОТМЕНЕНО: %(title)s") % {"title": summary}
        component = icalendar.Event()
        component.add("uid", uid)
        component.add("dtstamp", stamp)
        component.add("last-modified", stamp)
        component.add("sequence", event.sequence)
        component.add("status", status)
        component.add("summary", summary)
        component.add("dtstart", timezone.localtime(start, zone))
        component.add("dtend", timezone.localtime(end, zone))
        component.add("description", _description(event, with_link=with_link))
        if location := _location(event):
            component.add("location", location)
        component.add("url", absolute(event.get_absolute_url()))
        component.add("categories", [event.kind.name])
        if (organizer := _organizer(event)) is not None:
            component.add("organizer", organizer)
        components.append(component)
    return components


def main_zone(events: Sequence[Event]) -> zoneinfo.ZoneInfo:
    """The zone most of the events are in; the installation's when there are none."""
    counts = Counter(event.zone.key for event in events)
    if not counts:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return zoneinfo.ZoneInfo(counts.most_common(1)[0][0])


def calendar_of(
    events: Iterable[Event],
    *,
    name: str,
    zone: zoneinfo.ZoneInfo | None = None,
    with_link: Callable[[Event], bool] = lambda event: False,
    tentative: Callable[[Event], bool] = lambda event: False,
) -> bytes:
    """A VCALENDAR of the events with a VTIMEZONE for every zone they use. `with_link`
    says for which events the reader may see the broadcast link; `tentative` which ones
    they only wait for (a waiting list, an approval). The calendar's own zone
    (X-WR-TIMEZONE) is `zone`, else the one most of the events use."""
    events = list(events)
    zone = zone or main_zone(events)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-timezone", zone.key)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    first: datetime.date | None = None
    last: datetime.date | None = None
    for event in events:
        for component in vevents_of(event, with_link=with_link(event), tentative=tentative(event)):
            cal.add_component(component)
        start, end = event.starts_at.date(), event.ends_at.date()
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    if first is not None and last is not None:
        # Observances only for the span the events cover (a day either side for the zones'
        # offsets): from 1970 on, some zones would add hundreds of lines to every refresh.
        cal.add_missing_timezones(
            first_date=first - datetime.timedelta(days=1),
            last_date=last + datetime.timedelta(days=1),
        )
    body: bytes = cal.to_ical()
    return body
