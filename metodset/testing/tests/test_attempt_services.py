"""Taking a test through the services: the start draws each student's own questions, an
attempt in progress is resumed, the window, the number of attempts and the time limit are
kept, answers after the end are refused, finishing is safe to repeat, the sweep finishes
attempts whose time ran out, the mark follows the test's scale; then the student alone
decides whether the mark goes to the class journal."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.testing import services
from metodset.testing.models import Attempt, AttemptItem, Category, Question, Quiz, Sitting
from metodset.testing.services.attempts import GRACE, record_answer
from metodset.testing.tests.builders import (
    EXAM_RIGHT,
    MORNING,
    answered,
    exam_bank,
    four,
    make_quiz,
    make_sitting,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(time_machine: Any) -> datetime.datetime:
    time_machine.move_to(MORNING, tick=False)
    return MORNING


@pytest.fixture
def questions(teacher: User) -> dict[str, Question]:
    return exam_bank(teacher)


@pytest.fixture
def quiz(teacher: User, questions: dict[str, Question]) -> Quiz:
    """Four questions worth one point each (the essay is added where a test needs it)."""
    return make_quiz(teacher, four(questions), time_limit_minutes=30)


@pytest.fixture
def sitting(teacher: User, world: World, quiz: Quiz, morning: datetime.datetime) -> Sitting:
    return make_sitting(teacher, quiz, [(world.school, "7Б")])


# --- Starting ----------------------------------------------------------------------------


def test_start_draws_distinct_questions_for_random_places(
    teacher: User, student: User, world: World, questions: dict[str, Question], morning: Any
) -> None:
    """A fixed question and two random draws from one category: five different questions,
    the fixed one first, each with its slot, current version and order of options."""
    quiz = make_quiz(teacher, [questions["Столица"]])
    fractions = Category.objects.get(name="Дроби")
    first = services.add_random_draw(actor=teacher, quiz=quiz, category=fractions, count=2)
    second = services.add_random_draw(actor=teacher, quiz=quiz, category=fractions, count=2)
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])

    attempt = services.start_attempt(actor=student, sitting=sitting)

    items = list(attempt.items.order_by("position"))
    assert [item.position for item in items] == [1, 2, 3, 4, 5]
    assert items[0].question == questions["Столица"]
    drawn = [item.question for item in items[1:]]
    assert len(set(drawn)) == 4
    assert {question.category for question in drawn} == {fractions}
    assert [item.slot for item in items[1:]] == [first, first, second, second]
    for item in items:
        assert item.version.question == item.question
        assert item.version.number == item.question.current_version
        assert sorted(item.layout["answers"]) == [0, 1, 2]
        assert item.response is None
    assert (attempt.number, attempt.status) == (1, Attempt.Status.IN_PROGRESS)
    assert (attempt.organization, attempt.student_class) == (world.school, "7Б")
    assert attempt.max_score == Decimal(5)


def test_a_started_attempt_is_resumed_as_it_was(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.save_answer(actor=student, attempt_id=attempt.pk, position=1, response={"choice": 0})

    again = services.start_attempt(actor=student, sitting=sitting)

    assert again.pk == attempt.pk
    assert Attempt.objects.count() == 1
    assert AttemptItem.objects.get(attempt=again, position=1).response == {"choice": 0}


def test_a_student_the_test_was_not_given_to_is_refused(
    sitting: Sitting, world: World, teacher: User
) -> None:
    other_class = person(world.school, Role.STUDENT, email="8a@school1.test", student_class="8А")

    for actor in (other_class, teacher):
        with pytest.raises(PermissionDeniedError, match="не назначен"):
            services.start_attempt(actor=actor, sitting=sitting)

    assert not Attempt.objects.exists()


def test_the_whole_parallel_takes_a_test_given_to_a_bare_number(
    teacher: User, quiz: Quiz, world: World, student: User, morning: Any
) -> None:
    sitting = make_sitting(teacher, quiz, [(world.school, "7")])

    assert services.start_attempt(actor=student, sitting=sitting).student_class == "7Б"


def test_one_attempt_when_one_is_allowed(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.submit_attempt(actor=student, attempt=attempt)

    with pytest.raises(DomainError, match="Все попытки использованы"):
        services.start_attempt(actor=student, sitting=sitting)

    assert Attempt.objects.count() == 1


def test_a_second_attempt_when_two_are_allowed(
    teacher: User, questions: dict[str, Question], world: World, student: User, morning: Any
) -> None:
    quiz = make_quiz(teacher, [questions["Столица"]], attempts_allowed=2)
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])
    first = services.start_attempt(actor=student, sitting=sitting)
    services.submit_attempt(actor=student, attempt=first)

    second = services.start_attempt(actor=student, sitting=sitting)

    assert second.pk != first.pk
    assert second.number == 2
    services.submit_attempt(actor=student, attempt=second)
    with pytest.raises(DomainError, match="Все попытки использованы"):
        services.start_attempt(actor=student, sitting=sitting)


def test_not_before_the_sitting_opens(
    teacher: User, quiz: Quiz, world: World, student: User, morning: Any
) -> None:
    sitting = make_sitting(
        teacher, quiz, [(world.school, "7Б")], opens_in=datetime.timedelta(hours=1)
    )

    with pytest.raises(DomainError, match="ещё не открыт"):
        services.start_attempt(actor=student, sitting=sitting)

    assert not Attempt.objects.exists()


def test_not_after_the_sitting_closes(sitting: Sitting, student: User, time_machine: Any) -> None:
    time_machine.move_to(sitting.closes_at, tick=False)

    with pytest.raises(DomainError, match="Тестирование закрыто"):
        services.start_attempt(actor=student, sitting=sitting)

    assert not Attempt.objects.exists()


def test_not_when_the_sitting_is_cancelled(sitting: Sitting, student: User, teacher: User) -> None:
    services.cancel_sitting(actor=teacher, sitting=sitting, reason="Карантин в школе.")

    with pytest.raises(DomainError, match=r"Тестирование отменено: Карантин в школе\."):
        services.start_attempt(actor=student, sitting=sitting)

    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    ("limit", "lasts", "expected"),
    [
        (30, datetime.timedelta(hours=2), datetime.timedelta(minutes=30)),
        (30, datetime.timedelta(minutes=10), datetime.timedelta(minutes=10)),
        (None, datetime.timedelta(hours=2), datetime.timedelta(hours=2)),
    ],
)
def test_the_deadline_is_the_time_limit_but_never_after_the_close(
    teacher: User,
    questions: dict[str, Question],
    world: World,
    student: User,
    morning: Any,
    limit: int | None,
    lasts: datetime.timedelta,
    expected: datetime.timedelta,
) -> None:
    quiz = make_quiz(teacher, [questions["Столица"]], time_limit_minutes=limit)
    sitting = make_sitting(
        teacher, quiz, [(world.school, "7Б")], opens_in=datetime.timedelta(0), lasts=lasts
    )

    attempt = services.start_attempt(actor=student, sitting=sitting)

    assert attempt.started_at == MORNING
    assert attempt.deadline_at == MORNING + expected
    assert services.seconds_left(attempt) == int(expected.total_seconds())


# --- Answering ---------------------------------------------------------------------------


def test_an_answer_is_stored_cleaned_with_its_time(
    sitting: Sitting, student: User, morning: Any
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)

    saved = record_answer(
        actor=student, attempt_id=attempt.pk, position=2, response={"choices": ["1", 0]}
    )

    item = attempt.items.get(position=2)
    assert item.response == {"choices": [0, 1]}
    assert item.answered_at == saved.saved_at == MORNING
    assert saved.deadline_at == attempt.deadline_at
    assert item.flagged is False


def test_the_flag_alone_keeps_the_answer(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.save_answer(actor=student, attempt_id=attempt.pk, position=1, response={"choice": 1})

    services.save_answer(actor=student, attempt_id=attempt.pk, position=1, flagged=True)

    item = attempt.items.get(position=1)
    assert (item.response, item.flagged) == ({"choice": 1}, True)


def test_an_invalid_answer_is_refused_in_russian(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)

    with pytest.raises(DomainError, match="Такого варианта ответа нет"):
        services.save_answer(
            actor=student, attempt_id=attempt.pk, position=1, response={"choice": 7}
        )

    item = attempt.items.get(position=1)
    assert (item.response, item.answered_at) == (None, None)


def test_only_ones_own_attempt_and_its_questions(
    sitting: Sitting, student: User, world: World
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    classmate = person(
        world.school, Role.STUDENT, email="classmate@school1.test", student_class="7Б"
    )

    with pytest.raises(services.AttemptNotFoundError):
        services.save_answer(
            actor=classmate, attempt_id=attempt.pk, position=1, response={"choice": 0}
        )
    with pytest.raises(services.AttemptNotFoundError, match="нет вопроса №9"):
        services.save_answer(actor=student, attempt_id=attempt.pk, position=9, response=None)

    assert not attempt.items.filter(answered_at__isnull=False).exists()


def test_no_answer_after_the_attempt_is_finished(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.submit_attempt(actor=student, attempt=attempt)

    with pytest.raises(services.AttemptClosedError, match="уже завершена"):
        services.save_answer(
            actor=student, attempt_id=attempt.pk, position=1, response={"choice": 0}
        )

    assert attempt.items.get(position=1).response is None


def test_an_answer_within_the_grace_counts_and_after_it_does_not(
    sitting: Sitting, student: User, time_machine: Any
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    time_machine.move_to(attempt.deadline_at + GRACE, tick=False)
    services.save_answer(actor=student, attempt_id=attempt.pk, position=1, response={"choice": 0})

    time_machine.move_to(attempt.deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)
    with pytest.raises(services.AttemptClosedError, match="Время на тест истекло"):
        services.save_answer(
            actor=student, attempt_id=attempt.pk, position=2, response={"choices": [0]}
        )

    assert attempt.items.get(position=1).response == {"choice": 0}
    assert attempt.items.get(position=2).response is None


# --- Finishing -----------------------------------------------------------------------------


def test_submitting_grades_and_gives_the_mark(
    sitting: Sitting, student: User, morning: Any
) -> None:
    """Three right answers of four: 75 %, «4» on the usual scale."""
    finished = take(student, sitting, {**EXAM_RIGHT, 4: {"text": "5"}})

    assert finished.status == Attempt.Status.FINISHED
    assert (finished.finish, finished.finished_at) == (Attempt.Finish.SUBMITTED, MORNING)
    assert (finished.score, finished.max_score, finished.percent) == (
        Decimal(3),
        Decimal(4),
        Decimal("75.00"),
    )
    assert (finished.mark, finished.needs_grading) == (4, False)
    scores = list(finished.items.order_by("position").values_list("score", flat=True))
    assert scores == [Decimal(1), Decimal(1), Decimal(1), Decimal(0)]


@pytest.mark.parametrize(
    ("answers", "mark"),
    [
        (EXAM_RIGHT, 5),
        ({1: EXAM_RIGHT[1], 2: EXAM_RIGHT[2], 3: EXAM_RIGHT[3]}, 4),  # 75 %
        ({1: EXAM_RIGHT[1], 2: {"choices": [0]}}, 3),  # 1.5 of 4: 37.5 % — 3 from 35 % here
        ({1: {"choice": 1}}, 2),
    ],
)
def test_the_mark_follows_the_tests_thresholds(
    teacher: User,
    questions: dict[str, Question],
    world: World,
    student: User,
    morning: Any,
    answers: dict[int, Any],
    mark: int,
) -> None:
    quiz = make_quiz(teacher, four(questions), mark_thresholds=[[5, 90], [4, 70], [3, 35]])
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])

    assert take(student, sitting, answers).mark == mark


def test_an_answered_essay_waits_for_the_teacher_without_a_mark(
    teacher: User, questions: dict[str, Question], world: World, student: User, morning: Any
) -> None:
    quiz = make_quiz(teacher, [questions["Столица"], questions["Осень"]])
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])

    finished = take(student, sitting, {1: {"choice": 0}, 2: {"text": "Листья жёлтые."}})

    assert (finished.needs_grading, finished.mark) == (True, None)
    assert (finished.score, finished.max_score) == (Decimal(1), Decimal(2))
    essay = finished.items.get(position=2)
    assert (essay.needs_grading, essay.score) == (True, None)


def test_an_essay_left_empty_scores_nothing_and_the_mark_is_given(
    teacher: User, questions: dict[str, Question], world: World, student: User, morning: Any
) -> None:
    quiz = make_quiz(teacher, [questions["Столица"], questions["Осень"]])
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])

    finished = take(student, sitting, {1: {"choice": 0}})

    assert (finished.needs_grading, finished.percent, finished.mark) == (False, Decimal(50), 3)


def test_finishing_twice_changes_nothing(
    sitting: Sitting, student: User, time_machine: Any
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    first = services.submit_attempt(actor=student, attempt=attempt)
    time_machine.move_to(MORNING + datetime.timedelta(minutes=5), tick=False)

    second = services.submit_attempt(actor=student, attempt=attempt)
    overdue = services.finish_attempt(attempt, how=Attempt.Finish.TIMED_OUT)

    assert (second.finished_at, second.finish) == (first.finished_at, Attempt.Finish.SUBMITTED)
    assert (overdue.finished_at, overdue.finish) == (first.finished_at, Attempt.Finish.SUBMITTED)


def test_only_the_student_submits(sitting: Sitting, student: User, teacher: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)

    with pytest.raises(PermissionDeniedError):
        services.submit_attempt(actor=teacher, attempt=attempt)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_an_attempt_in_time_is_left_alone(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)

    assert services.finish_if_overdue(attempt) is attempt
    assert services.finish_overdue_attempts() == 0
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_the_sweep_finishes_attempts_whose_time_ran_out(
    sitting: Sitting, student: User, world: World, time_machine: Any
) -> None:
    """The time limit ran out (30 minutes): «время истекло», graded with what was saved."""
    attempt = answered(student, sitting, {1: {"choice": 0}})
    time_machine.move_to(attempt.deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    assert services.finish_overdue_attempts() == 1
    assert services.finish_overdue_attempts() == 0

    attempt.refresh_from_db()
    assert (attempt.status, attempt.finish) == (Attempt.Status.FINISHED, Attempt.Finish.TIMED_OUT)
    assert attempt.finished_at == attempt.deadline_at + GRACE
    assert (attempt.score, attempt.mark) == (Decimal(1), 2)


def test_an_attempt_cut_by_the_close_is_finished_as_closed(
    teacher: User, quiz: Quiz, world: World, student: User, time_machine: Any, morning: Any
) -> None:
    sitting = make_sitting(
        teacher, quiz, [(world.school, "7Б")], lasts=datetime.timedelta(minutes=20)
    )
    attempt = services.start_attempt(actor=student, sitting=sitting)
    assert attempt.deadline_at == sitting.closes_at
    time_machine.move_to(sitting.closes_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    finished = services.finish_if_overdue(attempt)

    assert (finished.status, finished.finish) == (Attempt.Status.FINISHED, Attempt.Finish.CLOSED)


def test_resuming_an_overdue_attempt_finishes_it(
    sitting: Sitting, student: User, time_machine: Any
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    time_machine.move_to(attempt.deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    again = services.start_attempt(actor=student, sitting=sitting)

    assert again.pk == attempt.pk
    assert (again.status, again.finish) == (Attempt.Status.FINISHED, Attempt.Finish.TIMED_OUT)


# --- The class journal ---------------------------------------------------------------------


@pytest.fixture
def marked(sitting: Sitting, student: User) -> Attempt:
    return take(student, sitting, EXAM_RIGHT)


def test_the_student_sends_the_mark_to_the_journal(
    marked: Attempt, student: User, morning: Any
) -> None:
    decided = services.decide_journal(actor=student, attempt=marked, send=True)

    assert (decided.journal, decided.journal_decided_at) == (Attempt.Journal.SEND, MORNING)
    entry = AuditEntry.objects.get(action="testing.journal_decided")
    assert (entry.actor, entry.from_state, entry.to_state) == (student, "", "send")


def test_keep_may_become_send_but_send_is_final(marked: Attempt, student: User) -> None:
    services.decide_journal(actor=student, attempt=marked, send=False)
    assert Attempt.objects.get(pk=marked.pk).journal == Attempt.Journal.KEEP

    services.decide_journal(actor=student, attempt=marked, send=True)
    with pytest.raises(DomainError, match="уже передана в журнал"):
        services.decide_journal(actor=student, attempt=marked, send=False)

    assert Attempt.objects.get(pk=marked.pk).journal == Attempt.Journal.SEND
    assert AuditEntry.objects.filter(action="testing.journal_decided").count() == 2


def test_sending_twice_is_one_decision(marked: Attempt, student: User) -> None:
    """A second click of «Выставить» (a double tap, a second tab) is not an error."""
    first = services.decide_journal(actor=student, attempt=marked, send=True)

    again = services.decide_journal(actor=student, attempt=marked, send=True)

    assert (again.journal, again.journal_decided_at) == (
        Attempt.Journal.SEND,
        first.journal_decided_at,
    )
    assert AuditEntry.objects.filter(action="testing.journal_decided").count() == 1


@pytest.mark.parametrize("persona", ["teacher", "parent", "school_admin"])
def test_only_the_student_decides(
    marked: Attempt, persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDeniedError, match="только сам обучающийся"):
        services.decide_journal(actor=actor, attempt=marked, send=True)

    assert Attempt.objects.get(pk=marked.pk).journal == Attempt.Journal.UNDECIDED
    assert not AuditEntry.objects.filter(action="testing.journal_decided").exists()


def test_no_decision_without_a_mark(
    teacher: User, questions: dict[str, Question], world: World, student: User, morning: Any
) -> None:
    quiz = make_quiz(teacher, [questions["Осень"]])
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])
    attempt = take(student, sitting, {1: {"text": "Листья жёлтые."}})

    with pytest.raises(DomainError, match="Отметки ещё нет"):
        services.decide_journal(actor=student, attempt=attempt, send=True)

    assert Attempt.objects.get(pk=attempt.pk).journal == Attempt.Journal.UNDECIDED


def test_no_decision_while_the_attempt_runs(sitting: Sitting, student: User) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)

    with pytest.raises(DomainError, match="Отметки ещё нет"):
        services.decide_journal(actor=student, attempt=attempt, send=True)

    assert Attempt.objects.get(pk=attempt.pk).journal == Attempt.Journal.UNDECIDED


def test_of_several_attempts_only_one_mark_goes_to_the_journal(
    teacher: User, questions: dict[str, Question], world: World, student: User, morning: Any
) -> None:
    """One work, one mark: after sending the first attempt's mark, the second's is refused."""
    quiz = make_quiz(teacher, [questions["Столица"]], attempts_allowed=2)
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])
    first = services.submit_attempt(
        actor=student, attempt=services.start_attempt(actor=student, sitting=sitting)
    )
    second = services.submit_attempt(
        actor=student, attempt=services.start_attempt(actor=student, sitting=sitting)
    )
    services.decide_journal(actor=student, attempt=first, send=True)

    with pytest.raises(DomainError, match="уже передана отметка 2 за попытку №1"):
        services.decide_journal(actor=student, attempt=second, send=True)
    services.decide_journal(actor=student, attempt=second, send=False)

    assert list(Attempt.objects.order_by("number").values_list("journal", flat=True)) == [
        "send",
        "keep",
    ]
