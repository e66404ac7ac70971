"""After the test: a teacher grades an essay (the mark appears, the student is told), the
grading queue holds only what one may grade, and a key corrected after the test re-grades
every attempt with a record of each old and new score."""

from decimal import Decimal

import pytest

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.notifications.models import Notification
from metodset.testing import services
from metodset.testing.formats.items import Answer
from metodset.testing.models import Attempt, AttemptItem, Question, Regrade, Sitting
from metodset.testing.services.bank import edit_question, question_item
from metodset.testing.services.results import attempts_using_old_versions
from metodset.testing.tests.builders import RIGHT, WRONG, correct_the_key, pupil, take

pytestmark = pytest.mark.django_db


def essay_of(attempt: Attempt) -> AttemptItem:
    return attempt.items.get(position=4)


# --- Grading an essay -------------------------------------------------------------------


def test_grading_the_essay_sets_the_mark_and_tells_the_student(
    sitting: Sitting, student: User, teacher: User
) -> None:
    attempt = take(student, sitting, RIGHT)
    assert (attempt.mark, attempt.needs_grading, attempt.score) == (None, True, Decimal(3))
    Notification.objects.all().delete()

    graded = services.grade_item(
        actor=teacher, item=essay_of(attempt), score="0,5", comment="Мало подробностей."
    )

    assert (graded.score, graded.percent, graded.mark) == (Decimal("3.5"), Decimal("87.50"), 5)
    assert graded.needs_grading is False
    item = essay_of(attempt)
    assert (item.score, item.fraction, item.needs_grading) == (
        Decimal("0.50"),
        Decimal("0.5"),
        False,
    )
    assert (item.comment, item.graded_by) == ("Мало подробностей.", teacher)
    assert item.graded_at is not None
    notice = Notification.objects.get()
    assert notice.recipient == student
    assert "Тест проверен" in notice.title
    assert "5" in notice.body


def test_grading_again_changes_the_score_without_a_second_notice(
    sitting: Sitting, student: User, teacher: User
) -> None:
    attempt = take(student, sitting, RIGHT)
    services.grade_item(actor=teacher, item=essay_of(attempt), score=1)
    Notification.objects.all().delete()
    graded = services.grade_item(actor=teacher, item=essay_of(attempt), score=0)
    assert (graded.score, graded.mark) == (Decimal(3), 4)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("score", ["2", "-1", "абв", "NaN", "Infinity", ""])
def test_a_score_out_of_range_or_not_a_number_is_refused(
    sitting: Sitting, student: User, teacher: User, score: str
) -> None:
    attempt = take(student, sitting, RIGHT)
    with pytest.raises(DomainError):
        services.grade_item(actor=teacher, item=essay_of(attempt), score=score)
    item = essay_of(attempt)
    assert (item.score, item.needs_grading, item.graded_by) == (None, True, None)
    assert Attempt.objects.get(pk=attempt.pk).mark is None


@pytest.mark.parametrize("persona", ["colleague", "student", "parent", "outsider", "expert"])
def test_only_the_school_or_the_manager_grades(
    sitting: Sitting, student: User, persona: str, request: pytest.FixtureRequest
) -> None:
    attempt = take(student, sitting, RIGHT)
    Notification.objects.all().delete()
    with pytest.raises(PermissionDeniedError):
        services.grade_item(actor=request.getfixturevalue(persona), item=essay_of(attempt), score=1)
    assert essay_of(attempt).score is None
    assert not Notification.objects.exists()


def test_the_manager_and_the_school_head_grade(
    sitting: Sitting, student: User, methodist: User, school_admin: User
) -> None:
    attempt = take(student, sitting, RIGHT)
    assert services.grade_item(actor=school_admin, item=essay_of(attempt), score=1).mark == 5
    assert services.grade_item(actor=methodist, item=essay_of(attempt), score=0).mark == 4


