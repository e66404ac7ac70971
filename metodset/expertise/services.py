"""The verbs of the expertise: submit, assign and reassign experts, review, decide, resubmit
after revision, issue certificates, remind of terms, write the РМС's protocol.

The department has ten days from receiving a product (`002_…` §3.3). A decision needs two
reviews of the current round at least; a large spread between them asks for a third.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts.models import District, User
from metodset.certificates.models import Certificate
from metodset.certificates.services import issue_certificate
from metodset.core import audit, deadlines
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.expertise import permissions
from metodset.expertise.models import (
    Assignment,
    CriteriaSet,
    Criterion,
    Protocol,
    Purpose,
    Review,
    Round,
    Score,
    Submission,
    Verdict,
)
from metodset.groups.models import Group
from metodset.materials.models import Material
from metodset.materials.services import describe, places_changed
from metodset.notifications import kinds
from metodset.notifications.services import notify

TERM_DAYS = 10
# The department is reminded when this many days (or fewer) of the term are left.
REMIND_DAYS_BEFORE = 2
MIN_REVIEWS = 2
# Totals (in per cent of the maximum) further apart than this call for a third expert.
SPREAD_LIMIT = 30

AUTHOR_NEWS = kinds.register(
    "expertise.author", gettext_lazy("Экспертиза моих материалов: ход, решения, сертификаты")
)
EXPERT_NEWS = kinds.register(
    "expertise.expert", gettext_lazy("Назначения экспертом и напоминания о сроке оценки")
)
QUEUE_NEWS = kinds.register(
    "expertise.queue",
    gettext_lazy("Материалы на экспертизе: поступления, отказы экспертов, сроки (для методистов)"),
)

audit.register_actions(
    {
        "expertise.submitted": gettext_lazy("Материал подан на экспертизу"),
        "expertise.resubmitted": gettext_lazy("Материал подан на экспертизу повторно"),
        "expertise.withdrawn": gettext_lazy("Материал снят с экспертизы"),
        "expertise.assigned": gettext_lazy("Назначен эксперт"),
        "expertise.declined": gettext_lazy("Эксперт отказался от экспертизы"),
        "expertise.reviewed": gettext_lazy("Эксперт выставил оценку"),
        "expertise.decided": gettext_lazy("Решение по итогам экспертизы"),
        "expertise.protocol": gettext_lazy("Протокол заседания РМС"),
    }
)

RULE_TEXT = gettext_lazy(
    "Срок экспертизы — 10 календарных дней (п. 3.3 Положения о сетевом взаимодействии): "
    "отсчёт начинается на следующий день после получения материала, последний день срока "
    "включается целиком; выходные и праздничные дни входят в срок. Материал, поданный "
    "повторно после доработки, рассматривается в новый десятидневный срок."
)


def _deny() -> PermissionDeniedError:
    return PermissionDeniedError(_("У вас нет прав на это действие."))


def due_of(submission: Submission) -> datetime.date:
    """The last day of the department's ten-day term."""
    return deadlines.due_after(submission.received_at, TERM_DAYS)


def _methodists(district_id: int) -> Any:
    from metodset.groups.permissions import district_methodists

    return district_methodists(district_id)


def criteria_for(district: District, purpose: str) -> CriteriaSet:
    """The rubric: the district's own for the purpose, else its general one, else the
    platform's for the purpose, else the platform's default."""
    active = CriteriaSet.objects.filter(is_active=True, criteria__isnull=False).distinct()
    for scope in (
        Q(district=district, purpose=purpose),
        Q(district=district, purpose=""),
        Q(district__isnull=True, purpose=purpose),
        Q(district__isnull=True, purpose=""),
    ):
        found = active.filter(scope).order_by("pk").first()
        if found is not None:
            return found
    raise DomainError(_("Нет набора критериев экспертизы: добавьте его в администрировании."))


def _district_of(actor: User, group: Group | None) -> District:
    if group is not None:
        return group.district
    from metodset.accounts.permissions import roles_of

    roles = roles_of(actor)
    ids = sorted(roles.member_district_ids)
    district = District.objects.filter(pk__in=ids[:1]).first()
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


def expert_due(submission: Submission, *, today: datetime.date | None = None) -> datetime.date:
    """An expert's default due date: two days before the department's term ends, and at
    least two days from today."""
    today = today or timezone.localdate()
    return max(due_of(submission) - datetime.timedelta(days=2), today + datetime.timedelta(days=2))


