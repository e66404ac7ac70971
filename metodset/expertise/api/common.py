"""Shared by the expertise's API modules: the caller, and one submission, assignment or
review as the caller may see it. The blind rule lives in `author_data` and `group_data`:
whatever names the author (the name, the school, the submitting group, who handed it in)
goes out only to those `permissions.sees_author` lets see it, as on the pages."""

from collections.abc import Sequence
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _

from metodset.accounts.models import User
from metodset.certificates.rendering import verification_url
from metodset.core import deadlines
from metodset.expertise import permissions, services
from metodset.expertise.models import Assignment, Review, Round, Submission
from metodset.materials.models import Material


def actor_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def material_ref(material: Material) -> dict[str, Any]:
    return {"id": material.pk, "title": material.title, "url": material.get_absolute_url()}


def person_ref(person: User | None) -> dict[str, Any] | None:
    return {"id": person.pk, "short_name": person.short_name} if person is not None else None


def author_of_material(material: Material) -> dict[str, Any]:
    author = material.author
    return {
        "id": author.pk,
        "full_name": author.full_name,
        "short_name": author.short_name,
        "organization": material.organization.short_name if material.organization_id else None,
    }


def author_data(viewer: Any, submission: Submission) -> dict[str, Any] | None:
    """The material's author and school; None in a blind expertise for its experts."""
    if not permissions.sees_author(viewer, submission):
        return None
    return author_of_material(submission.material)


def group_data(viewer: Any, submission: Submission) -> dict[str, Any] | None:
    """The submitting group names the author's circle: hidden as the author is."""
    if not permissions.sees_author(viewer, submission) or submission.group is None:
        return None
    return {"id": submission.group.pk, "title": submission.group.title}


def _term(due: Any, running: bool) -> dict[str, Any]:
    if not running:
        return {"days_left": None, "term": None, "overdue": False}
    left = deadlines.days_left(due)
    return {"days_left": left, "term": deadlines.describe(due), "overdue": left < 0}


def submission_data(viewer: Any, submission: Submission) -> dict[str, Any]:
    """One submission as a list shows it."""
    due = services.due_of(submission)
    return {
        "id": submission.pk,
        "material": material_ref(submission.material),
        "purpose": submission.purpose,
        "purpose_label": submission.get_purpose_display(),
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "round": submission.round,
        "is_blind": submission.is_blind,
        "received_at": submission.received_at,
        "due": due,
        **_term(due, submission.status in Submission.OPEN),
        "decision": submission.decision,
        "decision_label": submission.get_decision_display(),
        "decided_at": submission.decided_at,
        "author": author_data(viewer, submission),
        "url": submission.get_absolute_url(),
    }


def expert_labels(reviews: Sequence[Review]) -> dict[int, str]:
    """«Эксперт 1», «Эксперт 2»… by the order of the experts' first reviews: the same
    expert keeps the number from round to round."""
    labels: dict[int, str] = {}
    for review in reviews:
        expert_id = review.assignment.expert_id
        if expert_id not in labels:
            labels[expert_id] = _("Эксперт %(n)d") % {"n": len(labels) + 1}
    return labels


def review_data(viewer: Any, review: Review, label: str) -> dict[str, Any]:
    assignment = review.assignment
    named = assignment.expert_id == getattr(viewer, "pk", None) or permissions.sees_experts(
        viewer, assignment.submission
    )
    return {
        "id": review.pk,
        "assignment_id": assignment.pk,
        "round": assignment.round,
        "expert_label": label,
        "expert": person_ref(assignment.expert) if named else None,
        "recommendation": review.recommendation,
        "recommendation_label": review.get_recommendation_display(),
        "summary": review.summary,
        "total": review.total,
        "max_total": review.max_total,
        "percent": round(review.percent, 1),
        "submitted_at": review.submitted_at,
        "scores": [
            {
                "criterion_id": score.criterion_id,
                "criterion": score.criterion.title,
                "max_score": score.criterion.max_score,
                "score": score.score,
                "comment": score.comment,
            }
            for score in review.scores.all()
        ],
    }


def reviews_of(submission: Submission) -> list[Review]:
    """Every round's reviews, oldest first, with what a review's data reads."""
    reviews = list(
        Review.objects.filter(assignment__submission=submission)
        .select_related("assignment__expert")
        .prefetch_related("scores__criterion")
        .order_by("assignment__round", "submitted_at", "pk")
    )
    for review in reviews:
        review.assignment.submission = submission
    return reviews


def changes_of(submission: Submission, number: int) -> list[dict[str, Any]]:
    return [
        {"field": field, "before": before, "after": after}
        for field, before, after in services.round_changes(submission, number)
    ]


def _spread_data(reviews: list[Review]) -> dict[str, Any]:
    percents = [review.percent for review in reviews] or [0.0]
    spread = services.Spread(reviews=reviews, low=min(percents), high=max(percents))
    return {
        "reviews": len(reviews),
        "low": round(spread.low, 1),
        "high": round(spread.high, 1),
        "spread": round(spread.spread, 1),
        "average": round(spread.average, 1),
        "needs_third": spread.needs_third,
    }


