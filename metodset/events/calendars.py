"""What the calendar pages and feeds show: the filter form, the reads behind the list, the
month grid, «my events», the district's афиша and the iCalendar feeds.

Every read starts from `permissions.events_visible_to`, so a page never shows what the
event's own page would refuse. Times are read in the event's district time zone.
"""

import calendar
import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metodset.accounts.models import District, Membership, Organization, Subject, User, name_key
from metodset.accounts.permissions import is_network_staff, roles_of
from metodset.events import permissions
from metodset.events.models import CalendarFeed, Event, EventKind, Registration
from metodset.groups import permissions as group_permissions
from metodset.groups.models import Group, GroupMember

# Feeds reach this far back, so a calendar keeps the recent past instead of losing it.
FEED_DAYS_BACK = 60

AUDIENCE_FIELDS = {
    "teachers": "for_teachers",
    "heads": "for_heads",
    "students": "for_students",
    "parents": "for_parents",
}
AUDIENCE_CHOICES = [
    ("", _("все")),
    ("teachers", _("педагогам")),
    ("heads", _("руководителям")),
    ("students", _("обучающимся")),
    ("parents", _("родителям")),
]
PERIOD_PAST = "past"
PERIOD_CHOICES = [("", _("предстоящие")), (PERIOD_PAST, _("прошедшие"))]

# The афиша's two audiences: families (students and parents) and the network's staff.
FAMILIES = "families"
STAFF = "staff"
POSTER_AUDIENCES = {
    FAMILIES: Q(for_students=True) | Q(for_parents=True),
    STAFF: Q(for_teachers=True) | Q(for_heads=True),
}

WEEKDAYS = [_("Пн"), _("Вт"), _("Ср"), _("Чт"), _("Пт"), _("Сб"), _("Вс")]


# --- Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarFilters:
    text: str = ""
    audience: str = ""
    kind: EventKind | None = None
    subject: Subject | None = None
    organization: Organization | None = None
    group: Group | None = None
    past: bool = False


