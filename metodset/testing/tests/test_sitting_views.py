"""The sitting pages: assigning a test to classes of one or several schools (times in the
district's zone, «Ещё школа» without JavaScript, a failed form keeping what was typed),
the staff's list, the sitting page for the staff and the student's card, cancelling —
and who may do what."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Organization, User
from metodset.conftest import World
from metodset.testing import services
from metodset.testing.models import Question, Quiz, Sitting
from metodset.testing.tests.builders import assign, html, pupil, quiz_with_questions, student_group

pytestmark = pytest.mark.django_db

TOMSK = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _tomsk(world: World) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save(update_fields=["time_zone"])


def _tomorrow() -> datetime.date:
    return (timezone.now().astimezone(TOMSK) + datetime.timedelta(days=1)).date()


def _form(
    quiz: Quiz, rows: list[tuple[Organization | None, str]], **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "quiz": quiz.pk,
        "title": "Ежемесячный тест, октябрь",
        "day": _tomorrow().isoformat(),
        "opens": "10:00",
        "closes": "11:00",
        "closes_day": "",
        "classes-TOTAL_FORMS": str(max(len(rows), 2)),
        "classes-INITIAL_FORMS": "0",
        "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "50",
    }
    for index, (organization, classes) in enumerate(rows):
        data[f"classes-{index}-organization"] = organization.pk if organization else ""
        data[f"classes-{index}-classes"] = classes
    data.update(overrides)
    return data


# --- Assigning -------------------------------------------------------------------------------


def test_a_teacher_assigns_a_test_to_her_classes(
    login: Any, teacher: User, student: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher)
    client = login(teacher)
    page = html(client.get(reverse("testing:sitting_new"), {"quiz": quiz.pk}))
    assert f'<option value="{quiz.pk}" selected>' in page
    assert "Asia/Tomsk" in page
    assert "Ещё школа" in page

    response = client.post(reverse("testing:sitting_new"), _form(quiz, [(world.school, "7Б, 7А")]))

    sitting = Sitting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == sitting.get_absolute_url()
    opens = sitting.opens_at.astimezone(TOMSK)
    assert (opens.date(), opens.hour, opens.minute) == (_tomorrow(), 10, 0)  # the district's zone
    assert sitting.closes_at - sitting.opens_at == datetime.timedelta(hours=1)
    assert services.describe_targets(sitting) == "7А, 7Б (МБОУ СОШ №1)"
    page = html(client.get(sitting.get_absolute_url()))
    assert "Ученикова Маша" in page
    assert "не начинал" in page


def test_a_teacher_cannot_assign_another_schools_classes(
    login: Any, teacher: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher)
    response = login(teacher).post(
        reverse("testing:sitting_new"),
        _form(quiz, [(world.school, "7Б"), (world.other_school, "7А")]),
    )
    assert response.status_code == 200
    page = html(response)
    assert "Выберите корректный вариант" in page
    assert not Sitting.objects.exists()
    options = html(login(teacher).get(reverse("testing:sitting_new")))
    assert world.other_school.short_name not in options


def test_a_methodist_assigns_to_schools_of_the_district(
    login: Any, methodist: User, teacher: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher, visibility=Question.Visibility.NETWORK)
    pupil(world.school, "Антонова", "5А")
    pupil(world.other_school, "Гусева", "5В")
    client = login(methodist)
    page = html(client.get(reverse("testing:sitting_new")))
    assert world.school.short_name in page
    assert world.other_school.short_name in page
    assert world.far_school.short_name not in page

    response = client.post(
        reverse("testing:sitting_new"),
        _form(quiz, [(world.school, "5А, 5Б"), (world.other_school, "5")]),
    )

    assert response.status_code == 302
    sitting = Sitting.objects.get()
    assert services.describe_targets(sitting) == "5 (МБОУ Гимназия №2); 5А, 5Б (МБОУ СОШ №1)"
    assert sitting.created_by == methodist
    page = html(client.get(sitting.get_absolute_url()))
    assert "Антонова" in page
    assert "Гусева" in page
    assert "5А, 5Б (МБОУ СОШ №1)" in page


def test_more_rows_without_javascript_keeps_everything_typed(
    login: Any, methodist: User, teacher: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher, visibility=Question.Visibility.NETWORK)
    data = _form(
        quiz,
        [(world.school, "5А"), (world.other_school, "5")],
        title="Мой набранный заголовок",
        more_rows="1",
    )

    response = login(methodist).post(reverse("testing:sitting_new"), data)

    assert response.status_code == 200
    page = html(response)
    assert 'name="classes-TOTAL_FORMS" value="3"' in page
    assert "Мой набранный заголовок" in page
    assert 'value="5А"' in page
    assert f'<option value="{world.other_school.pk}" selected>' in page
    assert "classes-2-organization" in page
    assert "invalid-feedback" not in page  # not checked yet
    assert not Sitting.objects.exists()


def test_a_failed_form_keeps_what_was_typed(login: Any, teacher: User, world: World) -> None:
    quiz = quiz_with_questions(teacher)
    response = login(teacher).post(
        reverse("testing:sitting_new"),
        _form(quiz, [(world.school, "7Б"), (None, "8В")], day="", title="Пробный заголовок"),
    )
    assert response.status_code == 200
    page = html(response)
    assert "Пробный заголовок" in page
    assert 'value="8В"' in page
    assert "Выберите школу этих классов" in page
    assert not Sitting.objects.exists()


def test_a_service_refusal_is_a_form_error(login: Any, teacher: User, world: World) -> None:
    quiz = quiz_with_questions(teacher)
    yesterday = (_tomorrow() - datetime.timedelta(days=2)).isoformat()
    response = login(teacher).post(
        reverse("testing:sitting_new"), _form(quiz, [(world.school, "7Б")], day=yesterday)
    )
    assert response.status_code == 200
    assert "Время закрытия уже прошло" in html(response)
    response = login(teacher).post(reverse("testing:sitting_new"), _form(quiz, []))
    assert "Выберите хотя бы один класс или объединение" in html(response)
    assert not Sitting.objects.exists()


def test_a_group_leader_assigns_to_the_group(
    login: Any, methodist: User, teacher: User, world: World
) -> None:
    member = pupil(world.other_school, "Жукова", "8А")
    group = student_group(methodist, teacher, member, "Юные математики")
    quiz = quiz_with_questions(teacher)
    client = login(teacher)
    assert "Юные математики" in html(client.get(reverse("testing:sitting_new")))

    response = client.post(reverse("testing:sitting_new"), _form(quiz, [], groups=[group.pk]))

    assert response.status_code == 302
    sitting = Sitting.objects.get()
    assert services.describe_targets(sitting) == "Юные математики"
    assert login(member).get(sitting.get_absolute_url()).status_code == 200


def test_students_cannot_assign(login: Any, student: User, client: Client) -> None:
    url = reverse("testing:sitting_new")
    assert client.get(url).status_code == 302
    assert login(student).get(url).status_code == 403


def test_a_test_one_does_not_see_is_not_offered(
    login: Any, teacher: User, colleague: User, world: World
) -> None:
    private = quiz_with_questions(colleague)
    client = login(teacher)
    response = client.post(reverse("testing:sitting_new"), _form(private, [(world.school, "7Б")]))
    assert response.status_code == 200
    assert "Выберите корректный вариант" in html(response)
    assert not Sitting.objects.exists()


# --- Editing ---------------------------------------------------------------------------------


def test_who_assigned_edits_the_window_and_classes(login: Any, teacher: User, world: World) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    client = login(teacher)
    url = reverse("testing:sitting_edit", args=[sitting.pk])
    form = html(client.get(url))
    assert 'value="7Б"' in form
    assert "disabled" in form  # the test itself is not changed

    response = client.post(
        url, _form(quiz, [(world.school, "7Б, 7В")], opens="12:00", closes="13:30", title="")
    )

    assert response.status_code == 302
    sitting.refresh_from_db()
    opens = sitting.opens_at.astimezone(TOMSK)
    assert (opens.hour, opens.minute) == (12, 0)
    assert sitting.title == quiz.title
    assert services.describe_targets(sitting) == "7Б, 7В (МБОУ СОШ №1)"


def test_after_a_start_moving_the_opening_is_a_form_error(
    login: Any, teacher: User, student: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")], open_now=True)
    services.start_attempt(actor=student, sitting=sitting)
    opens = sitting.opens_at.astimezone(TOMSK)
    closes = sitting.closes_at.astimezone(TOMSK)
    url = reverse("testing:sitting_edit", args=[sitting.pk])
    fields = {
        "day": opens.date().isoformat(),
        "closes_day": closes.date().isoformat() if closes.date() != opens.date() else "",
        "closes": (closes + datetime.timedelta(minutes=30)).strftime("%H:%M"),
    }

    moved = login(teacher).post(
        url,
        _form(
            quiz,
            [(world.school, "7Б")],
            opens=(opens + datetime.timedelta(minutes=5)).strftime("%H:%M"),
            **fields,
        ),
    )
    assert moved.status_code == 200
    assert "время открытия менять нельзя" in html(moved)

    # The same opening, typed to the minute, keeps its seconds: only the closing moves.
    kept = login(teacher).post(
        url, _form(quiz, [(world.school, "7Б")], opens=opens.strftime("%H:%M"), **fields)
    )
    assert kept.status_code == 302
    before = sitting.opens_at
    sitting.refresh_from_db()
    assert sitting.opens_at == before


def test_edit_permissions(
    login: Any,
    teacher: User,
    school_admin: User,
    methodist: User,
    outsider: User,
    student: User,
    world: World,
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    url = reverse("testing:sitting_edit", args=[sitting.pk])
    assert login(school_admin).get(url).status_code == 403  # sees it, did not assign it
    assert login(methodist).get(url).status_code == 200  # the district's
    assert login(outsider).get(url).status_code == 404
    assert login(student).get(url).status_code == 403  # their card, not the form
    services.cancel_sitting(actor=teacher, sitting=sitting, reason="Карантин")
    assert login(teacher).get(url).status_code == 302


# --- The list --------------------------------------------------------------------------------


def test_the_list_splits_upcoming_open_and_finished(
    login: Any, teacher: User, student: User, world: World, django_assert_max_num_queries: Any
) -> None:
    quiz = quiz_with_questions(teacher, title="Дроби")
    assign(teacher, quiz, [(world.school, "7Б")], title="Будущий тест")
    running = assign(teacher, quiz, [(world.school, "7")], open_now=True, title="Идущий тест")
    cancelled = assign(teacher, quiz, [(world.school, "7А")], title="Отменённый тест")
    services.cancel_sitting(actor=teacher, sitting=cancelled, reason="Карантин")
    attempt = services.start_attempt(actor=student, sitting=running)
    services.submit_attempt(actor=student, attempt=attempt)
    client = login(teacher)

    page = html(client.get(reverse("testing:sittings")))

    assert page.index("Идущий тест") < page.index("Будущий тест") < page.index("Отменённый тест")
    assert "7 (МБОУ СОШ №1)" in page
    assert "Asia/Tomsk" in page
    with django_assert_max_num_queries(20) as counted:
        client.get(reverse("testing:sittings"))
    for number in range(3):
        assign(teacher, quiz, [(world.school, "7Б"), (world.school, "7В")], title=f"Ещё {number}")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("testing:sittings"))


def test_the_list_shows_what_ones_school_takes(
    login: Any, methodist: User, teacher: User, colleague: User, school_admin: User, world: World
) -> None:
    quiz = quiz_with_questions(methodist, visibility=Question.Visibility.NETWORK)
    assign(methodist, quiz, [(world.school, "7Б")], title="Для первой школы")
    assert "Для первой школы" in html(login(school_admin).get(reverse("testing:sittings")))
    assert "Для первой школы" in html(login(teacher).get(reverse("testing:sittings")))
    assert "Для первой школы" not in html(login(colleague).get(reverse("testing:sittings")))


def test_the_list_is_for_staff(login: Any, student: User, parent: User, client: Client) -> None:
    url = reverse("testing:sittings")
    assert client.get(url).status_code == 302
    assert login(student).get(url).status_code == 403
    assert login(parent).get(url).status_code == 403
    assert login(student).post(url).status_code == 405


# --- The sitting page ------------------------------------------------------------------------


@pytest.fixture
def two_schools(methodist: User, student: User, world: World) -> Sitting:
    """A methodist's test for 7Б of school №1 (Маша has finished it) and 7А of school №2."""
    pupil(world.other_school, "Гусева", "7А")
    quiz = quiz_with_questions(methodist, visibility=Question.Visibility.NETWORK)
    sitting = assign(
        methodist, quiz, [(world.school, "7Б"), (world.other_school, "7А")], open_now=True
    )
    attempt = services.start_attempt(actor=student, sitting=sitting)
    services.submit_attempt(actor=student, attempt=attempt)
    return sitting


