"""Finishing many attempts at once (`services.finish_attempts`): graded exactly as one by
one, with the same audit entry, finished attempts left alone, a fixed number of statements
whatever the number of attempts; and the periodic sweep of overdue attempts, which finishes
them in bulk, «время истекло» or «тестирование закрылось»."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.core.models import AuditEntry
from metodset.testing import services
from metodset.testing.models import Attempt, Question, Sitting
from metodset.testing.services.attempts import GRACE
from metodset.testing.tests.builders import (
    HALF,
    RIGHT,
    WRONG,
    answered,
    geography_quiz,
    make_sitting,
    pupil,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempts_allowed() -> int:
    return 2


def grades_of(attempt: Attempt) -> tuple[Any, ...]:
    attempt.refresh_from_db()
    items = [
        (row.position, row.fraction, row.score, row.needs_grading)
        for row in attempt.items.order_by("position")
    ]
    return (
        attempt.status,
        attempt.finish,
        attempt.score,
        attempt.max_score,
        attempt.percent,
        attempt.mark,
        attempt.needs_grading,
        items,
    )


@pytest.mark.parametrize(
    "answers", [RIGHT, HALF, WRONG, {}], ids=["right", "half", "wrong", "none"]
)
def test_finishing_in_bulk_grades_as_one_by_one(
    sitting: Sitting, world: World, answers: dict[int, Any]
) -> None:
    one = answered(pupil(world.school, "Одинов"), sitting, answers)
    bulk = [answered(pupil(world.school, f"Многов{n}"), sitting, answers) for n in range(3)]
    services.finish_attempt(one, how=Attempt.Finish.CLOSED)

    assert services.finish_attempts([a.pk for a in bulk], how=Attempt.Finish.CLOSED) == 3

    expected = grades_of(one)
    assert expected[0] == Attempt.Status.FINISHED
    for attempt in bulk:
        assert grades_of(attempt) == expected
        assert attempt.finished_at is not None
        assert attempt.finished_at <= attempt.deadline_at + services.attempts.GRACE


def test_finishing_in_bulk_leaves_finished_attempts_alone(
    sitting: Sitting, world: World, student: User, teacher: User
) -> None:
    done = take(student, sitting, RIGHT)
    done = services.grade_item(actor=teacher, item=done.items.get(position=4), score=1)
    before = grades_of(done)
    going = answered(pupil(world.school, "Идущий"), sitting, HALF)
    assert services.finish_attempts([done.pk, going.pk], how=Attempt.Finish.CLOSED) == 1
    assert grades_of(done) == before
    assert grades_of(going)[:2] == (Attempt.Status.FINISHED, Attempt.Finish.CLOSED)
    assert services.finish_attempts([going.pk], how=Attempt.Finish.CLOSED) == 0


def audit_of(attempt: Attempt) -> list[tuple[Any, ...]]:
    return list(
        AuditEntry.objects.filter(
            action="testing.attempt_finished", target_id=str(attempt.pk)
        ).values_list(
            "actor",
            "target_type__model",
            "target_repr",
            "from_state",
            "to_state",
            "comment",
            "changes",
            "district_id",
        )
    )


def test_finishing_in_bulk_writes_the_audit_entry_of_one_by_one(
    sitting: Sitting, world: World
) -> None:
    one = answered(pupil(world.school, "Одинов"), sitting, HALF)
    bulk = answered(pupil(world.school, "Многов"), sitting, HALF)
    services.finish_attempt(one, how=Attempt.Finish.CLOSED)

    services.finish_attempts([bulk.pk], how=Attempt.Finish.CLOSED)

    (one_entry,) = audit_of(one)
    (bulk_entry,) = audit_of(bulk)
    expected: tuple[Any, ...] = (
        None,
        "attempt",
        Attempt.Status.IN_PROGRESS,
        Attempt.Status.FINISHED,
        "тестирование закрылось",
        {},
        sitting.district_id,
    )
    assert one_entry[:2] + one_entry[3:] == bulk_entry[:2] + bulk_entry[3:] == expected
    assert one_entry[2] == str(Attempt.objects.get(pk=one.pk))
    assert bulk_entry[2] == str(Attempt.objects.get(pk=bulk.pk))
    # Attempts already finished get no second entry.
    services.finish_attempts([one.pk, bulk.pk], how=Attempt.Finish.CLOSED)
    assert len(audit_of(one)) == len(audit_of(bulk)) == 1


def test_finishing_in_bulk_takes_the_same_statements_for_more_attempts(
    sitting: Sitting, world: World
) -> None:
    def statements(count: int, prefix: str) -> int:
        ids = [
            answered(pupil(world.school, f"{prefix}{n}"), sitting, HALF).pk for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            assert services.finish_attempts(ids, how=Attempt.Finish.CLOSED) == count
        return len(queries)

    statements(1, "Прогрев")  # content types and versions are cached by the first
    assert statements(2, "Пара") == statements(6, "Шестеро")


def test_the_sweep_finishes_overdue_attempts_in_bulk_by_reason(
    methodist: User, world: World, questions: list[Question], time_machine: Any
) -> None:
    """The test's time limit ran out («время истекло»), or the sitting closed first
    («тестирование закрылось»); attempts still in time are left alone."""
    timed = make_sitting(
        methodist,
        geography_quiz(methodist, questions, time_limit_minutes=30),
        [(world.school, "7Б")],
        title="С ограничением времени",
    )
    untimed = make_sitting(
        methodist, geography_quiz(methodist, questions), [(world.school, "7Б")], title="Без него"
    )
    short = [answered(pupil(world.school, f"Быстров{n}"), timed, HALF) for n in range(2)]
    long = [answered(pupil(world.school, f"Медленнов{n}"), untimed, RIGHT) for n in range(2)]
    time_machine.move_to(short[0].deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    assert services.finish_overdue_attempts() == 2
    assert services.finish_overdue_attempts() == 0
    for attempt in short:
        status, finish, *_rest = grades_of(attempt)
        assert (status, finish) == (Attempt.Status.FINISHED, Attempt.Finish.TIMED_OUT)
        assert attempt.finished_at == attempt.deadline_at + GRACE
        assert [row[5] for row in audit_of(attempt)] == ["время истекло"]
    assert {grades_of(attempt)[0] for attempt in long} == {Attempt.Status.IN_PROGRESS}

    time_machine.move_to(untimed.closes_at + GRACE + datetime.timedelta(seconds=1), tick=False)
    assert services.finish_overdue_attempts() == 2
    for attempt in long:
        status, finish, *_rest = grades_of(attempt)
        assert (status, finish) == (Attempt.Status.FINISHED, Attempt.Finish.CLOSED)
        assert attempt.finished_at == untimed.closes_at + GRACE
        assert [row[5] for row in audit_of(attempt)] == ["тестирование закрылось"]
