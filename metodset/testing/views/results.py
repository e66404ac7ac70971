"""Results for teachers, school heads and methodists: a sitting's results and its item
statistics, the marks for the class journal (XLSX, CSV), the essays waiting for a grade,
re-grading after a wrong key, a student's progress month by month.

Thin: parse, ask `access`, call `reports` or a service, render. Names of students appear
only for the schools `access.can_see_names_of` allows; elsewhere only figures.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from metodset.accounts import permissions as people
from metodset.accounts.models import Organization, User
from metodset.core.actions import actor_of, refusals_into
from metodset.core.forms import StyledForm
from metodset.documents.xlsx import XLSX_CONTENT_TYPE
from metodset.testing import access, exports, grading, reports, services
from metodset.testing.labels import type_label
from metodset.testing.models import (
    Attempt,
    AttemptItem,
    Question,
    Regrade,
    Sitting,
    normalize_class,
)
from metodset.testing.rendering import item_html
from metodset.testing.services.attempts import item_of_version
from metodset.testing.services.results import attempts_using_old_versions

QUEUE_PAGE = 50
SITTINGS_PAGE = 20
# A district's sitting has thousands of students: beyond this the list waits for a school.
STUDENTS_UNFILTERED = 300


# --- Lookups ----------------------------------------------------------------------------


def _sitting_for(user: Any, pk: int) -> Sitting:
    """The sitting, or 404 for a missing one and one the user may not see."""
    sitting = (
        Sitting.objects.select_related("quiz__subject", "district__region", "created_by")
        .filter(pk=pk)
        .first()
    )
    if sitting is None or not access.can_view_sitting(user, sitting):
        raise Http404
    return sitting


def _results_sitting_for(user: Any, pk: int) -> Sitting:
    """404 when the sitting is not seen; 403 when seen but its results are not (a student
    it was given to)."""
    sitting = _sitting_for(user, pk)
    if not access.can_view_results(user, sitting):
        raise PermissionDenied
    return sitting


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- A sitting's results ----------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def sitting_results(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    sitting = _results_sitting_for(user, pk)
    organization_id = _int(request.GET.get("school"))
    student_class = request.GET.get("class", "").strip()[:10]
    results = reports.sitting_results(
        sitting,
        names_shown=lambda organization_id: access.can_see_names_of(user, sitting, organization_id),
        own_org_ids=people.roles_of(user).staff_org_ids,
        organization_id=organization_id,
        student_class=student_class,
    )
    filtered = organization_id is not None or bool(student_class)
    students = results.students
    if not filtered and len(students) > STUDENTS_UNFILTERED:
        students = []
    return render(
        request,
        "testing/results/sitting_results.html",
        {
            "sitting": sitting,
            "results": results,
            "school_filter": organization_id,
            "class_filter": normalize_class(student_class),
            "can_regrade": access.can_regrade(user, sitting),
            "can_journal": any(
                access.can_view_journal(user, organization)
                for organization in results.organizations
            ),
            "filtered": filtered,
            "students": students,
            "students_hidden": len(results.students) - len(students),
        },
    )


@login_required
@require_http_methods(["GET"])
def school_results(request: HttpRequest) -> HttpResponse:
    """Every sitting one's school took: «ваша школа — X %, в среднем по сети — Y %»."""
    user = actor_of(request)
    own = people.roles_of(user).staff_org_ids
    sittings = reports.sittings_taken_by(own).filter(
        pk__in=access.sittings_visible_to(user).values("pk")
    )
    page = Paginator(sittings, SITTINGS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "testing/results/school_results.html",
        {
            "page_obj": page,
            "rows": reports.school_comparisons(list(page.object_list), own),
            "has_school": bool(own),
        },
    )


@login_required
@require_http_methods(["GET"])
def sitting_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _results_sitting_for(actor_of(request), pk)
    data = reports.sitting_statistics(sitting)
    return render(
        request,
        "testing/results/sitting_statistics.html",
        {
            "sitting": sitting,
            "statistics": data,
            "weak_below": reports.WEAK_DISCRIMINATION,
        },
    )


