"""Shared by the pages of groups and applications: fetching with the viewer's rights, turning
a service's refusal into 403 or a message."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from metodset.groups import permissions
from metodset.groups.models import (
    Group,
    ProblemGroupApplication,
)

PER_PAGE = 30


def get_group_for(user: Any, pk: int) -> Group:
    """404 both for a missing group and one the user may not see."""
    group = get_object_or_404(
        Group.objects.select_related("kind", "district", "subject", "organization", "product"),
        pk=pk,
    )
    if not permissions.can_view_group(user, group):
        raise Http404
    return group


def get_application_for(user: Any, pk: int) -> ProblemGroupApplication:
    application = get_object_or_404(
        ProblemGroupApplication.objects.select_related(
            "applicant",
            "applicant_organization__kind",
            "district",
            "subject",
            "proposed_leader",
            "decided_by",
            "group",
        ),
        pk=pk,
    )
    if not permissions.can_view_application(user, application):
        raise Http404
    return application


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
