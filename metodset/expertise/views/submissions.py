"""Pages of a submission (`002_…` §3.3): the author submits a material and follows it, the
department's queue with the ten-day term, the submission page (assigning experts, the
reviews side by side, the decision), resubmission after revision, withdrawal.

Who sees what on the submission page comes from `permissions`: the department sees the
author and the experts; the author sees the reviews anonymized; an expert of a blind
expertise sees neither the author's name nor the school."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import User
from metodset.accounts.permissions import is_network_staff, roles_of
from metodset.certificates.models import Certificate
from metodset.core import deadlines
from metodset.core.actions import actor_of, refusals_into, run_action
from metodset.expertise import permissions, selectors, services
from metodset.expertise.forms import AssignForm, DecisionForm, ResubmitForm, SubmissionForm
from metodset.expertise.models import (
    Assignment,
    Criterion,
    Review,
    Score,
    Submission,
)
from metodset.materials import permissions as material_permissions
from metodset.materials.models import Level, Licence, Material

# --- What the page shows, prepared ---------------------------------------------------------

# The keys of `materials.services.describe`, as the round history names them.
FIELD_LABELS = {
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
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "level": dict(Level.choices),
    "licence": dict(Licence.choices),
    "visibility": dict(Material.Visibility.choices),
}
QUEUE_FILTERS = {"open": "", "revision": Submission.Status.REVISION, "decided": "decided"}


def _shown(key: str, value: Any) -> str:
    """A snapshot value as a reader of the page reads it."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(VALUE_LABELS.get(key, {}).get(value, value))


@dataclass(frozen=True)
class Change:
    label: str
    was: str
    now: str


@dataclass(frozen=True)
class Term:
    """The department's ten days, as `services.due_of` counts them."""

    due: datetime.date
    text: str  # «осталось 3 дня»; empty once the submission is not open
    overdue: bool


def _term_of(submission: Submission) -> Term:
    due = services.due_of(submission)
    if submission.status not in Submission.OPEN:
        return Term(due=due, text="", overdue=False)
    return Term(due=due, text=deadlines.describe(due), overdue=deadlines.is_overdue(due))


@dataclass(frozen=True)
class Column:
    label: str  # the expert's name for the department, «Эксперт 1» for the author
    review: Review


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    scores: list[Score | None]


@dataclass(frozen=True)
class ReviewTable:
    """One round's score sheets side by side: criteria in rows, experts in columns."""

    number: int
    columns: list[Column]
    rows: list[CriterionRow]
    spread: services.Spread


def _review_table(
    submission: Submission, number: int, criteria: list[Criterion], *, named: bool
) -> ReviewTable:
    spread = services.spread_of(submission, number)
    columns = [
        Column(
            label=review.assignment.expert.short_name
            if named
            else _("Эксперт %(n)d") % {"n": index},
            review=review,
        )
        for index, review in enumerate(spread.reviews, start=1)
    ]
    by_review = [{s.criterion_id: s for s in r.scores.all()} for r in spread.reviews]
    rows = [
        CriterionRow(criterion=c, scores=[scores.get(c.pk) for scores in by_review])
        for c in criteria
    ]
    return ReviewTable(number=number, columns=columns, rows=rows, spread=spread)


@dataclass
class RoundView:
    number: int
    submitted_at: datetime.datetime
    changes_note: str
    changes: list[Change]
    assignments: list[Assignment] = field(default_factory=list)
    table: ReviewTable | None = None


@dataclass(frozen=True)
class Candidate:
    """An expert of the district's РМС as the assignment panel lists them."""

    expert: User
    subjects: list[str]
    matches_subject: bool
    reasons: list[str]  # conflicts of interest, or why the expert is already taken

    @property
    def is_available(self) -> bool:
        return not self.reasons


def _candidates(submission: Submission, current: list[Assignment]) -> list[Candidate]:
    """The pool, those of the material's subject first; each conflict with its reasons."""
    taken = {a.expert_id: a for a in current if a.status != Assignment.Status.WITHDRAWN}
    subject_id = submission.material.subject_id
    found = []
    for expert in permissions.expert_pool(submission.district).prefetch_related("subjects"):
        reasons = permissions.conflicts_of(expert, submission)
        if expert.pk in taken:
            reasons.append(
                _("отказался(ась) в этом круге")
                if taken[expert.pk].status == Assignment.Status.DECLINED
                else _("уже назначен(а) в этом круге")
            )
        subjects = list(expert.subjects.all())
        found.append(
            Candidate(
                expert=expert,
                subjects=[s.name for s in subjects],
                matches_subject=subject_id is not None and subject_id in {s.pk for s in subjects},
                reasons=reasons,
            )
        )
    return sorted(
        found,
        key=lambda c: (not c.matches_subject, not c.is_available, c.expert.full_name),
    )


def _changes(submission: Submission, number: int) -> list[Change]:
    return [
        Change(label=str(FIELD_LABELS.get(key, key)), was=_shown(key, was), now=_shown(key, now))
        for key, was, now in services.round_changes(submission, number)
    ]