def test_an_attempt_in_progress_is_not_graded(
    sitting: Sitting, student: User, teacher: User
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.save_answer(actor=student, attempt_id=attempt.pk, position=4, response=RIGHT[4])
    with pytest.raises(DomainError, match="ещё идёт"):
        services.grade_item(actor=teacher, item=essay_of(attempt), score=1)
    assert essay_of(attempt).score is None


# --- The grading queue ------------------------------------------------------------------


def test_the_queue_holds_the_essays_one_may_grade(
    sitting: Sitting,
    world: World,
    student: User,
    parent: User,
    teacher: User,
    colleague: User,
    methodist: User,
) -> None:
    mine = take(student, sitting, RIGHT)
    theirs = take(pupil(world.other_school, "Петров", "7А"), sitting, RIGHT)
    take(pupil(world.school, "Сидоров"), sitting, WRONG)  # no essay: nothing to grade
    assert list(services.grading_queue(teacher)) == [essay_of(mine)]
    assert list(services.grading_queue(colleague)) == [essay_of(theirs)]
    assert set(services.grading_queue(methodist)) == {essay_of(mine), essay_of(theirs)}
    # The student's and the parent's own attempts are no grading queue of theirs.
    assert not services.grading_queue(student).exists()
    assert not services.grading_queue(parent).exists()


def test_a_graded_essay_leaves_the_queue(sitting: Sitting, student: User, teacher: User) -> None:
    attempt = take(student, sitting, RIGHT)
    services.grade_item(actor=teacher, item=essay_of(attempt), score=1)
    assert not services.grading_queue(teacher).exists()


def test_an_attempt_in_progress_is_not_in_the_queue(
    sitting: Sitting, student: User, teacher: User
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    AttemptItem.objects.filter(attempt=attempt, position=4).update(needs_grading=True)
    assert not services.grading_queue(teacher).exists()


# --- Re-grading after a wrong key -------------------------------------------------------


def test_regrading_changes_scores_and_records_old_and_new(
    sitting: Sitting, world: World, student: User, methodist: User, questions: list[Question]
) -> None:
    capital = questions[0]
    chose_moscow = take(student, sitting, RIGHT)
    chose_kazan = take(pupil(world.other_school, "Петров", "7А"), sitting, WRONG)
    # The key was wrong: the methodist «corrects» it to Kazan (the third option).
    correct_the_key(methodist, capital, right=2)
    assert attempts_using_old_versions(sitting) == [(capital, 2)]

    regrade = services.regrade_question(
        actor=methodist, sitting=sitting, question=capital, reason="Опечатка в ключе"
    )

    assert regrade.attempts_changed == 2
    assert regrade.reason == "Опечатка в ключе"
    assert regrade.old_version.number == 1
    assert regrade.new_version.number == 2
    changes = {(change["attempt"], change["old"], change["new"]) for change in regrade.changes}
    assert changes == {(chose_moscow.pk, "1.00", "0.00"), (chose_kazan.pk, "0.00", "1.00")}
    moscow = Attempt.objects.get(pk=chose_moscow.pk)
    kazan = Attempt.objects.get(pk=chose_kazan.pk)
    assert (moscow.score, moscow.mark) == (Decimal(2), None)  # the essay still waits
    assert (kazan.score, kazan.percent, kazan.mark) == (Decimal(1), Decimal(25), 2)
    assert kazan.items.get(position=1).version == regrade.new_version
    # Answers are untouched; nothing is left to re-grade.
    assert kazan.items.get(position=1).response == WRONG[1]
    assert attempts_using_old_versions(sitting) == []
    assert list(sitting.regrades.all()) == [regrade]


def test_regrading_keeps_the_teachers_essay_score(
    sitting: Sitting, student: User, teacher: User, methodist: User, questions: list[Question]
) -> None:
    attempt = take(student, sitting, RIGHT)
    services.grade_item(actor=teacher, item=essay_of(attempt), score=1)
    correct_the_key(methodist, questions[0], right=1)
    services.regrade_question(actor=methodist, sitting=sitting, question=questions[0], reason="x")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.mark) == (Decimal(3), 4)
    assert essay_of(attempt).score == Decimal(1)


def test_an_unchanged_score_is_recorded_but_not_counted(
    sitting: Sitting, student: User, methodist: User, questions: list[Question]
) -> None:
    take(student, sitting, {**RIGHT, 1: {"choice": 1}})  # neither old nor new right
    correct_the_key(methodist, questions[0], right=2)
    regrade = services.regrade_question(
        actor=methodist, sitting=sitting, question=questions[0], reason="Ключ"
    )
    assert regrade.attempts_changed == 0
    assert [(change["old"], change["new"]) for change in regrade.changes] == [("0.00", "0.00")]


def test_regrading_needs_a_reason(
    sitting: Sitting, student: User, methodist: User, questions: list[Question]
) -> None:
    take(student, sitting, RIGHT)
    correct_the_key(methodist, questions[0], right=2)
    with pytest.raises(DomainError, match="Укажите"):
        services.regrade_question(
            actor=methodist, sitting=sitting, question=questions[0], reason=" "
        )
    assert not Regrade.objects.exists()
    assert attempts_using_old_versions(sitting) == [(questions[0], 1)]


@pytest.mark.parametrize("persona", ["teacher", "colleague", "school_admin", "outsider"])
def test_only_the_manager_regrades(
    sitting: Sitting,
    student: User,
    methodist: User,
    questions: list[Question],
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    attempt = take(student, sitting, RIGHT)
    correct_the_key(methodist, questions[0], right=2)
    with pytest.raises(PermissionDeniedError):
        services.regrade_question(
            actor=request.getfixturevalue(persona),
            sitting=sitting,
            question=questions[0],
            reason="Ключ",
        )
    assert not Regrade.objects.exists()
    assert Attempt.objects.get(pk=attempt.pk).score == attempt.score


def test_nothing_to_regrade_is_said(
    sitting: Sitting, student: User, methodist: User, questions: list[Question]
) -> None:
    take(student, sitting, RIGHT)
    with pytest.raises(DomainError, match="текущая версия"):
        services.regrade_question(
            actor=methodist, sitting=sitting, question=questions[0], reason="Ключ"
        )
    assert not Regrade.objects.exists()


def test_a_version_of_another_shape_is_refused(
    sitting: Sitting, student: User, methodist: User, questions: list[Question]
) -> None:
    attempt = take(student, sitting, RIGHT)
    item = question_item(questions[0])
    item.answers = [*item.answers, Answer("Новосибирск")]
    edit_question(actor=methodist, question=questions[0], item=item)
    with pytest.raises(DomainError, match="устроена иначе"):
        services.regrade_question(
            actor=methodist, sitting=sitting, question=questions[0], reason="Ключ"
        )
    assert not Regrade.objects.exists()
    assert attempt.items.get(position=1).version.number == 1


def test_regrading_an_attempt_in_progress_keeps_it_going(
    sitting: Sitting, student: User, methodist: User, questions: list[Question]
) -> None:
    attempt = services.start_attempt(actor=student, sitting=sitting)
    correct_the_key(methodist, questions[0], right=2)
    regrade = services.regrade_question(
        actor=methodist, sitting=sitting, question=questions[0], reason="Ключ"
    )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.items.get(position=1).version == regrade.new_version
    assert regrade.attempts_changed == 0
