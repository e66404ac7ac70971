"""The teacher's test pages: the list, the settings form, the test with its places (fixed
questions and random draws), the bank picker, a random draw, the preview.
Thin: parse, call a service or `access`, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.core.actions import actor_of, refusals_into
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.markup import render_markdown
from metodset.testing import access, permissions, services
from metodset.testing.forms_quizzes import (
    MARK_FIELDS,
    AddQuestionsForm,
    QuestionSearchForm,
    QuizForm,
    RandomDrawForm,
    SlotPointsForm,
)
from metodset.testing.labels import type_label
from metodset.testing.models import LOWEST_MARK, QuestionVersion, Quiz, QuizSlot
from metodset.testing.selectors import bank_page
from metodset.testing.services.attempts import item_of_version
from metodset.testing.services.quizzes import sample_draw
from metodset.testing.views.bank import render_item


def _quiz_for(user: Any, pk: int) -> Quiz:
    """The test, or 404 for a missing one and one the user may not see."""
    quiz = Quiz.objects.select_related("author", "subject", "organization").filter(pk=pk).first()
    if quiz is None or not access.can_view_quiz(user, quiz):
        raise Http404
    return quiz


def _editable_quiz_for(user: Any, pk: int) -> Quiz:
    """The test to change: 404 when not seen, 403 when seen but not one's own."""
    quiz = _quiz_for(user, pk)
    if not access.can_edit_quiz(user, quiz):
        raise PermissionDenied
    return quiz


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def scale_text(quiz: Quiz) -> str:
    """«5 — от 85 %, 4 — от 65 %, 3 — от 45 %, ниже 45 % — 2»."""
    rows = sorted(
        ((int(mark), int(minimum)) for mark, minimum in quiz.mark_thresholds), reverse=True
    )
    parts = [
        _("%(mark)d — от %(minimum)d %%") % {"mark": mark, "minimum": minimum}
        for mark, minimum in rows
    ]
    if rows:
        parts.append(
            _("ниже %(minimum)d %% — %(mark)d") % {"minimum": rows[-1][1], "mark": LOWEST_MARK}
        )
    return ", ".join(parts)


def slot_label(slot: QuizSlot) -> str:
    """A fixed question's name, or «5 случайных из „Дроби“ (сложность 2)»."""
    if slot.question is not None:
        return slot.question.name
    label = _("%(count)d случайных из „%(category)s“") % {
        "count": slot.count,
        "category": slot.category,
    }
    if slot.difficulty is not None:
        label += " " + _("(сложность %(level)d)") % {"level": slot.difficulty}
    if slot.include_subcategories:
        label += " " + _("с подкатегориями")
    return label


def _slots_context(quiz: Quiz, user: Any, error: str = "") -> dict[str, Any]:
    slots = list(quiz.slots.select_related("question", "category").order_by("position"))
    rows = [
        {
            "slot": slot,
            "label": slot_label(slot),
            "type": type_label(slot.question.type) if slot.question is not None else "",
            # (direction, disabled): the first place does not go up, the last not down.
            "moves": [("up", index == 0), ("down", index == len(slots) - 1)],
        }
        for index, slot in enumerate(slots)
    ]
    count, total = services.quiz_size(quiz)
    return {
        "quiz": quiz,
        "rows": rows,
        "question_count": count,
        "max_score": total,
        "can_edit": access.can_edit_quiz(user, quiz),
        "slot_error": error,
    }


