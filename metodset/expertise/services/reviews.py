"""The experts' part: appointing one for the current round (conflicts of interest refused),
declining with a reason, the score sheet, and the spread of a round's reviews that calls
for a third expert."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.accounts.models import User
from metodset.core import audit
from metodset.core.exceptions import DomainError
from metodset.expertise import permissions
from metodset.expertise.models import (
    Assignment,
    Criterion,
    Review,
    Score,
    Submission,
    Verdict,
)
from metodset.expertise.services.common import (
    EXPERT_NEWS,
    MIN_REVIEWS,
    QUEUE_NEWS,
    SPREAD_LIMIT,
    _deny,
    _methodists,
    due_of,
)
from metodset.notifications.services import notify


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


def criteria_of(submission: Submission) -> list[Criterion]:
    return list(submission.criteria_set.criteria.all())