class CalendarFilterForm(forms.Form):
    """The filters of the list and the month (GET). Organizations and groups offered are
    those that have events at all; groups only those the viewer may see."""

    q = forms.CharField(label=_("Поиск"), required=False, max_length=200)
    audience = forms.ChoiceField(label=_("Для кого"), choices=AUDIENCE_CHOICES, required=False)
    kind = forms.ModelChoiceField(
        label=_("Вид"),
        queryset=EventKind.objects.all(),
        required=False,
        empty_label=_("все виды"),
        to_field_name="code",
    )
    subject = forms.ModelChoiceField(
        label=_("Предмет"), queryset=Subject.objects.all(), required=False, empty_label=_("все")
    )
    organization = forms.ModelChoiceField(
        label=_("Организатор"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("все"),
    )
    group = forms.ModelChoiceField(
        label=_("Объединение"), queryset=Group.objects.none(), required=False, empty_label=_("все")
    )
    period = forms.ChoiceField(label=_("Когда"), choices=PERIOD_CHOICES, required=False)

    def __init__(self, data: Any = None, *, viewer: Any) -> None:
        super().__init__(data)
        organizers = Event.organizations.through.objects.values("organization_id")
        self.fields["organization"].queryset = Organization.objects.active().filter(  # type: ignore[attr-defined]
            pk__in=organizers
        )
        self.fields["group"].queryset = (  # type: ignore[attr-defined]
            group_permissions.groups_visible_to(viewer)
            .filter(pk__in=Event.objects.filter(group__isnull=False).values("group_id"))
            .order_by("title")
        )
        for name, form_field in self.fields.items():
            css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
            form_field.widget.attrs["class"] = f"{css} {css}-sm"
            form_field.widget.attrs["id"] = f"filter-{name}"

    def filters(self) -> CalendarFilters:
        """The chosen filters; a choice that is no longer valid (a stale link) is dropped
        alone, the others still apply."""
        if not self.is_bound:
            return CalendarFilters()
        self.is_valid()
        data = self.cleaned_data
        return CalendarFilters(
            text=data.get("q", "").strip(),
            audience=data.get("audience", ""),
            kind=data.get("kind"),
            subject=data.get("subject"),
            organization=data.get("organization"),
            group=data.get("group"),
            past=data.get("period") == PERIOD_PAST,
        )


def announced_to(viewer: Any) -> QuerySet[Event]:
    """What calendars show a person: visible and announced (drafts live in «Мои»)."""
    return permissions.events_visible_to(viewer).exclude(status=Event.Status.DRAFT)


def filtered(events: QuerySet[Event], filters: CalendarFilters) -> QuerySet[Event]:
    for word in filters.text.split():
        # search_key is folded by name_key (case, ё), so the word is folded the same way.
        events = events.filter(search_key__contains=name_key(word))
    if filters.audience in AUDIENCE_FIELDS:
        events = events.filter(**{AUDIENCE_FIELDS[filters.audience]: True})
    if filters.kind is not None:
        events = events.filter(kind=filters.kind)
    if filters.subject is not None:
        events = events.filter(subject=filters.subject)
    if filters.organization is not None:
        events = events.filter(
            pk__in=Event.organizations.through.objects.filter(
                organization_id=filters.organization.pk
            ).values("event_id")
        )
    if filters.group is not None:
        events = events.filter(group=filters.group)
    return events


def with_details(events: QuerySet[Event], viewer: Any) -> QuerySet[Event]:
    """Joins and counts every row of a list needs, in a fixed number of queries: the
    organizers, confirmed participants (`taken_places`) and the viewer's registration
    status (`my_status`, None when not registered)."""
    taken = (
        Registration.objects.filter(
            event=OuterRef("pk"),
            status=Registration.Status.CONFIRMED,
            role=Registration.Role.PARTICIPANT,
        )
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    events = events.select_related("kind", "district", "group", "subject").prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.order_by("short_name")),
        "sessions",
    )
    events = events.annotate(taken_places=Coalesce(Subquery(taken, output_field=IntegerField()), 0))
    if getattr(viewer, "is_authenticated", False):
        mine = Registration.objects.filter(event=OuterRef("pk"), person_id=viewer.pk)
        events = events.annotate(my_status=Subquery(mine.values("status")[:1]))
    return events


def events_for_list(viewer: Any, filters: CalendarFilters) -> QuerySet[Event]:
    now = timezone.now()
    events = filtered(announced_to(viewer), filters)
    if filters.past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return with_details(events, viewer)


# --- Rows as people read them -------------------------------------------------------------


def zone_label(moment: datetime.datetime) -> str:
    """A zone as people read it: «MSK», or «UTC+7» where tzdata only has «+07»."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = moment.utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@dataclass
class Entry:
    """An event as one row of a calendar shows it, in its district's time zone."""

    event: Event
    starts: datetime.datetime
    ends: datetime.datetime
    # The zone's name, shown only when the viewer's clock reads the time differently.
    zone: str
    free_places: int | None
    my_status: str | None

    @property
    def shown_start(self) -> datetime.datetime:
        """The wall clock of the event's zone, naive: templates' date filters would turn
        an aware time into the viewer's zone."""
        return self.starts.replace(tzinfo=None)

    @property
    def shown_end(self) -> datetime.datetime:
        return self.ends.replace(tzinfo=None)

    @property
    def is_multi_day(self) -> bool:
        return self.starts.date() != self.ends.date()

    @property
    def shows_places(self) -> bool:
        event = self.event
        return (
            event.capacity is not None
            and event.registration_enabled
            and not event.is_cancelled
            and not event.has_ended
        )

    @property
    def is_registered(self) -> bool:
        return self.my_status == Registration.Status.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.my_status == Registration.Status.WAITING

    @property
    def is_pending(self) -> bool:
        return self.my_status == Registration.Status.PENDING


def entry_of(event: Event) -> Entry:
    zone = event.zone
    starts = timezone.localtime(event.starts_at, zone)
    ends = timezone.localtime(event.ends_at, zone)
    viewer_clock = timezone.localtime(event.starts_at)
    taken: int = getattr(event, "taken_places", 0) or 0
    return Entry(
        event=event,
        starts=starts,
        ends=ends,
        zone="" if viewer_clock.utcoffset() == starts.utcoffset() else zone_label(starts),
        free_places=None if event.capacity is None else max(event.capacity - taken, 0),
        my_status=getattr(event, "my_status", None),
    )


