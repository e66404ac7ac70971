"""Submitting a material for expertise, withdrawing it, resubmitting it after revision, and
what changed between two rounds."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import District, User
from metodset.accounts.selectors import home_district
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.expertise import permissions
from metodset.expertise.models import Assignment, Purpose, Round, Submission
from metodset.expertise.services.common import (
    EXPERT_NEWS,
    QUEUE_NEWS,
    _deny,
    _methodists,
    criteria_for,
    due_of,
)
from metodset.expertise.services.reviews import expert_due
from metodset.groups.models import Group
from metodset.materials.models import Material
from metodset.materials.services import describe
from metodset.notifications.services import notify


def _district_of(actor: User, group: Group | None) -> District:
    if group is not None:
        return group.district
    district = home_district(actor)
    if district is None:
        raise DomainError(_("Экспертизу проводит район: вы не состоите в организации района."))
    return district


def _new_round(submission: Submission, note: str) -> Round:
    material = submission.material
    return Round.objects.create(
        submission=submission,
        number=submission.round,
        material_version=material.version,
        snapshot=describe(material),
        changes_note=note,
    )


def submit_for_expertise(
    *,
    actor: User,
    material: Material,
    purpose: str,
    note: str = "",
    is_blind: bool = True,
    group: Group | None = None,
) -> Submission:
    """Send a published material for expertise; the department's ten days start."""
    if not permissions.can_submit(actor, material):
        raise _deny()
    if purpose not in Purpose.values:
        raise DomainError(_("Выберите цель экспертизы."))
    if group is not None and group not in permissions.groups_for_submission(actor, material):
        raise DomainError(_("От имени объединения подаёт его руководитель."))
    district = _district_of(actor, group)
    with transaction.atomic():
        if Submission.objects.filter(
            material=material, status__in=[*Submission.OPEN, Submission.Status.REVISION]
        ).exists():
            raise DomainError(_("Этот материал уже на экспертизе."))
        submission = Submission.objects.create(
            material=material,
            author=actor,
            group=group,
            district=district,
            purpose=purpose,
            criteria_set=criteria_for(district, purpose),
            note=note.strip(),
            is_blind=is_blind,
        )
        _new_round(submission, "")
        audit.record(
            actor=actor,
            action="expertise.submitted",
            target=submission,
            to_state=submission.status,
            district_id=district.pk,
        )
        notify(
            recipients=_methodists(district.pk),
            kind=QUEUE_NEWS.code,
            title=_("Новый материал на экспертизу: «%(title)s»") % {"title": material.title},
            body=_("Срок экспертизы — до %(due)s.")
            % {"due": due_of(submission).strftime("%d.%m.%Y")},
            url=submission.get_absolute_url(),
            actor=actor,
        )
    return submission


def withdraw_submission(*, actor: User, submission: Submission) -> Submission:
    if not permissions.can_withdraw(actor, submission):
        raise _deny()
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        before = submission.status
        submission.status = Submission.Status.WITHDRAWN
        submission.save(update_fields=["status", "updated_at"])
        submission.assignments.filter(status=Assignment.Status.ASSIGNED).update(
            status=Assignment.Status.WITHDRAWN
        )
        audit.record(
            actor=actor,
            action="expertise.withdrawn",
            target=submission,
            from_state=before,
            to_state=submission.status,
            district_id=submission.district_id,
        )
    return submission


def resubmit(*, actor: User, submission: Submission, changes_note: str) -> Submission:
    """After «на доработку»: the author sends the new version with an account of what
    changed; a new ten-day term starts and the experts of the last round are appointed
    again (those who still may), to see what changed."""
    if not permissions.can_resubmit(actor, submission):
        raise _deny()
    if not changes_note.strip():
        raise DomainError(_("Опишите, что изменено по замечаниям экспертов."))
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        previous = [
            a.expert
            for a in submission.assignments.filter(
                round=submission.round, status=Assignment.Status.DONE
            ).select_related("expert")
        ]
        submission.round += 1
        submission.status = Submission.Status.SUBMITTED
        submission.received_at = timezone.now()
        submission.reminded_at = None
        submission.decision = ""
        submission.decided_at = None
        submission.decided_by = None
        submission.save()
        _new_round(submission, changes_note.strip())
        audit.record(
            actor=actor,
            action="expertise.resubmitted",
            target=submission,
            from_state=Submission.Status.REVISION,
            to_state=submission.status,
            comment=changes_note.strip(),
            district_id=submission.district_id,
        )
        pool = permissions.expert_pool(submission.district)
        due_on = expert_due(submission)
        for expert in previous:
            if not pool.filter(pk=expert.pk).exists() or permissions.conflicts_of(
                expert, submission
            ):
                continue
            Assignment.objects.create(
                submission=submission,
                round=submission.round,
                expert=expert,
                assigned_by=submission.decided_by or actor,
                due_on=due_on,
            )
            notify(
                recipients=[expert],
                kind=EXPERT_NEWS.code,
                title=_("Материал после доработки: «%(title)s»")
                % {"title": submission.material.title},
                body=_("Оценить до %(due)s. Автор описал, что изменено.")
                % {"due": due_on.strftime("%d.%m.%Y")},
                url=Assignment.objects.get(
                    submission=submission, round=submission.round, expert=expert
                ).get_absolute_url(),
                actor=actor,
            )
        if submission.assignments.filter(round=submission.round).exists():
            submission.status = Submission.Status.IN_REVIEW
            submission.save(update_fields=["status", "updated_at"])
        notify(
            recipients=_methodists(submission.district_id),
            kind=QUEUE_NEWS.code,
            title=_("Материал подан повторно после доработки: «%(title)s»")
            % {"title": submission.material.title},
            body=_("Срок экспертизы — до %(due)s.")
            % {"due": due_of(submission).strftime("%d.%m.%Y")},
            url=submission.get_absolute_url(),
            actor=actor,
        )
    return submission


def round_changes(submission: Submission, number: int | None = None) -> list[tuple[str, Any, Any]]:
    """What changed in the material between the previous round and this one."""
    number = number or submission.round
    rounds = {r.number: r for r in submission.rounds.filter(number__in=[number - 1, number])}
    if number - 1 not in rounds or number not in rounds:
        return []
    before, after = rounds[number - 1].snapshot, rounds[number].snapshot
    return [
        (key, before.get(key), after.get(key)) for key in after if before.get(key) != after.get(key)
    ]
