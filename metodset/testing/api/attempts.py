"""Attempts in the API: a student starts (or resumes) an attempt, saves every answer as it
is given, submits; the result with the review the test allows, and the student's choice
about the class journal.

While an attempt is in progress nothing of the key leaves the server: the items carry
their texts and options (in the attempt's order, with the original indices the answers
use), never fractions, accepted answers or feedback."""

from typing import Any

from django.http import HttpRequest
from django.utils import formats as date_formats
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from metodset.accounts.api import ErrorOut
from metodset.core.exceptions import PermissionDeniedError
from metodset.testing import access, services
from metodset.testing.api import rendering
from metodset.testing.api.common import (
    actor_of,
    grade_out,
    local_time,
    person_out,
    visible_attempt,
    visible_sitting,
)
from metodset.testing.api.schemas import (
    ERRORS,
    TestingAnswerIn,
    TestingAnswerSavedOut,
    TestingAttemptOut,
    TestingConflictOut,
    TestingJournalIn,
    TestingResultOut,
)
from metodset.testing.models import Attempt, Quiz
from metodset.testing.services.attempts import item_of_version

router = Router(tags=["Попытки"])

CONFLICT: dict[int, Any] = {409: TestingConflictOut}


def _attempt_out(attempt: Attempt) -> dict[str, Any]:
    sitting = attempt.sitting
    rows = attempt.items.order_by("position")
    return {
        "id": attempt.pk,
        "sitting": {"id": sitting.pk, "title": sitting.title},
        "number": attempt.number,
        "status": attempt.status,
        "started_at": local_time(attempt.started_at, sitting),
        "deadline_at": local_time(attempt.deadline_at, sitting),
        "finished_at": local_time(attempt.finished_at, sitting),
        "finish": attempt.finish,
        "seconds_left": services.seconds_left(attempt) if not attempt.is_finished else 0,
        "time_zone": str(sitting.district.zone.key),
        "items": [rendering.student_item(row, item_of_version(row.version_id)) for row in rows],
    }


def _review_note(user: Any, attempt: Attempt) -> str:
    """Why the answers and feedback are not shown to this caller yet; empty when they are.

    The student's teachers and the sitting's managers see them at once; the student and
    their parents as the test's author chose (`Quiz.review`)."""
    if access.can_review_answers(user, attempt):
        return ""
    sitting = attempt.sitting
    if sitting.quiz.review == Quiz.Review.AFTER_CLOSE:
        closes = timezone.localtime(sitting.closes_at, sitting.district.zone)
        return _("Ответы и пояснения будут показаны после закрытия тестирования: %(closes)s.") % {
            "closes": date_formats.date_format(closes, "DATETIME_FORMAT"),
        }
    return _("По правилам этого теста показываются только балл и отметка.")


def _result_out(user: Any, attempt: Attempt) -> dict[str, Any]:
    sitting = attempt.sitting
    note = _review_note(user, attempt)
    items = None
    if not note:
        rows = attempt.items.order_by("position")
        items = [rendering.review_item(row, item_of_version(row.version_id)) for row in rows]
    return {
        "attempt_id": attempt.pk,
        "sitting": {"id": sitting.pk, "title": sitting.title},
        "student": person_out(attempt.student),
        "number": attempt.number,
        "finish": attempt.finish,
        "finished_at": local_time(attempt.finished_at, sitting),
        **grade_out(attempt),
        "journal_decided_at": local_time(attempt.journal_decided_at, sitting),
        "can_decide_journal": access.can_decide_journal(user, attempt)
        and attempt.journal != Attempt.Journal.SEND,
        "review_shown": not note,
        "review_note": note,
        "items": items,
    }


def _reloaded(attempt: Attempt) -> Attempt:
    """The attempt as a service left it, with what the answers read."""
    return Attempt.objects.select_related(
        "sitting__quiz", "sitting__district", "student", "organization"
    ).get(pk=attempt.pk)


@router.post(
    "/testing/sittings/{sitting_id}/attempts",
    response={200: TestingAttemptOut, 201: TestingAttemptOut, **ERRORS, **CONFLICT},
    summary="Начать или продолжить попытку",
    description="Обучающийся, которому назначен тест, пока тестирование открыто: новая "
    "попытка (201) со своими вопросами или начатая (200) с сохранёнными ответами. Вопросы "
    "— без ключа. Если время начатой попытки вышло — 409, она завершена. Не назначен — "
    "403; не открыто, отменено, попытки кончились — 400.",
)
def attempt_start(request: HttpRequest, sitting_id: int) -> Status[dict[str, Any]]:
    sitting = visible_sitting(request, sitting_id)
    actor = actor_of(request)
    resumed = Attempt.objects.filter(
        sitting=sitting, student=actor.pk, status=Attempt.Status.IN_PROGRESS
    ).exists()
    attempt = _reloaded(services.start_attempt(actor=actor, sitting=sitting))
    if attempt.is_finished:
        return Status(
            409,
            {"detail": _("Время на попытку вышло: она завершена, результат — в попытке.")},
        )
    return Status(200 if resumed else 201, _attempt_out(attempt))


