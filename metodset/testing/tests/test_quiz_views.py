"""The teacher's test pages: the list, the settings form (a failed one keeping what was
typed), the test with its places (moving, removing, points — with and without HTMX), the
bank picker, a random draw and the preview, for each persona."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.testing import services
from metodset.testing.models import Question, Quiz, QuizSlot
from metodset.testing.tests.builders import bank, category_at, html, make_quiz, quiz_with_questions

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _settings(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Дроби: сравнение и сложение",
        "description": "**Внимательно** читайте условие.",
        "grades": ["5", "6"],
        "visibility": "school",
        "time_limit_minutes": "40",
        "attempts_allowed": "2",
        "shuffle_answers": "on",
        "review": "after_submit",
        "mark_5": "90",
        "mark_4": "70",
        "mark_3": "50",
    }
    data.update(overrides)
    return data


# --- The list ------------------------------------------------------------------------------


def test_list_shows_my_tests_and_those_shared_with_me(
    login: Any, teacher: User, colleague: User, school_admin: User
) -> None:
    quiz_with_questions(teacher, 3, title="Мой тест по дробям")
    make_quiz(colleague, title="Личный тест коллеги")
    make_quiz(colleague, title="Тест для всей сети", visibility=Question.Visibility.NETWORK)
    make_quiz(school_admin, title="Тест для школы", visibility=Question.Visibility.SCHOOL)

    page = html(login(teacher).get(reverse("testing:quizzes")))

    assert "Мой тест по дробям" in page
    assert "Тест для всей сети" in page
    assert "Тест для школы" in page
    assert "Личный тест коллеги" not in page
    assert "Создать тест" in page


def test_list_costs_the_same_queries_for_more_tests(
    login: Any, teacher: User, colleague: User, django_assert_max_num_queries: Any
) -> None:
    client = login(teacher)
    quiz_with_questions(teacher, 2)
    make_quiz(colleague, visibility=Question.Visibility.NETWORK)
    client.get(reverse("testing:quizzes"))  # sessions and caches warmed
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("testing:quizzes"))
    for number in range(4):
        quiz_with_questions(teacher, 2, title=f"Тест {number}")
        make_quiz(colleague, title=f"Общий {number}", visibility=Question.Visibility.NETWORK)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("testing:quizzes"))


def test_list_is_for_staff(login: Any, student: User, parent: User, client: Client) -> None:
    url = reverse("testing:quizzes")
    assert client.get(url).status_code == 302  # a guest is sent to sign in
    assert login(student).get(url).status_code == 403
    assert login(parent).get(url).status_code == 403


def test_list_takes_only_get(login: Any, teacher: User) -> None:
    assert login(teacher).post(reverse("testing:quizzes")).status_code == 405


# --- Creating and editing --------------------------------------------------------------------


def test_a_teacher_creates_a_test(login: Any, teacher: User, world: World) -> None:
    client = login(teacher)
    form = html(client.get(reverse("testing:quiz_new")))
    assert 'value="85"' in form
    assert 'value="65"' in form
    assert 'value="45"' in form

    response = client.post(reverse("testing:quiz_new"), _settings())

    quiz = Quiz.objects.get()
    assert response.status_code == 302
    assert response["Location"] == quiz.get_absolute_url()
    assert quiz.grades == [5, 6]
    assert quiz.mark_thresholds == [[5, 90], [4, 70], [3, 50]]
    assert (quiz.time_limit_minutes, quiz.attempts_allowed, quiz.review) == (40, 2, "after_submit")
    assert (quiz.shuffle_items, quiz.shuffle_answers) == (False, True)
    page = html(client.get(quiz.get_absolute_url()))
    assert "<strong>Внимательно</strong>" in page
    assert "5 — от 90 %, 4 — от 70 %, 3 — от 50 %, ниже 50 % — 2" in page


def test_a_scale_that_does_not_rise_is_a_form_error_keeping_input(
    login: Any, teacher: User
) -> None:
    response = login(teacher).post(
        reverse("testing:quiz_new"), _settings(mark_4="95", title="Мой черновик теста")
    )

    assert response.status_code == 200
    page = html(response)
    assert "Шкала отметок" in page
    assert "Мой черновик теста" in page
    assert 'value="95"' in page
    assert not Quiz.objects.exists()


def test_an_empty_form_keeps_what_was_typed(login: Any, teacher: User) -> None:
    response = login(teacher).post(
        reverse("testing:quiz_new"), _settings(title="", description="Инструкция-черновик")
    )
    assert response.status_code == 200
    assert "Инструкция-черновик" in html(response)
    assert not Quiz.objects.exists()


def test_students_cannot_create(login: Any, student: User, client: Client) -> None:
    url = reverse("testing:quiz_new")
    assert client.get(url).status_code == 302
    assert login(student).get(url).status_code == 403
    assert login(student).post(url, _settings()).status_code == 403
    assert not Quiz.objects.exists()


def test_the_author_edits_the_settings(login: Any, teacher: User) -> None:
    quiz = make_quiz(teacher, grades=[7], time_limit_minutes=30)
    client = login(teacher)
    url = reverse("testing:quiz_edit", args=[quiz.pk])
    form = html(client.get(url))
    assert 'value="30"' in form

    response = client.post(url, _settings(title="Переименован", time_limit_minutes=""))

    assert response.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.title, quiz.time_limit_minutes) == ("Переименован", None)


def test_edit_refusal_keeps_input_and_the_stored_test(login: Any, teacher: User) -> None:
    quiz = make_quiz(teacher)
    response = login(teacher).post(
        reverse("testing:quiz_edit", args=[quiz.pk]),
        _settings(title="Новое имя", mark_3="70", mark_4="70"),
    )
    assert response.status_code == 200
    assert "Новое имя" in html(response)
    quiz.refresh_from_db()
    assert quiz.title == "Дроби, 5 класс"


def test_edit_permissions(
    login: Any, teacher: User, colleague: User, outsider: User, student: User
) -> None:
    shared = make_quiz(teacher, visibility=Question.Visibility.NETWORK)
    private = make_quiz(teacher)
    assert login(colleague).get(reverse("testing:quiz_edit", args=[shared.pk])).status_code == 403
    assert login(colleague).get(reverse("testing:quiz_edit", args=[private.pk])).status_code == 404
    assert login(outsider).get(reverse("testing:quiz_edit", args=[private.pk])).status_code == 404
    assert login(student).get(reverse("testing:quiz_edit", args=[shared.pk])).status_code == 404
    assert login(teacher).delete(reverse("testing:quiz_edit", args=[shared.pk])).status_code == 405


# --- The test page ---------------------------------------------------------------------------


def test_the_test_page_for_its_author(login: Any, teacher: User) -> None:
    quiz = quiz_with_questions(teacher, 3)
    bank(teacher, 4, path=("Геометрия",), prefix="Угол", difficulty=2)
    services.add_random_draw(
        actor=teacher, quiz=quiz, category=category_at("Геометрия"), count=2, difficulty=2, points=2
    )

    page = html(login(teacher).get(quiz.get_absolute_url()))

    assert "Вопрос 1" in page
    assert "один ответ" in page
    assert "2 случайных из „Геометрия“ (сложность 2)" in page
    assert "Вопросов у ученика: 5, максимум баллов: 7" in page
    assert reverse("testing:quiz_questions", args=[quiz.pk]) in page
    assert reverse("testing:quiz_random", args=[quiz.pk]) in page
    assert f"{reverse('testing:sitting_new')}?quiz={quiz.pk}" in page
    assert reverse("testing:quiz_slot_move", args=[quiz.pk, quiz.slots.get(position=1).pk]) in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("colleague", 200),  # shared with the network: sees and may assign, not edit
        ("school_admin", 200),
        ("methodist", 200),
        ("student", 404),
        ("parent", 404),
        ("outsider", 200),
        ("guest", 302),
    ],
)
def test_a_shared_test_for_each_persona(
    request: Any, login: Any, teacher: User, who: str, status: int
) -> None:
    quiz = quiz_with_questions(teacher, 2, visibility=Question.Visibility.NETWORK)
    response = login(request.getfixturevalue(who)).get(quiz.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        page = html(response)
        assert "Назначить классам" in page
        assert reverse("testing:quiz_slot_move", args=[quiz.pk, quiz.slots.first().pk]) not in page  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["colleague", "school_admin", "outsider", "student", "parent"])
def test_a_private_test_is_hidden(request: Any, login: Any, teacher: User, who: str) -> None:
    quiz = make_quiz(teacher)
    assert login(request.getfixturevalue(who)).get(quiz.get_absolute_url()).status_code == 404


def test_a_school_test_is_seen_in_the_school_only(
    login: Any, teacher: User, school_admin: User, colleague: User
) -> None:
    quiz = make_quiz(teacher, visibility=Question.Visibility.SCHOOL)
    assert login(school_admin).get(quiz.get_absolute_url()).status_code == 200
    assert login(colleague).get(quiz.get_absolute_url()).status_code == 404


# --- Moving, removing, points ----------------------------------------------------------------


def _order(quiz: Quiz) -> list[str]:
    slots = quiz.slots.filter(question__isnull=False).order_by("position")
    return list(slots.values_list("question__name", flat=True))


def test_move_and_remove_without_javascript(login: Any, teacher: User) -> None:
    quiz = quiz_with_questions(teacher, 3)
    client = login(teacher)
    third = quiz.slots.get(position=3)

    response = client.post(
        reverse("testing:quiz_slot_move", args=[quiz.pk, third.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert response["Location"] == quiz.get_absolute_url()
    assert _order(quiz) == ["Вопрос 1", "Вопрос 3", "Вопрос 2"]

    client.post(reverse("testing:quiz_slot_move", args=[quiz.pk, third.pk]), {"direction": "down"})
    assert _order(quiz) == ["Вопрос 1", "Вопрос 2", "Вопрос 3"]

    first = quiz.slots.get(position=1)
    client.post(reverse("testing:quiz_slot_remove", args=[quiz.pk, first.pk]))
    assert _order(quiz) == ["Вопрос 2", "Вопрос 3"]
    assert list(quiz.slots.values_list("position", flat=True).order_by("position")) == [1, 2]


def test_htmx_swaps_the_table(login: Any, teacher: User) -> None:
    quiz = quiz_with_questions(teacher, 2)
    slot = quiz.slots.get(position=2)

    response = login(teacher).post(
        reverse("testing:quiz_slot_move", args=[quiz.pk, slot.pk]),
        {"direction": "up"},
        headers=HTMX,
    )

    assert response.status_code == 200
    fragment = html(response)
    assert fragment.startswith('<div id="slots">')
    assert "<html" not in fragment
    assert fragment.index("Вопрос 2") < fragment.index("Вопрос 1")
    assert "Вопросов у ученика: 2, максимум баллов: 2" in fragment


def test_points_change_and_a_bad_value_is_reported(login: Any, teacher: User) -> None:
    quiz = quiz_with_questions(teacher, 2)
    slot = quiz.slots.get(position=1)
    url = reverse("testing:quiz_slot_points", args=[quiz.pk, slot.pk])
    client = login(teacher)

    fragment = html(client.post(url, {"points": "2.5"}, headers=HTMX))
    assert "максимум баллов: 3,5" in fragment or "максимум баллов: 3.5" in fragment

    fragment = html(client.post(url, {"points": "0"}, headers=HTMX))
    assert "Баллы за вопрос — больше нуля" in fragment
    response = client.post(url, {"points": "abc"})
    assert response.status_code == 302
    assert "Баллы за вопрос" in html(client.get(quiz.get_absolute_url()))
    slot.refresh_from_db()
    assert slot.points == Decimal("2.5")


def test_slot_actions_permissions(
    login: Any, teacher: User, colleague: User, outsider: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher, 2, visibility=Question.Visibility.SCHOOL)
    slot = quiz.slots.get(position=2)
    move = reverse("testing:quiz_slot_move", args=[quiz.pk, slot.pk])
    remove = reverse("testing:quiz_slot_remove", args=[quiz.pk, slot.pk])
    school_colleague = colleague_of(teacher, world)

    assert login(teacher).get(move).status_code == 405
    assert login(school_colleague).post(move, {"direction": "up"}).status_code == 403
    assert login(school_colleague).post(remove).status_code == 403
    assert login(colleague).post(remove).status_code == 404  # another school: not seen
    assert login(outsider).post(remove).status_code == 404
    other = quiz_with_questions(teacher, 1)
    foreign_slot = other.slots.get()
    assert (
        login(teacher)
        .post(reverse("testing:quiz_slot_remove", args=[quiz.pk, foreign_slot.pk]))
        .status_code
        == 404
    )
    assert quiz.slots.count() == 2
    assert QuizSlot.objects.filter(pk=foreign_slot.pk).exists()


def colleague_of(teacher: User, world: World) -> User:
    from metodset.accounts.models import Role
    from metodset.accounts.tests.factories import person

    return person(world.school, Role.TEACHER, email="second@school1.test", last_name="Вторая")


# --- The bank picker -------------------------------------------------------------------------


def test_the_picker_lists_what_one_sees_and_adds_the_ticked(
    login: Any, teacher: User, colleague: User
) -> None:
    quiz = make_quiz(teacher)
    mine = bank(teacher, 2, prefix="Мой")
    bank(colleague, 1, prefix="Личный коллеги")
    (shared,) = bank(colleague, 1, prefix="Общий", visibility=Question.Visibility.NETWORK)
    client = login(teacher)
    url = reverse("testing:quiz_questions", args=[quiz.pk])

    page = html(client.get(url))
    assert "Мой 1" in page
    assert "Мой 2" in page
    assert "Общий 1" in page
    assert "Личный коллеги" not in page

    response = client.post(url, {"question": [shared.pk, mine[0].pk], "points": "2"})

    assert response.status_code == 302
    assert _order(quiz) == ["Общий 1", "Мой 1"]
    assert services.quiz_size(quiz) == (2, Decimal(4))
    page = html(client.get(url))
    assert "уже в тесте" in page


def test_the_picker_filters_with_and_without_htmx(login: Any, teacher: User) -> None:
    quiz = make_quiz(teacher)
    bank(teacher, 2, prefix="Дробь")
    bank(teacher, 2, path=("Геометрия",), prefix="Треугольник", difficulty=3)
    client = login(teacher)
    url = reverse("testing:quiz_questions", args=[quiz.pk])

    page = html(client.get(url, {"q": "треугольник"}))
    assert "Треугольник 1" in page
    assert "Дробь 1" not in page
    assert "<html" in page

    fragment = html(client.get(url, {"category": category_at("Математика").pk}, headers=HTMX))
    assert fragment.startswith('<div id="picker-results"')
    assert "Дробь 2" in fragment
    assert "Треугольник" not in fragment

    fragment = html(client.get(url, {"difficulty": "3", "type": "single_choice"}, headers=HTMX))
    assert "Треугольник 2" in fragment
    assert "Дробь" not in fragment


def test_the_picker_refusals_keep_the_ticks(login: Any, teacher: User, colleague: User) -> None:
    quiz = make_quiz(teacher, visibility=Question.Visibility.NETWORK)
    (question,) = bank(teacher, 1)
    url = reverse("testing:quiz_questions", args=[quiz.pk])
    client = login(teacher)

    response = client.post(url, {"points": "1"})
    assert response.status_code == 200
    assert "Выберите хотя бы один вопрос" in html(response)

    response = client.post(url, {"question": [question.pk], "points": "0"})
    assert response.status_code == 200
    assert f'value="{question.pk}" id="question-{question.pk}" checked' in html(response)
    assert not quiz.slots.exists()

    assert login(colleague).get(url).status_code == 403
    assert login(colleague).post(url, {"question": [question.pk], "points": "1"}).status_code == 403
    assert not quiz.slots.exists()


# --- A random draw ---------------------------------------------------------------------------


def test_a_random_draw_through_the_form(login: Any, teacher: User) -> None:
    quiz = make_quiz(teacher)
    bank(teacher, 3, difficulty=2)
    bank(teacher, 2, path=("Математика", "Дроби", "Сравнение"), prefix="Сравнение", difficulty=2)
    client = login(teacher)
    url = reverse("testing:quiz_random", args=[quiz.pk])
    fractions = category_at("Математика", "Дроби")

    form = html(client.get(url))
    assert "\u00a0\u00a0\u00a0Дроби" in form  # the tree as indented options

    response = client.post(
        url,
        {
            "category": fractions.pk,
            "count": "6",
            "difficulty": "2",
            "include_subcategories": "on",
            "points": "2",
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert "доступно вопросов: 5 сложности 2, а нужно 6" in page
    assert 'value="6"' in page
    assert not quiz.slots.exists()

    response = client.post(
        url,
        {
            "category": fractions.pk,
            "count": "5",
            "difficulty": "2",
            "include_subcategories": "on",
            "points": "2",
        },
    )
    assert response.status_code == 302
    slot = quiz.slots.get()
    assert (slot.category, slot.count, slot.difficulty, slot.points) == (
        fractions,
        5,
        2,
        Decimal(2),
    )


def test_a_random_draw_is_for_the_author(login: Any, teacher: User, colleague: User) -> None:
    quiz = make_quiz(teacher, visibility=Question.Visibility.NETWORK)
    assert login(colleague).get(reverse("testing:quiz_random", args=[quiz.pk])).status_code == 403


# --- The preview -----------------------------------------------------------------------------


def test_the_preview_shows_one_draw(login: Any, teacher: User, colleague: User) -> None:
    quiz = quiz_with_questions(teacher, 2, visibility=Question.Visibility.NETWORK)
    bank(teacher, 3, path=("Геометрия",), prefix="Угол")
    services.add_random_draw(actor=teacher, quiz=quiz, category=category_at("Геометрия"), count=2)
    # A question the bank no longer gives: the preview says the draw falls short.
    Question.objects.filter(name="Угол 1").update(is_archived=True)
    Question.objects.filter(name="Угол 2").update(is_archived=True)

    page = html(login(colleague).get(reverse("testing:quiz_preview", args=[quiz.pk])))

    assert "Вопрос 1" in page
    assert "Вопрос 2" in page
    assert "Сколько будет 1 + 1?" in page
    assert "Угол 3" in page
    assert "не хватает вопросов" in page
    assert "Вопросов у ученика: 4" in page


def test_the_preview_is_hidden_as_the_test(login: Any, teacher: User, student: User) -> None:
    quiz = quiz_with_questions(teacher, 1)
    url = reverse("testing:quiz_preview", args=[quiz.pk])
    assert login(student).get(url).status_code == 404
    assert login(teacher).post(url).status_code == 405
