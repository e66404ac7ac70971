"""Assembling a test (`services.quizzes`) and giving it to classes (`services.sittings`):
every rule, the refused ones with nothing changed."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.notifications.models import Notification
from metodset.testing import access, services
from metodset.testing.models import (
    Attempt,
    Category,
    Question,
    Quiz,
    QuizSlot,
    Sitting,
    SittingTarget,
)
from metodset.testing.services.quizzes import sample_draw
from metodset.testing.tests.builders import (
    assign,
    bank,
    category_at,
    make_quiz,
    pupil,
    quiz_with_questions,
    student_group,
    window,
)

pytestmark = pytest.mark.django_db


# --- Helpers -----------------------------------------------------------------------------------


def positions(quiz: Quiz) -> list[tuple[int, int | None]]:
    return list(quiz.slots.order_by("position").values_list("position", "question_id"))


# --- Creating and changing a test -------------------------------------------------------------


def test_a_teacher_creates_a_test_of_her_school(teacher: User, world: World) -> None:
    quiz = make_quiz(teacher, grades=[6, 5, 5], time_limit_minutes=40, attempts_allowed=2)

    assert quiz.author == teacher
    assert quiz.organization == world.school
    assert quiz.grades == [5, 6]
    assert quiz.mark_thresholds == [[5, 85], [4, 65], [3, 45]]
    assert quiz.mark_for(Decimal("64.9")) == 3
    assert AuditEntry.objects.filter(action="testing.quiz_created", actor=teacher).count() == 1


@pytest.mark.parametrize("who", ["student", "parent", "guest"])
def test_students_parents_and_guests_create_no_tests(request: Any, who: str, world: World) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDeniedError):
        make_quiz(user)
    assert not Quiz.objects.exists()


def test_a_test_needs_a_title(teacher: User) -> None:
    with pytest.raises(DomainError, match="название"):
        make_quiz(teacher, title="   ")
    assert not Quiz.objects.exists()


@pytest.mark.parametrize(
    "thresholds",
    [
        [[5, 85], [4, 90], [3, 45]],  # «4» needs more than «5»
        [[5, 85], [4, 85], [3, 45]],  # two marks at one threshold
        [[5, 120], [4, 65], [3, 45]],  # above 100 %
        [[5, 85], [5, 65], [3, 45]],  # «5» twice
        [[6, 95], [4, 65], [3, 45]],  # no such mark
    ],
)
def test_update_refuses_a_scale_that_does_not_rise(
    teacher: User, thresholds: list[list[int]]
) -> None:
    quiz = make_quiz(teacher)

    with pytest.raises(DomainError, match="Шкала отметок"):
        services.update_quiz(
            actor=teacher,
            quiz=quiz,
            data=services.QuizData(title="Другое", mark_thresholds=thresholds),
        )

    quiz.refresh_from_db()
    assert quiz.title == "Дроби, 5 класс"
    assert quiz.mark_thresholds == [[5, 85], [4, 65], [3, 45]]
    assert not AuditEntry.objects.filter(action="testing.quiz_changed").exists()


def test_update_saves_the_scale_highest_mark_first_and_logs_changes(teacher: User) -> None:
    quiz = make_quiz(teacher)

    services.update_quiz(
        actor=teacher,
        quiz=quiz,
        data=services.QuizData(
            title="Дроби, итоговый", mark_thresholds=[[3, 50], [5, 90], [4, 70]]
        ),
    )

    quiz.refresh_from_db()
    assert quiz.title == "Дроби, итоговый"
    assert quiz.mark_thresholds == [[5, 90], [4, 70], [3, 50]]
    assert quiz.mark_for(89) == 4
    entry = AuditEntry.objects.get(action="testing.quiz_changed")
    assert set(entry.changes) == {"title", "mark_thresholds"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"attempts_allowed": 0}, "попыток"),
        ({"time_limit_minutes": 601}, "времени"),
        ({"grades": [12]}, "Классы"),
        ({"visibility": "everyone"}, "видимость"),
        ({"review": "never"}, "показа"),
    ],
)
def test_update_refuses_settings_out_of_range(
    teacher: User, fields: dict[str, Any], message: str
) -> None:
    quiz = make_quiz(teacher)
    with pytest.raises(DomainError, match=message):
        services.update_quiz(
            actor=teacher, quiz=quiz, data=services.QuizData(title="Дроби", **fields)
        )
    quiz.refresh_from_db()
    assert quiz.attempts_allowed == 1


def test_only_the_author_changes_a_shared_test(teacher: User, colleague: User) -> None:
    quiz = make_quiz(teacher, visibility=Question.Visibility.NETWORK)
    assert access.can_view_quiz(colleague, quiz)

    with pytest.raises(PermissionDeniedError):
        services.update_quiz(actor=colleague, quiz=quiz, data=services.QuizData(title="Моё"))
    with pytest.raises(PermissionDeniedError):
        services.add_questions(actor=colleague, quiz=quiz, questions=bank(colleague, 1))

    quiz.refresh_from_db()
    assert quiz.title == "Дроби, 5 класс"
    assert not quiz.slots.exists()


# --- Fixed questions ---------------------------------------------------------------------------


def test_add_questions_appends_them_in_order_skipping_those_present(teacher: User) -> None:
    quiz = make_quiz(teacher)
    first, second, third = bank(teacher, 3)

    services.add_questions(actor=teacher, quiz=quiz, questions=[second, first], points=2)
    added = services.add_questions(actor=teacher, quiz=quiz, questions=[first, third])

    assert [slot.question_id for slot in added] == [third.pk]
    assert positions(quiz) == [(1, second.pk), (2, first.pk), (3, third.pk)]
    assert services.quiz_size(quiz) == (3, Decimal(5))
    assert AuditEntry.objects.filter(action="testing.quiz_slot_added").count() == 2


def test_add_questions_refuses_nothing_new_archived_unseen_and_bad_points(
    teacher: User, colleague: User
) -> None:
    quiz = make_quiz(teacher)
    (mine,) = bank(teacher, 1)
    services.add_questions(actor=teacher, quiz=quiz, questions=[mine])
    (archived,) = bank(teacher, 1, prefix="Архивный")
    Question.objects.filter(pk=archived.pk).update(is_archived=True)
    archived.refresh_from_db()
    (private,) = bank(colleague, 1, prefix="Чужой")

    with pytest.raises(DomainError, match="уже есть"):
        services.add_questions(actor=teacher, quiz=quiz, questions=[mine])
    with pytest.raises(DomainError, match="хотя бы один"):
        services.add_questions(actor=teacher, quiz=quiz, questions=[])
    with pytest.raises(DomainError, match="архиве"):
        services.add_questions(actor=teacher, quiz=quiz, questions=[archived])
    with pytest.raises(PermissionDeniedError):
        services.add_questions(actor=teacher, quiz=quiz, questions=[private])
    with pytest.raises(DomainError, match="Баллы"):
        services.add_questions(actor=teacher, quiz=quiz, questions=[archived], points=0)

    assert positions(quiz) == [(1, mine.pk)]


# --- Random draws -------------------------------------------------------------------------------


def test_random_draw_counts_the_pool_and_says_how_many_there_are(teacher: User) -> None:
    bank(teacher, 3, difficulty=2)
    bank(teacher, 2, path=("Математика", "Дроби", "Сравнение"), prefix="Сравнение", difficulty=2)
    bank(teacher, 1, prefix="Лёгкий", difficulty=1)
    quiz = make_quiz(teacher)
    fractions = category_at("Математика", "Дроби")

    with pytest.raises(DomainError) as refusal:
        services.add_random_draw(
            actor=teacher, quiz=quiz, category=fractions, count=6, difficulty=2
        )
    assert "доступно вопросов: 5 сложности 2, а нужно 6" in refusal.value.message
    with pytest.raises(DomainError, match="доступно вопросов: 4, а нужно 5"):
        services.add_random_draw(
            actor=teacher, quiz=quiz, category=fractions, count=5, include_subcategories=False
        )
    assert not quiz.slots.exists()

    slot = services.add_random_draw(
        actor=teacher, quiz=quiz, category=fractions, count=5, difficulty=2, points="1.5"
    )

    assert (slot.position, slot.count, slot.points) == (1, 5, Decimal("1.5"))
    assert services.quiz_size(quiz) == (5, Decimal("7.5"))


def test_a_draw_does_not_count_questions_the_test_already_has(teacher: User) -> None:
    questions = bank(teacher, 6)
    quiz = make_quiz(teacher)
    fractions = category_at("Математика", "Дроби")
    services.add_questions(actor=teacher, quiz=quiz, questions=questions[:2])
    services.add_random_draw(actor=teacher, quiz=quiz, category=fractions, count=2)

    # Six in the category: two fixed, two drawn before — two remain for another draw.
    with pytest.raises(DomainError, match="доступно вопросов: 2, а нужно 3"):
        services.add_random_draw(actor=teacher, quiz=quiz, category=fractions, count=3)
    services.add_random_draw(actor=teacher, quiz=quiz, category=fractions, count=2)

    drawn = [question for _slot, question in sample_draw(quiz)]
    assert None not in drawn
    assert len({question.pk for question in drawn if question}) == 6


def test_a_draw_refuses_bad_counts_difficulties_and_unseen_categories(
    teacher: User, outsider: User
) -> None:
    bank(teacher, 2)
    bank(outsider, 2, path=("Чужой район",), prefix="Чужой")
    Category.objects.filter(name="Чужой район").update(district=outsider_district(outsider))
    quiz = make_quiz(teacher)
    fractions = category_at("Математика", "Дроби")

    with pytest.raises(DomainError, match="от 1 до 100"):
        services.add_random_draw(actor=teacher, quiz=quiz, category=fractions, count=0)
    with pytest.raises(DomainError, match="Сложность"):
        services.add_random_draw(
            actor=teacher, quiz=quiz, category=fractions, count=1, difficulty=6
        )
    with pytest.raises(PermissionDeniedError):
        services.add_random_draw(
            actor=teacher, quiz=quiz, category=category_at("Чужой район"), count=1
        )
    assert not quiz.slots.exists()


def outsider_district(user: User) -> Any:
    return user.memberships.get().organization.district


def test_a_draw_takes_only_what_the_author_sees(teacher: User, colleague: User) -> None:
    bank(colleague, 3, prefix="Личный")
    bank(colleague, 2, prefix="Общий", visibility=Question.Visibility.NETWORK)
    quiz = make_quiz(teacher)

    with pytest.raises(DomainError, match="доступно вопросов: 2, а нужно 3"):
        services.add_random_draw(
            actor=teacher, quiz=quiz, category=category_at("Математика", "Дроби"), count=3
        )


# --- Order and points ---------------------------------------------------------------------------


def test_remove_and_move_keep_positions_one_to_n(teacher: User) -> None:
    quiz = make_quiz(teacher)
    first, second, third, fourth = bank(teacher, 4)
    services.add_questions(actor=teacher, quiz=quiz, questions=[first, second, third, fourth])
    slots = {slot.question_id: slot for slot in quiz.slots.all()}

    services.remove_slot(actor=teacher, slot=slots[second.pk])
    assert positions(quiz) == [(1, first.pk), (2, third.pk), (3, fourth.pk)]

    services.move_slot(actor=teacher, slot=QuizSlot.objects.get(question=fourth), up=True)
    assert positions(quiz) == [(1, first.pk), (2, fourth.pk), (3, third.pk)]

    services.move_slot(actor=teacher, slot=QuizSlot.objects.get(question=first), up=False)
    assert positions(quiz) == [(1, fourth.pk), (2, first.pk), (3, third.pk)]

    # The first one up and the last one down stay where they are.
    services.move_slot(actor=teacher, slot=QuizSlot.objects.get(question=fourth), up=True)
    services.move_slot(actor=teacher, slot=QuizSlot.objects.get(question=third), up=False)
    assert positions(quiz) == [(1, fourth.pk), (2, first.pk), (3, third.pk)]
    assert AuditEntry.objects.filter(action="testing.quiz_slot_removed").count() == 1


def test_only_the_author_reorders_removes_and_sets_points(teacher: User, colleague: User) -> None:
    quiz = quiz_with_questions(teacher, 2, visibility=Question.Visibility.NETWORK)
    slot = quiz.slots.get(position=2)

    with pytest.raises(PermissionDeniedError):
        services.remove_slot(actor=colleague, slot=slot)
    with pytest.raises(PermissionDeniedError):
        services.move_slot(actor=colleague, slot=slot, up=True)
    with pytest.raises(PermissionDeniedError):
        services.set_slot_points(actor=colleague, slot=slot, points=5)

    assert quiz.slots.count() == 2
    slot.refresh_from_db()
    assert (slot.position, slot.points) == (2, Decimal(1))


def test_points_of_a_place(teacher: User) -> None:
    quiz = quiz_with_questions(teacher, 2)
    slot = quiz.slots.get(position=1)

    services.set_slot_points(actor=teacher, slot=slot, points="2.5")
    with pytest.raises(DomainError, match="Баллы"):
        services.set_slot_points(actor=teacher, slot=slot, points="100.5")

    slot.refresh_from_db()
    assert slot.points == Decimal("2.5")
    assert services.quiz_size(quiz) == (2, Decimal("3.5"))


# --- Giving a test to classes --------------------------------------------------------------------


def test_a_methodist_gives_a_test_to_classes_of_two_schools(methodist: User, world: World) -> None:
    fifth_a = pupil(world.school, "Антонова", "5А")
    fifth_b = pupil(world.school, "Борисов", "5 б")
    pupil(world.school, "Вершинин", "6А")
    gymnasium_fifth = pupil(world.other_school, "Гусева", "5В")
    pupil(world.other_school, "Демидов", "15А")
    pupil(world.far_school, "Ежов", "5А")
    quiz = quiz_with_questions(methodist)

    sitting = assign(
        methodist,
        quiz,
        [(world.school, "5А"), (world.school, "5-б"), (world.other_school, "5")],
        title="",
    )

    assert sitting.title == quiz.title
    assert sitting.district == world.district
    assert sorted(sitting.targets.values_list("organization__short_name", "student_class")) == [
        ("МБОУ Гимназия №2", "5"),
        ("МБОУ СОШ №1", "5А"),
        ("МБОУ СОШ №1", "5Б"),
    ]
    assert services.describe_targets(sitting) == "5 (МБОУ Гимназия №2); 5А, 5Б (МБОУ СОШ №1)"
    reached = [user for user, _membership in services.students_of_sitting(sitting)]
    assert reached == [gymnasium_fifth, fifth_a, fifth_b]
    told = Notification.objects.filter(kind="testing.news")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(u.pk for u in reached)
    assert AuditEntry.objects.filter(action="testing.sitting_created").count() == 1


def test_a_teacher_gives_a_test_to_her_classes_only(
    teacher: User, world: World, student: User
) -> None:
    quiz = quiz_with_questions(teacher)

    with pytest.raises(PermissionDeniedError, match="Гимназия"):
        assign(teacher, quiz, [(world.school, "7Б"), (world.other_school, "7А")])
    assert not Sitting.objects.exists()
    assert not Notification.objects.exists()

    sitting = assign(teacher, quiz, [(world.school, "7б")])
    assert access.is_target_student(student, sitting)
    assert [user for user, _m in services.students_of_sitting(sitting)] == [student]


def test_a_parallel_takes_its_classes_only(world: World) -> None:
    assert access.class_matches("5", "5А")
    assert access.class_matches("5", "5 б")
    assert not access.class_matches("5", "15А")
    assert not access.class_matches("1", "10А")
    assert access.class_matches("10", "10А")
    assert not access.class_matches("5А", "5Б")
    assert access.class_matches("5а", "5-А")


def test_create_sitting_refusals(teacher: User, colleague: User, world: World) -> None:
    empty = make_quiz(teacher)
    quiz = quiz_with_questions(teacher)
    private = quiz_with_questions(colleague)
    opens_at, closes_at = window()

    with pytest.raises(DomainError, match="нет ни одного вопроса"):
        assign(teacher, empty, [(world.school, "7Б")])
    with pytest.raises(PermissionDeniedError):
        assign(teacher, private, [(world.school, "7Б")])
    with pytest.raises(DomainError, match="позже"):
        assign(teacher, quiz, [(world.school, "7Б")], opens_at=closes_at, closes_at=opens_at)
    with pytest.raises(DomainError, match="двух месяцев"):
        assign(
            teacher,
            quiz,
            [(world.school, "7Б")],
            closes_at=opens_at + datetime.timedelta(days=63),
        )
    with pytest.raises(DomainError, match="прошло"):
        assign(
            teacher,
            quiz,
            [(world.school, "7Б")],
            opens_at=opens_at - datetime.timedelta(days=3),
            closes_at=opens_at - datetime.timedelta(days=2),
        )
    with pytest.raises(DomainError, match="хотя бы один"):
        assign(teacher, quiz, [])
    with pytest.raises(DomainError, match="Укажите класс"):
        assign(teacher, quiz, [(world.school, " - ")])

    assert not Sitting.objects.exists()
    assert not SittingTarget.objects.exists()


def test_a_group_leader_gives_a_test_to_the_groups_students(
    methodist: User, teacher: User, world: World
) -> None:
    member = pupil(world.other_school, "Жукова", "8А")
    group = student_group(methodist, teacher, member, "Олимпиадники")
    quiz = quiz_with_questions(teacher)

    sitting = assign(teacher, quiz, [], groups=[group])

    assert services.describe_targets(sitting) == "Олимпиадники"
    assert [user for user, _m in services.students_of_sitting(sitting)] == [member]
    assert access.is_target_student(member, sitting)
    assert sitting.district == group.district


# --- Changing and cancelling ------------------------------------------------------------------


def test_update_moves_the_window_and_classes_before_anyone_started(
    teacher: User, world: World, student: User
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    opens_at, closes_at = window(hours_from_now=48)

    services.update_sitting(
        actor=teacher,
        sitting=sitting,
        title="Перенесён",
        opens_at=opens_at,
        closes_at=closes_at,
        classes=[(world.school, "7А")],
    )

    sitting.refresh_from_db()
    assert (sitting.title, sitting.opens_at, sitting.closes_at) == (
        "Перенесён",
        opens_at,
        closes_at,
    )
    assert services.describe_targets(sitting) == "7А (МБОУ СОШ №1)"
    entry = AuditEntry.objects.get(action="testing.sitting_changed")
    assert set(entry.changes) == {"title", "opens_at", "closes_at", "targets"}


def test_after_a_start_the_opening_stays_and_classes_are_only_added(
    teacher: User, world: World, student: User
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")], open_now=True)
    services.start_attempt(actor=student, sitting=sitting)
    opening, closing = sitting.opens_at, sitting.closes_at

    with pytest.raises(DomainError, match="время открытия"):
        services.update_sitting(
            actor=teacher,
            sitting=sitting,
            title=sitting.title,
            opens_at=opening + datetime.timedelta(minutes=10),
            closes_at=closing,
            classes=[(world.school, "7Б")],
        )
    with pytest.raises(DomainError, match="только добавлять"):
        services.update_sitting(
            actor=teacher,
            sitting=sitting,
            title=sitting.title,
            opens_at=opening,
            closes_at=closing,
            classes=[(world.school, "7А")],
        )
    sitting.refresh_from_db()
    assert (sitting.opens_at, sitting.closes_at) == (opening, closing)
    assert services.describe_targets(sitting) == "7Б (МБОУ СОШ №1)"

    later = closing + datetime.timedelta(hours=1)
    services.update_sitting(
        actor=teacher,
        sitting=sitting,
        title=sitting.title,
        opens_at=opening,
        closes_at=later,
        classes=[(world.school, "7Б"), (world.school, "7А")],
    )
    sitting.refresh_from_db()
    assert (sitting.opens_at, sitting.closes_at) == (opening, later)
    assert services.describe_targets(sitting) == "7А, 7Б (МБОУ СОШ №1)"


def test_only_who_assigned_or_the_district_changes_and_cancels(
    teacher: User, school_admin: User, methodist: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    assert access.can_view_sitting(school_admin, sitting)

    with pytest.raises(PermissionDeniedError):
        services.update_sitting(
            actor=school_admin,
            sitting=sitting,
            title="Моё",
            opens_at=sitting.opens_at,
            closes_at=sitting.closes_at,
            classes=[(world.school, "7Б")],
        )
    with pytest.raises(PermissionDeniedError):
        services.cancel_sitting(actor=school_admin, sitting=sitting, reason="Карантин")
    sitting.refresh_from_db()
    assert (sitting.title, sitting.is_cancelled) == ("Ежемесячный тест", False)

    services.cancel_sitting(actor=methodist, sitting=sitting, reason="Карантин")
    sitting.refresh_from_db()
    assert sitting.is_cancelled


def test_cancel_needs_a_reason_and_no_results(teacher: User, world: World, student: User) -> None:
    other = pupil(world.school, "Зайцева", "7Б")
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")], open_now=True)

    with pytest.raises(DomainError, match="причину"):
        services.cancel_sitting(actor=teacher, sitting=sitting, reason="  ")

    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.submit_attempt(actor=student, attempt=attempt)
    with pytest.raises(DomainError, match="с результатами"):
        services.cancel_sitting(actor=teacher, sitting=sitting, reason="Ошибка в ключе")
    sitting.refresh_from_db()
    assert not sitting.is_cancelled

    second = assign(teacher, quiz, [(world.school, "7Б")])
    Notification.objects.all().delete()
    services.cancel_sitting(actor=teacher, sitting=second, reason="Карантин")
    second.refresh_from_db()
    assert (second.is_cancelled, second.cancel_reason) == (True, "Карантин")
    told = Notification.objects.filter(kind="testing.news")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([student.pk, other.pk])
    assert set(told.values_list("body", flat=True)) == {"Карантин"}

    with pytest.raises(DomainError, match="уже отменено"):
        services.cancel_sitting(actor=teacher, sitting=second, reason="Ещё раз")
    with pytest.raises(DomainError, match="отменено"):
        services.update_sitting(
            actor=teacher,
            sitting=second,
            title="",
            opens_at=second.opens_at,
            closes_at=second.closes_at,
            classes=[(world.school, "7Б")],
        )
    assert Attempt.objects.filter(sitting=second).count() == 0


def test_students_of_a_sitting_skip_left_and_other_schools(
    teacher: User, world: World, student: User
) -> None:
    left = pupil(world.school, "Ильин", "7Б")
    left.memberships.update(status="ended")
    pupil(world.other_school, "Кротов", "7Б")
    classmate = pupil(world.school, "Абрамова", "7Б")
    quiz = quiz_with_questions(teacher)

    sitting = assign(teacher, quiz, [(world.school, "7Б")])

    pairs = services.students_of_sitting(sitting)
    assert [user for user, _m in pairs] == [classmate, student]
    assert {membership.organization_id for _u, membership in pairs} == {world.school.pk}
