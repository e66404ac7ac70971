"""iCalendar: one event's .ics, a person's private feed (the token in the address is the
key: calendar apps cannot sign in), the public feeds of an organization and a group, and
the page that gives the addresses."""

import hashlib
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from metodset.accounts.models import Organization, User
from metodset.accounts.permissions import can_view_organization
from metodset.events import calendars, ical, permissions
from metodset.events.models import CalendarFeed, Event, Registration
from metodset.groups import permissions as group_permissions
from metodset.groups.models import Group

WAITING = frozenset({Registration.Status.PENDING, Registration.Status.WAITING})


def _ics(
    request: HttpRequest, body: bytes, *, filename: str, attachment: bool = False
) -> HttpResponseBase:
    """text/calendar with an ETag of its content: a calendar app that asks again with
    If-None-Match gets 304 while nothing changed."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    conditional = get_conditional_response(request, etag=etag)
    if conditional is None:
        response: HttpResponseBase = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        disposition = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    else:
        response = conditional
    response["ETag"] = etag
    # A personal feed carries links meant for one person: no shared cache keeps it.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One event to import: 404 for a missing event and one the person may not see."""
    event = get_object_or_404(
        Event.objects.select_related("kind", "district", "group").prefetch_related(
            "organizations", "sessions"
        ),
        pk=pk,
    )
    user = request.user
    if not permissions.can_view_event(user, event):
        raise Http404
    registration = permissions.registration_of(user, event)
    body = ical.calendar_of(
        [event],
        name=event.title,
        with_link=lambda e: e.is_online and permissions.can_see_online_link(user, e),
        tentative=lambda e: registration is not None and registration.status in WAITING,
    )
    return _ics(request, body, filename=f"event-{event.pk}.ics", attachment=True)


@require_GET
def feed_user(request: HttpRequest, token: str) -> HttpResponseBase:
    """A person's events by the secret address; an unknown (or changed) token, or a
    person no longer active, is 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    events = list(calendars.person_feed_events(user))
    statuses = dict(
        Registration.objects.filter(person=user, event__in=[e.pk for e in events]).values_list(
            "event_id", "status"
        )
    )
    managed = set(
        permissions.events_managed_by(user)
        .filter(pk__in=[e.pk for e in events])
        .values_list("pk", flat=True)
    )
    body = ical.calendar_of(
        events,
        name=_("Методсеть: мои мероприятия"),
        # The broadcast link is asked for online events only: one check per event.
        with_link=lambda e: e.is_online and permissions.can_see_online_link(user, e),
        tentative=lambda e: e.pk not in managed and statuses.get(e.pk) in WAITING,
    )
    return _ics(request, body, filename="metodset.ics")


@require_GET
def feed_organization(request: HttpRequest, pk: int) -> HttpResponseBase:
    """What a guest may see of the events an organization holds."""
    organization = get_object_or_404(Organization.objects.select_related("district"), pk=pk)
    if not can_view_organization(AnonymousUser(), organization):
        raise Http404
    events = list(calendars.public_feed_events(organization=organization))
    body = ical.calendar_of(
        events,
        name=_("%(name)s: мероприятия") % {"name": organization.short_name},
        zone=organization.district.zone if organization.district else None,
    )
    return _ics(request, body, filename=f"organization-{organization.pk}.ics")


@require_GET
def feed_group(request: HttpRequest, pk: int) -> HttpResponseBase:
    """What a guest may see of a group's events; 404 for a group guests may not see."""
    group = get_object_or_404(Group.objects.select_related("district"), pk=pk)
    if not group_permissions.can_view_group(AnonymousUser(), group):
        raise Http404
    events = list(calendars.public_feed_events(group=group))
    body = ical.calendar_of(
        events,
        name=_("%(name)s: мероприятия") % {"name": group.title},
        zone=group.district.zone,
    )
    return _ics(request, body, filename=f"group-{group.pk}.ics")


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


def _webcal(url: str) -> str:
    """The same address for the «open in the calendar app» link."""
    return "webcal://" + url.split("://", 1)[-1]


@login_required
@require_http_methods(["GET", "POST"])
def feeds_page(request: HttpRequest) -> HttpResponse:
    """The person's private address (made on the first visit; «Сменить адрес» replaces it
    and the old one stops working) and the public calendars of their organizations and
    groups."""
    user = cast(User, request.user)
    if request.method == "POST":
        calendars.renew_feed(user)
        messages.success(
            request,
            _("Адрес календаря изменён. Прежний адрес больше не работает: подпишитесь заново."),
        )
        return redirect("events:feeds")
    feed: CalendarFeed = calendars.feed_of(user)
    personal = _absolute(reverse("events:feed_user", args=[feed.token]))
    organizations = [
        (org, _absolute(reverse("events:feed_organization", args=[org.pk])))
        for org in calendars.feed_organizations_of(user)
    ]
    groups = [
        (group, _absolute(reverse("events:feed_group", args=[group.pk])))
        for group in calendars.feed_groups_of(user)
    ]
    return render(
        request,
        "events/feeds.html",
        {
            "personal": personal,
            "personal_webcal": _webcal(personal),
            "organizations": organizations,
            "groups": groups,
        },
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/event.ics", event_ics, name="event_ics"),
    path("ical/", feeds_page, name="feeds"),
    path("ical/u/<str:token>.ics", feed_user, name="feed_user"),
    path("ical/organization/<int:pk>.ics", feed_organization, name="feed_organization"),
    path("ical/group/<int:pk>.ics", feed_group, name="feed_group"),
]