def test_the_manager_sees_every_name_score_and_links(
    login: Any, methodist: User, two_schools: Sitting
) -> None:
    page = html(login(methodist).get(two_schools.get_absolute_url()))

    assert "Ученикова Маша" in page
    assert "Гусева" in page
    assert "завершил" in page
    assert "не начинал" in page
    assert "0 / 3" in page
    assert "обучающихся: 2, начали: 1, завершили: 1" in page
    assert reverse("testing:sitting_results", args=[two_schools.pk]) in page
    # Someone has finished: results are never thrown away, so no «Отменить».
    assert reverse("testing:sitting_cancel", args=[two_schools.pk]) not in page
    assert reverse("testing:sitting_edit", args=[two_schools.pk]) in page


def test_a_teacher_of_one_school_sees_names_of_hers_only(
    login: Any, teacher: User, colleague: User, two_schools: Sitting
) -> None:
    page = html(login(teacher).get(two_schools.get_absolute_url()))
    assert "Ученикова Маша" in page
    assert "Гусева" not in page
    assert "МБОУ Гимназия №2" in page  # figures only
    assert reverse("testing:sitting_cancel", args=[two_schools.pk]) not in page

    page = html(login(colleague).get(two_schools.get_absolute_url()))
    assert "Гусева" in page
    assert "Ученикова" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("methodist", 200),
        ("teacher", 200),
        ("colleague", 200),
        ("school_admin", 200),
        ("expert", 404),
        ("student", 200),
        ("parent", 404),
        ("outsider", 404),
        ("guest", 302),
    ],
)
def test_the_sitting_page_for_each_persona(
    request: Any, login: Any, two_schools: Sitting, who: str, status: int
) -> None:
    response = login(request.getfixturevalue(who)).get(two_schools.get_absolute_url())
    assert response.status_code == status