# --- The class journal ------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def sitting_journal(request: HttpRequest, pk: int) -> HttpResponse:
    """The marks students chose to send, for the schools whose journal one keeps; the same
    list as XLSX or CSV with ?format=."""
    user = actor_of(request)
    sitting = _sitting_for(user, pk)
    organizations = list(
        Organization.objects.filter(
            Q(pk__in=sitting.targets.values("organization_id"))
            | Q(pk__in=Attempt.objects.filter(sitting=sitting).values("organization_id"))
        )
        .select_related("district__region")
        .order_by("short_name")
    )
    allowed = [org for org in organizations if access.can_view_journal(user, org)]
    if not allowed:
        raise PermissionDenied
    organization_id = _int(request.GET.get("school"))
    chosen = allowed
    if organization_id is not None:
        chosen = [org for org in allowed if org.pk == organization_id]
        if not chosen:
            if any(org.pk == organization_id for org in organizations):
                raise PermissionDenied
            raise Http404
    attempts = list(services.journal_attempts(sitting, {org.pk for org in chosen}))
    kind = request.GET.get("format", "")
    if kind in ("xlsx", "csv"):
        if kind == "xlsx":
            response = HttpResponse(
                exports.journal_xlsx(sitting, attempts), content_type=XLSX_CONTENT_TYPE
            )
        else:
            response = HttpResponse(
                exports.journal_csv(sitting, attempts), content_type=exports.CSV_CONTENT_TYPE
            )
        name = exports.journal_filename(sitting, kind, organization_id)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "testing/results/journal.html",
        {
            "sitting": sitting,
            "organizations": allowed,
            "school_filter": organization_id,
            "header": exports.journal_header(),
            "rows": exports.journal_rows(sitting, attempts),
        },
    )


# --- Essays waiting for a grade ---------------------------------------------------------


