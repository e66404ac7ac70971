"""Registration in the API: register oneself or others, the waiting list, the organizer's
decision, the list of participants, attendance, certificates, feedback."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import SIGNED_IN, ErrorOut
from metodset.certificates.rendering import verification_url
from metodset.core.exceptions import PermissionDeniedError
from metodset.events import permissions, selectors, services
from metodset.events.api.common import actor_of, local_time, people_by_id, visible_event
from metodset.events.api.schemas import (
    ERRORS,
    AttendanceIn,
    FeedbackIn,
    FeedbackOut,
    IssuedCertificateOut,
    RegistrationDecisionIn,
    RegistrationFilters,
    RegistrationIn,
    RegistrationOut,
)
from metodset.events.models import Event, Registration

router = Router()


def _registration_data(
    viewer: Any, row: Registration, waiting_position: int | None = None
) -> dict[str, Any]:
    uid = getattr(viewer, "pk", None)
    named = (
        row.person_id == uid
        or row.registered_by_id == uid
        or permissions.can_view_participants(viewer, row.event)
    )
    if waiting_position is None:
        waiting_position = selectors.waiting_position(row)
    return {
        "id": row.pk,
        "event_id": row.event_id,
        "person_id": row.person_id,
        "person_name": row.person.full_name if named else None,
        "organization": row.organization.short_name if named and row.organization else None,
        "is_student": row.is_student,
        "status": row.status,
        "status_label": row.get_status_display(),
        "waiting_position": waiting_position,
        "role": row.role,
        "role_label": row.get_role_display(),
        "attended": row.attended,
        "decision_comment": row.decision_comment,
    }


def _participants(viewer: Any, event: Event) -> list[dict[str, Any]]:
    rows = selectors.participants_of(event)
    out = []
    position = 0
    for row in rows:
        place = None
        if row.status == Registration.Status.WAITING:
            position += 1
            place = position
        row.event = event
        out.append(_registration_data(viewer, row, place))
    return out


def _visible_registration(request: HttpRequest, registration_id: int) -> Registration:
    """The caller's own, one they made, or — organizers — any of their event; else 404."""
    return selectors.get_registration_for(request.user, registration_id)


@router.post(
    "/events/registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_registration_cancel",
    summary="Отменить регистрацию",
    description="Участник, тот, кто его зарегистрировал, или организатор — до начала "
    "мероприятия. Освободившееся место получает первый из листа ожидания.",
)
def registration_cancel(request: HttpRequest, registration_id: int) -> dict[str, Any]:
    registration = _visible_registration(request, registration_id)
    done = services.cancel_registration(actor=actor_of(request), registration=registration)
    done.event = registration.event
    return _registration_data(request.user, done)


@router.post(
    "/events/registrations/{registration_id}/decision",
    response={200: RegistrationOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_registration_decision",
    summary="Решение по заявке на участие",
    description="Организатор подтверждает заявку (на свободное место или в лист "
    "ожидания) или отклоняет её с комментарием. Другим — 403.",
)
def registration_decision(
    request: HttpRequest, registration_id: int, payload: RegistrationDecisionIn
) -> dict[str, Any]:
    registration = _visible_registration(request, registration_id)
    done = services.decide_registration(
        actor=actor_of(request),
        registration=registration,
        approve=payload.approve,
        comment=payload.comment,
    )
    done.event = registration.event
    return _registration_data(request.user, done)


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_registration_create",
    summary="Зарегистрироваться",
    description="Регистрация себя или (руководитель ОО, организатор) другого человека. "
    "Есть место — confirmed; мест нет — waiting (лист ожидания, места освобождаются по "
    "очереди); участие подтверждает организатор — pending.",
)
def registration_create(
    request: HttpRequest, event_id: int, payload: RegistrationIn | None = None
) -> Status[dict[str, Any]]:
    event = visible_event(request, event_id)
    person_id = payload.person_id if payload else None
    registration = services.register(
        actor=actor_of(request),
        event=event,
        person=people_by_id([person_id])[0] if person_id is not None else None,
        role=payload.role if payload else Registration.Role.PARTICIPANT,
    )
    registration.event = event
    return Status(201, _registration_data(request.user, registration))


@router.get(
    "/events/{event_id}/registrations",
    response={200: list[RegistrationOut], 403: ErrorOut, 404: ErrorOut},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_registration_list",
    summary="Список участников",
    description="Только организаторам: все регистрации — с местом и ждущие решения, затем "
    "лист ожидания по очереди, затем отменённые и отклонённые. Другим — 403.",
)
def registration_list(
    request: HttpRequest, event_id: int, filters: Query[RegistrationFilters]
) -> list[dict[str, Any]]:
    event = visible_event(request, event_id)
    if not permissions.can_view_participants(request.user, event):
        raise PermissionDeniedError(_("Список участников видят только организаторы."))
    rows = _participants(request.user, event)
    return [row for row in rows if filters.status is None or row["status"] == filters.status]


@router.post(
    "/events/{event_id}/attendance",
    response={200: list[RegistrationOut], **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_attendance_mark",
    summary="Отметить присутствие",
    description="Организаторы, после начала: присутствовали перечисленные, остальные "
    "зарегистрированные с местом — нет. Строка сетевого графика становится «проведено». "
    "Ответ — список участников.",
)
def attendance_mark(
    request: HttpRequest, event_id: int, payload: AttendanceIn
) -> list[dict[str, Any]]:
    event = visible_event(request, event_id)
    services.mark_attendance(actor=actor_of(request), event=event, present=payload.present)
    return _participants(request.user, event)


@router.post(
    "/events/{event_id}/certificates",
    response={200: list[IssuedCertificateOut], **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_certificates_issue",
    summary="Выдать сертификаты",
    description="Организаторы выдают сертификаты всем, кто отмечен присутствовавшим "
    "(выступающим — сертификат выступающего). Повторная выдача возвращает те же "
    "сертификаты и добавляет новые отмеченным с тех пор.",
)
def certificates_issue(request: HttpRequest, event_id: int) -> list[dict[str, Any]]:
    event = visible_event(request, event_id)
    issued = services.issue_certificates(actor=actor_of(request), event=event)
    return [
        {
            "number": certificate.number,
            "title": certificate.title,
            "holder_name": certificate.holder_name,
            "verify_url": verification_url(certificate),
        }
        for certificate in issued
    ]


@router.post(
    "/events/{event_id}/feedback",
    response={200: FeedbackOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_events_api_feedback_leave",
    summary="Оставить отзыв",
    description="Участники с местом, после начала мероприятия: оценка от 1 до 5 и отзыв. "
    "Повторный отзыв заменяет прежний.",
)
def feedback_leave(request: HttpRequest, event_id: int, payload: FeedbackIn) -> dict[str, Any]:
    event = visible_event(request, event_id)
    feedback = services.leave_feedback(
        actor=actor_of(request), event=event, rating=payload.rating, comment=payload.comment
    )
    return {
        "event_id": event.pk,
        "rating": feedback.rating,
        "comment": feedback.comment,
        "created_at": local_time(feedback.created_at, event),
    }