def test_the_student_sees_a_card_of_a_sitting_given_to_her_class(
    login: Any, teacher: User, student: User, world: World
) -> None:
    quiz = quiz_with_questions(
        teacher,
        description="Решайте **без калькулятора**.",
        time_limit_minutes=40,
        attempts_allowed=2,
    )
    sitting = assign(teacher, quiz, [(world.school, "7Б")], open_now=True)
    client = login(student)

    page = html(client.get(sitting.get_absolute_url()))

    assert "<strong>без калькулятора</strong>" in page
    assert "40 мин" in page
    assert "разрешено: 2, использовано: 0" in page
    assert reverse("testing:sitting_start", args=[sitting.pk]) in page
    assert "Начать тест" in page
    assert "Обучающиеся" not in page  # no list of students on the card

    attempt = services.start_attempt(actor=student, sitting=sitting)
    assert "Продолжить тест" in html(client.get(sitting.get_absolute_url()))
    services.submit_attempt(actor=student, attempt=attempt)
    page = html(client.get(sitting.get_absolute_url()))
    assert "разрешено: 2, использовано: 1" in page
    assert reverse("testing:attempt", args=[attempt.pk]) in page
    assert "Начать тест" in page


def test_the_card_before_opening_and_after_cancelling(
    login: Any, teacher: User, student: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7")])
    client = login(student)
    page = html(client.get(sitting.get_absolute_url()))
    assert "Тест ещё не открыт" in page
    assert reverse("testing:sitting_start", args=[sitting.pk]) not in page

    services.cancel_sitting(actor=teacher, sitting=sitting, reason="Карантин в школе")
    page = html(client.get(sitting.get_absolute_url()))
    assert "Карантин в школе" in page
    assert "Начать тест" not in page


def test_a_student_of_another_class_gets_404(login: Any, teacher: User, world: World) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    other_class = pupil(world.school, "Фомин", "7А")
    other_school = pupil(world.other_school, "Хромова", "7Б")
    assert login(other_class).get(sitting.get_absolute_url()).status_code == 404
    assert login(other_school).get(sitting.get_absolute_url()).status_code == 404


def test_the_page_takes_only_get(login: Any, methodist: User, two_schools: Sitting) -> None:
    assert login(methodist).post(two_schools.get_absolute_url()).status_code == 405


# --- Cancelling ------------------------------------------------------------------------------


def test_cancel_needs_a_reason(login: Any, teacher: User, student: User, world: World) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    client = login(teacher)
    url = reverse("testing:sitting_cancel", args=[sitting.pk])

    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    sitting.refresh_from_db()
    assert not sitting.is_cancelled
    assert "Укажите причину отмены" in html(client.get(sitting.get_absolute_url()))

    client.post(url, {"reason": "Карантин"})
    sitting.refresh_from_db()
    assert (sitting.is_cancelled, sitting.cancel_reason) == (True, "Карантин")
    page = html(client.get(sitting.get_absolute_url()))
    assert "Тестирование отменено. Причина: Карантин" in page
    assert reverse("testing:sitting_edit", args=[sitting.pk]) not in page


def test_a_sitting_with_results_is_not_cancelled(
    login: Any, methodist: User, two_schools: Sitting
) -> None:
    client = login(methodist)
    client.post(reverse("testing:sitting_cancel", args=[two_schools.pk]), {"reason": "Ошибка"})
    two_schools.refresh_from_db()
    assert not two_schools.is_cancelled
    assert "с результатами нельзя" in html(client.get(two_schools.get_absolute_url()))


def test_cancel_permissions(
    login: Any, teacher: User, school_admin: User, outsider: User, student: User, world: World
) -> None:
    quiz = quiz_with_questions(teacher)
    sitting = assign(teacher, quiz, [(world.school, "7Б")])
    url = reverse("testing:sitting_cancel", args=[sitting.pk])
    assert login(teacher).get(url).status_code == 405
    assert login(school_admin).post(url, {"reason": "Моё решение"}).status_code == 403
    assert login(student).post(url, {"reason": "Не хочу"}).status_code == 403
    assert login(outsider).post(url, {"reason": "Чужое"}).status_code == 404
    sitting.refresh_from_db()
    assert not sitting.is_cancelled
