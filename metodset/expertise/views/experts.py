"""The expert's pages: the score sheet of an assignment (read-only once submitted, and for
the department), declining with a reason, «Моя экспертиза», and the department's view of
one expert. Thin: parse, call a service or selector, render. In a blind expertise nothing
on these pages names the author or the school (`permissions.sees_author`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from metodset.accounts.models import User
from metodset.accounts.permissions import roles_of
from metodset.core import deadlines
from metodset.core.actions import actor_of
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.plurals import plural
from metodset.expertise import permissions, selectors, services
from metodset.expertise.forms_review import DeclineForm, ReviewForm
from metodset.expertise.models import Assignment, Review, Round
from metodset.materials.models import Level, Licence, Material

# The words for the fields of a material's description (`materials.services.describe`),
# as the expert reads «what changed» between rounds.
CHANGE_LABELS = {
    "title": gettext_lazy("название"),
    "annotation": gettext_lazy("аннотация"),
    "type": gettext_lazy("вид"),
    "subject": gettext_lazy("предмет"),
    "grades": gettext_lazy("классы"),
    "level": gettext_lazy("уровень образования"),
    "topic": gettext_lazy("тема"),
    "keywords": gettext_lazy("ключевые слова"),
    "licence": gettext_lazy("лицензия"),
    "video_url": gettext_lazy("ссылка на видео"),
    "visibility": gettext_lazy("кому виден"),
    "files": gettext_lazy("файлы"),
}
_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "level": dict(Level.choices),
    "licence": dict(Licence.choices),
    "visibility": dict(Material.Visibility.choices),
}


@dataclass(frozen=True)
class Change:
    label: str
    was: str
    now: str
    is_long: bool


def _shown(key: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(_CHOICE_LABELS.get(key, {}).get(value, value))


def _changes(assignment: Assignment) -> list[Change]:
    return [
        Change(
            label=str(CHANGE_LABELS.get(key, key)),
            was=_shown(key, was),
            now=_shown(key, now),
            is_long=key == "annotation",
        )
        for key, was, now in services.round_changes(assignment.submission, assignment.round)
    ]


def _description(assignment: Assignment, rounds: dict[int, Round]) -> dict[str, Any]:
    """The material as the experts of the assignment's round received it."""
    material = assignment.submission.material
    current = rounds.get(assignment.round)
    snapshot: dict[str, Any] = dict(current.snapshot) if current is not None else {}
    return {
        "title": snapshot.get("title", material.title),
        "annotation": snapshot.get("annotation", material.annotation),
        "type": snapshot.get("type", material.type.name),
        "subject": snapshot.get("subject", material.subject.name if material.subject else ""),
        "grades": snapshot.get("grades", material.grades),
        "level": _shown("level", snapshot.get("level", material.level)),
        "topic": snapshot.get("topic", material.topic),
        "version": current.material_version if current is not None else material.version,
    }


def _review_of(assignment: Assignment | None) -> Review | None:
    if assignment is None or assignment.status != Assignment.Status.DONE:
        return None
    return (
        Review.objects.filter(assignment=assignment)
        .prefetch_related("scores__criterion")
        .select_related("assignment")
        .first()
    )


def _previous_assignment(assignment: Assignment) -> Assignment | None:
    """The same expert's assignment of the round before, for comparison."""
    if assignment.round < 2:
        return None
    return Assignment.objects.filter(
        submission=assignment.submission_id,
        expert=assignment.expert_id,
        round=assignment.round - 1,
        status=Assignment.Status.DONE,
    ).first()