def _certificates(viewer: Any, submission: Submission) -> list[dict[str, Any]]:
    """The department sees them all; anyone else only their own, so that an expert's
    certificate does not name the expert to the author, nor the author's to an expert."""
    everyone = permissions.manages(viewer, submission)
    return [
        {
            "number": certificate.number,
            "title": certificate.title,
            "holder_name": certificate.holder_name,
            "verify_url": verification_url(certificate),
        }
        for certificate in services.certificates_of(submission)
        if everyone or certificate.holder_id == getattr(viewer, "pk", None)
    ]


def submission_detail_data(viewer: Any, submission: Submission) -> dict[str, Any]:
    """One submission with what the caller may see of its reviews, experts and people."""
    department = permissions.sees_experts(viewer, submission)
    sees_author = permissions.sees_author(viewer, submission)
    reviews = reviews_of(submission) if permissions.can_view_reviews(viewer, submission) else None
    labels = expert_labels(reviews or [])
    assignments = (
        submission.assignments.select_related("expert").order_by("round", "pk")
        if department
        else None
    )
    return {
        **submission_data(viewer, submission),
        "note": submission.note,
        "group": group_data(viewer, submission),
        "submitted_by": person_ref(submission.author) if sees_author else None,
        "term_rule": str(services.RULE_TEXT),
        "decision_comment": submission.decision_comment,
        "decided_by": person_ref(submission.decided_by),
        "rounds": [
            {
                "number": row.number,
                "material_version": row.material_version,
                "changes_note": row.changes_note,
                "submitted_at": row.submitted_at,
            }
            for row in submission.rounds.all()
        ],
        "changes": changes_of(submission, submission.round),
        "reviews": (
            [review_data(viewer, r, labels[r.assignment.expert_id]) for r in reviews]
            if reviews is not None
            else None
        ),
        "spread": (
            _spread_data([r for r in reviews or [] if r.assignment.round == submission.round])
            if department
            else None
        ),
        "assignments": (
            [
                {
                    "id": a.pk,
                    "round": a.round,
                    "expert": person_ref(a.expert),
                    "status": a.status,
                    "status_label": a.get_status_display(),
                    "due_on": a.due_on,
                    "decline_reason": a.decline_reason,
                }
                for a in assignments
            ]
            if assignments is not None
            else None
        ),
        "certificates": _certificates(viewer, submission),
        "can_withdraw": permissions.can_withdraw(viewer, submission),
        "can_resubmit": permissions.can_resubmit(viewer, submission),
        "can_assign": permissions.can_assign(viewer, submission),
        "can_decide": permissions.can_decide(viewer, submission),
    }


def assignment_data(assignment: Assignment) -> dict[str, Any]:
    """One assignment as the expert's list shows it: nothing of the author."""
    submission = assignment.submission
    running = assignment.is_open and submission.status == Submission.Status.IN_REVIEW
    return {
        "id": assignment.pk,
        "submission_id": submission.pk,
        "material": material_ref(submission.material),
        "purpose": submission.purpose,
        "purpose_label": submission.get_purpose_display(),
        "round": assignment.round,
        "status": assignment.status,
        "status_label": assignment.get_status_display(),
        "due_on": assignment.due_on,
        **_term(assignment.due_on, running),
        "decline_reason": assignment.decline_reason,
        "url": assignment.get_absolute_url(),
    }


def _description(material: Material, this_round: Round | None) -> dict[str, Any]:
    """The material as the round's experts received it: the round's snapshot, what the
    material is now where the snapshot is silent."""
    snapshot: dict[str, Any] = dict(this_round.snapshot) if this_round is not None else {}
    return {
        "title": snapshot.get("title", material.title),
        "annotation": snapshot.get("annotation", material.annotation),
        "type": snapshot.get("type", material.type.name),
        "subject": snapshot.get("subject", material.subject.name if material.subject else ""),
        "grades": snapshot.get("grades", list(material.grades)),
        "level": snapshot.get("level", material.level),
        "topic": snapshot.get("topic", material.topic),
        "version": this_round.material_version if this_round is not None else material.version,
    }


def assignment_detail_data(viewer: Any, assignment: Assignment) -> dict[str, Any]:
    """The expert's sheet: the rubric, what changed since the last round, the review once
    given; the author only as `permissions.sees_author` allows."""
    submission = assignment.submission
    criteria = services.criteria_of(submission)
    this_round = submission.rounds.filter(number=assignment.round).first()
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores__criterion")
    given = review.first()
    label = ""
    if given is not None:
        given.assignment = assignment
        labels = expert_labels(reviews_of(submission))
        label = labels.get(assignment.expert_id, _("Эксперт"))
    return {
        **assignment_data(assignment),
        "expert": person_ref(assignment.expert),
        "is_blind": submission.is_blind,
        "author": author_data(viewer, submission),
        "group": group_data(viewer, submission),
        "description": _description(submission.material, this_round),
        "note": submission.note,
        "changes_note": this_round.changes_note if this_round is not None else "",
        "changes": changes_of(submission, assignment.round),
        "criteria": [
            {
                "id": criterion.pk,
                "title": criterion.title,
                "description": criterion.description,
                "max_score": criterion.max_score,
            }
            for criterion in criteria
        ],
        "max_total": sum(criterion.max_score for criterion in criteria),
        "can_review": permissions.can_review(viewer, assignment),
        "can_decline": permissions.can_decline(viewer, assignment),
        "review": review_data(viewer, given, label) if given is not None else None,
    }