def assign_expert(
    *,
    actor: User,
    submission: Submission,
    expert: User,
    due_on: datetime.date | None = None,
) -> Assignment:
    """Appoint an expert of the district's РМС for the current round. Conflicts of interest
    are refused with their reasons."""
    if not permissions.can_assign(actor, submission):
        raise _deny()
    if not permissions.expert_pool(submission.district).filter(pk=expert.pk).exists():
        raise DomainError(
            _("%(name)s не входит в экспертный совет района.") % {"name": expert.short_name}
        )
    if reasons := permissions.conflicts_of(expert, submission):
        raise DomainError(
            _("Конфликт интересов: %(name)s не может оценивать этот материал — %(why)s.")
            % {"name": expert.short_name, "why": "; ".join(reasons)}
        )
    due_on = due_on or expert_due(submission)
    if due_on < timezone.localdate():
        raise DomainError(_("Срок оценки не может быть в прошлом."))
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        existing = Assignment.objects.filter(
            submission=submission, round=submission.round, expert=expert
        ).first()
        if existing is not None and existing.status != Assignment.Status.WITHDRAWN:
            raise DomainError(
                _("%(name)s уже назначен(а) в этом круге.") % {"name": expert.short_name}
            )
        if existing is not None:
            existing.delete()
        assignment = Assignment.objects.create(
            submission=submission,
            round=submission.round,
            expert=expert,
            assigned_by=actor,
            due_on=due_on,
        )
        before = submission.status
        if submission.status == Submission.Status.SUBMITTED:
            submission.status = Submission.Status.IN_REVIEW
            submission.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="expertise.assigned",
            target=submission,
            from_state=before,
            to_state=submission.status,
            comment=expert.short_name,
            district_id=submission.district_id,
        )
        notify(
            recipients=[expert],
            kind=EXPERT_NEWS.code,
            title=_("Вас назначили экспертом: «%(title)s»") % {"title": submission.material.title},
            body=_("Оценить до %(due)s.") % {"due": due_on.strftime("%d.%m.%Y")},
            url=assignment.get_absolute_url(),
            actor=actor,
        )
    return assignment


