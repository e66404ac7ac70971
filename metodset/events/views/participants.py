"""The organizer's list of participants: requests to approve, the waiting list, export to
XLSX, attendance and certificates; a school head registers staff or students."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import User
from metodset.core.actions import actor_of, attempt, run_action
from metodset.documents.xlsx import XLSX_CONTENT_TYPE, table_xlsx
from metodset.events import permissions, selectors, services
from metodset.events.forms import DecisionForm
from metodset.events.models import Event, Registration
from metodset.events.services.common import when_text


def _attendance_label(row: Registration) -> str:
    if row.attended is None:
        return ""
    return _("присутствовал(а)") if row.attended else _("не присутствовал(а)")


@login_required
@require_http_methods(["GET"])
def participant_list(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    if not permissions.can_view_participants(request.user, event):
        raise PermissionDenied
    rows = selectors.participants_of(event)
    certificates = services.certificates_of(event)
    for row in rows:
        row.certificate = certificates.get(row.pk)  # type: ignore[attr-defined]
    waiting = [row for row in rows if row.status == Registration.Status.WAITING]
    for position, row in enumerate(waiting, start=1):
        row.position = position  # type: ignore[attr-defined]
    return render(
        request,
        "events/participants.html",
        {
            "event": event,
            "rows": rows,
            "places": selectors.places_of(event),
            "can_mark": permissions.can_mark_attendance(request.user, event),
            "can_issue": permissions.can_issue_certificates(request.user, event),
            "decision_form": DecisionForm(),
            "attended": sum(1 for row in rows if row.attended),
        },
    )


@login_required
@require_http_methods(["GET"])
def participant_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    if not permissions.can_view_participants(request.user, event):
        raise PermissionDenied
    rows = selectors.participants_of(event)
    zone = event.zone
    content = table_xlsx(
        sheet=_("Участники"),
        title=f"{event.title} — {when_text(event)}",
        header=[
            _("№"),
            _("Фамилия"),
            _("Имя"),
            _("Отчество"),
            _("Организация"),
            _("Должность / класс"),
            _("Роль"),
            _("Состояние"),
            _("Заявка подана"),
            _("Присутствие"),
            _("E-mail"),
        ],
        rows=(
            [
                number,
                row.person.last_name,
                row.person.first_name,
                row.person.patronymic,
                row.organization.short_name if row.organization else "",
                _("обучающийся") if row.is_student else row.person.position,
                row.get_role_display(),
                row.get_status_display(),
                timezone.localtime(row.queued_at, zone).strftime("%d.%m.%Y %H:%M"),
                _attendance_label(row),
                row.person.email,
            ]
            for number, row in enumerate(rows, start=1)
        ),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-participants.xlsx"'
    return response


@login_required
@require_POST
def participant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.get_registration_for(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    run_action(
        request,
        lambda: services.decide_registration(
            actor=actor_of(request),
            registration=registration,
            approve=approve,
            comment=form.cleaned_data.get("comment", ""),
        ),
        _("Заявка подтверждена.") if approve else _("Заявка отклонена."),
    )
    return redirect("events:participants", pk=registration.event_id)


@login_required
@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    run_action(
        request,
        lambda: services.mark_attendance(actor=actor_of(request), event=event, present=present),
        _("Присутствие отмечено."),
    )
    return redirect("events:participants", pk=event.pk)


@login_required
@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    issued = attempt(
        request, lambda: services.issue_certificates(actor=actor_of(request), event=event)
    )
    if issued is not None:
        messages.success(
            request,
            _("Сертификаты выданы: %(count)s. Участники получили уведомления.")
            % {"count": len(issued)},
        )
    return redirect("events:participants", pk=event.pk)


@login_required
@require_http_methods(["GET", "POST"])
def register_others(request: HttpRequest, pk: int) -> HttpResponse:
    """A school head (or an organizer) finds people by name and registers those ticked."""
    actor = actor_of(request)
    event = selectors.get_event_for(actor, pk)
    if not permissions.can_register_others(actor, event):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()
    manages = permissions.can_manage_event(actor, event)
    speakers = manages and (request.POST.get("role") or request.GET.get("role")) == "speaker"
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("person") if v.isdigit()]
        scope = (
            permissions.speakers_invitable_by(actor, event)
            if speakers
            else permissions.people_registrable_by(actor, event)
        )
        people = list(scope.filter(pk__in=ids))
        if not people:
            messages.error(request, _("Отметьте, кого зарегистрировать."))
        else:
            done = _register(request, actor, event, people, speakers=speakers)
            if done is not None:
                messages.success(
                    request,
                    _("Зарегистрировано: %(count)s.") % {"count": len(done)},
                )
                return redirect(event)
        text = request.POST.get("q", text)
    return render(
        request,
        "events/register_others.html",
        {
            "event": event,
            "q": text,
            "found": selectors.people_to_register(actor, event, text=text, speakers=speakers)
            if text
            else [],
            "places": selectors.places_of(event),
            "manages": manages,
            "speakers": speakers,
        },
    )


def _register(
    request: HttpRequest, actor: User, event: Event, people: list[User], *, speakers: bool
) -> list[Any] | None:
    if speakers:
        return attempt(
            request,
            lambda: [
                services.register(
                    actor=actor, event=event, person=person, role=Registration.Role.SPEAKER
                )
                for person in people
            ],
        )
    return attempt(request, lambda: services.register_many(actor=actor, event=event, people=people))


urlpatterns = [
    path("<int:pk>/participants/", participant_list, name="participants"),
    path("<int:pk>/participants.xlsx", participant_xlsx, name="participants_xlsx"),
    path("<int:pk>/participants/add/", register_others, name="register_others"),
    path("<int:pk>/attendance/", attendance_mark, name="attendance"),
    path("<int:pk>/certificates/", certificates_issue, name="certificates"),
    path("registrations/<int:pk>/decision/", participant_decide, name="decide"),
]
