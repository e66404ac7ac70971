"""Reads shared by the expertise pages and the API."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from metodset.accounts.permissions import roles_of
from metodset.core import deadlines
from metodset.expertise import permissions, services
from metodset.expertise.models import (
    RECOMMENDED,
    Assignment,
    Protocol,
    ProtocolItem,
    Submission,
)


def get_submission_for(user: Any, pk: int) -> Submission:
    """404 both for a missing submission and one the user may not see."""
    submission = get_object_or_404(
        Submission.objects.select_related(
            "material__author",
            "material__type",
            "material__subject",
            "author",
            "district__region",
            "group",
            "criteria_set",
            "decided_by",
        ),
        pk=pk,
    )
    if not permissions.can_view_submission(user, submission):
        raise Http404
    return submission


def get_assignment_for(user: Any, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "submission__material__type",
            "submission__material__subject",
            "submission__district__region",
            "submission__criteria_set",
            "expert",
        ),
        pk=pk,
    )
    if not permissions.can_view_assignment(user, assignment):
        raise Http404
    return assignment


def submissions_of(user: Any) -> QuerySet[Submission]:
    """The person's own submissions (`permissions.is_submitter`): handed in by them — a
    group's product by its leader — or of their materials; newest first."""
    if not getattr(user, "is_authenticated", False):
        return Submission.objects.none()
    return (
        Submission.objects.filter(Q(author=user) | Q(material__author=user))
        .select_related("material__type")
        .order_by("-received_at", "-pk")
    )


@dataclass(frozen=True)
class QueueRow:
    submission: Submission
    due: datetime.date
    left: int
    term: str  # «осталось 3 дня», «просрочено на 1 день»
    assigned: int
    done: int

    @property
    def overdue(self) -> bool:
        return self.left < 0


def queue_of(user: Any, *, status: str = "") -> list[QueueRow]:
    """The department's queue: open submissions of its districts, the term first."""
    roles = roles_of(user)
    qs = Submission.objects.select_related("material", "author", "district")
    if not roles.is_superuser:
        qs = qs.filter(district__in=roles.district_ids) | qs.filter(
            district__region__in=roles.region_ids
        )
    qs = qs.filter(status=status) if status else qs.filter(status__in=Submission.OPEN)
    today = timezone.localdate()
    rows = []
    for submission in qs.prefetch_related("assignments"):
        current = [a for a in submission.assignments.all() if a.round == submission.round]
        due = services.due_of(submission)
        rows.append(
            QueueRow(
                submission=submission,
                due=due,
                left=deadlines.days_left(due, today=today),
                term=deadlines.describe(due, today=today),
                assigned=len([a for a in current if a.status != Assignment.Status.DECLINED]),
                done=len([a for a in current if a.status == Assignment.Status.DONE]),
            )
        )
    return sorted(rows, key=lambda row: (row.due, row.submission.pk))


def showcase(viewer: Any) -> QuerySet[Submission]:
    """«Лучшие практики»: recommended products whose material the viewer may read."""
    from metodset.materials import permissions as material_permissions

    return (
        Submission.objects.filter(status=Submission.Status.DECIDED, decision__in=RECOMMENDED)
        .filter(material__in=material_permissions.published_visible_to(viewer))
        .select_related("material__author", "material__type", "material__subject", "district")
        .order_by("-decided_at")
    )


def assignments_of(expert: Any) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(expert=expert)
        .select_related("submission__material", "submission__district")
        .order_by("status", "due_on", "-pk")
    )


def get_protocol_for(user: Any, pk: int) -> Protocol:
    """404 both for a missing protocol and one of a district the person does not manage."""
    protocol = get_object_or_404(
        Protocol.objects.select_related("district__region", "created_by"), pk=pk
    )
    if not permissions.can_view_protocol(user, protocol):
        raise Http404
    return protocol


def items_of(protocol: Protocol) -> list[ProtocolItem]:
    """The protocol's products in its order, with what the page and the DOCX name: the
    material, its author, school and type."""
    return list(
        protocol.items.select_related(
            "submission__material__author",
            "submission__material__organization",
            "submission__material__type",
        ).order_by("position")
    )
