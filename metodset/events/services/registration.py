"""Taking part: registration (by oneself or by the school head), the organizer's approval,
the waiting list that moves up by itself, cancellation, reminders, attendance, certificates
and feedback.

Every change of places locks the event's row, so two people never take the last place.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import User
from metodset.accounts.permissions import is_network_staff, roles_of
from metodset.certificates.models import Certificate
from metodset.certificates.services import issue_certificate
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.events import permissions
from metodset.events.models import Event, Feedback, Registration
from metodset.events.services.common import (
    ORGANIZER_NEWS,
    REGISTRATION_NEWS,
    REMINDERS,
    deny,
    local,
    organization_of,
    when_text,
)
from metodset.notifications.services import notify

Status = Registration.Status


def _confirmed_participants(event: Event) -> int:
    return event.registrations.filter(
        status=Status.CONFIRMED, role=Registration.Role.PARTICIPANT
    ).count()


def _has_place(event: Event) -> bool:
    return event.capacity is None or _confirmed_participants(event) < event.capacity


def _record(actor: Any, registration: Registration, before: str, comment: str = "") -> None:
    audit.record(
        actor=actor,
        action="event.registration",
        target=registration.event,
        from_state=before,
        to_state=registration.status,
        comment=comment or registration.person.short_name,
        district_id=registration.event.district_id,
    )


def _tell_person(actor: Any, registration: Registration) -> None:
    event = registration.event
    titles: dict[str, str] = {
        Status.CONFIRMED: _("Вы зарегистрированы: «%(title)s»"),
        Status.WAITING: _("Мест нет — вы в листе ожидания: «%(title)s»"),
        Status.PENDING: _("Заявка на участие ждёт подтверждения: «%(title)s»"),
        Status.REJECTED: _("Заявка на участие отклонена: «%(title)s»"),
        Status.CANCELLED: _("Регистрация отменена: «%(title)s»"),
    }
    body = when_text(event)
    if registration.status == Status.REJECTED and registration.decision_comment:
        body = _("Комментарий организатора: %(comment)s") % {
            "comment": registration.decision_comment
        }
    notify(
        recipients=[registration.person],
        kind=REGISTRATION_NEWS.code,
        title=titles[registration.status] % {"title": event.title},
        body=body,
        url=event.get_absolute_url(),
        actor=actor,
    )


def register(
    *,
    actor: User,
    event: Event,
    person: User | None = None,
    role: str = Registration.Role.PARTICIPANT,
) -> Registration:
    """Register oneself, or (a school head, an organizer) someone else. With a free place
    the registration is confirmed at once — unless the organizer approves participants;
    without one the person joins the waiting list."""
    person = person or actor
    if role not in Registration.Role.values:
        raise DomainError(_("Неизвестная роль участника."))
    organizer = permissions.can_manage_event(actor, event)
    if role == Registration.Role.SPEAKER:
        # The organizers invite speakers from anywhere in the network.
        if not organizer:
            raise deny()
    elif person.pk != actor.pk:
        if not permissions.can_register_others(actor, event):
            raise deny()
        if not permissions.people_registrable_by(actor, event).filter(pk=person.pk).exists():
            raise DomainError(
                _("%(name)s — не из вашей организации: зарегистрировать его вы не можете.")
                % {"name": person.short_name}
            )
        if not permissions.may_attend(person, event):
            raise DomainError(
                _("%(name)s не входит в аудиторию мероприятия.") % {"name": person.short_name}
            )
    elif not permissions.can_register(actor, event, check_state=False):
        raise deny()
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("district").get(pk=event.pk)
        if reason := permissions.registration_closed_reason(event):
            raise DomainError(reason)
        registration = Registration.objects.filter(event=event, person=person).first()
        if registration is not None and registration.is_live:
            raise DomainError(
                _("%(name)s уже в списке: %(status)s.")
                % {"name": person.short_name, "status": registration.get_status_display()}
            )
        before = registration.status if registration else ""
        if registration is None:
            registration = Registration(event=event, person=person)
        roles = roles_of(person)
        registration.role = role
        registration.registered_by = actor
        registration.organization = organization_of(person)
        registration.is_student = bool(roles.student_org_ids) and not is_network_staff(roles)
        registration.queued_at = timezone.now()
        registration.decided_at = None
        registration.decision_comment = ""
        if role == Registration.Role.SPEAKER:
            registration.status = Status.CONFIRMED  # speakers take no participant's place
        elif event.needs_approval and not organizer:
            registration.status = Status.PENDING
        else:
            registration.status = Status.CONFIRMED if _has_place(event) else Status.WAITING
        registration.save()
        _record(actor, registration, before)
        _tell_person(actor, registration)
        if registration.status == Status.PENDING:
            notify(
                recipients=permissions.users_who_manage(event),
                kind=ORGANIZER_NEWS.code,
                title=_("Заявка на участие: «%(title)s»") % {"title": event.title},
                body=person.short_name,
                url=event.get_absolute_url() + "participants/",
                actor=actor,
            )
    permissions.forget_registration(person)
    return registration


def register_many(*, actor: User, event: Event, people: Iterable[User]) -> list[Registration]:
    """A school head registers several of their staff or students at once; people already
    registered are skipped, and nothing is written if any of the others cannot be."""
    done = []
    with transaction.atomic():
        for person in people:
            row = permissions.registration_of(person, event)
            if row is not None and row.is_live:
                continue
            done.append(register(actor=actor, event=event, person=person))
    return done


def fill_free_places(*, event: Event, actor: Any = None) -> list[Registration]:
    """Move the waiting list up into free places, earliest first, and tell each person.
    The caller holds the event's row lock (or this takes it)."""
    promoted: list[Registration] = []
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("district").get(pk=event.pk)
        if event.is_cancelled or event.has_started:
            return promoted
        free = (
            None
            if event.capacity is None
            else max(event.capacity - _confirmed_participants(event), 0)
        )
        waiting = event.registrations.filter(status=Status.WAITING).select_related("person")
        for registration in waiting.order_by("queued_at", "pk")[:free]:
            registration.status = Status.CONFIRMED
            registration.decided_at = timezone.now()
            registration.save(update_fields=["status", "decided_at", "updated_at"])
            _record(actor, registration, Status.WAITING, _("из листа ожидания"))
            notify(
                recipients=[registration.person],
                kind=REGISTRATION_NEWS.code,
                title=_("Освободилось место — вы зарегистрированы: «%(title)s»")
                % {"title": event.title},
                body=when_text(event),
                url=event.get_absolute_url(),
                actor=actor,
            )
            promoted.append(registration)
    return promoted


