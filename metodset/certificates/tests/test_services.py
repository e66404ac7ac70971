"""Issuing and revoking: numbers, idempotency, frozen data, notifications, the audit trail,
and every refusal leaving nothing changed."""

import datetime
import zoneinfo
from typing import Any

import pytest
from django.core import mail

from metodset.accounts.models import User
from metodset.certificates import services
from metodset.certificates.models import Certificate
from metodset.certificates.tests.conftest import Issue
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def test_issue_freezes_what_is_printed_and_tells_the_holder(
    issue: Issue,
    teacher: User,
    school_admin: User,
    world: World,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(teacher)

    assert certificate.holder == teacher
    assert certificate.holder_name == "Учителева Анна Павловна"
    assert certificate.holder_short_name == "Учителева А.П."
    assert certificate.holder_is_student is False
    assert certificate.details == [["Дата", "12 декабря 2026 г."], ["Объём", "4 ч"]]
    assert certificate.issued_by == school_admin
    assert certificate.district == world.district
    assert certificate.is_valid
    assert len(certificate.code) >= 16
    assert certificate.get_absolute_url() == f"/certificates/{certificate.code}/"

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.to_state) == (
        "certificate.issued",
        school_admin,
        "valid",
    )
    assert entry.district_id == world.district.pk
    notification = Notification.objects.get()
    assert notification.recipient == teacher
    assert notification.kind == "certificates.issued"
    assert certificate.number in notification.title
    assert notification.url == certificate.get_absolute_url()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [teacher.email]

    # Later edits of the person do not change the certificate.
    teacher.last_name = "Новикова"
    teacher.save(update_fields=["last_name"])
    certificate.refresh_from_db()
    assert certificate.holder_name == "Учителева Анна Павловна"


def test_issue_is_idempotent_per_source_and_title(issue: Issue, teacher: User) -> None:
    first = issue(teacher, source="events.registration:7")
    again = issue(teacher, source="events.registration:7", statement="другой текст")
    speaker = issue(teacher, source="events.registration:7", title="Сертификат выступающего")

    assert again.pk == first.pk
    assert again.statement == first.statement
    assert speaker.pk != first.pk
    assert Certificate.objects.count() == 2
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 2
    assert Notification.objects.count() == 2


def test_issuing_again_after_revocation_returns_the_revoked_one(
    issue: Issue, teacher: User, methodist: User
) -> None:
    first = issue(teacher, source="events.registration:7")
    services.revoke_certificate(actor=methodist, certificate=first, reason="Не присутствовал.")

    again = issue(teacher, source="events.registration:7")

    assert again.pk == first.pk
    assert again.is_revoked
    assert Certificate.objects.count() == 1


def test_numbers_are_sequential_within_a_year_and_restart_in_the_next(
    issue: Issue, teacher: User, time_machine: Any
) -> None:
    time_machine.move_to(datetime.datetime(2026, 12, 12, 12, 0, tzinfo=MOSCOW), tick=False)
    numbers = [issue(teacher).number for _ in range(3)]
    # 1 January 00:30 in Moscow is still 31 December by UTC: the year is the local one.
    time_machine.move_to(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=MOSCOW), tick=False)
    next_year = issue(teacher).number

    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    assert next_year == "2027-000001"
    assert Certificate.objects.values("number").distinct().count() == 4


def test_a_number_taken_by_a_concurrent_issue_is_skipped(
    issue: Issue, teacher: User, colleague: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A race for a number rolls back only the insert and tries the next number."""
    first = issue(teacher)
    real_next = services._next_sequence
    calls: list[int] = []

    def stale_then_real(year: int) -> int:
        calls.append(year)
        # The first try sees the MAX() another transaction has just outdated.
        return first.sequence if len(calls) == 1 else real_next(year)

    monkeypatch.setattr(services, "_next_sequence", stale_then_real)
    second = issue(colleague)

    assert len(calls) == 2
    assert second.sequence == first.sequence + 1
    assert Certificate.objects.count() == 2
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 2


def test_a_student_holder_is_marked_at_issue(issue: Issue, student: User) -> None:
    certificate = issue(student, holder_organization="")

    assert certificate.holder_is_student is True
    assert certificate.holder_short_name == student.short_name
    assert certificate.holder_short_name.startswith("Ученикова М.")


def test_issue_needs_source_and_title(issue: Issue, teacher: User) -> None:
    with pytest.raises(ValueError, match="source and a title"):
        issue(teacher, source=" ")
    with pytest.raises(ValueError, match="pair"):
        issue(teacher, details=[("Дата",)])
    assert not Certificate.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["school_admin", "methodist"])
def test_issuer_and_district_methodist_revoke(
    who: str,
    request: pytest.FixtureRequest,
    certificate: Certificate,
    teacher: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    actor = request.getfixturevalue(who)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_certificate(
            actor=actor, certificate=certificate, reason="  Выдан по ошибке.  "
        )

    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_reason == "Выдан по ошибке."
    assert certificate.revoked_by == actor
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert (entry.actor, entry.from_state, entry.to_state) == (actor, "valid", "revoked")
    assert entry.comment == "Выдан по ошибке."
    notification = Notification.objects.get()
    assert notification.recipient == teacher
    assert "аннулирован" in notification.title


def test_revoke_needs_a_reason(certificate: Certificate, methodist: User) -> None:
    with pytest.raises(DomainError, match="Укажите причину"):
        services.revoke_certificate(actor=methodist, certificate=certificate, reason="   ")

    certificate.refresh_from_db()
    assert certificate.is_valid
    assert not AuditEntry.objects.filter(action="certificate.revoked").exists()


@pytest.mark.parametrize("who", ["teacher", "colleague", "expert", "outsider", "student"])
def test_others_may_not_revoke(
    who: str, request: pytest.FixtureRequest, certificate: Certificate
) -> None:
    """The holder (teacher) included: a certificate is not its holder's to cancel."""
    actor = request.getfixturevalue(who)
    notifications = Notification.objects.count()

    with pytest.raises(PermissionDeniedError):
        services.revoke_certificate(actor=actor, certificate=certificate, reason="Не нужен.")

    certificate.refresh_from_db()
    assert certificate.is_valid
    assert not AuditEntry.objects.filter(action="certificate.revoked").exists()
    assert Notification.objects.count() == notifications
    assert len(mail.outbox) == 0


def test_revoking_twice_is_refused(certificate: Certificate, methodist: User) -> None:
    services.revoke_certificate(actor=methodist, certificate=certificate, reason="Ошибка.")

    with pytest.raises(DomainError, match="уже аннулирован"):
        services.revoke_certificate(actor=methodist, certificate=certificate, reason="Ещё раз.")

    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Ошибка."
    assert AuditEntry.objects.filter(action="certificate.revoked").count() == 1
