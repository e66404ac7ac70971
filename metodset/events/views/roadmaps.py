"""Pages of road maps (сетевые графики): the list with progress, composing a road map, its
table by month, lines and their status, and the DOCX and XLSX exports. Thin: parse, call a
service, render."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import Organization, User
from metodset.accounts.permissions import is_network_staff, roles_of
from metodset.accounts.selectors import home_district
from metodset.core.actions import actor_of, refusals_into, run_action
from metodset.documents.docx import DOCX_CONTENT_TYPE
from metodset.events import documents, permissions
from metodset.events.forms_roadmaps import (
    LineForm,
    LineStatusForm,
    NewRoadMapForm,
    RoadMapFilterForm,
    RoadMapForm,
)
from metodset.events.models import RoadMap, RoadMapLine
from metodset.events.services import roadmaps as services

PER_PAGE = 30


def get_road_map_for(user: Any, pk: int) -> RoadMap:
    """404 both for a missing road map and one the user may not see."""
    road_map = get_object_or_404(
        RoadMap.objects.select_related("district", "academic_year", "group", "created_by"),
        pk=pk,
    )
    if not permissions.can_view_road_map(user, road_map):
        raise Http404
    return road_map


def get_line_for(user: Any, pk: int) -> RoadMapLine:
    line = get_object_or_404(
        RoadMapLine.objects.select_related(
            "road_map__district", "road_map__academic_year", "road_map__group", "event"
        ),
        pk=pk,
    )
    if not permissions.can_view_road_map(user, line.road_map):
        raise Http404
    return line


def _managed(user: Any, road_map: RoadMap) -> None:
    if not permissions.can_manage_road_map(user, road_map):
        raise PermissionDenied


def _line_url(line: RoadMapLine) -> str:
    return f"{line.road_map.get_absolute_url()}#line-{line.pk}"


# --- The list -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def roadmap_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_network_staff(roles_of(user)):
        raise Http404
    visible = permissions.road_maps_visible_to(user)
    form = RoadMapFilterForm(
        request.GET or None,
        organizations=Organization.objects.filter(pk__in=visible.values("organizations")).order_by(
            "short_name"
        ),
    )
    road_maps = visible
    if form.is_valid():
        if form.cleaned_data["year"] is not None:
            road_maps = road_maps.filter(academic_year=form.cleaned_data["year"])
        if form.cleaned_data["organization"] is not None:
            road_maps = road_maps.filter(organizations=form.cleaned_data["organization"])
    road_maps = services.with_progress(
        road_maps.select_related("academic_year", "district", "group").prefetch_related(
            "organizations"
        )
    ).order_by("-academic_year__start_year", "title", "pk")
    page = Paginator(road_maps, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/roadmap_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_create": permissions.can_create_road_map(user),
        },
    )


# --- Composing a road map -----------------------------------------------------------------


def _district_organizations(district_id: int, *keep: QuerySet[Organization]) -> Any:
    """The district's organizations to choose from, and those already chosen."""
    condition = Q(is_active=True, district_id=district_id)
    for chosen in keep:
        condition |= Q(pk__in=chosen.values("pk"))
    return Organization.objects.filter(condition).order_by("short_name")


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_create(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not permissions.can_create_road_map(user):
        raise PermissionDenied
    district = home_district(user)
    if district is None:
        raise PermissionDenied
    years = services.years_to_plan()
    organizations = _district_organizations(district.pk)
    own_schools = sorted(roles_of(user).admin_org_ids)
    form = NewRoadMapForm(
        request.POST or None,
        initial={"academic_year": years[0].pk, "organizations": own_schools},
        organizations=organizations,
        years=years,
        groups=permissions.groups_for_new_event(user).order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            road_map = services.create_road_map(
                actor=user,
                title=data["title"],
                academic_year=data["academic_year"],
                organizations=list(data["organizations"]),
                group=data.get("group"),
                goal=data["goal"],
            )
        if outcome.ok:
            messages.success(request, _("Сетевой график составлен: добавьте мероприятия."))
            return redirect(road_map.get_absolute_url())
    return render(
        request,
        "events/roadmap_form.html",
        {"form": form, "title": _("Новый сетевой график"), "district": district},
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_edit(request: HttpRequest, pk: int) -> HttpResponse:
    road_map = get_road_map_for(request.user, pk)
    _managed(request.user, road_map)
    form = RoadMapForm(
        request.POST or None,
        initial={
            "title": road_map.title,
            "goal": road_map.goal,
            "organizations": list(road_map.organizations.values_list("pk", flat=True)),
        },
        organizations=_district_organizations(road_map.district_id, road_map.organizations.all()),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            services.update_road_map(
                actor=actor_of(request),
                road_map=road_map,
                title=data["title"],
                goal=data["goal"],
                organizations=list(data["organizations"]),
            )
        if outcome.ok:
            messages.success(request, _("Изменения сохранены."))
            return redirect(road_map.get_absolute_url())
    return render(
        request,
        "events/roadmap_form.html",
        {"form": form, "title": _("Изменить сетевой график"), "road_map": road_map},
    )


# --- The road map page --------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    road_map = get_road_map_for(request.user, pk)
    held, planned = services.progress_of(road_map)
    return render(
        request,
        "events/roadmap_detail.html",
        {
            "road_map": road_map,
            "organizations": list(road_map.organizations.order_by("short_name")),
            "plan": services.plan_of(road_map),
            "held": held,
            "planned": planned,
            "can_manage": permissions.can_manage_road_map(request.user, road_map),
        },
    )


# --- Lines --------------------------------------------------------------------------------


def _picked(request: HttpRequest, people: QuerySet[User], line: RoadMapLine | None) -> list[User]:
    """Responsible people already in the form: posted ids, else the line's."""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("responsible_people") if v.isdigit()]
        chosen = people.filter(pk__in=ids)
    elif line is not None:
        chosen = line.responsible_people.all()
    else:
        return []
    return list(chosen.prefetch_related("memberships__organization").order_by("last_name"))


def _month_asked(request: HttpRequest, months: list[datetime.date]) -> str | None:
    asked = request.GET.get("month", "")
    return asked if asked in {month.isoformat() for month in months} else None


def _line_form(request: HttpRequest, road_map: RoadMap, line: RoadMapLine | None) -> HttpResponse:
    user = actor_of(request)
    months = services.months_of(road_map.academic_year)
    people = services.people_to_pick(road_map)
    if line is not None:
        people = people | User.objects.filter(pk__in=line.responsible_people.values("pk"))
    initial: dict[str, Any] = {"month": _month_asked(request, months)}
    if line is not None:
        initial = {
            "month": line.month.isoformat(),
            "title": line.title,
            "kind": line.kind_id,
            "audience": line.audience,
            "responsible_organizations": list(
                line.responsible_organizations.values_list("pk", flat=True)
            ),
        }
    form = LineForm(
        request.POST or None,
        initial=initial,
        months=months,
        organizations=services.organizations_to_pick(road_map),
        people=people,
    )
    finding = request.method == "POST" and "find" in request.POST
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            line = services.save_line(
                actor=user,
                road_map=road_map,
                line=line,
                month=data["month"],
                title=data["title"],
                kind=data["kind"],
                audience=data["audience"],
                responsible_people=list(data["responsible_people"]),
                responsible_organizations=list(data["responsible_organizations"]),
            )
        if outcome.ok and line is not None:
            messages.success(request, _("Мероприятие сохранено в сетевом графике."))
            return redirect(_line_url(line))
    picked = _picked(request, people, line)
    picked_ids = {person.pk for person in picked}
    query = request.POST.get("q", "") if request.method == "POST" else ""
    found = [
        person
        for person in services.people_to_pick(road_map, text=query)
        if person.pk not in picked_ids
    ]
    return render(
        request,
        "events/roadmap_line_form.html",
        {
            "road_map": road_map,
            "line": line,
            "form": form,
            "picked": picked,
            "found": found,
            "query": query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    road_map = get_road_map_for(request.user, pk)
    _managed(request.user, road_map)
    return _line_form(request, road_map, None)


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_line_for(request.user, pk)
    _managed(request.user, line.road_map)
    return _line_form(request, line.road_map, line)


@login_required
@require_http_methods(["GET"])
def roadmap_people(request: HttpRequest, pk: int) -> HttpResponse:
    """People of the road map's district by name, for the responsible people's picker
    (HTMX)."""
    road_map = get_road_map_for(request.user, pk)
    _managed(request.user, road_map)
    query = request.GET.get("q", "")
    picked = {int(v) for v in request.GET.getlist("responsible_people") if v.isdigit()}
    found = [
        person
        for person in services.people_to_pick(road_map, text=query)
        if person.pk not in picked
    ]
    return render(
        request, "events/includes/roadmap_people_found.html", {"found": found, "query": query}
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_line_status(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_line_for(request.user, pk)
    road_map = line.road_map
    _managed(request.user, road_map)
    form = LineStatusForm(
        request.POST or None,
        initial={"status": request.GET.get("status", "")},
        line=line,
        months=services.months_of(road_map.academic_year),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            services.set_line_status(
                actor=actor_of(request),
                line=line,
                status=data["status"],
                reason=data["reason"],
                moved_to=data["moved_to"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("«%(title)s»: %(status)s.")
                % {"title": line.title, "status": line.get_status_display()},
            )
            return redirect(_line_url(line))
    return render(
        request,
        "events/roadmap_line_status.html",
        {"road_map": road_map, "line": line, "form": form},
    )


@login_required
@require_POST
def roadmap_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_line_for(request.user, pk)
    road_map = line.road_map
    run_action(
        request,
        lambda: services.delete_line(actor=actor_of(request), line=line),
        _("Мероприятие «%(title)s» удалено из сетевого графика.") % {"title": line.title},
    )
    return redirect(road_map.get_absolute_url())


# --- Exports ------------------------------------------------------------------------------


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET"])
def roadmap_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """For signing by the heads of the organizations."""
    road_map = get_road_map_for(request.user, pk)
    return _attachment(
        documents.road_map_docx(road_map), DOCX_CONTENT_TYPE, documents.filename(road_map, "docx")
    )


@login_required
@require_http_methods(["GET"])
def roadmap_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    road_map = get_road_map_for(request.user, pk)
    return _attachment(
        documents.road_map_xlsx(road_map),
        documents.XLSX_CONTENT_TYPE,
        documents.filename(road_map, "xlsx"),
    )


urlpatterns: list[URLPattern] = [
    path("roadmaps/", roadmap_list, name="roadmaps"),
    path("roadmaps/new/", roadmap_create, name="roadmap_create"),
    path("roadmaps/<int:pk>/", roadmap_detail, name="roadmap"),
    path("roadmaps/<int:pk>/edit/", roadmap_edit, name="roadmap_edit"),
    path("roadmaps/<int:pk>/lines/new/", roadmap_line_add, name="roadmap_line_add"),
    path("roadmaps/<int:pk>/people/", roadmap_people, name="roadmap_people"),
    path("roadmaps/<int:pk>/roadmap.docx", roadmap_docx, name="roadmap_docx"),
    path("roadmaps/<int:pk>/roadmap.xlsx", roadmap_xlsx, name="roadmap_xlsx"),
    path("roadmaps/lines/<int:pk>/", roadmap_line_edit, name="roadmap_line_edit"),
    path("roadmaps/lines/<int:pk>/status/", roadmap_line_status, name="roadmap_line_status"),
    path("roadmaps/lines/<int:pk>/delete/", roadmap_line_delete, name="roadmap_line_delete"),
]
