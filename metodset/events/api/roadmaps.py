"""Road maps in the API: the list, one road map with its lines, create it, add a line,
change a line's state, link a line to the event that carries it out."""

import datetime
import re
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import SIGNED_IN, ErrorOut
from metodset.accounts.models import Organization, User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AcademicYear
from metodset.events import permissions, services
from metodset.events.api.common import (
    actor_of,
    group_by_id,
    kind_by_code,
    organizations_by_id,
    people_by_id,
    visible_event,
)
from metodset.events.api.schemas import (
    ERRORS,
    PER_PAGE,
    LineEventIn,
    LineIn,
    LineOut,
    LineStatusIn,
    RoadMapDetailOut,
    RoadMapFilters,
    RoadMapIn,
    RoadMapPageOut,
)
from metodset.events.models import RoadMap, RoadMapLine

router = Router()


def _month(value: str) -> datetime.date:
    """«2026-03» → the first day of that month."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise DomainError(_("Месяц укажите в виде ГГГГ-ММ, например 2026-03."))
    return datetime.date(int(match[1]), int(match[2]), 1)


def _month_text(value: datetime.date | None) -> str | None:
    return f"{value:%Y-%m}" if value is not None else None


def _road_maps() -> QuerySet[RoadMap]:
    return (
        RoadMap.objects.select_related("academic_year", "district__region", "group")
        .prefetch_related(
            Prefetch("organizations", queryset=Organization.objects.order_by("short_name"))
        )
        .annotate(
            held_count=Count("lines", filter=Q(lines__status=RoadMapLine.Status.HELD)),
            planned_count=Count("lines", filter=~Q(lines__status=RoadMapLine.Status.CANCELLED)),
        )
    )


def _road_map_data(road_map: RoadMap) -> dict[str, Any]:
    held = getattr(road_map, "held_count", None)
    planned = getattr(road_map, "planned_count", None)
    if held is None or planned is None:
        held, planned = services.progress_of(road_map)
    return {
        "id": road_map.pk,
        "title": road_map.title,
        "academic_year": road_map.academic_year.start_year,
        "academic_year_label": str(road_map.academic_year),
        "district": road_map.district.name,
        "organizations": [
            {"id": org.pk, "short_name": org.short_name} for org in road_map.organizations.all()
        ],
        "group": (
            {"id": road_map.group.pk, "title": road_map.group.title} if road_map.group else None
        ),
        "goal": road_map.goal,
        "held": held,
        "planned": planned,
        "url": road_map.get_absolute_url(),
    }


def _line_data(line: RoadMapLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "month": _month_text(line.month),
        "title": line.title,
        "kind": {"code": line.kind.code, "name": line.kind.name} if line.kind else None,
        "audience": line.audience,
        "status": line.status,
        "status_label": line.get_status_display(),
        "reason": line.status_reason,
        "moved_to": _month_text(line.moved_to),
        "event_id": line.event_id,
        "responsible_people": [
            {"id": person.pk, "short_name": person.short_name}
            for person in line.responsible_people.all()
        ],
        "responsible_organizations": [
            {"id": org.pk, "short_name": org.short_name}
            for org in line.responsible_organizations.all()
        ],
    }


def _visible_road_map(request: HttpRequest, road_map_id: int) -> RoadMap:
    road_map = _road_maps().filter(pk=road_map_id).first()
    if road_map is None or not permissions.can_view_road_map(request.user, road_map):
        raise Http404
    return road_map


def _visible_line(request: HttpRequest, line_id: int) -> RoadMapLine:
    line = get_object_or_404(
        RoadMapLine.objects.select_related("road_map__district__region", "road_map__academic_year"),
        pk=line_id,
    )
    if not permissions.can_view_road_map(request.user, line.road_map):
        raise Http404
    return line


def _line_out(line_id: int) -> dict[str, Any]:
    line = (
        RoadMapLine.objects.select_related("kind")
        .prefetch_related("responsible_people", "responsible_organizations")
        .get(pk=line_id)
    )
    return _line_data(line)


@router.get(
    "/roadmaps",
    response=RoadMapPageOut,
    auth=SIGNED_IN,
    operation_id="metodset_events_api_road_map_list",
    summary="Сетевые графики",
    description="Сетевые графики (дорожные карты) совместных мероприятий: их видят "
    "педагоги, руководители и методисты; новые учебные годы первыми, по 20 на странице.",
)
def road_map_list(request: HttpRequest, filters: Query[RoadMapFilters]) -> dict[str, Any]:
    qs = permissions.road_maps_visible_to(request.user)
    if filters.academic_year is not None:
        qs = qs.filter(academic_year__start_year=filters.academic_year)
    if filters.organization is not None:
        qs = qs.filter(
            pk__in=RoadMap.organizations.through.objects.filter(
                organization_id=filters.organization
            ).values("roadmap_id")
        )
    if filters.group is not None:
        qs = qs.filter(group_id=filters.group)
    total = qs.count()
    start = (filters.page - 1) * PER_PAGE
    page = (
        _road_maps()
        .filter(pk__in=qs.values("pk"))
        .order_by("-academic_year__start_year", "title", "pk")[start : start + PER_PAGE]
    )
    return {
        "total": total,
        "page": filters.page,
        "items": [_road_map_data(road_map) for road_map in page],
    }


@router.post(
    "/roadmaps",
    response={201: RoadMapDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_road_map_create",
    summary="Создать сетевой график",
    description="Руководитель ОО — для сети из своей и других организаций (две и более), "
    "руководитель объединения — для него, методист района — для любых организаций района.",
)
def road_map_create(request: HttpRequest, payload: RoadMapIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    if not permissions.can_create_road_map(actor):
        raise PermissionDeniedError(
            _("Сетевой график составляют руководители организаций, объединений и методисты.")
        )
    if payload.academic_year is None:
        year = AcademicYear.objects.current()
    elif 2000 <= payload.academic_year <= 2100:
        year = AcademicYear.objects.for_date(datetime.date(payload.academic_year, 9, 1))
    else:
        raise DomainError(_("Учебный год укажите годом его начала, например 2025."))
    road_map = services.create_road_map(
        actor=actor,
        title=payload.title,
        academic_year=year,
        organizations=organizations_by_id(payload.organization_ids),
        group=group_by_id(payload.group_id),
        goal=payload.goal,
    )
    return Status(201, road_map_detail(request, road_map.pk))


@router.get(
    "/roadmaps/{road_map_id}",
    response={200: RoadMapDetailOut, 404: ErrorOut},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_road_map_detail",
    summary="Сетевой график",
    description="Один сетевой график со строками по месяцам и ходом выполнения; 404, если "
    "его нет или он вам не виден.",
)
def road_map_detail(request: HttpRequest, road_map_id: int) -> dict[str, Any]:
    road_map = _visible_road_map(request, road_map_id)
    lines = road_map.lines.select_related("kind").prefetch_related(
        Prefetch("responsible_people", queryset=User.objects.order_by("last_name", "pk")),
        Prefetch("responsible_organizations", queryset=Organization.objects.order_by("short_name")),
    )
    return {
        **_road_map_data(road_map),
        "lines": [_line_data(line) for line in lines],
        "can_manage": permissions.can_manage_road_map(request.user, road_map),
    }


@router.post(
    "/roadmaps/{road_map_id}/lines",
    response={201: LineOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_line_create",
    summary="Добавить строку графика",
    description="Те, кто ведёт график, добавляют запланированное мероприятие: месяц, "
    "название, форма, участники, ответственные.",
)
def line_create(request: HttpRequest, road_map_id: int, payload: LineIn) -> Status[dict[str, Any]]:
    road_map = _visible_road_map(request, road_map_id)
    line = services.save_line(
        actor=actor_of(request),
        road_map=road_map,
        month=_month(payload.month),
        title=payload.title,
        kind=kind_by_code(payload.kind) if payload.kind else None,
        audience=payload.audience,
        responsible_people=people_by_id(payload.responsible_person_ids),
        responsible_organizations=organizations_by_id(payload.responsible_organization_ids),
    )
    return Status(201, _line_out(line.pk))


@router.post(
    "/roadmaps/lines/{line_id}/status",
    response={200: LineOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_line_status",
    summary="Состояние строки графика",
    description="Проведено; перенесено (на месяц, с причиной); отменено (с причиной); "
    "снова запланировано.",
)
def line_status(request: HttpRequest, line_id: int, payload: LineStatusIn) -> dict[str, Any]:
    line = _visible_line(request, line_id)
    services.set_line_status(
        actor=actor_of(request),
        line=line,
        status=payload.status,
        reason=payload.reason,
        moved_to=_month(payload.moved_to) if payload.moved_to else None,
    )
    return _line_out(line_id)


@router.post(
    "/roadmaps/lines/{line_id}/event",
    response={200: LineOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_line_event",
    summary="Назначить мероприятие по строке",
    description="Строка графика проводится мероприятием календаря: его организатор, "
    "ведущий график, связывает их. Строка становится «проведено», когда на мероприятии "
    "отмечено присутствие.",
)
def line_event(request: HttpRequest, line_id: int, payload: LineEventIn) -> dict[str, Any]:
    line = _visible_line(request, line_id)
    event = visible_event(request, payload.event_id)
    services.link_event(actor=actor_of(request), line=line, event=event)
    return _line_out(line_id)