def by_day(events: Iterable[Event]) -> list[tuple[datetime.date, list[Entry]]]:
    """Rows grouped under the day (in the event's zone) each event begins."""
    entries = [entry_of(event) for event in events]
    return [
        (day, list(rows)) for day, rows in itertools.groupby(entries, key=lambda e: e.starts.date())
    ]


# --- The month grid -----------------------------------------------------------------------


@dataclass
class MonthDay:
    day: datetime.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Month:
    first: datetime.date
    weeks: list[list[MonthDay]]
    previous: datetime.date
    next: datetime.date

    @property
    def days_with_events(self) -> list[MonthDay]:
        """For the phone's list: the days of this month that have events."""
        return [d for week in self.weeks for d in week if d.in_month and d.entries]

    @property
    def is_empty(self) -> bool:
        return not self.days_with_events


def month_of(year: int | None, month: int | None) -> datetime.date:
    """The first day of the asked month; the current one when the values are missing or
    out of range."""
    today = timezone.localdate()
    if year is None or month is None or not (1 <= month <= 12 and 1900 <= year <= 2999):
        return today.replace(day=1)
    return datetime.date(year, month, 1)


def _days_of(event: Event) -> set[datetime.date]:
    """The days (in the event's zone) its sessions cover; an end exactly at midnight does
    not bring the next day in."""
    zone = event.zone
    spans = [(s.starts_at, s.ends_at) for s in event.sessions.all()] or [
        (event.starts_at, event.ends_at)
    ]
    days: set[datetime.date] = set()
    for start, end in spans:
        first = timezone.localtime(start, zone).date()
        last = timezone.localtime(end - datetime.timedelta(microseconds=1), zone).date()
        last = max(first, last)
        days.update(first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return days


def month_grid(viewer: Any, filters: CalendarFilters, first: datetime.date) -> Month:
    weeks_dates = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    grid_start, grid_end = weeks_dates[0][0], weeks_dates[-1][-1]
    # Bounds in the viewer's zone widened by two days: events are placed by the days of
    # their own districts' zones, which may be up to a day apart.
    lower = timezone.make_aware(
        datetime.datetime.combine(grid_start - datetime.timedelta(days=2), datetime.time())
    )
    upper = timezone.make_aware(
        datetime.datetime.combine(grid_end + datetime.timedelta(days=3), datetime.time())
    )
    events = with_details(
        filtered(announced_to(viewer), filters)
        .filter(starts_at__lt=upper, ends_at__gte=lower)
        .order_by("starts_at", "pk"),
        viewer,
    )
    today = timezone.localdate()
    cells = {
        day: MonthDay(day=day, in_month=day.month == first.month, is_today=day == today)
        for week in weeks_dates
        for day in week
    }
    for event in events:
        entry = entry_of(event)
        for day in sorted(_days_of(event)):
            if day in cells:
                cells[day].entries.append(entry)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Month(
        first=first,
        weeks=[[cells[day] for day in week] for week in weeks_dates],
        previous=previous,
        next=following,
    )


# --- «My events» --------------------------------------------------------------------------


def _waiting_place() -> Coalesce:
    """The person's place in the waiting list, 1 for the first: those who asked earlier
    (ties by id, as `fill_free_places` takes them) plus one."""
    ahead = (
        Registration.objects.filter(event=OuterRef("event"), status=Registration.Status.WAITING)
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), 0)


def my_registrations(user: User) -> QuerySet[Registration]:
    """The person's live registrations for events that have not ended, soonest first."""
    return (
        Registration.objects.filter(
            person=user, status__in=Registration.LIVE, event__ends_at__gte=timezone.now()
        )
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event__kind", "event__district")
        .annotate(waiting_ahead=_waiting_place())
        .order_by("event__starts_at", "pk")
    )


