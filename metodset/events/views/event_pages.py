"""The event page and its organizer's forms: create (also from a road map line), edit,
announce, cancel, report, materials; a participant registers, cancels, leaves feedback.
Thin: parse, call a service or selector, render."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import User
from metodset.accounts.selectors import home_district
from metodset.certificates.models import Certificate
from metodset.core.actions import actor_of, attempt, refusals_into, run_action
from metodset.core.markup import render_markdown
from metodset.events import permissions, selectors, services
from metodset.events.forms import (
    AttachMaterialForm,
    EventForm,
    FeedbackForm,
    ReasonForm,
    ReportForm,
    session_formset,
)
from metodset.events.models import Feedback, RoadMapLine
from metodset.events.services.common import when_text
from metodset.materials.models import Material


def _zone_of(user: User) -> Any:
    district = home_district(user)
    if district is not None:
        return district.zone
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def _line_for(user: User, pk: str | None) -> RoadMapLine | None:
    """The road map line an event is being scheduled from (`?line=`)."""
    if not pk or not pk.isdigit():
        return None
    line = get_object_or_404(
        RoadMapLine.objects.select_related("road_map__district__region", "kind"), pk=int(pk)
    )
    if not permissions.can_manage_road_map(user, line.road_map):
        raise PermissionDenied
    if line.event_id is not None:
        raise Http404
    return line


def _line_initial(line: RoadMapLine) -> dict[str, Any]:
    initial: dict[str, Any] = {"title": line.title}
    if line.kind_id:
        initial["kind"] = line.kind_id
    orgs = list(line.responsible_organizations.values_list("pk", flat=True)) or list(
        line.road_map.organizations.values_list("pk", flat=True)
    )
    initial["organizations"] = orgs
    if line.road_map.group_id:
        initial["group"] = line.road_map.group_id
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not permissions.can_create_event(actor):
        raise PermissionDenied
    zone = _zone_of(actor)
    line = _line_for(actor, request.GET.get("line") or request.POST.get("line"))
    choices: dict[str, Any] = {
        "organizations": permissions.organizations_for_new_event(actor).select_related("kind"),
        "groups": permissions.groups_for_new_event(actor),
        "zone": zone,
    }
    if request.method == "POST":
        form = EventForm(request.POST, **choices)
        sessions = session_formset(data=request.POST, zone=zone)
        if form.is_valid() and sessions.is_valid():
            data = form.event_data(sessions, publish="draft" not in request.POST)
            with refusals_into(form) as outcome:
                event = services.create_event(actor=actor, data=data)
                if line is not None:
                    services.link_event(actor=actor, line=line, event=event)
            if outcome.ok:
                messages.success(
                    request,
                    _("Мероприятие объявлено.")
                    if not event.is_draft
                    else _("Черновик сохранён: его видите только вы и организаторы."),
                )
                return redirect(event)
    else:
        initial: dict[str, Any] = {}
        own = list(
            permissions.organizations_for_new_event(actor)
            .filter(pk__in=_own_org_ids(actor))
            .values_list("pk", flat=True)
        )
        if own:
            initial["organizations"] = own[:1]
        group_pk = request.GET.get("group")
        if group_pk and group_pk.isdigit() and choices["groups"].filter(pk=int(group_pk)).exists():
            initial["group"] = int(group_pk)
            initial["organizations"] = []
        if line is not None:
            initial.update(_line_initial(line))
        form = EventForm(initial=initial, **choices)
        start = services.default_starts()
        if line is not None and line.month > start.date():
            start = start.replace(year=line.month.year, month=line.month.month, day=1)
        sessions = session_formset(initial_start=start, zone=zone)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "sessions": sessions, "line": line, "zone": zone, "event": None},
    )


def _own_org_ids(user: User) -> list[int]:
    from metodset.accounts.permissions import roles_of

    roles = roles_of(user)
    return sorted(roles.staff_org_ids)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    event = selectors.get_event_for(actor, pk)
    if not permissions.can_manage_event(actor, event) or event.is_cancelled:
        raise PermissionDenied
    zone = event.zone
    choices: dict[str, Any] = {
        "organizations": (
            permissions.organizations_for_new_event(actor) | event.organizations.all()
        ).distinct(),
        "groups": permissions.groups_for_new_event(actor),
        "zone": zone,
    }
    if request.method == "POST":
        form = EventForm(request.POST, **choices)
        sessions = session_formset(data=request.POST, zone=zone)
        if form.is_valid() and sessions.is_valid():
            data = form.event_data(sessions, publish="draft" not in request.POST)
            with refusals_into(form) as outcome:
                services.update_event(actor=actor, event=event, data=data)
            if outcome.ok:
                messages.success(request, _("Изменения сохранены."))
                return redirect(event)
    else:
        form = EventForm(initial=EventForm.initial_for(event), **choices)
        sessions = session_formset(event=event, zone=zone)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "sessions": sessions, "event": event, "zone": zone, "line": None},
    )


@require_http_methods(["GET"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    event = selectors.get_event_for(user, pk)
    registration = permissions.registration_of(user, event)
    manages = permissions.can_manage_event(user, event)
    closed_reason = permissions.registration_closed_reason(event)
    certificate = None
    if registration is not None:
        certificate = Certificate.objects.filter(
            source=f"events.registration:{registration.pk}", revoked_at__isnull=True
        ).first()
    my_feedback = (
        Feedback.objects.filter(event=event, person=user).first() if user.is_authenticated else None
    )
    context = {
        "event": event,
        "zone": event.zone,
        "when": when_text(event),
        "description_html": render_markdown(event.description),
        "report_html": render_markdown(event.report),
        "sessions": list(event.sessions.all()),
        "organizers": list(event.organizations.select_related("kind")),
        "places": selectors.places_of(event),
        "registration": registration,
        "waiting_position": selectors.waiting_position(registration) if registration else None,
        "closed_reason": closed_reason,
        "can_register": permissions.can_register(user, event),
        "may_attend": user.is_authenticated and permissions.may_attend(user, event),
        "can_cancel": registration is not None
        and permissions.can_cancel_registration(user, registration),
        "can_register_others": permissions.can_register_others(user, event) and not closed_reason,
        "can_see_link": permissions.can_see_online_link(user, event),
        "manages": manages,
        "can_attach": permissions.can_attach_material(user, event),
        "materials": selectors.materials_of(user, event),
        "own_materials": selectors.own_materials_for(user, event) if manages else [],
        "feedback": selectors.feedback_of(event),
        "can_feedback": permissions.can_leave_feedback(user, event),
        "feedback_form": FeedbackForm(
            initial={"rating": my_feedback.rating, "comment": my_feedback.comment}
            if my_feedback
            else None
        ),
        "report_form": ReportForm(initial={"report": event.report}),
        "cancel_form": ReasonForm(),
        "attach_form": AttachMaterialForm(),
        "certificate": certificate,
        "road_map_line": RoadMapLine.objects.filter(event=event).select_related("road_map").first(),
    }
    return render(request, "events/event_detail.html", context)


@login_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    run_action(
        request,
        lambda: services.publish_event(actor=actor_of(request), event=event),
        _("Мероприятие объявлено."),
    )
    return redirect(event)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите причину отмены: её увидят участники."))
        return redirect(event)
    run_action(
        request,
        lambda: services.cancel_event(
            actor=actor_of(request), event=event, reason=form.cleaned_data["reason"]
        ),
        _("Мероприятие отменено; участники извещены."),
    )
    return redirect(event)


@login_required
@require_POST
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Напишите отчёт."))
        return redirect(event)
    run_action(
        request,
        lambda: services.write_report(
            actor=actor_of(request), event=event, report=form.cleaned_data["report"]
        ),
        _("Отчёт сохранён."),
    )
    return redirect(event)


@login_required
@require_POST
def event_material_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = AttachMaterialForm(request.POST)
    material_id = form.material_id() if form.is_valid() else None
    material = Material.objects.filter(pk=material_id).first() if material_id else None
    if material is None:
        messages.error(
            request,
            _("Не нашли такой материал: выберите из списка или вставьте адрес его страницы."),
        )
        return redirect(event)
    run_action(
        request,
        lambda: services.attach_material(actor=actor_of(request), event=event, material=material),
        _("Материал прикреплён к мероприятию."),
    )
    return redirect(event)


@login_required
@require_POST
def event_material_remove(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    material = get_object_or_404(Material, pk=material_pk)
    run_action(
        request,
        lambda: services.detach_material(actor=actor_of(request), event=event, material=material),
        _("Материал откреплён."),
    )
    return redirect(event)


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    registration = attempt(request, lambda: services.register(actor=actor_of(request), event=event))
    if registration is None:
        return redirect(event)
    done: dict[str, str] = {
        registration.Status.CONFIRMED: _("Вы зарегистрированы."),
        registration.Status.WAITING: _(
            "Мест нет: вы в листе ожидания. Когда место освободится, вы будете "
            "зарегистрированы автоматически и получите уведомление."
        ),
        registration.Status.PENDING: _("Заявка отправлена организатору на подтверждение."),
    }
    messages.success(request, done.get(registration.status, _("Готово.")))
    return redirect(event)


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.get_registration_for(request.user, pk)
    run_action(
        request,
        lambda: services.cancel_registration(actor=actor_of(request), registration=registration),
        _("Регистрация отменена."),
    )
    target = request.POST.get("next", "")
    if target == "participants":
        return redirect("events:participants", pk=registration.event_id)
    return redirect(registration.event)


@login_required
@require_POST
def event_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Поставьте оценку от 1 до 5."))
        return redirect(event)
    run_action(
        request,
        lambda: services.leave_feedback(
            actor=actor_of(request),
            event=event,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        ),
        _("Спасибо за отзыв!"),
    )
    return redirect(event)


urlpatterns = [
    path("new/", event_create, name="create"),
    path("<int:pk>/", event_detail, name="detail"),
    path("<int:pk>/edit/", event_edit, name="edit"),
    path("<int:pk>/publish/", event_publish, name="publish"),
    path("<int:pk>/cancel/", event_cancel, name="cancel"),
    path("<int:pk>/report/", event_report, name="report"),
    path("<int:pk>/materials/", event_material_add, name="material_add"),
    path(
        "<int:pk>/materials/<int:material_pk>/remove/",
        event_material_remove,
        name="material_remove",
    ),
    path("<int:pk>/register/", event_register, name="register"),
    path("<int:pk>/feedback/", event_feedback, name="feedback"),
    path("registrations/<int:pk>/cancel/", registration_cancel, name="registration_cancel"),
]
