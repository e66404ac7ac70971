"""Tests (quizzes) in the API: the list, one test with its places, create and change it,
add fixed questions or a random draw, remove a place."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import ErrorOut
from metodset.accounts.models import name_key
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import access, permissions, services
from metodset.testing.api.common import (
    actor_of,
    category_for,
    category_paths,
    in_given_order,
    organization_out,
    page_out,
    person_out,
    subject_by_id,
    subject_out,
    visible_quiz,
)
from metodset.testing.api.schemas import (
    ERRORS,
    TestingQuizDetailOut,
    TestingQuizFilters,
    TestingQuizIn,
    TestingQuizPageOut,
    TestingQuizPatchIn,
    TestingSlotsIn,
)
from metodset.testing.models import Question, Quiz

router = Router(tags=["Тесты"])


def _check_quiz_reader(user: Any) -> None:
    """Tests carry their keys: only those who assemble tests list them."""
    if not access.can_create_quiz(user):
        raise PermissionDeniedError(_("Тесты доступны педагогам, руководителям и методистам."))


def _with_details(quizzes: QuerySet[Quiz]) -> QuerySet[Quiz]:
    return quizzes.select_related("author", "organization", "subject").prefetch_related("slots")


def _quiz_out(user: Any, quiz: Quiz) -> dict[str, Any]:
    """One test as the list shows it; its slots come prefetched (`quiz_size` reads them)."""
    count, total = services.quiz_size(quiz)
    return {
        "id": quiz.pk,
        "title": quiz.title,
        "description": quiz.description,
        "author": person_out(quiz.author),
        "organization": organization_out(quiz.organization),
        "visibility": quiz.visibility,
        "subject": subject_out(quiz.subject),
        "grades": list(quiz.grades or []),
        "time_limit_minutes": quiz.time_limit_minutes,
        "attempts_allowed": quiz.attempts_allowed,
        "shuffle_items": quiz.shuffle_items,
        "shuffle_answers": quiz.shuffle_answers,
        "review": quiz.review,
        "mark_thresholds": quiz.mark_thresholds,
        "questions": count,
        "max_score": total,
        "can_edit": access.can_edit_quiz(user, quiz),
        "created_at": quiz.created_at,
        "updated_at": quiz.updated_at,
    }


def _quiz_detail(user: Any, quiz_id: int) -> dict[str, Any]:
    quiz = _with_details(Quiz.objects.filter(pk=quiz_id)).get()
    paths = category_paths()
    slots = quiz.slots.select_related("question").order_by("position")
    return {
        **_quiz_out(user, quiz),
        "slots": [
            {
                "id": slot.pk,
                "position": slot.position,
                "kind": "random" if slot.is_random else "fixed",
                "question": (
                    {"id": slot.question.pk, "name": slot.question.name, "type": slot.question.type}
                    if slot.question is not None
                    else None
                ),
                "category": (
                    {"id": slot.category_id, "path": paths.get(slot.category_id, "")}
                    if slot.category_id is not None
                    else None
                ),
                "include_subcategories": slot.include_subcategories,
                "difficulty": slot.difficulty,
                "count": slot.count,
                "points": slot.points,
            }
            for slot in slots
        ],
    }


@router.get(
    "/testing/quizzes",
    response={200: TestingQuizPageOut, 403: ErrorOut},
    summary="Тесты",
    description="Тесты, которые вам видны (свои, открытые вашей школе и всей сети), новые "
    "первыми, по 20 на странице. Обучающимся и родителям — 403.",
)
def quiz_list(request: HttpRequest, filters: Query[TestingQuizFilters]) -> dict[str, Any]:
    user = request.user
    _check_quiz_reader(user)
    quizzes = access.quizzes_visible_to(user).order_by("-created_at", "-pk")
    if filters.mine:
        quizzes = quizzes.filter(author=user.pk)
    if filters.subject is not None:
        quizzes = quizzes.filter(subject=filters.subject)
    words = name_key(filters.q or "").split()
    if words:
        # In Python, as the bank's list: SQLite's LIKE folds the case of Latin letters only.
        ids = [
            pk
            for pk, title in quizzes.values_list("pk", "title")
            if all(word in name_key(title) for word in words)
        ]
        quizzes = quizzes.filter(pk__in=ids)
    return page_out(_with_details(quizzes), filters.page, lambda quiz: _quiz_out(user, quiz))


@router.get(
    "/testing/quizzes/{quiz_id}",
    response={200: TestingQuizDetailOut, 404: ErrorOut},
    summary="Тест",
    description="Настройки теста и его места по порядку; 404, если его нет или он вам не виден.",
)
def quiz_detail(request: HttpRequest, quiz_id: int) -> dict[str, Any]:
    visible_quiz(request, quiz_id)
    return _quiz_detail(request.user, quiz_id)


def _quiz_data(payload: TestingQuizIn) -> services.QuizData:
    subject = subject_by_id(payload.subject_id)
    return services.QuizData(
        title=payload.title,
        description=payload.description,
        visibility=payload.visibility,
        subject_id=subject.pk if subject is not None else None,
        grades=list(payload.grades),
        time_limit_minutes=payload.time_limit_minutes,
        attempts_allowed=payload.attempts_allowed,
        shuffle_items=payload.shuffle_items,
        shuffle_answers=payload.shuffle_answers,
        review=payload.review,
        mark_thresholds=payload.mark_thresholds,
    )


@router.post(
    "/testing/quizzes",
    response={201: TestingQuizDetailOut, **ERRORS},
    summary="Создать тест",
    description="Педагоги, руководители и методисты. Нарушение правил (число попыток 1–10, "
    "время 1–600 минут, шкала отметок) — 400 с причиной по-русски.",
)
def quiz_create(request: HttpRequest, payload: TestingQuizIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    quiz = services.create_quiz(actor=actor, data=_quiz_data(payload))
    return Status(201, _quiz_detail(actor, quiz.pk))


@router.patch(
    "/testing/quizzes/{quiz_id}",
    response={200: TestingQuizDetailOut, **ERRORS},
    summary="Изменить тест",
    description="Автор меняет переданные поля; остальные остаются. Другим — 403.",
)
def quiz_update(request: HttpRequest, quiz_id: int, payload: TestingQuizPatchIn) -> dict[str, Any]:
    quiz = visible_quiz(request, quiz_id)
    actor = actor_of(request)
    current = TestingQuizIn(
        title=quiz.title,
        description=quiz.description,
        visibility=quiz.visibility,  # type: ignore[arg-type]
        subject_id=quiz.subject_id,
        grades=list(quiz.grades or []),
        time_limit_minutes=quiz.time_limit_minutes,
        attempts_allowed=quiz.attempts_allowed,
        shuffle_items=quiz.shuffle_items,
        shuffle_answers=quiz.shuffle_answers,
        review=quiz.review,  # type: ignore[arg-type]
        mark_thresholds=quiz.mark_thresholds,
    )
    changed = payload.model_dump(include=payload.model_fields_set)
    nullable = {"subject_id", "time_limit_minutes", "mark_thresholds"}
    for name, value in changed.items():
        if value is None and name not in nullable:
            raise DomainError(_("Поле %(name)s не может быть пустым.") % {"name": name})
    merged = TestingQuizIn(**{**current.model_dump(), **changed})
    services.update_quiz(actor=actor, quiz=quiz, data=_quiz_data(merged))
    return _quiz_detail(actor, quiz.pk)


def _questions_by_id(actor: Any, ids: list[int]) -> list[Question]:
    """The questions in the order given; one the caller does not see is not there."""
    visible = permissions.questions_visible_to(actor)
    return in_given_order(visible, ids, _("Вопрос не найден: %(ids)s."))


@router.post(
    "/testing/quizzes/{quiz_id}/slots",
    response={201: TestingQuizDetailOut, **ERRORS},
    summary="Добавить вопросы в тест",
    description='Либо заданные вопросы {"question_ids": […], "points"}, либо случайный '
    'выбор {"category_id", "count", "difficulty", "include_subcategories", '
    '"points"}: каждый обучающийся получит свои вопросы из категории. Только автор теста.',
)
def quiz_add_slots(
    request: HttpRequest, quiz_id: int, payload: TestingSlotsIn
) -> Status[dict[str, Any]]:
    quiz = visible_quiz(request, quiz_id)
    actor = actor_of(request)
    if (payload.question_ids is None) == (payload.category_id is None):
        raise DomainError(
            _("Укажите либо вопросы (question_ids), либо категорию для случайного выбора.")
        )
    if not access.can_edit_quiz(actor, quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    if payload.question_ids is not None:
        services.add_questions(
            actor=actor,
            quiz=quiz,
            questions=_questions_by_id(actor, payload.question_ids),
            points=payload.points,
        )
    else:
        services.add_random_draw(
            actor=actor,
            quiz=quiz,
            category=category_for(actor, str(payload.category_id)),
            count=payload.count,
            difficulty=payload.difficulty,
            include_subcategories=payload.include_subcategories,
            points=payload.points,
        )
    return Status(201, _quiz_detail(actor, quiz.pk))


@router.delete(
    "/testing/quizzes/{quiz_id}/slots/{slot_id}",
    response={200: TestingQuizDetailOut, **ERRORS},
    summary="Убрать место из теста",
    description="Автор убирает место (вопрос или случайный выбор); остальные места "
    "перенумеровываются. Попытки, уже начатые, сохраняют свои вопросы.",
)
def quiz_remove_slot(request: HttpRequest, quiz_id: int, slot_id: int) -> dict[str, Any]:
    quiz = visible_quiz(request, quiz_id)
    slot = quiz.slots.select_related("quiz", "question", "category").filter(pk=slot_id).first()
    if slot is None:
        raise Http404
    services.remove_slot(actor=actor_of(request), slot=slot)
    return _quiz_detail(request.user, quiz.pk)