def my_organized(user: User) -> QuerySet[Event]:
    """Events the person manages that have not ended, drafts included."""
    events = permissions.events_managed_by(user).filter(ends_at__gte=timezone.now())
    return with_details(events.order_by("starts_at", "pk"), user)


def my_past(user: User) -> QuerySet[Event]:
    """Ended events the person took part in or managed, latest first."""
    took_part = Registration.objects.filter(person=user, status__in=Registration.LIVE).values(
        "event_id"
    )
    managed = permissions.events_managed_by(user).values("pk")
    events = Event.objects.filter(
        Q(pk__in=took_part) | Q(pk__in=managed), ends_at__lt=timezone.now()
    )
    return with_details(events.order_by("-starts_at", "-pk"), user)


# --- The district's афиша -------------------------------------------------------------------


def poster_order(viewer: Any) -> list[str]:
    """Students, parents and guests read the events for families first; the network's
    staff those for teachers."""
    if is_network_staff(roles_of(viewer)):
        return [STAFF, FAMILIES]
    return [FAMILIES, STAFF]


def poster_sections(district: District, audiences: list[str]) -> list[tuple[str, QuerySet[Event]]]:
    """Public announced upcoming events of the district by audience, in the given order:
    what a guest may see, whoever asks. An event for both audiences is shown once, in the
    first section it belongs to."""
    events = announced_to(AnonymousUser()).filter(district=district, ends_at__gte=timezone.now())
    sections = []
    shown = Q(pk__in=[])
    for audience in audiences:
        chosen = events.filter(POSTER_AUDIENCES[audience]).exclude(shown)
        sections.append((audience, with_details(chosen.order_by("starts_at", "pk"), None)))
        shown |= POSTER_AUDIENCES[audience]
    return sections


# --- Feeds ----------------------------------------------------------------------------------


def _for_feed(events: QuerySet[Event]) -> QuerySet[Event]:
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    return (
        events.filter(ends_at__gte=since)
        .exclude(status=Event.Status.DRAFT)
        .select_related("kind", "district", "group")
        .prefetch_related(
            Prefetch("organizations", queryset=Organization.objects.order_by("short_name")),
            "sessions",
        )
        .order_by("starts_at", "pk")
    )


def person_feed_events(user: User) -> QuerySet[Event]:
    """A person's calendar: their live registrations and the events they manage (a
    cancelled one stays, so calendars remove it)."""
    registered = Registration.objects.filter(person=user, status__in=Registration.LIVE).values(
        "event_id"
    )
    managed = permissions.events_managed_by(user).values("pk")
    return _for_feed(Event.objects.filter(Q(pk__in=registered) | Q(pk__in=managed)))


def public_feed_events(
    *, organization: Organization | None = None, group: Group | None = None
) -> QuerySet[Event]:
    """An organization's or a group's public calendar: only what a guest may see."""
    events = permissions.events_visible_to(AnonymousUser())
    if organization is not None:
        events = events.filter(
            pk__in=Event.organizations.through.objects.filter(
                organization_id=organization.pk
            ).values("event_id")
        )
    if group is not None:
        events = events.filter(group=group)
    return _for_feed(events)


def feed_organizations_of(user: User) -> QuerySet[Organization]:
    """The organizations whose public calendars the feeds page offers a person."""
    return (
        Organization.objects.active()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .distinct()
        .order_by("short_name")
    )


def feed_groups_of(user: User) -> list[Group]:
    """The person's groups whose public calendars a guest may open."""
    groups = (
        Group.objects.filter(members__user=user, members__status=GroupMember.Status.ACTIVE)
        .select_related("district")
        .order_by("title")
    )
    anonymous = AnonymousUser()
    return [g for g in groups if group_permissions.can_view_group(anonymous, g)]


def feed_of(user: User) -> CalendarFeed:
    """The person's private calendar address, made on first use."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=CalendarFeed.new_token())
    except IntegrityError:
        # The same person's second tab made it a moment earlier.
        return CalendarFeed.objects.get(user=user)


def renew_feed(user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once (a leaked link)."""
    feed = feed_of(user)
    feed.token = CalendarFeed.new_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
