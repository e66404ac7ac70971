"""Taking part in an event: places, the waiting list that moves up by itself, approval,
cancellation, reminders, attendance, certificates and feedback."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.certificates.models import Certificate
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.events import services
from metodset.events.models import Event, Registration
from metodset.events.tests.factories import at, event
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def third(world: World) -> User:
    return person(
        world.other_school, Role.TEACHER, email="third@school2.test", last_name="Третьякова"
    )


def _notes(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_waiting_list_moves_up_when_a_place_is_given_up(
    school_admin: User, teacher: User, colleague: User, third: User
) -> None:
    master_class = event(school_admin, capacity=2, kind_code="master-class")
    first = services.register(actor=teacher, event=master_class)
    second = services.register(actor=colleague, event=master_class)
    waiting = services.register(actor=third, event=master_class)
    assert (first.status, second.status, waiting.status) == (
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITING,
    )

    services.cancel_registration(actor=colleague, registration=second)

    waiting.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    assert any("Освободилось место" in title for title in _notes(third))


def test_the_waiting_list_keeps_its_order(
    school_admin: User, teacher: User, colleague: User, third: User, student: User
) -> None:
    seminar = event(school_admin, capacity=1)
    services.register(actor=teacher, event=seminar)
    later = services.register(actor=third, event=seminar)
    earlier_again = services.register(actor=colleague, event=seminar)
    assert {later.status, earlier_again.status} == {Status.WAITING}
    services.cancel_registration(
        actor=teacher, registration=Registration.objects.get(person=teacher)
    )
    later.refresh_from_db()
    earlier_again.refresh_from_db()
    assert later.status == Status.CONFIRMED  # first to ask, first to get the place
    assert earlier_again.status == Status.WAITING


def test_more_places_move_the_waiting_list_up(
    school_admin: User, teacher: User, colleague: User
) -> None:
    from metodset.events.tests.factories import event_data

    seminar = event(school_admin, capacity=1)
    services.register(actor=teacher, event=seminar)
    waiting = services.register(actor=colleague, event=seminar)
    data = event_data([school_admin.memberships.first().organization], capacity=2)  # type: ignore[union-attr]
    data.sessions = [services.SessionData(seminar.starts_at, seminar.ends_at)]
    services.update_event(actor=school_admin, event=seminar, data=data)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_registering_twice_is_refused_with_a_message(school_admin: User, teacher: User) -> None:
    seminar = event(school_admin)
    services.register(actor=teacher, event=seminar)
    with pytest.raises(DomainError, match="уже в списке"):
        services.register(actor=teacher, event=seminar)


def test_a_student_cannot_register_for_a_teachers_event(school_admin: User, student: User) -> None:
    seminar = event(school_admin, visibility=Event.Visibility.PUBLIC)
    with pytest.raises(PermissionDeniedError):
        services.register(actor=student, event=seminar)


def test_approval_puts_requests_before_the_organizer(
    school_admin: User, teacher: User, colleague: User
) -> None:
    council = event(school_admin, needs_approval=True, capacity=1)
    request = services.register(actor=colleague, event=council)
    assert request.status == Status.PENDING
    assert any("Заявка на участие" in title for title in _notes(school_admin))
    with pytest.raises(DomainError, match="почему"):
        services.decide_registration(actor=school_admin, registration=request, approve=False)
    with pytest.raises(PermissionDeniedError):
        services.decide_registration(actor=teacher, registration=request, approve=True)
    services.decide_registration(actor=school_admin, registration=request, approve=True)
    request.refresh_from_db()
    assert request.status == Status.CONFIRMED


def test_rejection_tells_the_reason(school_admin: User, colleague: User) -> None:
    council = event(school_admin, needs_approval=True)
    request = services.register(actor=colleague, event=council)
    services.decide_registration(
        actor=school_admin, registration=request, approve=False, comment="Только для школы №1"
    )
    note = Notification.objects.filter(recipient=colleague).order_by("-pk").first()
    assert note is not None
    assert "отклонена" in note.title
    assert "школы №1" in note.body


def test_school_head_registers_staff_and_students_of_own_school_only(
    school_admin: User, teacher: User, student: User, colleague: User, methodist: User
) -> None:
    contest = event(
        methodist,
        [school_admin.memberships.first().organization],  # type: ignore[union-attr]
        for_students=True,
        for_teachers=True,
        kind_code="contest",
        visibility=Event.Visibility.PUBLIC,
    )
    done = services.register_many(actor=school_admin, event=contest, people=[teacher, student])
    assert {r.person for r in done} == {teacher, student}
    assert Registration.objects.get(person=student).is_student
    with pytest.raises(DomainError, match="не из вашей организации"):
        services.register(actor=school_admin, event=contest, person=colleague)


def test_deadline_and_cancellation_close_registration(school_admin: User, teacher: User) -> None:
    seminar = event(school_admin, registration_deadline=at(2))
    with time_machine.travel(at(3), tick=False), pytest.raises(DomainError, match="закончилась"):
        services.register(actor=teacher, event=seminar)
    services.cancel_event(actor=school_admin, event=seminar, reason="Карантин")
    with pytest.raises(DomainError, match="отменено"):
        services.register(actor=teacher, event=seminar)


def test_cancelling_an_event_tells_everyone_and_raises_the_sequence(
    school_admin: User, teacher: User, colleague: User
) -> None:
    seminar = event(school_admin)
    services.register(actor=teacher, event=seminar)
    services.register(actor=colleague, event=seminar)
    with pytest.raises(DomainError, match="причину"):
        services.cancel_event(actor=school_admin, event=seminar, reason=" ")
    services.cancel_event(actor=school_admin, event=seminar, reason="Карантин по гриппу")
    seminar.refresh_from_db()
    assert seminar.is_cancelled
    assert seminar.sequence == 1
    for person_ in (teacher, colleague):
        assert any("отменено" in title for title in _notes(person_))


def test_reminders_a_day_and_an_hour_before_are_sent_once(
    school_admin: User,
    teacher: User,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    seminar = event(school_admin, starts=at(3, 15))
    services.register(actor=teacher, event=seminar)
    day_before = seminar.starts_at - datetime.timedelta(hours=20)
    hour_before = seminar.starts_at - datetime.timedelta(minutes=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_participants(now=seminar.starts_at - datetime.timedelta(days=2)) == 0
        assert services.remind_participants(now=day_before) == 1
        assert services.remind_participants(now=day_before) == 0
        assert services.remind_participants(now=hour_before) == 1
        assert services.remind_participants(now=hour_before) == 0
    titles = _notes(teacher)
    assert any(t.startswith("Завтра") for t in titles)
    assert any(t.startswith("Через час") for t in titles)


def test_attendance_certificates_and_feedback(
    school_admin: User, teacher: User, colleague: User, third: User
) -> None:
    seminar = event(school_admin, hours=4)
    came = services.register(actor=teacher, event=seminar)
    missed = services.register(actor=colleague, event=seminar)
    speaker = services.register(actor=school_admin, event=seminar, person=third, role="speaker")
    with pytest.raises(PermissionDeniedError):  # not before it starts
        services.mark_attendance(actor=school_admin, event=seminar, present=[came.pk])
    with time_machine.travel(seminar.starts_at + datetime.timedelta(minutes=30)):
        with pytest.raises(DomainError, match="Сначала отметьте"):
            services.issue_certificates(actor=school_admin, event=seminar)
        with pytest.raises(PermissionDeniedError):
            services.mark_attendance(actor=teacher, event=seminar, present=[came.pk])
        services.mark_attendance(actor=school_admin, event=seminar, present=[came.pk, speaker.pk])
        issued = services.issue_certificates(actor=school_admin, event=seminar)
        again = services.issue_certificates(actor=school_admin, event=seminar)
        services.leave_feedback(actor=teacher, event=seminar, rating=5, comment="Полезно")
        with pytest.raises(PermissionDeniedError):
            services.leave_feedback(actor=colleague, event=seminar, rating=1)
    missed.refresh_from_db()
    assert missed.attended is False
    assert {c.pk for c in issued} == {c.pk for c in again}
    titles = {c.holder_id: c.title for c in issued}
    assert titles == {teacher.pk: "Сертификат участника", third.pk: "Сертификат выступающего"}
    cert = Certificate.objects.get(holder=teacher)
    assert "принял(а) участие" in cert.statement
    assert seminar.title in cert.statement
    assert AuditEntry.objects.filter(action="event.attendance").count() == 1


def test_speakers_do_not_take_participants_places(
    school_admin: User, teacher: User, colleague: User
) -> None:
    seminar = event(school_admin, capacity=1)
    services.register(actor=school_admin, event=seminar, person=colleague, role="speaker")
    assert services.register(actor=teacher, event=seminar).status == Status.CONFIRMED
    with pytest.raises(PermissionDeniedError):
        services.register(actor=teacher, event=event(school_admin), role="speaker")


def test_changing_the_time_tells_the_registered(
    school_admin: User, teacher: User, mailoutbox: list[Any]
) -> None:
    from metodset.events.tests.factories import event_data

    seminar = event(school_admin)
    services.register(actor=teacher, event=seminar)
    data = event_data(
        [school_admin.memberships.first().organization],  # type: ignore[union-attr]
        starts=at(8, 10),
    )
    services.update_event(actor=school_admin, event=seminar, data=data)
    seminar.refresh_from_db()
    assert seminar.sequence == 1
    assert any("Изменилось время" in title for title in _notes(teacher))
    assert mail.outbox is mailoutbox
