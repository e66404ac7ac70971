"""Records the department keeps: reminders of the terms, and the protocol of an РМС
session."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import District, User
from metodset.core import audit, deadlines
from metodset.core.exceptions import DomainError
from metodset.expertise import permissions
from metodset.expertise.models import Assignment, Protocol, ProtocolItem, Submission
from metodset.expertise.services.common import (
    EXPERT_NEWS,
    QUEUE_NEWS,
    REMIND_DAYS_BEFORE,
    _deny,
    _methodists,
    due_of,
)
from metodset.expertise.services.reviews import spread_of
from metodset.notifications.services import notify


def remind_of_terms(*, now: datetime.datetime | None = None) -> int:
    """Remind the department when two days or fewer are left of the ten, and experts the
    day before their due date. Each reminder is claimed by a conditional UPDATE."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for submission in Submission.objects.filter(
        status__in=Submission.OPEN, reminded_at__isnull=True
    ).select_related("material"):
        due = due_of(submission)
        if deadlines.days_left(due, today=today) > REMIND_DAYS_BEFORE:
            continue
        claimed = Submission.objects.filter(
            pk=submission.pk, reminded_at__isnull=True, status__in=Submission.OPEN
        ).update(reminded_at=now)
        if claimed != 1:
            continue
        notify(
            recipients=_methodists(submission.district_id),
            kind=QUEUE_NEWS.code,
            title=_("Срок экспертизы «%(title)s»: %(left)s")
            % {"title": submission.material.title, "left": deadlines.describe(due, today=today)},
            body=_("Последний день срока — %(due)s.") % {"due": due.strftime("%d.%m.%Y")},
            url=submission.get_absolute_url(),
        )
        sent += 1
    for assignment in Assignment.objects.filter(
        status=Assignment.Status.ASSIGNED,
        reminded_at__isnull=True,
        due_on__lte=today + datetime.timedelta(days=1),
    ).select_related("submission__material", "expert"):
        claimed = Assignment.objects.filter(
            pk=assignment.pk, reminded_at__isnull=True, status=Assignment.Status.ASSIGNED
        ).update(reminded_at=now)
        if claimed != 1:
            continue
        notify(
            recipients=[assignment.expert],
            kind=EXPERT_NEWS.code,
            title=_("Срок оценки «%(title)s»: %(left)s")
            % {
                "title": assignment.submission.material.title,
                "left": deadlines.describe(assignment.due_on, today=today),
            },
            url=assignment.get_absolute_url(),
        )
        sent += 1
    return sent


def _item_of(protocol: Protocol, submission: Submission, position: int) -> ProtocolItem:
    """The decision of the submission's current round (the one a decision closes, also
    for a product returned for revision) with the average of that round's reviews."""
    spread = spread_of(submission, submission.round)
    return ProtocolItem(
        protocol=protocol,
        submission=submission,
        position=position,
        round=submission.round,
        decision=submission.decision,
        comment=submission.decision_comment,
        average_percent=spread.average if spread.reviews else None,
    )


def create_protocol(
    *,
    actor: User,
    district: District,
    number: str,
    held_on: datetime.date,
    chair: str,
    secretary: str,
    members: Iterable[User],
    submissions: Iterable[Submission],
) -> Protocol:
    """The protocol of an РМС session: the products decided on and the decisions, each
    written down as it stands now (`ProtocolItem`), so that a later decision on the same
    product does not rewrite a signed protocol."""
    if not permissions.can_manage_protocols(actor, district):
        raise _deny()
    if not number.strip() or not chair.strip() or not secretary.strip():
        raise DomainError(_("Укажите номер протокола, председателя и секретаря."))
    with transaction.atomic():
        # Locked until the items are written: a resubmission in between would reset the
        # decision they record.
        chosen = list(
            Submission.objects.select_for_update(of=("self",))
            .filter(pk__in=[s.pk for s in submissions])
            .order_by("material__title", "pk")
        )
        if not chosen:
            raise DomainError(_("Выберите рассмотренные материалы."))
        if any(
            s.district_id != district.pk
            or s.status not in {Submission.Status.DECIDED, Submission.Status.REVISION}
            for s in chosen
        ):
            raise DomainError(_("В протокол входят только материалы района с принятым решением."))
        protocol = Protocol.objects.create(
            district=district,
            number=number.strip(),
            held_on=held_on,
            chair=chair.strip(),
            secretary=secretary.strip(),
            created_by=actor,
        )
        protocol.members.set(list(members))
        ProtocolItem.objects.bulk_create(
            _item_of(protocol, submission, position)
            for position, submission in enumerate(chosen, start=1)
        )
        audit.record(
            actor=actor,
            action="expertise.protocol",
            target=protocol,
            comment=protocol.number,
            district_id=district.pk,
        )
    return protocol