def decline_assignment(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """An expert declines with a reason; the department is told and reassigns."""
    if not permissions.can_decline(actor, assignment):
        raise _deny()
    if not reason.strip():
        raise DomainError(_("Укажите причину отказа: её увидит методист."))
    submission = assignment.submission
    with transaction.atomic():
        assignment.status = Assignment.Status.DECLINED
        assignment.decline_reason = reason.strip()
        assignment.save(update_fields=["status", "decline_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="expertise.declined",
            target=submission,
            comment=assignment.decline_reason,
            district_id=submission.district_id,
        )
        notify(
            recipients=_methodists(submission.district_id),
            kind=QUEUE_NEWS.code,
            title=_("Эксперт отказался: «%(title)s»") % {"title": submission.material.title},
            body=_("%(name)s: %(reason)s — назначьте другого эксперта.")
            % {"name": actor.short_name, "reason": assignment.decline_reason},
            url=submission.get_absolute_url(),
            actor=actor,
        )
    return assignment


def submit_review(
    *,
    actor: User,
    assignment: Assignment,
    scores: Mapping[int, tuple[int, str]],
    recommendation: str,
    summary: str,
) -> Review:
    """The expert's score sheet: a score within the scale for every criterion (with an
    optional comment), a recommendation and a general conclusion."""
    if not permissions.can_review(actor, assignment):
        raise _deny()
    submission = assignment.submission
    criteria = list(submission.criteria_set.criteria.all())
    errors = []
    for criterion in criteria:
        if criterion.pk not in scores:
            errors.append(_("поставьте балл по критерию «%(c)s»") % {"c": criterion.title})
            continue
        value = scores[criterion.pk][0]
        if not 0 <= value <= criterion.max_score:
            errors.append(
                _("балл по критерию «%(c)s» — от 0 до %(max)s")
                % {"c": criterion.title, "max": criterion.max_score}
            )
    if recommendation not in Verdict.values:
        errors.append(_("выберите рекомендацию"))
    if not summary.strip():
        errors.append(_("напишите общее заключение"))
    if errors:
        raise DomainError(_("Экспертный лист не заполнен: %(e)s.") % {"e": "; ".join(errors)})
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not assignment.is_open:
            raise DomainError(_("Оценка по этому назначению уже выставлена."))
        review = Review.objects.create(
            assignment=assignment,
            recommendation=recommendation,
            summary=summary.strip(),
            total=sum(scores[c.pk][0] for c in criteria),
            max_total=sum(c.max_score for c in criteria),
        )
        Score.objects.bulk_create(
            Score(
                review=review,
                criterion=criterion,
                score=scores[criterion.pk][0],
                comment=scores[criterion.pk][1].strip(),
            )
            for criterion in criteria
        )
        assignment.status = Assignment.Status.DONE
        assignment.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="expertise.reviewed",
            target=submission,
            to_state=str(review.total),
            district_id=submission.district_id,
        )
        if not submission.assignments.filter(
            round=submission.round, status=Assignment.Status.ASSIGNED
        ).exists():
            notify(
                recipients=_methodists(submission.district_id),
                kind=QUEUE_NEWS.code,
                title=_("Экспертные листы собраны: «%(title)s»")
                % {"title": submission.material.title},
                url=submission.get_absolute_url(),
                actor=actor,
            )
    return review


@dataclass(frozen=True)
class Spread:
    reviews: list[Review]
    low: float
    high: float

    @property
    def spread(self) -> float:
        return self.high - self.low

    @property
    def average(self) -> float:
        return sum(r.percent for r in self.reviews) / len(self.reviews) if self.reviews else 0.0

    @property
    def needs_third(self) -> bool:
        """Two reviews that disagree by more than the limit: a third expert decides."""
        return len(self.reviews) == MIN_REVIEWS and self.spread > SPREAD_LIMIT


def spread_of(submission: Submission, round_number: int | None = None) -> Spread:
    reviews = list(
        Review.objects.filter(
            assignment__submission=submission,
            assignment__round=round_number or submission.round,
        )
        .select_related("assignment__expert")
        .prefetch_related("scores__criterion")
        .order_by("submitted_at")
    )
    percents = [r.percent for r in reviews] or [0.0]
    return Spread(reviews=reviews, low=min(percents), high=max(percents))


def decide_submission(
    *, actor: User, submission: Submission, decision: str, comment: str = ""
) -> Submission:
    """The department's decision on the current round. «На доработку» and «отклонено»
    carry the remarks or reasons the author reads; a recommendation issues certificates
    to the author and the experts and puts the material into «Лучшие практики»."""
    if not permissions.can_decide(actor, submission, check_state=False):
        raise _deny()
    if decision not in Verdict.values:
        raise DomainError(_("Выберите решение."))
    if decision in {Verdict.REVISION, Verdict.REJECTED} and not comment.strip():
        raise DomainError(_("Напишите замечания экспертов или причины отказа: их прочтёт автор."))
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("material", "district")
            .get(pk=submission.pk)
        )
        if submission.status != Submission.Status.IN_REVIEW:
            raise DomainError(
                _("Решение сейчас принять нельзя: материал %(status)s.")
                % {"status": submission.get_status_display()}
            )
        if submission.assignments.filter(
            round=submission.round, status=Assignment.Status.ASSIGNED
        ).exists():
            raise DomainError(_("Не все назначенные эксперты выставили оценки."))
        spread = spread_of(submission)
        if len(spread.reviews) < MIN_REVIEWS:
            raise DomainError(_("Нужны оценки не менее чем двух экспертов."))
        if spread.needs_third:
            raise DomainError(
                _(
                    "Оценки экспертов расходятся на %(n).0f процентных пунктов: назначьте "
                    "третьего эксперта."
                )
                % {"n": spread.spread}
            )
        before = submission.status
        submission.decision = decision
        submission.decision_comment = comment.strip()
        submission.decided_at = timezone.now()
        submission.decided_by = actor
        submission.status = (
            Submission.Status.REVISION
            if decision == Verdict.REVISION
            else Submission.Status.DECIDED
        )
        submission.save(
            update_fields=[
                "decision",
                "decision_comment",
                "decided_at",
                "decided_by",
                "status",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            action="expertise.decided",
            target=submission,
            from_state=before,
            to_state=decision,
            comment=submission.decision_comment,
            district_id=submission.district_id,
        )
        if submission.is_recommended:
            issue_certificates(actor=actor, submission=submission)
        notify(
            recipients=User.objects.filter(
                pk__in={submission.author_id, submission.material.author_id}
            ),
            kind=AUTHOR_NEWS.code,
            title=_("Решение по экспертизе «%(title)s»: %(decision)s")
            % {"title": submission.material.title, "decision": Verdict(decision).label},
            body=submission.decision_comment,
            url=submission.get_absolute_url(),
            actor=actor,
        )
    material_id = submission.material_id
    transaction.on_commit(lambda: places_changed(material_id))
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


CERTIFICATE_AUTHOR = gettext_lazy("Сертификат автора")
CERTIFICATE_EXPERT = gettext_lazy("Сертификат эксперта")


def issue_certificates(*, actor: User, submission: Submission) -> list[Certificate]:
    """A certificate for the author of a recommended product and one for each expert who
    reviewed it («за проведение экспертизы»). Issuing again gives the same ones."""
    if not permissions.manages(actor, submission) or not submission.is_recommended:
        raise _deny()
    from metodset.accounts.models import Organization

    department = (
        Organization.objects.filter(
            district=submission.district_id, kind__is_education_authority=True
        )
        .order_by("pk")
        .first()
    )
    issuer = department.name if department else submission.district.name
    material = submission.material
    decided = timezone.localdate(submission.decided_at)
    details: list[list[str]] = [
        [str(_("Решение")), str(Verdict(submission.decision).label)],
        [str(_("Цель экспертизы")), str(Purpose(submission.purpose).label)],
        [str(_("Дата решения")), decided.strftime("%d.%m.%Y")],
    ]
    issued = [
        issue_certificate(
            actor=actor,
            source=f"expertise.submission:{submission.pk}",
            title=str(CERTIFICATE_AUTHOR),
            holder=material.author,
            statement=_(
                "автор методического продукта «%(title)s», прошедшего экспертизу "
                "районного методического совета: %(decision)s"
            )
            % {"title": material.title, "decision": Verdict(submission.decision).label},
            details=details,
            issuer_name=issuer,
            district=submission.district,
        )
    ]
    for assignment in submission.assignments.filter(status=Assignment.Status.DONE).select_related(
        "expert"
    ):
        issued.append(
            issue_certificate(
                actor=actor,
                source=f"expertise.assignment:{assignment.pk}",
                title=str(CERTIFICATE_EXPERT),
                holder=assignment.expert,
                statement=_("за проведение экспертизы методического продукта «%(title)s»")
                % {"title": material.title},
                details=details[1:],
                issuer_name=issuer,
                district=submission.district,
            )
        )
    return issued


def certificates_of(submission: Submission) -> list[Certificate]:
    sources = [f"expertise.submission:{submission.pk}"] + [
        f"expertise.assignment:{pk}" for pk in submission.assignments.values_list("pk", flat=True)
    ]
    return list(Certificate.objects.filter(source__in=sources).order_by("pk"))


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
    """The protocol of an РМС session: the products decided on and the decisions."""
    if not permissions.can_manage_protocols(actor, district):
        raise _deny()
    chosen = list(Submission.objects.filter(pk__in=[s.pk for s in submissions]))
    if not number.strip() or not chair.strip() or not secretary.strip():
        raise DomainError(_("Укажите номер протокола, председателя и секретаря."))
    if not chosen:
        raise DomainError(_("Выберите рассмотренные материалы."))
    if any(
        s.district_id != district.pk
        or s.status not in {Submission.Status.DECIDED, Submission.Status.REVISION}
        for s in chosen
    ):
        raise DomainError(_("В протокол входят только материалы района с принятым решением."))
    with transaction.atomic():
        protocol = Protocol.objects.create(
            district=district,
            number=number.strip(),
            held_on=held_on,
            chair=chair.strip(),
            secretary=secretary.strip(),
            created_by=actor,
        )
        protocol.members.set(list(members))
        protocol.submissions.set(chosen)
        audit.record(
            actor=actor,
            action="expertise.protocol",
            target=protocol,
            comment=protocol.number,
            district_id=district.pk,
        )
    return protocol


def criteria_of(submission: Submission) -> list[Criterion]:
    return list(submission.criteria_set.criteria.all())