@login_required
@require_http_methods(["GET"])
def quiz_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not access.can_create_quiz(actor):
        raise PermissionDenied
    quizzes = (
        access.quizzes_visible_to(actor)
        .select_related("author", "subject", "organization")
        .prefetch_related("slots")
        .annotate(sitting_count=Count("sittings", distinct=True))
        .order_by("-created_at")
    )
    own = list(quizzes.filter(author=actor.pk))
    shared_page = Paginator(
        quizzes.exclude(author=actor.pk), 30, allow_empty_first_page=True
    ).get_page(request.GET.get("page"))
    for quiz in [*own, *shared_page.object_list]:
        quiz.size = services.quiz_size(quiz)  # type: ignore[attr-defined]
    return render(
        request,
        "testing/quizzes/quiz_list.html",
        {"own": own, "page_obj": shared_page, "shared": shared_page.object_list},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quiz_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not access.can_create_quiz(actor):
        raise PermissionDenied
    if request.method == "POST":
        form = QuizForm(request.POST)
        if form.is_valid():
            with refusals_into(form) as outcome:
                quiz = services.create_quiz(actor=actor, data=form.quiz_data())
            if outcome.ok:
                messages.success(request, _("Тест создан. Добавьте в него вопросы из банка."))
                return redirect(quiz)
    else:
        form = QuizForm()
    return render(
        request,
        "testing/quizzes/quiz_form.html",
        {"form": form, "quiz": None, "mark_fields": [form[name] for name, _m, _d in MARK_FIELDS]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    quiz = _editable_quiz_for(actor, pk)
    if request.method == "POST":
        form = QuizForm(request.POST)
        if form.is_valid():
            with refusals_into(form) as outcome:
                services.update_quiz(actor=actor, quiz=quiz, data=form.quiz_data())
            if outcome.ok:
                messages.success(request, _("Настройки теста сохранены."))
                return redirect(quiz)
            quiz.refresh_from_db()
    else:
        form = QuizForm(initial=QuizForm.initial_for(quiz))
    return render(
        request,
        "testing/quizzes/quiz_form.html",
        {"form": form, "quiz": quiz, "mark_fields": [form[name] for name, _m, _d in MARK_FIELDS]},
    )


@login_required
@require_http_methods(["GET"])
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    quiz = _quiz_for(actor, pk)
    sittings = list(
        access.sittings_visible_to(actor)
        .filter(quiz=quiz)
        .select_related("district")
        .order_by("-opens_at")
    )
    context = {
        **_slots_context(quiz, actor),
        "description_html": render_markdown(quiz.description),
        "scale": scale_text(quiz),
        "grades": ", ".join(str(grade) for grade in quiz.grades),
        "sittings": sittings,
        "can_assign": access.can_assign_quiz(actor, quiz),
        "points_form": SlotPointsForm(),
    }
    return render(request, "testing/quizzes/quiz_detail.html", context)


def _slots_response(request: HttpRequest, quiz: Quiz, error: str = "") -> HttpResponse:
    """The table again for HTMX; without JavaScript, back to the test with a message."""
    if _is_htmx(request):
        return render(
            request,
            "testing/quizzes/includes/slots.html",
            _slots_context(quiz, actor_of(request), error),
        )
    if error:
        messages.error(request, error)
    return redirect(quiz)


def _slot_action(request: HttpRequest, pk: int, slot_pk: int, action: Any) -> HttpResponse:
    quiz = _quiz_for(actor_of(request), pk)
    slot = get_object_or_404(QuizSlot.objects.select_related("quiz"), pk=slot_pk, quiz=quiz)
    try:
        action(slot)
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        return _slots_response(request, quiz, error.message)
    return _slots_response(request, quiz)


@login_required
@require_POST
def slot_move(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    up = request.POST.get("direction") != "down"
    return _slot_action(
        request,
        pk,
        slot_pk,
        lambda slot: services.move_slot(actor=actor_of(request), slot=slot, up=up),
    )


@login_required
@require_POST
def slot_remove(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    return _slot_action(
        request,
        pk,
        slot_pk,
        lambda slot: services.remove_slot(actor=actor_of(request), slot=slot),
    )


@login_required
@require_POST
def slot_points(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    form = SlotPointsForm(request.POST)

    def change(slot: QuizSlot) -> None:
        if not form.is_valid():
            raise DomainError(_("Баллы за вопрос — больше нуля и не более 100."))
        services.set_slot_points(
            actor=actor_of(request), slot=slot, points=form.cleaned_data["points"]
        )

    return _slot_action(request, pk, slot_pk, change)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank picker: filter the questions one sees, tick several, add them."""
    actor = actor_of(request)
    quiz = _editable_quiz_for(actor, pk)
    categories = permissions.categories_visible_to(actor)
    search = QuestionSearchForm(request.GET or None, categories=categories)
    add_form = AddQuestionsForm(request.POST or None)
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("question") if value.isdigit()]
        chosen = list(permissions.questions_visible_to(actor).filter(pk__in=ids).order_by("pk"))
        # Keep the order they were ticked in the list (newest first there).
        order = {pk: index for index, pk in enumerate(ids)}
        chosen.sort(key=lambda question: order[question.pk])
        if add_form.is_valid():
            with refusals_into(add_form) as outcome:
                added = services.add_questions(
                    actor=actor,
                    quiz=quiz,
                    questions=chosen,
                    points=add_form.cleaned_data["points"],
                )
            if outcome.ok:
                messages.success(
                    request, _("Добавлено вопросов: %(count)d.") % {"count": len(added)}
                )
                return redirect(quiz)
    page = bank_page(actor, search.filters(), request.GET.get("page"))
    present = set(quiz.slots.filter(question__isnull=False).values_list("question_id", flat=True))
    ticked = {int(value) for value in request.POST.getlist("question") if value.isdigit()}
    results = [
        {
            "question": question,
            "type": type_label(question.type),
            "present": question.pk in present,
            "ticked": question.pk in ticked,
        }
        for question in page.object_list
    ]
    context = {
        "quiz": quiz,
        "search": search,
        "add_form": add_form,
        "results": results,
        "page_obj": page,
    }
    if _is_htmx(request) and request.method == "GET":
        return render(request, "testing/quizzes/includes/picker_results.html", context)
    return render(request, "testing/quizzes/quiz_questions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_random(request: HttpRequest, pk: int) -> HttpResponse:
    """«5 случайных вопросов сложности 2 из „Дроби“»."""
    actor = actor_of(request)
    quiz = _editable_quiz_for(actor, pk)
    categories = permissions.categories_visible_to(actor)
    if request.method == "POST":
        form = RandomDrawForm(request.POST, categories=categories)
        if form.is_valid():
            with refusals_into(form) as outcome:
                slot = services.add_random_draw(
                    actor=actor,
                    quiz=quiz,
                    category=form.chosen_category(),
                    count=form.cleaned_data["count"],
                    difficulty=form.chosen_difficulty(),
                    include_subcategories=form.cleaned_data["include_subcategories"],
                    points=form.cleaned_data["points"],
                )
            if outcome.ok:
                messages.success(request, _("Добавлено: %(what)s.") % {"what": slot_label(slot)})
                return redirect(quiz)
    else:
        form = RandomDrawForm(categories=categories)
    return render(request, "testing/quizzes/quiz_random.html", {"quiz": quiz, "form": form})


@login_required
@require_http_methods(["GET"])
def quiz_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """One sample of what a student might get, read-only; each visit draws anew."""
    actor = actor_of(request)
    quiz = _quiz_for(actor, pk)
    drawn = sample_draw(quiz)
    questions = [question for _slot, question in drawn if question is not None]
    versions = dict(
        QuestionVersion.objects.filter(
            question__in=[question.pk for question in questions],
            number=F("question__current_version"),
        ).values_list("question_id", "pk")
    )
    items = []
    for position, (slot, question) in enumerate(drawn, 1):
        items.append(
            {
                "position": position,
                "slot": slot,
                "question": question,
                # The bank's read-only item (text, options, the key marked).
                "item": render_item(item_of_version(versions[question.pk]))
                if question is not None
                else None,
            }
        )
    count, total = services.quiz_size(quiz)
    return render(
        request,
        "testing/quizzes/quiz_preview.html",
        {
            "quiz": quiz,
            "items": items,
            "question_count": count,
            "max_score": total,
            "description_html": render_markdown(quiz.description),
        },
    )


urlpatterns = [
    path("quizzes/", quiz_list, name="quizzes"),
    path("quizzes/new/", quiz_new, name="quiz_new"),
    path("quizzes/<int:pk>/", quiz_detail, name="quiz"),
    path("quizzes/<int:pk>/edit/", quiz_edit, name="quiz_edit"),
    path("quizzes/<int:pk>/questions/", quiz_questions, name="quiz_questions"),
    path("quizzes/<int:pk>/random/", quiz_random, name="quiz_random"),
    path("quizzes/<int:pk>/preview/", quiz_preview, name="quiz_preview"),
    path("quizzes/<int:pk>/slots/<int:slot_pk>/move/", slot_move, name="quiz_slot_move"),
    path("quizzes/<int:pk>/slots/<int:slot_pk>/remove/", slot_remove, name="quiz_slot_remove"),
    path("quizzes/<int:pk>/slots/<int:slot_pk>/points/", slot_points, name="quiz_slot_points"),
]