def _rounds(
    submission: Submission, *, department: bool, reviews: bool, named: bool
) -> list[RoundView]:
    criteria = services.criteria_of(submission)
    assignments = list(submission.assignments.select_related("expert", "review"))
    found = []
    for round_ in submission.rounds.order_by("number"):
        number = round_.number
        found.append(
            RoundView(
                number=number,
                submitted_at=round_.submitted_at,
                changes_note=round_.changes_note,
                changes=_changes(submission, number) if number > 1 else [],
                assignments=[a for a in assignments if a.round == number] if department else [],
                table=_review_table(submission, number, criteria, named=named) if reviews else None,
            )
        )
    return found


def _certificates(user: Any, submission: Submission, *, department: bool) -> list[Certificate]:
    """The department sees all; anyone else only their own (another's would name them)."""
    issued = services.certificates_of(submission)
    if department:
        return issued
    return [c for c in issued if c.holder_id == user.pk]


def _detail_page(
    request: HttpRequest,
    submission: Submission,
    *,
    assign_form: AssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = actor_of(request)
    department = permissions.sees_experts(user, submission)
    submitter = permissions.is_submitter(user, submission)
    shows_author = permissions.sees_author(user, submission)
    reviews = permissions.can_view_reviews(user, submission)
    my_assignment = None if department or submitter else permissions.assignment_of(user, submission)
    rounds = _rounds(submission, department=department, reviews=reviews, named=department)
    current = rounds[-1] if rounds else None
    can_assign = permissions.can_assign(user, submission)
    context: dict[str, Any] = {
        "submission": submission,
        "material": submission.material,
        "term": _term_of(submission),
        "rule": services.RULE_TEXT,
        "is_department": department,
        "is_submitter": submitter,
        "shows_author": shows_author,
        # The material page names its author: a blind expert reads the material from the
        # score sheet instead.
        "links_material": shows_author and permissions.material_visible(user, submission.material),
        "my_assignment": my_assignment,
        "my_term": deadlines.describe(my_assignment.due_on)
        if my_assignment is not None and my_assignment.is_open
        else "",
        "rounds": rounds,
        "current": current,
        "earlier": rounds[:-1],
        "can_view_reviews": reviews,
        "can_assign": can_assign,
        "can_decide": permissions.can_decide(user, submission),
        "can_resubmit": permissions.can_resubmit(user, submission),
        "can_withdraw": permissions.can_withdraw(user, submission),
        "certificates": _certificates(user, submission, department=department),
    }
    if can_assign:
        pool = permissions.expert_pool(submission.district)
        context["candidates"] = _candidates(submission, current.assignments if current else [])
        context["assign_form"] = assign_form or AssignForm(
            initial={"due_on": services.expert_due(submission)}, pool=pool
        )
        context["posted_expert"] = request.POST.get("expert", "") if assign_form else ""
    if context["can_decide"]:
        context["decision_form"] = DecisionForm()
    return render(request, "expertise/submission_detail.html", context, status=status)


# --- Pages ----------------------------------------------------------------------------------


def _material_to_submit(actor: Any, raw: str | None) -> Material | None:
    """The material named by `?material=` (or the posted one), if the person may submit it."""
    if not raw or not raw.isdigit():
        return None
    material = Material.objects.select_related("type", "author").filter(pk=int(raw)).first()
    if material is None or not permissions.can_submit(actor, material):
        return None
    return material


@login_required
@require_http_methods(["GET", "POST"])
def submission_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not is_network_staff(roles_of(actor)):
        raise PermissionDenied
    posted = request.method == "POST"
    picked = _material_to_submit(
        actor, request.POST.get("material") if posted else request.GET.get("material")
    )
    own = Q(author=actor, status=Material.Status.PUBLISHED)
    materials = Material.objects.filter(own | Q(pk=picked.pk) if picked else own).order_by(
        "-published_at", "-pk"
    )
    groups = permissions.groups_for_submission(actor, picked) if picked else []
    initial: dict[str, Any] = {"material": picked.pk} if picked else {}
    form = SubmissionForm(
        request.POST if posted else None, initial=initial, materials=materials, groups=groups
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            submission = services.submit_for_expertise(
                actor=actor,
                material=data["material"],
                purpose=data["purpose"],
                note=data["note"],
                is_blind=data["is_blind"],
                group=data.get("group"),
            )
        if outcome.ok:
            messages.success(
                request,
                _(
                    "Материал «%(title)s» подан на экспертизу. Срок экспертизы — до %(due)s "
                    "включительно."
                )
                % {
                    "title": submission.material.title,
                    "due": services.due_of(submission).strftime("%d.%m.%Y"),
                },
            )
            return redirect(submission)
    return render(
        request,
        "expertise/submission_form.html",
        {
            "form": form,
            "has_materials": materials.exists(),
            "rule": services.RULE_TEXT,
        },
    )


@dataclass(frozen=True)
class MineRow:
    submission: Submission
    term: Term


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    """The author's submissions, and those of the groups the person leads."""
    actor = actor_of(request)
    found = selectors.submissions_of(actor)
    return render(
        request,
        "expertise/my_submissions.html",
        {
            "rows": [MineRow(submission=s, term=_term_of(s)) for s in found],
            "can_submit": is_network_staff(roles_of(actor)),
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The department's queue: open submissions with the ten-day term first."""
    actor = actor_of(request)
    if not permissions.can_view_queue(actor):
        raise PermissionDenied
    shown = request.GET.get("status", "open")
    if shown not in QUEUE_FILTERS:
        shown = "open"
    return render(
        request,
        "expertise/queue.html",
        {
            "rows": selectors.queue_of(actor, status=QUEUE_FILTERS[shown]),
            "shown": shown,
            "filters": [
                ("open", _("на экспертизе")),
                ("revision", _("на доработке")),
                ("decided", _("решение принято")),
            ],
            "rule": services.RULE_TEXT,
        },
    )


@login_required
@require_http_methods(["GET"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.get_submission_for(actor_of(request), pk))


@login_required
@require_POST
def submission_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    submission = selectors.get_submission_for(actor, pk)
    if not permissions.can_assign(actor, submission, check_state=False):
        raise PermissionDenied
    if not permissions.can_assign(actor, submission):
        messages.error(request, _("Экспертов назначают, пока материал на экспертизе."))
        return redirect(submission)
    form = AssignForm(request.POST, pool=permissions.expert_pool(submission.district))
    if form.is_valid():
        with refusals_into(form) as outcome:
            assignment = services.assign_expert(
                actor=actor,
                submission=submission,
                expert=form.cleaned_data["expert"],
                due_on=form.cleaned_data["due_on"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("Назначен эксперт: %(name)s, оценить до %(due)s.")
                % {
                    "name": assignment.expert.short_name,
                    "due": assignment.due_on.strftime("%d.%m.%Y"),
                },
            )
            return redirect(submission.get_absolute_url() + "#assignments")
    # A refused assignment shows the page again with the reason and what was chosen.
    submission.refresh_from_db()
    return _detail_page(request, submission, assign_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def submission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    submission = selectors.get_submission_for(actor, pk)
    if not permissions.can_decide(actor, submission, check_state=False):
        raise PermissionDenied
    if not permissions.can_decide(actor, submission):
        messages.error(request, _("Решение принимают, пока материал на экспертизе."))
        return redirect(submission)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusals_into(form) as outcome:
            submission = services.decide_submission(
                actor=actor,
                submission=submission,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("Решение сохранено: %(decision)s. Автор получил уведомление.")
                % {"decision": submission.get_decision_display()},
            )
            return redirect(submission)
    criteria = services.criteria_of(submission)
    return render(
        request,
        "expertise/decision_form.html",
        {
            "submission": submission,
            "form": form,
            "table": _review_table(submission, submission.round, criteria, named=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    submission = selectors.get_submission_for(actor, pk)
    if not permissions.is_submitter(actor, submission):
        raise PermissionDenied
    if not permissions.can_resubmit(actor, submission):
        messages.error(request, _("Повторно подают материал, возвращённый на доработку."))
        return redirect(submission)
    form = ResubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusals_into(form) as outcome:
            submission = services.resubmit(
                actor=actor, submission=submission, changes_note=form.cleaned_data["changes_note"]
            )
        if outcome.ok:
            messages.success(
                request,
                _("Материал подан повторно. Срок экспертизы — до %(due)s включительно.")
                % {"due": services.due_of(submission).strftime("%d.%m.%Y")},
            )
            return redirect(submission)
    criteria = services.criteria_of(submission)
    return render(
        request,
        "expertise/resubmit_form.html",
        {
            "submission": submission,
            "form": form,
            "table": _review_table(submission, submission.round, criteria, named=False),
            "edit_url": reverse("materials:edit", args=[submission.material_id])
            if material_permissions.can_edit_material(actor, submission.material)
            else "",
        },
    )


@login_required
@require_POST
def submission_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    submission = selectors.get_submission_for(actor, pk)
    if not permissions.is_submitter(actor, submission):
        raise PermissionDenied
    if not permissions.can_withdraw(actor, submission):
        messages.error(request, _("Отозвать можно материал, по которому ещё нет решения."))
    else:
        run_action(
            request,
            lambda: services.withdraw_submission(actor=actor, submission=submission),
            _("Материал снят с экспертизы."),
        )
    return redirect(submission)


urlpatterns = [
    path("submit/", submission_create, name="create"),
    path("mine/", my_submissions, name="mine"),
    path("queue/", queue, name="queue"),
    path("<int:pk>/", submission_detail, name="detail"),
    path("<int:pk>/assign/", submission_assign, name="assign"),
    path("<int:pk>/decide/", submission_decide, name="decide"),
    path("<int:pk>/resubmit/", submission_resubmit, name="resubmit"),
    path("<int:pk>/withdraw/", submission_withdraw, name="withdraw"),
]