def _sheet_context(viewer: Any, assignment: Assignment) -> dict[str, Any]:
    submission = assignment.submission
    rounds = {r.number: r for r in submission.rounds.filter(number__lte=assignment.round)}
    current_round = rounds.get(assignment.round)
    previous = _review_of(_previous_assignment(assignment))
    review = _review_of(assignment)
    today = timezone.localdate()
    visible = permissions.material_visible(viewer, submission.material)
    return {
        "assignment": assignment,
        "submission": submission,
        "material": submission.material,
        "described": _description(assignment, rounds),
        "material_visible": visible,
        # The files are linked here directly: in a blind expertise the library's page of
        # the material (which names the author) is not linked from the sheet.
        "files": list(submission.material.files.filter(last_version__isnull=True).order_by("pk"))
        if visible
        else [],
        "shows_author": permissions.sees_author(viewer, submission),
        "shows_expert": permissions.sees_experts(viewer, submission),
        "is_expert": assignment.expert_id == viewer.pk,
        "can_review": permissions.can_review(viewer, assignment),
        "can_decline": permissions.can_decline(viewer, assignment),
        "term": deadlines.describe(assignment.due_on, today=today),
        "overdue": assignment.is_open and deadlines.is_overdue(assignment.due_on, today=today),
        "changes_note": current_round.changes_note if current_round is not None else "",
        "changes": _changes(assignment) if assignment.round > 1 else [],
        "review": review,
        "previous": previous,
        "previous_scores": (
            {score.criterion_id: score for score in previous.scores.all()} if previous else {}
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The score sheet: the expert fills it; afterwards it is read-only."""
    actor = actor_of(request)
    assignment = selectors.get_assignment_for(actor, pk)
    context = _sheet_context(actor, assignment)
    criteria = services.criteria_of(assignment.submission)
    form: ReviewForm | None = None
    if request.method == "POST":
        if not context["can_review"]:
            raise PermissionDenied
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.submit_review(
                    actor=actor,
                    assignment=assignment,
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                )
            except PermissionDeniedError as error:
                raise PermissionDenied from error
            except DomainError as error:
                form.add_error(None, error.message)
                form.mark_empty()
            else:
                messages.success(request, _("Экспертный лист отправлен. Спасибо за работу!"))
                return redirect(assignment)
    elif context["can_review"]:
        form = ReviewForm(criteria=criteria)
    context["form"] = form
    # Each criterion with the expert's score of the round before, to compare.
    context["rows"] = [
        (row, context["previous_scores"].get(row.criterion.pk))
        for row in (form.rows() if form is not None else [])
    ]
    return render(request, "expertise/review_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.get_assignment_for(actor, pk)
    if not permissions.can_decline(actor, assignment):
        raise PermissionDenied
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.decline_assignment(
                    actor=actor, assignment=assignment, reason=form.cleaned_data["reason"]
                )
            except PermissionDeniedError as error:
                raise PermissionDenied from error
            except DomainError as error:
                form.add_error("reason", error.message)
            else:
                messages.success(
                    request, _("Вы отказались от экспертизы. Методист назначит другого эксперта.")
                )
                return redirect("expertise:expert_page")
    else:
        form = DeclineForm()
    context = {
        "assignment": assignment,
        "submission": assignment.submission,
        "term": deadlines.describe(assignment.due_on),
        "form": form,
    }
    return render(request, "expertise/decline_form.html", context)


# --- «Моя экспертиза» and the department's view of an expert ------------------------------


@dataclass(frozen=True)
class ExpertRow:
    assignment: Assignment
    review: Review | None
    term: str
    overdue: bool

    @property
    def days_taken(self) -> float | None:
        if self.review is None:
            return None
        return (self.review.submitted_at - self.assignment.created_at).total_seconds() / 86400

    @property
    def on_time(self) -> bool:
        return self.review is not None and (
            timezone.localdate(self.review.submitted_at) <= self.assignment.due_on
        )


@dataclass(frozen=True)
class ExpertWork:
    current: list[ExpertRow]
    done: list[ExpertRow]
    declined: list[ExpertRow]

    @property
    def average_days(self) -> float | None:
        taken = [row.days_taken for row in self.done if row.days_taken is not None]
        return sum(taken) / len(taken) if taken else None

    @property
    def on_time(self) -> int:
        return sum(1 for row in self.done if row.on_time)

    @property
    def is_empty(self) -> bool:
        return not (self.current or self.done or self.declined)


def _work_of(assignments: Iterable[Assignment]) -> ExpertWork:
    today = timezone.localdate()
    current, done, declined = [], [], []
    for assignment in assignments:
        review = getattr(assignment, "review", None)
        row = ExpertRow(
            assignment=assignment,
            review=review,
            term=deadlines.describe(assignment.due_on, today=today),
            overdue=assignment.is_open and deadlines.is_overdue(assignment.due_on, today=today),
        )
        if assignment.is_open:
            current.append(row)
        elif assignment.status == Assignment.Status.DONE:
            done.append(row)
        else:
            declined.append(row)
    current.sort(key=lambda row: (row.assignment.due_on, row.assignment.pk))
    done.sort(key=lambda row: row.review.submitted_at if row.review else row.assignment.updated_at)
    done.reverse()
    declined.sort(key=lambda row: row.assignment.updated_at, reverse=True)
    return ExpertWork(current=current, done=done, declined=declined)


def _days_text(days: float | None) -> str:
    if days is None:
        return ""
    whole = max(1, round(days))
    return _("%(n)s %(days)s") % {"n": whole, "days": plural(whole, _("день"), _("дня"), _("дней"))}


@login_required
@require_GET
def expert_page(request: HttpRequest) -> HttpResponse:
    """«Моя экспертиза»: the signed-in expert's assignments, history and refusals."""
    actor = actor_of(request)
    work = _work_of(selectors.assignments_of(actor).select_related("review"))
    context = {
        "expert": actor,
        "own": True,
        "is_expert": bool(roles_of(actor).expert_district_ids),
        "work": work,
        "average": _days_text(work.average_days),
    }
    return render(request, "expertise/expert_page.html", context)


@login_required
@require_GET
def expert(request: HttpRequest, user_pk: int) -> HttpResponse:
    """The department's view of one expert: the same page, for the districts it oversees."""
    actor = actor_of(request)
    person = get_object_or_404(User, pk=user_pk)
    if person.pk == actor.pk:
        return redirect("expertise:expert_page")
    if not permissions.can_view_expert(actor, person):
        raise Http404
    assignments = [
        a
        for a in selectors.assignments_of(person).select_related(
            "review", "submission__district__region"
        )
        if permissions.manages(actor, a.submission)
    ]
    work = _work_of(assignments)
    context = {
        "expert": person,
        "own": False,
        "is_expert": bool(roles_of(person).expert_district_ids),
        "work": work,
        "average": _days_text(work.average_days),
    }
    return render(request, "expertise/expert_page.html", context)


urlpatterns = [
    path("assignments/<int:pk>/", review, name="review"),
    path("assignments/<int:pk>/decline/", decline, name="decline"),
    path("expert/", expert_page, name="expert_page"),
    path("experts/<int:user_pk>/", expert, name="expert"),
]
