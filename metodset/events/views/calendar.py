"""Calendar pages: the list of events by day, the month, «my events» and the district's
public афиша. Thin: the filters and reads live in `events.calendars`."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from metodset.accounts.models import District, User
from metodset.events import calendars, permissions

PER_PAGE = 30
# The афиша shows the nearest events of each audience; the list pages through the rest.
POSTER_LIMIT = 100
TABS = ("participating", "organizing", "past")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _query_without(request: HttpRequest, *names: str) -> str:
    """The filters of this page for a link to the other view of the calendar."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return str(query.urlencode())


@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    form = calendars.CalendarFilterForm(request.GET or None, viewer=request.user)
    filters = form.filters()
    events = calendars.events_for_list(request.user, filters)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/calendar_list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "days": calendars.by_day(page.object_list),
            "month_query": _query_without(request, "page", "period"),
            "can_create": permissions.can_create_event(request.user),
            "can_view_road_maps": request.user.is_authenticated
            and permissions.road_maps_visible_to(request.user).exists(),
        },
    )


@require_GET
def calendar_month(request: HttpRequest) -> HttpResponse:
    form = calendars.CalendarFilterForm(request.GET or None, viewer=request.user)
    first = calendars.month_of(_int(request.GET.get("year")), _int(request.GET.get("month")))
    month = calendars.month_grid(request.user, form.filters(), first)
    return render(
        request,
        "events/calendar_month.html",
        {
            "form": form,
            "month": month,
            "weekdays": calendars.WEEKDAYS,
            "today": timezone.localdate(),
            "list_query": _query_without(request, "year", "month"),
            "can_create": permissions.can_create_event(request.user),
        },
    )


@login_required
@require_GET
def my_events(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    tab = request.GET.get("tab", TABS[0])
    if tab not in TABS:
        tab = TABS[0]
    registrations = calendars.my_registrations(user)
    organized = calendars.my_organized(user)
    past = calendars.my_past(user)
    context: dict[str, object] = {
        "tab": tab,
        "counts": {
            "participating": registrations.count(),
            "organizing": organized.count(),
        },
        "can_create": permissions.can_create_event(user),
    }
    if tab == "participating":
        rows = list(registrations)
        context["registrations"] = [(row, calendars.entry_of(row.event)) for row in rows]
    else:
        page = Paginator(organized if tab == "organizing" else past, PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["page_obj"] = page
        context["entries"] = [calendars.entry_of(event) for event in page.object_list]
    return render(request, "events/my_events.html", context)


@require_GET
def district_events(request: HttpRequest, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    order = calendars.poster_order(request.user)
    chosen = request.GET.get("audience", "")
    shown = [chosen] if chosen in calendars.POSTER_AUDIENCES else order
    titles = {
        calendars.FAMILIES: _("Для обучающихся и родителей"),
        calendars.STAFF: _("Для педагогов и руководителей"),
    }
    sections = [
        (audience, titles[audience], calendars.by_day(events[:POSTER_LIMIT]))
        for audience, events in calendars.poster_sections(district, shown)
    ]
    return render(
        request,
        "events/district_events.html",
        {
            "district": district,
            "sections": sections,
            "order": [(audience, titles[audience]) for audience in order],
            "chosen": chosen if chosen in calendars.POSTER_AUDIENCES else "",
        },
    )


urlpatterns: list[URLPattern] = [
    path("", calendar_list, name="calendar"),
    path("month/", calendar_month, name="month"),
    path("mine/", my_events, name="mine"),
    path("district/<slug:slug>/", district_events, name="district"),
]
