"""Reads of groups and applications shared by pages, with their joins done once here."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from metodset.accounts.models import User, name_key
from metodset.accounts.selectors import public_teachers
from metodset.groups import deadlines, permissions
from metodset.groups.models import (
    ApplicationParticipant,
    Group,
    GroupMaterial,
    GroupMember,
    ProblemGroupApplication,
)
from metodset.materials import permissions as material_permissions
from metodset.materials.models import Material


def groups_for_list(
    viewer: Any,
    *,
    text: str = "",
    kind_code: str = "",
    subject_id: int | None = None,
    status: str = "",
    mine: bool = False,
) -> QuerySet[Group]:
    qs = permissions.groups_visible_to(viewer)
    for word in text.split():
        qs = qs.filter(search_key__contains=name_key(word))
    if kind_code:
        qs = qs.filter(kind__code=kind_code)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if status:
        qs = qs.filter(status=status)
    if mine and getattr(viewer, "is_authenticated", False):
        qs = qs.filter(
            pk__in=GroupMember.objects.filter(user=viewer, status=GroupMember.Status.ACTIVE).values(
                "group_id"
            )
        )
    leader = GroupMember.objects.filter(
        group=OuterRef("pk"), role=GroupMember.Role.LEADER, status=GroupMember.Status.ACTIVE
    )
    active = GroupMember.objects.filter(
        group=OuterRef("pk"), status=GroupMember.Status.ACTIVE, is_student=False
    )
    return (
        qs.select_related("kind", "subject", "district", "organization")
        .annotate(
            leader_id=Subquery(leader.values("user_id")[:1]),
            members_count=Subquery(
                active.order_by().values("group_id").annotate(n=Count("pk")).values("n")[:1]
            ),
        )
        .order_by("status", "kind__ordering", "title", "pk")
    )


def leaders_of(groups: list[Group]) -> dict[int, User]:
    ids = [pk for g in groups if (pk := getattr(g, "leader_id", None)) is not None]
    return {user.pk: user for user in User.objects.filter(pk__in=ids)}


def members_of(group: Group) -> list[GroupMember]:
    return list(
        group.members.filter(status=GroupMember.Status.ACTIVE).select_related(
            "user", "organization"
        )
    )


def pending_of(group: Group) -> list[GroupMember]:
    return list(
        group.members.filter(
            status__in=[GroupMember.Status.REQUESTED, GroupMember.Status.INVITED]
        ).select_related("user", "organization")
    )


def group_materials(viewer: Any, group: Group) -> list[GroupMaterial]:
    visible = material_permissions.published_visible_to(viewer)
    return list(
        GroupMaterial.objects.filter(group=group, material__in=visible)
        .select_related("material__type", "material__author", "material__organization")
        .order_by("-added_at")
    )


def my_materials_for(user: Any, group: Group) -> Any:
    """The person's own materials (author or co-author) not yet in the group."""
    return (
        Material.objects.filter(Q(author=user) | Q(coauthors=user))
        .exclude(status=Material.Status.HIDDEN)
        .exclude(group_links__group=group)
        .distinct()
        .order_by("-updated_at")
    )


def people_to_pick(viewer: Any, *, district_id: int, text: str, limit: int = 20) -> list[User]:
    """Teachers and heads of the district found by words of the name, for pickers."""
    if not text.strip():
        return []
    return list(public_teachers(text=text, district_id=district_id)[:limit])


@dataclass
class QueueRow:
    application: ProblemGroupApplication
    due: Any
    days_left: int
    overdue: bool
    described: str


def with_deadlines(applications: list[ProblemGroupApplication]) -> list[QueueRow]:
    rows = []
    for application in applications:
        if application.submitted_at is None:
            rows.append(QueueRow(application, None, 0, False, ""))
            continue
        due = deadlines.decision_due(application.submitted_at)
        waiting = application.status == ProblemGroupApplication.Status.SUBMITTED
        left = deadlines.days_left(due)
        rows.append(
            QueueRow(
                application,
                due,
                left,
                waiting and left < 0,
                deadlines.describe(due) if waiting else "",
            )
        )
    return rows


def applications_for(viewer: Any, *, status: str = "") -> QuerySet[ProblemGroupApplication]:
    qs = permissions.applications_visible_to(viewer)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "applicant", "applicant_organization", "district", "subject", "group"
    ).prefetch_related(
        Prefetch(
            "participants",
            queryset=ApplicationParticipant.objects.select_related("user", "organization"),
        )
    )
