"""Taking a test: start (or resume), save every answer as it is given, finish.

Every answer is written to the database before the student's page hears «сохранено», so an
attempt survives a closed tab, a lost connection or a restarted server; the time limit is
kept on the server (`Attempt.deadline_at`), so reopening the page shows the time left.
"""

import datetime
import functools
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core import audit
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.testing import access, grading
from metodset.testing.formats.items import Item
from metodset.testing.models import (
    Attempt,
    AttemptItem,
    QuestionVersion,
    QuizSlot,
    Sitting,
)
from metodset.testing.serialization import from_data
from metodset.testing.services.quizzes import draw_pool

audit.register_actions(
    {
        "testing.attempt_finished": gettext_lazy("Попытка завершена"),
    }
)

# Answers sent in the last seconds before the deadline still count: the request was on its
# way. The page submits itself at the deadline, so this covers a slow network only.
GRACE = datetime.timedelta(seconds=15)
# How long the pool of a random draw is kept: at the start of a monthly test thousands of
# students draw from the same categories within a minute.
POOL_SECONDS = 120
CENT = Decimal("0.01")


class AttemptClosedError(DomainError):
    """The attempt is finished or its time is up: the answer was not saved."""


class AttemptNotFoundError(DomainError):
    """No such attempt of this student (the view answers 404)."""


@functools.lru_cache(maxsize=8192)
def item_of_version(version_id: int) -> Item:
    """The item of a question version. Versions never change, so every process keeps the
    items it has read: grading 3,000 attempts reads each version once."""
    data = QuestionVersion.objects.values_list("data", flat=True).get(pk=version_id)
    return from_data(data)


def _pool_ids(sitting: Sitting, slot: QuizSlot) -> list[int]:
    key = f"testing:pool:{sitting.pk}:{slot.pk}:{slot.quiz.updated_at.timestamp()}"
    ids: list[int] | None = cache.get(key)
    if ids is None:
        ids = list(draw_pool(slot.quiz, slot).values_list("pk", flat=True))
        cache.set(key, ids, POOL_SECONDS)
    return ids


def _draw(sitting: Sitting, rng: random.Random) -> list[tuple[QuizSlot, int]]:
    """(slot, question id) for every place the student gets, in the order they are asked."""
    quiz = sitting.quiz
    slots = list(quiz.slots.select_related("quiz").order_by("position"))
    chosen: list[tuple[QuizSlot, int]] = []
    taken = {slot.question_id for slot in slots if slot.question_id is not None}
    for slot in slots:
        if slot.question_id is not None:
            chosen.append((slot, slot.question_id))
            continue
        pool = [pk for pk in _pool_ids(sitting, slot) if pk not in taken]
        if len(pool) < slot.count:
            raise DomainError(
                _(
                    "В банке не хватает вопросов для теста (категория «%(category)s»): "
                    "сообщите учителю."
                )
                % {"category": slot.category}
            )
        for pk in rng.sample(pool, slot.count):
            taken.add(pk)
            chosen.append((slot, pk))
    if quiz.shuffle_items:
        rng.shuffle(chosen)
    return chosen


def _current_versions(question_ids: list[int]) -> dict[int, int]:
    return dict(
        QuestionVersion.objects.filter(
            question__in=question_ids, number=F("question__current_version")
        ).values_list("question_id", "pk")
    )


def deadline_for(sitting: Sitting, started_at: datetime.datetime) -> datetime.datetime:
    """Start plus the time limit, but never after the sitting closes."""
    limit = sitting.quiz.time_limit_minutes
    if limit is None:
        return sitting.closes_at
    return min(started_at + datetime.timedelta(minutes=limit), sitting.closes_at)