class GradeForm(StyledForm):
    score = forms.CharField(
        label=gettext_lazy("Балл"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comment = forms.CharField(
        label=gettext_lazy("Комментарий для обучающегося"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@require_http_methods(["GET"])
def grading_queue(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    page = Paginator(services.grading_queue(user), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(request, "testing/results/grading_queue.html", {"page_obj": page})


def _item_for(user: Any, pk: int) -> AttemptItem:
    """404 when the attempt is not seen, 403 when seen but not graded by this person."""
    item = get_object_or_404(
        AttemptItem.objects.select_related(
            "attempt__sitting__district__region",
            "attempt__sitting__quiz",
            "attempt__student",
            "attempt__organization",
            "question",
            "graded_by",
        ),
        pk=pk,
    )
    if not access.can_view_attempt(user, item.attempt):
        raise Http404
    if not access.can_grade_attempt(user, item.attempt):
        raise PermissionDenied
    return item


def _answer_html(item: Any, response: Any) -> Any:
    """The student's answer: an essay's text as typed (escaped, lines kept), any other
    answer in words."""
    if item.type.value == "essay":
        text = (response or {}).get("text", "") if isinstance(response, dict) else ""
        return item_html(text, "plain") if text else ""
    return item_html(grading.describe_response(item, response), "plain")


@login_required
@require_http_methods(["GET", "POST"])
def grade_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    row = _item_for(user, pk)
    item = item_of_version(row.version_id)
    initial = {"score": "" if row.score is None else f"{row.score.normalize():f}"}
    form = GradeForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "comment": row.comment},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_into(form) as outcome:
            services.grade_item(
                actor=user,
                item=row,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        if outcome.ok:
            messages.success(request, _("Оценка сохранена."))
            following = services.grading_queue(user).exclude(pk=row.pk).first()
            if following is not None:
                return redirect("testing:grade_item", pk=following.pk)
            return redirect("testing:grading_queue")
    waiting = services.grading_queue(user).count()
    return render(
        request,
        "testing/results/grade_item.html",
        {
            "row": row,
            "attempt": row.attempt,
            "item": item,
            "type_label": type_label(item.type.value),
            "text": item_html(item.text, item.text_format, row.version_id),
            "grader_info": item_html(item.grader_info, item.text_format, row.version_id)
            if item.grader_info
            else "",
            "answer": _answer_html(item, row.response),
            "form": form,
            "points": f"{row.points.normalize():f}",
            "waiting": waiting,
        },
    )


# --- Re-grading after a wrong key -------------------------------------------------------


class RegradeForm(StyledForm):
    question = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Что исправлено в ключе"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Это увидят в истории перепроверок."),
    )


def _stale_questions(sitting: Sitting, form: RegradeForm | None) -> list[dict[str, Any]]:
    """Questions whose key changed after students answered, with the old and new keys."""
    stale = attempts_using_old_versions(sitting)
    used = set(
        AttemptItem.objects.filter(
            attempt__sitting=sitting, question__in=[question for question, _count in stale]
        )
        .order_by()
        .values_list("question_id", "version_id")
        .distinct()
    )
    rows = []
    for question, count in stale:
        current = question.versions.get(number=question.current_version)
        old_ids = sorted(
            version_id
            for question_id, version_id in used
            if question_id == question.pk and version_id != current.pk
        )
        posted = form is not None and form.data.get("question") == str(question.pk)
        rows.append(
            {
                "question": question,
                "count": count,
                "type_label": type_label(question.type),
                "old_keys": [grading.right_answer(item_of_version(pk)) for pk in old_ids],
                "new_key": grading.right_answer(item_of_version(current.pk)),
                "form": form if posted else RegradeForm(initial={"question": question.pk}),
            }
        )
    return rows


def _history(user: Any, sitting: Sitting) -> list[dict[str, Any]]:
    """The sitting's re-grades with every changed score; names only where allowed."""
    regrades = list(
        Regrade.objects.filter(sitting=sitting).select_related(
            "question", "actor", "old_version", "new_version"
        )
    )
    attempt_ids = {change["attempt"] for regrade in regrades for change in regrade.changes}
    people_of = {
        pk: (org_id, org_name, " ".join(part for part in names if part))
        for pk, org_id, org_name, *names in Attempt.objects.filter(pk__in=attempt_ids).values_list(
            "pk",
            "organization_id",
            "organization__short_name",
            "student__last_name",
            "student__first_name",
            "student__patronymic",
        )
    }
    history = []
    for regrade in regrades:
        changed = []
        for change in regrade.changes:
            if change.get("old") == change.get("new"):
                continue
            org_id, org_name, name = people_of.get(change["attempt"], (None, "", ""))
            shown = org_id is not None and access.can_see_names_of(user, sitting, org_id)
            changed.append(
                {
                    "attempt": change["attempt"],
                    "position": change.get("position"),
                    "old": change.get("old"),
                    "new": change.get("new"),
                    "school": org_name,
                    "student": name if shown else "",
                }
            )
        history.append(
            {
                "regrade": regrade,
                "changed": changed,
                "unchanged": len(regrade.changes) - len(changed),
            }
        )
    return history


@login_required
@require_http_methods(["GET", "POST"])
def sitting_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    sitting = _sitting_for(user, pk)
    if not access.can_regrade(user, sitting):
        raise PermissionDenied
    form = RegradeForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        question = Question.objects.filter(pk=form.cleaned_data["question"]).first()
        if question is None:
            raise Http404
        with refusals_into(form) as outcome:
            regrade = services.regrade_question(
                actor=user, sitting=sitting, question=question, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.success(
                request,
                _("Вопрос «%(name)s» перепроверен: изменено попыток — %(count)d.")
                % {"name": question.name, "count": regrade.attempts_changed},
            )
            return redirect(
                reverse("testing:sitting_regrade", args=[sitting.pk]) + f"#regrade-{regrade.pk}"
            )
    questions = _stale_questions(sitting, form)
    return render(
        request,
        "testing/results/regrade.html",
        {
            "sitting": sitting,
            "questions": questions,
            "history": _history(user, sitting),
            # A refusal about a question no longer listed is shown above the list.
            "stray_form": form
            if form is not None and all(entry["form"] is not form for entry in questions)
            else None,
        },
    )


# --- A student's progress ---------------------------------------------------------------


def _progress_page(request: HttpRequest, person: Any) -> HttpResponse:
    viewer = actor_of(request)
    progress = reports.student_progress(viewer, person, no_subject=_("Без предмета"))
    return render(
        request,
        "testing/results/progress.html",
        {"person": person, "progress": progress, "is_self": person.pk == viewer.pk},
    )


@login_required
@require_http_methods(["GET"])
def student_progress(request: HttpRequest, user_pk: int) -> HttpResponse:
    """404 for anyone but the student, their parents, their school's staff and the
    district's methodists: a student's results are personal data of a minor."""
    person = User.objects.filter(pk=user_pk, is_active=True).first()
    if person is None or not access.can_view_progress(actor_of(request), person):
        raise Http404
    return _progress_page(request, person)


@login_required
@require_http_methods(["GET"])
def my_progress(request: HttpRequest) -> HttpResponse:
    return _progress_page(request, actor_of(request))


urlpatterns = [
    path("results/", school_results, name="school_results"),
    path("sittings/<int:pk>/results/", sitting_results, name="sitting_results"),
    path("sittings/<int:pk>/statistics/", sitting_statistics, name="sitting_statistics"),
    path("sittings/<int:pk>/journal/", sitting_journal, name="sitting_journal"),
    path("sittings/<int:pk>/regrade/", sitting_regrade, name="sitting_regrade"),
    path("grading/", grading_queue, name="grading_queue"),
    path("grading/<int:pk>/", grade_item, name="grade_item"),
    path("progress/", my_progress, name="my_progress"),
    path("progress/<int:user_pk>/", student_progress, name="student_progress"),
]