@router.get(
    "/testing/attempts/{attempt_id}",
    response={200: TestingAttemptOut, 404: ErrorOut},
    summary="Попытка",
    description="Попытка с вопросами и сохранёнными ответами (без ключа) и временем, "
    "которое осталось. Видят обучающийся, его родители, учителя его школы и назначивший; "
    "другим — 404. Попытка, время которой вышло, завершается при обращении.",
)
def attempt_detail(request: HttpRequest, attempt_id: int) -> dict[str, Any]:
    attempt = services.finish_if_overdue(visible_attempt(request, attempt_id))
    return _attempt_out(_reloaded(attempt))


@router.put(
    "/testing/attempts/{attempt_id}/answers/{position}",
    response={200: TestingAnswerSavedOut, **ERRORS, **CONFLICT},
    summary="Сохранить ответ",
    description="Ответ на вопрос №position и/или отметка «вернуться к вопросу» (flagged). "
    "Ответ записан, когда пришёл ответ сервера. Ответ не той формы — 400 с причиной; "
    "попытка завершена или время вышло — 409; чужая попытка — 404 (403, если она вам "
    "видна: отвечает только сам обучающийся).",
)
def answer_save(
    request: HttpRequest, attempt_id: int, position: int, payload: TestingAnswerIn
) -> Status[dict[str, Any]]:
    attempt = visible_attempt(request, attempt_id)
    actor = actor_of(request)
    # The rule of services.submit_attempt: only who takes the test answers in it. The
    # service finds only the caller's own attempts, so a visible one of someone else
    # (their teacher's, their parent's view) is refused here rather than "not found".
    if attempt.student_id != actor.pk:
        raise PermissionDeniedError(_("Отвечать может только тот, кто проходит тест."))
    try:
        saved_at = services.save_answer(
            actor=actor,
            attempt_id=attempt.pk,
            position=position,
            response=payload.response if "response" in payload.model_fields_set else None,
            flagged=payload.flagged,
        )
    except services.AttemptClosedError as error:
        return Status(409, {"detail": error.message})
    except services.AttemptNotFoundError as error:
        return Status(404, {"detail": error.message})
    return Status(
        200,
        {
            "saved_at": local_time(saved_at, attempt.sitting),
            "seconds_left": services.seconds_left(attempt, saved_at),
        },
    )


@router.post(
    "/testing/attempts/{attempt_id}/submit",
    response={200: TestingResultOut, **ERRORS},
    summary="Завершить попытку",
    description="Обучающийся завершает попытку: она оценивается, в ответе — результат "
    "(с разбором, если правила теста его показывают). Повторный вызов возвращает тот же "
    "результат.",
)
def attempt_submit(request: HttpRequest, attempt_id: int) -> dict[str, Any]:
    attempt = visible_attempt(request, attempt_id)
    actor = actor_of(request)
    done = services.submit_attempt(actor=actor, attempt=attempt)
    return _result_out(actor, _reloaded(done))


@router.get(
    "/testing/attempts/{attempt_id}/result",
    response={200: TestingResultOut, **ERRORS, **CONFLICT},
    summary="Результат попытки",
    description="Балл, процент, отметка, ждёт ли проверки, решение о журнале; разбор по "
    "вопросам — как решил автор теста (сразу, после закрытия или никогда; учителям "
    "школы — всегда). Пока попытка идёт — 409.",
)
def attempt_result(request: HttpRequest, attempt_id: int) -> Status[dict[str, Any]]:
    attempt = services.finish_if_overdue(visible_attempt(request, attempt_id))
    if not attempt.is_finished:
        return Status(409, {"detail": _("Попытка ещё идёт: результат будет после её завершения.")})
    return Status(200, _result_out(request.user, _reloaded(attempt)))


@router.post(
    "/testing/attempts/{attempt_id}/journal",
    response={200: TestingResultOut, **ERRORS},
    summary="Выставить отметку в журнал или нет",
    description="Решает только сам обучающийся, когда отметка есть. «Выставить» — "
    "окончательно; «не выставлять» можно потом заменить на «выставить».",
)
def attempt_journal(
    request: HttpRequest, attempt_id: int, payload: TestingJournalIn
) -> dict[str, Any]:
    attempt = visible_attempt(request, attempt_id)
    actor = actor_of(request)
    done = services.decide_journal(actor=actor, attempt=attempt, send=payload.send)
    return _result_out(actor, _reloaded(done))