def start_attempt(*, actor: Any, sitting: Sitting) -> Attempt:
    """The student's attempt in progress (resumed as it was), or a new one with its own
    questions drawn, options shuffled and the deadline fixed."""
    now = timezone.now()
    # One query tells both whether to resume and how many attempts were made (the exam
    # morning's start spike: bench/exam_morning.py); newest first, as Meta orders them.
    # Through the sitting's manager each row knows its sitting without another query.
    mine = list(sitting.attempts.filter(student=actor.pk))
    current = next((row for row in mine if row.status == Attempt.Status.IN_PROGRESS), None)
    if current is not None:
        return finish_if_overdue(current, now=now)
    place = access.student_place(actor, sitting)
    if place is None:
        raise PermissionDeniedError(_("Этот тест вам не назначен."))
    if sitting.is_cancelled:
        raise DomainError(
            _("Тестирование отменено: %(reason)s") % {"reason": sitting.cancel_reason}
        )
    if now < sitting.opens_at:
        raise DomainError(_("Тест ещё не открыт."))
    if now >= sitting.closes_at:
        raise DomainError(_("Тестирование закрыто: начать тест уже нельзя."))
    made = len(mine)
    if made >= sitting.quiz.attempts_allowed:
        raise DomainError(_("Все попытки использованы."))
    rng = random.Random()  # noqa: S311 - order of questions, not a secret
    drawn = _draw(sitting, rng)
    versions = _current_versions([pk for _slot, pk in drawn])
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                sitting=sitting,
                student=actor,
                number=made + 1,
                organization_id=place.organization_id,
                student_class=place.student_class,
                started_at=now,
                deadline_at=deadline_for(sitting, now),
                max_score=sum((slot.points for slot, _pk in drawn), Decimal(0)),
            )
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    slot=slot,
                    question_id=question_id,
                    version_id=versions[question_id],
                    points=slot.points,
                    layout=grading.layout(
                        item_of_version(versions[question_id]), rng, sitting.quiz.shuffle_answers
                    ),
                )
                for position, (slot, question_id) in enumerate(drawn, 1)
            )
    except IntegrityError:
        # A second tab started at the same moment: the first one's attempt is the attempt.
        return Attempt.objects.get(sitting=sitting, student=actor.pk, number=made + 1)
    return attempt


def save_answer(
    *,
    actor: Any,
    attempt_id: int,
    position: int,
    response: object = None,
    flagged: bool | None = None,
    now: datetime.datetime | None = None,
) -> datetime.datetime:
    """Write one answer (and/or the «вернуться к вопросу» flag); the time it was saved.

    The attempt's row is locked while the answer is written, so a submission that grades
    the attempt waits for it and grades it with this answer: nothing acknowledged is left
    out of the score.
    """
    return record_answer(
        actor=actor,
        attempt_id=attempt_id,
        position=position,
        response=response,
        flagged=flagged,
        now=now,
    ).saved_at


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    saved_at: datetime.datetime
    deadline_at: datetime.datetime


def record_answer(
    *,
    actor: Any,
    attempt_id: int,
    position: int,
    response: object = None,
    flagged: bool | None = None,
    now: datetime.datetime | None = None,
) -> SavedAnswer:
    """`save_answer`, also telling the attempt's deadline it has just read: the answer
    page's hot path resets the student's timer from it without another query (added for
    the student pages; the rules are save_answer's)."""
    now = now or timezone.now()
    with transaction.atomic():
        # The item and its attempt in one query that locks the attempt's row only (OF),
        # one round trip fewer on the exam morning's hot path (bench/exam_morning.py).
        # order_by("pk"): `first()` would sort by the models' default orderings.
        row = (
            AttemptItem.objects.select_for_update(of=("attempt",))
            .select_related("attempt")
            .only("pk", "version_id", "attempt__status", "attempt__deadline_at")
            .filter(attempt=attempt_id, attempt__student=actor.pk, position=position)
            .order_by("pk")
            .first()
        )
        if row is not None:
            attempt = row.attempt
        else:  # no such attempt of this student, or no such item in it: which?
            found = (
                Attempt.objects.select_for_update()
                .only("pk", "status", "deadline_at")
                .filter(pk=attempt_id, student=actor.pk)
                .order_by("pk")
                .first()
            )
            if found is None:
                raise AttemptNotFoundError(_("Такой попытки нет."))
            attempt = found
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise AttemptClosedError(_("Попытка уже завершена: ответ не сохранён."))
        if now > attempt.deadline_at + GRACE:
            raise AttemptClosedError(_("Время на тест истекло: ответ не сохранён."))
        if row is None:
            raise AttemptNotFoundError(
                _("В попытке нет вопроса №%(number)d.") % {"number": position}
            )
        item_pk, version_id = row.pk, row.version_id
        changes: dict[str, Any] = {}
        if response is not None or flagged is None:
            try:
                changes["response"] = grading.clean_response(item_of_version(version_id), response)
            except grading.InvalidResponseError as error:
                raise DomainError(str(error)) from error
            changes["answered_at"] = now
        if flagged is not None:
            changes["flagged"] = flagged
        AttemptItem.objects.filter(pk=item_pk).update(**changes)
    return SavedAnswer(saved_at=now, deadline_at=attempt.deadline_at)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def grade_items(items: list[AttemptItem]) -> None:
    """Score every item by its version's key (essays wait for a teacher); in memory."""
    for row in items:
        item = item_of_version(row.version_id)
        if not grading.is_scored(item):
            row.fraction, row.score, row.needs_grading = None, None, False
            continue
        result = grading.grade(item, row.response)
        if result.needs_manual:
            if row.graded_by_id is None:  # a teacher's score of an essay stays
                row.fraction, row.score, row.needs_grading = None, None, True
            continue
        row.fraction = result.fraction
        row.score = _quantize((result.fraction or Decimal(0)) * row.points)
        row.needs_grading = False


