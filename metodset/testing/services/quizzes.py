"""Assembling a test: its settings, fixed questions and random draws from categories."""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.accounts import permissions as people
from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import access, permissions
from metodset.testing.models import Category, Question, Quiz, QuizSlot, validate_mark_thresholds
from metodset.testing.services.imports import category_subtree_ids

audit.register_actions(
    {
        "testing.quiz_created": gettext_lazy("Тест создан"),
        "testing.quiz_changed": gettext_lazy("Тест изменён"),
        "testing.quiz_slot_added": gettext_lazy("В тест добавлены вопросы"),
        "testing.quiz_slot_removed": gettext_lazy("Из теста убраны вопросы"),
    }
)

MAX_SLOTS = 200
MAX_DRAW = 100


@dataclass(slots=True)
class QuizData:
    """What the test form and the API give to `create_quiz` and `update_quiz`."""

    title: str
    description: str = ""
    visibility: str = Question.Visibility.PRIVATE
    subject_id: int | None = None
    grades: list[int] = field(default_factory=list)
    time_limit_minutes: int | None = None
    attempts_allowed: int = 1
    shuffle_items: bool = False
    shuffle_answers: bool = True
    review: str = Quiz.Review.AFTER_CLOSE
    mark_thresholds: list[list[int]] | None = None


SETTINGS = (
    "title",
    "description",
    "visibility",
    "subject_id",
    "grades",
    "time_limit_minutes",
    "attempts_allowed",
    "shuffle_items",
    "shuffle_answers",
    "review",
    "mark_thresholds",
)


def _apply(quiz: Quiz, data: QuizData) -> None:
    if not data.title.strip():
        raise DomainError(_("Укажите название теста."))
    if data.visibility not in Question.Visibility.values:
        raise DomainError(_("Неизвестная видимость теста."))
    if data.review not in Quiz.Review.values:
        raise DomainError(_("Неизвестный режим показа результатов."))
    if data.attempts_allowed < 1 or data.attempts_allowed > 10:
        raise DomainError(_("Число попыток — от 1 до 10."))
    if data.time_limit_minutes is not None and not 1 <= data.time_limit_minutes <= 600:
        raise DomainError(_("Ограничение времени — от 1 до 600 минут."))
    if any(not 1 <= grade <= 11 for grade in data.grades):
        raise DomainError(_("Классы — от 1 до 11."))
    thresholds = data.mark_thresholds or quiz.mark_thresholds
    try:
        validate_mark_thresholds(thresholds)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    quiz.title = data.title.strip()
    quiz.description = data.description.strip()
    quiz.visibility = data.visibility
    quiz.subject_id = data.subject_id
    quiz.grades = sorted(set(data.grades))
    quiz.time_limit_minutes = data.time_limit_minutes
    quiz.attempts_allowed = data.attempts_allowed
    quiz.shuffle_items = data.shuffle_items
    quiz.shuffle_answers = data.shuffle_answers
    quiz.review = data.review
    quiz.mark_thresholds = sorted(
        ([int(mark), int(minimum)] for mark, minimum in thresholds), reverse=True
    )


def create_quiz(*, actor: Any, data: QuizData) -> Quiz:
    if not access.can_create_quiz(actor):
        raise PermissionDeniedError(_("Создавать тесты могут педагоги и методисты."))
    staff_orgs = people.roles_of(actor).staff_org_ids
    quiz = Quiz(author=actor, organization_id=min(staff_orgs) if staff_orgs else None)
    _apply(quiz, data)
    with transaction.atomic():
        quiz.save()
        audit.record(actor=actor, action="testing.quiz_created", target=quiz)
    return quiz


