"""The library's material page shows «Лучшая практика» for a recommended product."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from metodset.expertise import permissions
from metodset.expertise.models import RECOMMENDED, Submission, Verdict
from metodset.materials import marks


@marks.register
def best_practice(viewer: Any, material: Any) -> list[marks.Mark]:
    submission = (
        Submission.objects.filter(
            material=material, status=Submission.Status.DECIDED, decision__in=RECOMMENDED
        )
        .order_by("-decided_at")
        .first()
    )
    if submission is None:
        return []
    return [
        marks.Mark(
            title=_("Лучшая практика"),
            url=reverse("expertise:showcase"),
            hint=_("Экспертиза РМС: %(decision)s")
            % {"decision": Verdict(submission.decision).label},
        )
    ]


@marks.register_action
def submit_for_expertise(viewer: Any, material: Any) -> list[marks.Mark]:
    """The author (or the group's leader) sends a published material for expertise."""
    if not permissions.can_submit(viewer, material):
        return []
    current = (
        Submission.objects.filter(material=material)
        .exclude(status=Submission.Status.WITHDRAWN)
        .order_by("-pk")
        .first()
    )
    if current is not None and current.status != Submission.Status.DECIDED:
        return [
            marks.Mark(
                title=_("На экспертизе: %(status)s") % {"status": current.get_status_display()},
                url=current.get_absolute_url(),
            )
        ]
    return [
        marks.Mark(
            title=_("Подать на экспертизу"),
            url=reverse("expertise:create") + f"?material={material.pk}",
            hint=_("Экспертиза районного методического совета, срок — 10 дней"),
        )
    ]