def compute_totals(attempt: Attempt, items: list[AttemptItem]) -> None:
    """Score, maximum, per cent and mark of the attempt from its items (in memory). The mark
    waits while an essay waits."""
    scored = [row for row in items if grading.is_scored(item_of_version(row.version_id))]
    attempt.max_score = sum((row.points for row in scored), Decimal(0))
    attempt.score = sum((row.score or Decimal(0) for row in scored), Decimal(0))
    attempt.needs_grading = any(row.needs_grading for row in scored)
    attempt.percent = (
        _quantize(attempt.score * 100 / attempt.max_score) if attempt.max_score else Decimal(0)
    )
    attempt.mark = None if attempt.needs_grading else attempt.sitting.quiz.mark_for(attempt.percent)


TOTALS = ["score", "max_score", "percent", "mark", "needs_grading"]
ITEM_GRADES = ["fraction", "score", "needs_grading"]


def finish_attempt(attempt: Attempt, *, how: str, now: datetime.datetime | None = None) -> Attempt:
    """Close and grade the attempt; a finished one is returned as it is (safe to call twice
    from the student's button, the page's timer and the sweep at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update().select_related("sitting__quiz").get(pk=attempt.pk)
        )
        if locked.status == Attempt.Status.FINISHED:
            return locked
        items = list(locked.items.all())
        grade_items(items)
        AttemptItem.objects.bulk_update(items, ITEM_GRADES)
        compute_totals(locked, items)
        locked.status = Attempt.Status.FINISHED
        locked.finished_at = min(now, locked.deadline_at + GRACE)
        locked.finish = how
        locked.save(update_fields=[*TOTALS, "status", "finished_at", "finish"])
        audit.record(
            actor=None,
            action="testing.attempt_finished",
            target=locked,
            from_state=Attempt.Status.IN_PROGRESS,
            to_state=Attempt.Status.FINISHED,
            comment=locked.get_finish_display(),
            district_id=locked.sitting.district_id,
        )
    return locked


def submit_attempt(*, actor: Any, attempt: Attempt) -> Attempt:
    """The student's «Завершить тест»."""
    if attempt.student_id != actor.pk:
        raise PermissionDeniedError(_("Завершить попытку может только тот, кто её проходит."))
    now = timezone.now()
    # The page's timer posts the finish at zero: that is the time running out, not a choice.
    if attempt.status == Attempt.Status.IN_PROGRESS and now >= attempt.deadline_at:
        return finish_attempt(attempt, how=_overdue_reason(attempt), now=now)
    return finish_attempt(attempt, how=Attempt.Finish.SUBMITTED, now=now)


def overdue_reason(deadline_at: datetime.datetime, closes_at: datetime.datetime) -> str:
    """Why an attempt ended by itself: the sitting closed, or its own time limit ran out."""
    if deadline_at >= closes_at:
        return Attempt.Finish.CLOSED
    return Attempt.Finish.TIMED_OUT


def _overdue_reason(attempt: Attempt) -> str:
    return overdue_reason(attempt.deadline_at, attempt.sitting.closes_at)


def finish_if_overdue(attempt: Attempt, *, now: datetime.datetime | None = None) -> Attempt:
    """An attempt whose time is up is finished when anyone looks at it."""
    now = now or timezone.now()
    if attempt.status == Attempt.Status.IN_PROGRESS and now > attempt.deadline_at + GRACE:
        return finish_attempt(attempt, how=_overdue_reason(attempt), now=now)
    return attempt


def seconds_left(attempt: Attempt, now: datetime.datetime | None = None) -> int:
    """Whole seconds until the deadline, never negative: what the page's timer counts down."""
    now = now or timezone.now()
    return max(int((attempt.deadline_at - now).total_seconds()), 0)