def update_quiz(*, actor: Any, quiz: Quiz, data: QuizData) -> Quiz:
    if not access.can_edit_quiz(actor, quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    before = {name: getattr(quiz, name) for name in SETTINGS}
    _apply(quiz, data)
    with transaction.atomic():
        quiz.save(update_fields=[*SETTINGS, "updated_at"])
        changes = audit.model_changes(quiz, before, list(SETTINGS))
        if changes:
            audit.record(actor=actor, action="testing.quiz_changed", target=quiz, changes=changes)
    return quiz


def draw_pool(quiz: Quiz, slot: QuizSlot) -> QuerySet[Question]:
    """The questions a random slot draws from: in the category (and below it, if asked),
    of the difficulty if given, not archived, and visible to the test's author — a
    student gets only what the author could have put in by hand."""
    if slot.category is None:
        return Question.objects.none()
    categories = (
        category_subtree_ids(slot.category) if slot.include_subcategories else {slot.category.pk}
    )
    pool = permissions.questions_visible_to(quiz.author).filter(
        category__in=categories, is_archived=False
    )
    if slot.difficulty is not None:
        pool = pool.filter(difficulty=slot.difficulty)
    return pool.exclude(type="description")


def _next_position(quiz: Quiz) -> int:
    last = quiz.slots.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _check_room(quiz: Quiz, adding: int) -> None:
    if quiz.slots.count() + adding > MAX_SLOTS:
        raise DomainError(_("В тесте может быть не более %(count)d мест.") % {"count": MAX_SLOTS})


def _points(points: Decimal | int | str) -> Decimal:
    value = Decimal(str(points))
    if not Decimal(0) < value <= Decimal(100):
        raise DomainError(_("Баллы за вопрос — больше нуля и не более 100."))
    return value


def add_questions(
    *, actor: Any, quiz: Quiz, questions: list[Question], points: Decimal | int | str = 1
) -> list[QuizSlot]:
    """Fixed places: these questions, in this order, for every student."""
    if not access.can_edit_quiz(actor, quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    if not questions:
        raise DomainError(_("Выберите хотя бы один вопрос."))
    value = _points(points)
    for question in questions:
        if not permissions.can_view_question(actor, question):
            raise PermissionDeniedError(_("Этот вопрос вам недоступен."))
        if question.is_archived:
            raise DomainError(
                _("Вопрос «%(name)s» в архиве: его нельзя добавить в тест.")
                % {"name": question.name}
            )
    present = set(quiz.slots.filter(question__in=questions).values_list("question_id", flat=True))
    fresh = [question for question in questions if question.pk not in present]
    if not fresh:
        raise DomainError(_("Эти вопросы уже есть в тесте."))
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        _check_room(quiz, len(fresh))
        start = _next_position(quiz)
        slots = QuizSlot.objects.bulk_create(
            QuizSlot(quiz=quiz, position=start + offset, question=question, points=value)
            for offset, question in enumerate(fresh)
        )
        audit.record(
            actor=actor,
            action="testing.quiz_slot_added",
            target=quiz,
            comment=", ".join(question.name for question in fresh)[:500],
        )
    return slots


def add_random_draw(
    *,
    actor: Any,
    quiz: Quiz,
    category: Category,
    count: int,
    difficulty: int | None = None,
    include_subcategories: bool = True,
    points: Decimal | int | str = 1,
) -> QuizSlot:
    """«5 случайных вопросов сложности 2 из „Дроби“»: each student gets their own five."""
    if not access.can_edit_quiz(actor, quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    if not 1 <= count <= MAX_DRAW:
        raise DomainError(_("Число случайных вопросов — от 1 до %(count)d.") % {"count": MAX_DRAW})
    if difficulty is not None and not 1 <= difficulty <= 5:
        raise DomainError(_("Сложность — от 1 до 5."))
    # Fixed (helper): the slot names its category on the test page; one not seen is refused.
    if not permissions.can_view_category(actor, category):
        raise PermissionDeniedError(_("Эта категория вам недоступна."))
    slot = QuizSlot(
        quiz=quiz,
        category=category,
        count=count,
        difficulty=difficulty,
        include_subcategories=include_subcategories,
        points=_points(points),
    )
    available = draw_pool(quiz, slot).count()
    taken = _drawn_elsewhere(quiz, slot)
    if available - taken < count:
        raise DomainError(
            _(
                "В категории «%(category)s» доступно вопросов: %(available)d%(difficulty)s, "
                "а нужно %(count)d. Добавьте вопросы в банк или уменьшите число."
            )
            % {
                "category": category,
                "available": max(available - taken, 0),
                "difficulty": (_(" сложности %(level)d") % {"level": difficulty})
                if difficulty
                else "",
                "count": count,
            }
        )
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        _check_room(quiz, 1)
        slot.position = _next_position(quiz)
        slot.save()
        audit.record(
            actor=actor,
            action="testing.quiz_slot_added",
            target=quiz,
            comment=_("%(count)d случайных из «%(category)s»")
            % {"count": count, "category": category},
        )
    return slot


def _drawn_elsewhere(quiz: Quiz, slot: QuizSlot) -> int:
    """Questions of this draw's pool that a student may already have got: the test's fixed
    questions, and as many as each earlier draw could take from the same pool (a student
    never gets a question twice, and earlier places are drawn first)."""
    pool = draw_pool(quiz, slot)
    fixed = list(quiz.slots.filter(question__isnull=False).values_list("question_id", flat=True))
    taken = pool.filter(pk__in=fixed).count()
    # Fixed (helper): two draws of 5 from a category of 6 passed here and failed at the start.
    free = pool.exclude(pk__in=fixed)
    for other in quiz.slots.filter(category__isnull=False).select_related("category"):
        if other.pk == slot.pk:
            continue
        shared = free.filter(pk__in=draw_pool(quiz, other).values("pk")).count()
        taken += min(other.count, shared)
    return taken


def remove_slot(*, actor: Any, slot: QuizSlot) -> None:
    quiz = slot.quiz
    if not access.can_edit_quiz(actor, quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        description = str(slot.question or slot.category)
        slot.delete()
        # Close the gap so positions stay 1..n (two passes: the unique index on positions).
        slots = list(quiz.slots.order_by("position"))
        for offset, remaining in enumerate(slots, 1):
            remaining.position = 10_000 + offset
            remaining.save(update_fields=["position"])
        for offset, remaining in enumerate(slots, 1):
            remaining.position = offset
            remaining.save(update_fields=["position"])
        audit.record(
            actor=actor, action="testing.quiz_slot_removed", target=quiz, comment=description
        )


def move_slot(*, actor: Any, slot: QuizSlot, up: bool) -> None:
    """Swap a place with its neighbour above or below."""
    quiz = slot.quiz
    if not access.can_edit_quiz(actor, quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        if up:
            other = quiz.slots.filter(position__lt=slot.position).order_by("-position").first()
        else:
            other = quiz.slots.filter(position__gt=slot.position).order_by("position").first()
        if other is None:
            return
        mine, theirs = slot.position, other.position
        # Through a free position: positions are unique within a test.
        slot.position = 99_999
        slot.save(update_fields=["position"])
        other.position = mine
        other.save(update_fields=["position"])
        slot.position = theirs
        slot.save(update_fields=["position"])


def set_slot_points(*, actor: Any, slot: QuizSlot, points: Decimal | int | str) -> QuizSlot:
    if not access.can_edit_quiz(actor, slot.quiz):
        raise PermissionDeniedError(_("Изменять тест может только его автор."))
    slot.points = _points(points)
    slot.save(update_fields=["points"])
    return slot


def quiz_size(quiz: Quiz) -> tuple[int, Decimal]:
    """How many questions a student gets and the most points they can score."""
    count, total = 0, Decimal(0)
    for slot in quiz.slots.all():
        count += slot.count
        total += slot.points * slot.count
    return count, total


def sample_draw(
    quiz: Quiz, rng: random.Random | None = None
) -> list[tuple[QuizSlot, Question | None]]:
    """What one student might get, for the test's preview: every fixed question, and a sample
    of each draw (None in place of what the bank cannot supply). Nothing is saved.

    Added by the quiz-pages helper: the preview shows a draw as `start_attempt` makes it.
    """
    rng = rng or random.Random()  # noqa: S311 - a preview's sample, not a secret
    slots = list(quiz.slots.select_related("question", "category").order_by("position"))
    taken = {slot.question_id for slot in slots if slot.question_id is not None}
    chosen: list[tuple[QuizSlot, Question | None]] = []
    for slot in slots:
        if slot.question is not None:
            chosen.append((slot, slot.question))
            continue
        pool = [pk for pk in draw_pool(quiz, slot).values_list("pk", flat=True) if pk not in taken]
        picked = rng.sample(pool, min(slot.count, len(pool)))
        taken.update(picked)
        found = Question.objects.in_bulk(picked)
        chosen.extend((slot, found[pk]) for pk in picked)
        chosen.extend((slot, None) for _missing in range(slot.count - len(picked)))
    if quiz.shuffle_items:
        rng.shuffle(chosen)
    return chosen