def cancel_registration(*, actor: User, registration: Registration) -> Registration:
    """Give the place up; the first of the waiting list takes it."""
    if not permissions.can_cancel_registration(actor, registration):
        raise deny()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_live:
            raise DomainError(_("Регистрация уже отменена."))
        before = registration.status
        registration.status = Status.CANCELLED
        registration.decided_at = timezone.now()
        registration.save(update_fields=["status", "decided_at", "updated_at"])
        _record(actor, registration, before)
        if registration.person_id != actor.pk:
            _tell_person(actor, registration)
        if before == Status.CONFIRMED:
            fill_free_places(event=event, actor=actor)
    permissions.forget_registration(registration.person)
    return registration


def decide_registration(
    *, actor: User, registration: Registration, approve: bool, comment: str = ""
) -> Registration:
    """The organizer confirms a request (into a place or the waiting list) or declines it
    with a comment the person reads."""
    if not permissions.can_decide_registration(actor, registration):
        raise deny()
    if not approve and not comment.strip():
        raise DomainError(_("Напишите, почему заявка отклонена: это увидит участник."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.PENDING:
            raise DomainError(_("По этой заявке уже есть решение."))
        if approve:
            registration.status = Status.CONFIRMED if _has_place(event) else Status.WAITING
        else:
            registration.status = Status.REJECTED
        registration.decided_at = timezone.now()
        registration.decision_comment = comment.strip()
        registration.save(update_fields=["status", "decided_at", "decision_comment", "updated_at"])
        _record(actor, registration, Status.PENDING, registration.decision_comment)
        _tell_person(actor, registration)
    return registration


def mark_attendance(*, actor: User, event: Event, present: Iterable[int]) -> int:
    """Record who came among those with a place (ids of registrations); the others are
    marked absent. The road map line of the event becomes «проведено»."""
    if not permissions.can_mark_attendance(actor, event):
        raise deny()
    present_ids = set(present)
    now = timezone.now()
    with transaction.atomic():
        rows = event.registrations.filter(status=Status.CONFIRMED)
        unknown = present_ids - set(rows.values_list("pk", flat=True))
        if unknown:
            raise DomainError(_("Отметить можно только зарегистрированных участников."))
        came = rows.filter(pk__in=present_ids).update(attended=True, attendance_marked_at=now)
        rows.exclude(pk__in=present_ids).update(attended=False, attendance_marked_at=now)
        audit.record(
            actor=actor,
            action="event.attendance",
            target=event,
            to_state=str(came),
            comment=_("присутствовали %(came)s из %(all)s") % {"came": came, "all": rows.count()},
            district_id=event.district_id,
        )
        from metodset.events.services.roadmaps import event_held

        event_held(actor=actor, event=event)
    return came


def _issuer_name(event: Event) -> str:
    organizers = list(event.organizations.all())
    if organizers:
        return "; ".join(org.name for org in organizers)
    if event.group is not None:
        return event.group.title
    return event.district.name


def _statement(event: Event, registration: Registration) -> str:
    kind = event.kind.name.lower()
    if registration.role == Registration.Role.SPEAKER:
        return _("выступил(а) на мероприятии «%(title)s» (%(kind)s)") % {
            "title": event.title,
            "kind": kind,
        }
    return _("принял(а) участие в мероприятии «%(title)s» (%(kind)s)") % {
        "title": event.title,
        "kind": kind,
    }


CERTIFICATE_TITLES = {
    Registration.Role.PARTICIPANT: _("Сертификат участника"),
    Registration.Role.SPEAKER: _("Сертификат выступающего"),
}


def issue_certificates(*, actor: User, event: Event) -> list[Certificate]:
    """A certificate for everyone marked present: a participant's, or a speaker's. Issuing
    again gives the same certificates (and new ones to those marked since)."""
    if not permissions.can_issue_certificates(actor, event):
        raise deny()
    attended = list(
        event.registrations.filter(status=Status.CONFIRMED, attended=True).select_related(
            "person", "organization"
        )
    )
    if not attended:
        raise DomainError(_("Сначала отметьте, кто присутствовал: сертификаты выдаются им."))
    details = [[str(_("Дата проведения")), when_text(event)]]
    if event.hours:
        details.append([str(_("Объём")), _("%(hours)s ак. ч") % {"hours": event.hours}])
    if event.is_offline and event.address:
        details.append([str(_("Место проведения")), event.address])
    issued = []
    with transaction.atomic():
        for registration in attended:
            issued.append(
                issue_certificate(
                    actor=actor,
                    source=f"events.registration:{registration.pk}",
                    title=str(CERTIFICATE_TITLES[registration.role]),  # type: ignore[index]
                    holder=registration.person,
                    holder_organization=registration.organization.name
                    if registration.organization
                    else "",
                    statement=_statement(event, registration),
                    details=details,
                    issuer_name=_issuer_name(event),
                    district=event.district,
                )
            )
        audit.record(
            actor=actor,
            action="event.certificates",
            target=event,
            to_state=str(len(issued)),
            district_id=event.district_id,
        )
    return issued


def certificates_of(event: Event) -> dict[int, Certificate]:
    """The event's certificates by registration id."""
    sources = {
        f"events.registration:{pk}": pk for pk in event.registrations.values_list("pk", flat=True)
    }
    return {
        sources[cert.source]: cert for cert in Certificate.objects.filter(source__in=list(sources))
    }


def leave_feedback(*, actor: User, event: Event, rating: int, comment: str = "") -> Feedback:
    if not permissions.can_leave_feedback(actor, event):
        raise deny()
    if rating not in range(1, 6):
        raise DomainError(_("Оценка — от 1 до 5."))
    with transaction.atomic():
        feedback, _created = Feedback.objects.update_or_create(
            event=event, person=actor, defaults={"rating": rating, "comment": comment.strip()}
        )
    return feedback


DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def remind_participants(*, now: datetime.datetime | None = None) -> int:
    """Remind those with a place a day before and an hour before the start (in-app and by
    e-mail as each chose). Each reminder is claimed by a conditional UPDATE, so two
    workers or a rerun never send it twice."""
    now = now or timezone.now()
    sent = 0
    base = Registration.objects.filter(
        status=Status.CONFIRMED,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
    ).select_related("event__district", "person")
    jobs = (
        (
            "reminded_hour_at",
            base.filter(event__starts_at__lte=now + HOUR, reminded_hour_at__isnull=True),
            _("Через час: «%(title)s»"),
        ),
        (
            "reminded_day_at",
            base.filter(
                Q(event__starts_at__lte=now + DAY) & Q(event__starts_at__gt=now + HOUR),
                reminded_day_at__isnull=True,
            ),
            _("Завтра: «%(title)s»"),
        ),
    )
    for stamp, rows, title in jobs:
        for registration in rows:
            claimed = Registration.objects.filter(
                **{"pk": registration.pk, f"{stamp}__isnull": True}
            ).update(**{stamp: now})
            if claimed != 1:
                continue
            event = registration.event
            where = event.address if event.is_offline else _("онлайн, ссылка на странице")
            notify(
                recipients=[registration.person],
                kind=REMINDERS.code,
                title=title % {"title": event.title},
                body=_("Начало: %(start)s. %(where)s")
                % {"start": local(event.starts_at, event), "where": where},
                url=event.get_absolute_url(),
            )
            sent += 1
    return sent
