"""The student's pages: «Мои тесты», starting, a question per page with its timer, every
answer saved through the JSON endpoint (or the form without JavaScript), the confirmation,
the result with the review the test allows and the journal decision; who sees what."""

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.conftest import World
from metodset.testing import formats, grading, services
from metodset.testing.formats.items import Item, ParseResult
from metodset.testing.models import Attempt, AttemptItem, Question, Quiz, Sitting
from metodset.testing.services.attempts import GRACE, item_of_version
from metodset.testing.tests.builders import (
    EXAM_RIGHT,
    FIXTURES,
    MORNING,
    answer,
    exam_bank,
    four,
    make_quiz,
    make_sitting,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(time_machine: Any, world: World) -> datetime.datetime:
    """10:00 in Tomsk, the district's zone: the pages show times in it."""
    world.district.time_zone = "Asia/Tomsk"
    world.district.save(update_fields=["time_zone"])
    time_machine.move_to(MORNING, tick=False)
    return MORNING


@pytest.fixture
def questions(teacher: User) -> dict[str, Question]:
    return exam_bank(teacher)


@pytest.fixture
def quiz(teacher: User, questions: dict[str, Question]) -> Quiz:
    return make_quiz(teacher, four(questions), time_limit_minutes=30, review="after_submit")


@pytest.fixture
def sitting(teacher: User, world: World, quiz: Quiz, morning: Any) -> Sitting:
    return make_sitting(teacher, quiz, [(world.school, "7Б")])


@pytest.fixture
def attempt(sitting: Sitting, student: User) -> Attempt:
    return services.start_attempt(actor=student, sitting=sitting)


@pytest.fixture
def finished(attempt: Attempt, student: User) -> Attempt:
    answer(student, attempt, {**EXAM_RIGHT, 4: {"text": "5"}})
    return services.submit_attempt(actor=student, attempt=attempt)


@pytest.fixture
def classmate(world: World) -> User:
    return person(world.school, Role.STUDENT, email="classmate@school1.test", student_class="7Б")


def page_url(attempt: Attempt, position: int | None = None) -> str:
    url = reverse("testing:attempt", args=[attempt.pk])
    return url if position is None else f"{url}?n={position}"


def answer_url(attempt: Attempt) -> str:
    return reverse("testing:attempt_answer", args=[attempt.pk])


def post_json(client: Client, attempt: Attempt, body: Any) -> Any:
    return client.post(
        answer_url(attempt),
        data=json.dumps(body),
        content_type="application/json",
    )


def text_of(response: Any) -> str:
    """The page's text with tags and runs of spaces dropped, to check sentences."""
    content = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def stored(attempt: Attempt, position: int) -> AttemptItem:
    return AttemptItem.objects.get(attempt=attempt, position=position)


# --- «Мои тесты» -------------------------------------------------------------------------


def test_my_tests_shows_open_upcoming_and_finished(
    login: Any, student: User, teacher: User, world: World, quiz: Quiz, sitting: Sitting
) -> None:
    later = make_sitting(teacher, quiz, [(world.school, "7Б")], opens_in=datetime.timedelta(days=1))
    later.title = "Контрольная в декабре"
    later.save(update_fields=["title"])
    client = login(student)

    page = client.get(reverse("testing:my_tests"))

    assert page.status_code == 200
    text = text_of(page)
    assert "Открыты сейчас" in text
    assert f'data-open-sitting="{sitting.pk}"' in page.content.decode()
    assert "Начать" in text
    assert "На тест — 30 мин." in text
    assert f'data-upcoming-sitting="{later.pk}"' in page.content.decode()
    # The window in the district's zone: 24 November, 10:00 in Tomsk.
    assert "24 ноября 2026, 10:00 — 24 ноября, 11:00 (Asia/Tomsk)" in text
    assert "Пройденных тестов пока нет." in text


def test_my_tests_offers_to_continue_then_shows_the_result(
    login: Any, student: User, attempt: Attempt, time_machine: Any
) -> None:
    client = login(student)
    time_machine.move_to(MORNING + datetime.timedelta(minutes=10), tick=False)

    page = client.get(reverse("testing:my_tests"))
    assert "Продолжить" in text_of(page)
    assert "осталось 20:00" in text_of(page)
    assert page_url(attempt) in page.content.decode()

    services.submit_attempt(actor=student, attempt=attempt)
    page = client.get(reverse("testing:my_tests"))
    assert "Сейчас открытых тестов нет." in text_of(page)
    assert f'data-attempt="{attempt.pk}"' in page.content.decode()
    assert "0 из 4 (0 %)" in text_of(page)


def test_my_tests_finishes_an_attempt_whose_time_ran_out(
    login: Any, student: User, attempt: Attempt, time_machine: Any
) -> None:
    time_machine.move_to(attempt.deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    login(student).get(reverse("testing:my_tests"))

    attempt.refresh_from_db()
    assert attempt.finish == Attempt.Finish.TIMED_OUT


def test_a_parent_sees_the_childs_results(login: Any, parent: User, finished: Attempt) -> None:
    page = login(parent).get(reverse("testing:my_tests"))

    assert page.status_code == 200
    text = text_of(page)
    assert "Результаты детей" in text
    assert "Ученикова Маша" in text or "Маша Ученикова" in text
    assert f'data-attempt="{finished.pk}"' in page.content.decode()
    assert "Начать" not in text


def test_staff_get_a_link_to_the_sittings(login: Any, teacher: User) -> None:
    page = login(teacher).get(reverse("testing:my_tests"))

    assert page.status_code == 200
    assert reverse("testing:sittings") in page.content.decode()


def test_my_tests_needs_a_login(client: Client) -> None:
    assert client.get(reverse("testing:my_tests")).status_code == 302


# --- Starting ----------------------------------------------------------------------------


def test_start_opens_the_first_question(login: Any, student: User, sitting: Sitting) -> None:
    client = login(student)

    response = client.post(reverse("testing:sitting_start", args=[sitting.pk]))

    attempt = Attempt.objects.get(sitting=sitting, student=student)
    assert response.status_code == 302
    assert response["Location"] == page_url(attempt)
    again = client.post(reverse("testing:sitting_start", args=[sitting.pk]))
    assert again["Location"] == page_url(attempt)
    assert Attempt.objects.count() == 1


def test_start_refused_goes_back_to_the_sitting_with_the_reason(
    login: Any, student: User, teacher: User, world: World, quiz: Quiz, morning: Any
) -> None:
    later = make_sitting(
        teacher, quiz, [(world.school, "7Б")], opens_in=datetime.timedelta(hours=1)
    )

    response = login(student).post(reverse("testing:sitting_start", args=[later.pk]), follow=True)

    assert response.redirect_chain[0] == (reverse("testing:sitting", args=[later.pk]), 302)
    assert "Тест ещё не открыт." in text_of(response)
    assert not Attempt.objects.exists()


def test_start_by_the_teacher_is_forbidden(login: Any, teacher: User, sitting: Sitting) -> None:
    response = login(teacher).post(reverse("testing:sitting_start", args=[sitting.pk]))

    assert response.status_code == 403
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "colleague", "parent"])
def test_start_of_an_invisible_sitting_is_404(
    login: Any, sitting: Sitting, persona: str, request: pytest.FixtureRequest
) -> None:
    response = login(request.getfixturevalue(persona)).post(
        reverse("testing:sitting_start", args=[sitting.pk])
    )

    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_start_is_a_post(login: Any, student: User, sitting: Sitting) -> None:
    response = login(student).get(reverse("testing:sitting_start", args=[sitting.pk]))

    assert response.status_code == 405


# --- The question page -----------------------------------------------------------------------


def test_the_attempt_page_shows_question_one_with_the_timer(
    login: Any, student: User, attempt: Attempt
) -> None:
    page = login(student).get(page_url(attempt))

    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-seconds-left="1800"' in content
    assert "30:00" in content
    assert "Столица России?" in content
    assert content.count('name="choice"') == 3
    assert 'name="go" value="2"' in content
    assert "Вопрос 1 из 4" in text_of(page)
    assert "Тест завершится не позже 10:30" in text_of(page)
    assert "vendor/katex/katex.min.js" in content
    assert "js/attempt.js" in content


def test_a_question_is_chosen_by_its_number_and_options_keep_the_layout(
    login: Any, student: User, attempt: Attempt
) -> None:
    row = stored(attempt, 2)
    row.layout = {"answers": [2, 0, 1]}
    row.save(update_fields=["layout"])

    content = login(student).get(page_url(attempt, 2)).content.decode()

    indices = re.findall(r'name="choices" value="(\d)"', content)
    assert indices == ["2", "0", "1"]
    assert "Вопрос 2 из 4" in content
    assert 'aria-current="step"' in content


def test_an_answer_saved_by_json_is_shown_again_after_a_reload(
    login: Any, student: User, attempt: Attempt, morning: Any
) -> None:
    client = login(student)

    saved = post_json(client, attempt, {"position": 1, "response": {"choice": 0}})

    assert saved.status_code == 200
    assert saved.json() == {"saved_at": "2026-11-23T03:00:00+00:00", "seconds_left": 1800}
    assert stored(attempt, 1).response == {"choice": 0}
    content = client.get(page_url(attempt, 1)).content.decode()
    assert 'id="q1-a0" checked' in content
    assert "Сохранено 10:00:00" in content
    assert 'value="1" class="attempt-nav-button is-answered"' in content


def test_the_flag_is_saved_alone(login: Any, student: User, attempt: Attempt) -> None:
    client = login(student)
    post_json(client, attempt, {"position": 3, "response": {"value": True}})

    response = post_json(client, attempt, {"position": 3, "flagged": True})

    assert response.status_code == 200
    row = stored(attempt, 3)
    assert (row.response, row.flagged) == ({"value": True}, True)
    assert "is-flagged" in client.get(page_url(attempt, 3)).content.decode()


def test_null_takes_an_answer_back(login: Any, student: User, attempt: Attempt) -> None:
    client = login(student)
    post_json(client, attempt, {"position": 1, "response": {"choice": 0}})

    response = post_json(client, attempt, {"position": 1, "response": None, "flagged": False})

    assert response.status_code == 200
    assert stored(attempt, 1).response is None


def test_the_form_without_javascript_saves_and_goes_on(
    login: Any, student: User, attempt: Attempt
) -> None:
    client = login(student)

    response = client.post(
        answer_url(attempt),
        {
            "position": "2",
            "type": "multiple_choice",
            "choices": ["1", "0"],
            "has_flag": "1",
            "flagged": "1",
            "go": "3",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(attempt, 3)
    row = stored(attempt, 2)
    assert (row.response, row.flagged) == ({"choices": [0, 1]}, True)
    back = client.post(
        answer_url(attempt),
        {"position": "2", "type": "multiple_choice", "has_flag": "1", "go": "finish"},
    )
    assert back["Location"] == reverse("testing:attempt_submit", args=[attempt.pk])
    row = stored(attempt, 2)
    assert (row.response, row.flagged) == (None, False)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "single_choice", "choice": "2"}, {"choice": 2}),
        ({"type": "true_false", "value": "0"}, {"value": False}),
        ({"type": "short_answer", "text": " четыре "}, {"text": "четыре"}),
        ({"type": "numerical", "text": "4,0"}, {"text": "4,0"}),
    ],
)
def test_the_form_builds_each_simple_answer(
    login: Any, student: User, attempt: Attempt, fields: dict[str, str], expected: Any
) -> None:
    position = {"single_choice": 1, "true_false": 3, "short_answer": 4, "numerical": 4}
    number = position[fields["type"]]

    login(student).post(answer_url(attempt), {"position": str(number), **fields})

    assert stored(attempt, number).response == expected


def test_the_form_reports_an_invalid_answer_on_the_same_question(
    login: Any, student: User, attempt: Attempt
) -> None:
    response = login(student).post(
        answer_url(attempt),
        {"position": "1", "type": "single_choice", "choice": "9", "go": "2"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == page_url(attempt, 1)
    assert "Такого варианта ответа нет." in text_of(response)
    assert stored(attempt, 1).response is None


def test_an_invalid_answer_is_400_in_russian(login: Any, student: User, attempt: Attempt) -> None:
    client = login(student)

    wrong_option = post_json(client, attempt, {"position": 1, "response": {"choice": 9}})
    not_json = client.post(answer_url(attempt), data="{", content_type="application/json")
    no_position = post_json(client, attempt, {"response": {"choice": 0}})
    nothing = post_json(client, attempt, {"position": 1})

    assert wrong_option.status_code == 400
    assert wrong_option.json() == {"detail": "Такого варианта ответа нет."}
    assert not_json.status_code == 400
    assert not_json.json()["detail"] == "Ответ передан в неверном формате."
    assert no_position.status_code == 400
    assert nothing.status_code == 400
    assert stored(attempt, 1).response is None


def test_an_unknown_position_is_404(login: Any, student: User, attempt: Attempt) -> None:
    response = post_json(login(student), attempt, {"position": 9, "response": None})

    assert response.status_code == 404
    assert "нет вопроса №9" in response.json()["detail"]


def test_an_answer_after_the_deadline_is_409_and_finishes_the_attempt(
    login: Any, student: User, attempt: Attempt, time_machine: Any
) -> None:
    client = login(student)
    time_machine.move_to(attempt.deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    response = post_json(client, attempt, {"position": 1, "response": {"choice": 0}})

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Время на тест истекло: ответ не сохранён.",
        "finished": True,
        "url": page_url(attempt),
    }
    attempt.refresh_from_db()
    assert (attempt.status, attempt.finish) == (Attempt.Status.FINISHED, Attempt.Finish.TIMED_OUT)
    assert stored(attempt, 1).response is None


def test_an_answer_to_a_finished_attempt_is_409(
    login: Any, student: User, finished: Attempt
) -> None:
    client = login(student)

    by_json = post_json(client, finished, {"position": 1, "response": {"choice": 1}})
    by_form = client.post(
        answer_url(finished), {"position": "1", "type": "single_choice", "choice": "1"}
    )

    assert by_json.status_code == 409
    assert by_json.json()["finished"] is True
    assert by_form.status_code == 302
    assert by_form["Location"] == page_url(finished)
    assert stored(finished, 1).response == {"choice": 0}


def test_the_answer_endpoint_makes_few_queries(
    login: Any,
    student: User,
    attempt: Attempt,
    django_assert_max_num_queries: Any,
) -> None:
    """Session, user, the locked attempt, the question's row, the version (once per process)
    and the update, and here the savepoint pair of the test's transaction: the exam
    morning's hot path."""
    client = login(student)

    with django_assert_max_num_queries(8):
        response = post_json(client, attempt, {"position": 1, "response": {"choice": 0}})
    with django_assert_max_num_queries(7):
        again = post_json(client, attempt, {"position": 1, "response": {"choice": 1}})

    assert (response.status_code, again.status_code) == (200, 200)


def test_the_answer_endpoint_is_a_post(login: Any, student: User, attempt: Attempt) -> None:
    assert login(student).get(answer_url(attempt)).status_code == 405


def test_a_signed_out_page_hears_403_in_json(client: Client, attempt: Attempt) -> None:
    response = post_json(client, attempt, {"position": 1, "response": {"choice": 0}})

    assert response.status_code == 403
    assert "войдите снова" in response.json()["detail"]
    assert client.post(answer_url(attempt), {"position": "1"}).status_code == 302
    assert stored(attempt, 1).response is None


# --- Who sees an attempt ---------------------------------------------------------------------


def test_another_student_gets_404_everywhere(login: Any, classmate: User, attempt: Attempt) -> None:
    client = login(classmate)

    assert client.get(page_url(attempt)).status_code == 404
    assert client.get(reverse("testing:attempt_submit", args=[attempt.pk])).status_code == 404
    assert post_json(client, attempt, {"position": 1, "response": {"choice": 0}}).status_code == 404
    assert client.post(reverse("testing:attempt_journal", args=[attempt.pk])).status_code == 404
    assert stored(attempt, 1).response is None


@pytest.mark.parametrize("persona", ["outsider", "colleague", "guest"])
def test_an_attempt_is_invisible_to_others(
    login: Any, attempt: Attempt, persona: str, request: pytest.FixtureRequest
) -> None:
    response = login(request.getfixturevalue(persona)).get(page_url(attempt))

    assert response.status_code in (302, 404) if persona == "guest" else response.status_code == 404


def test_the_teacher_sees_the_attempt_in_progress_but_cannot_answer(
    login: Any, teacher: User, attempt: Attempt
) -> None:
    client = login(teacher)

    page = client.get(page_url(attempt))
    answer = post_json(client, attempt, {"position": 1, "response": {"choice": 0}})
    form = client.post(
        answer_url(attempt), {"position": "1", "type": "single_choice", "choice": "0"}
    )
    submit = client.post(reverse("testing:attempt_submit", args=[attempt.pk]))

    assert page.status_code == 200
    assert "Тест идёт" in text_of(page)
    assert 'name="choice"' not in page.content.decode()
    assert (answer.status_code, form.status_code, submit.status_code) == (404, 404, 403)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert stored(attempt, 1).response is None


def test_the_teacher_sees_the_review_and_the_choice_read_only(
    login: Any, teacher: User, student: User, finished: Attempt
) -> None:
    services.decide_journal(actor=student, attempt=finished, send=False)
    client = login(teacher)

    page = client.get(page_url(finished))
    journal = client.post(reverse("testing:attempt_journal", args=[finished.pk]), {"send": "1"})

    assert page.status_code == 200
    text = text_of(page)
    assert "3 из 4 баллов (75 %)" in text
    assert "Правильный ответ: 4" in text
    assert "Обучающийся решил не выставлять отметку в журнал 23.11.2026 в 10:00." in text
    assert "Выставить отметку в журнал" not in text
    assert journal.status_code == 403
    assert Attempt.objects.get(pk=finished.pk).journal == Attempt.Journal.KEEP


# --- Finishing and the result ----------------------------------------------------------------


def test_the_confirmation_lists_unanswered_and_flagged_questions(
    login: Any, student: User, attempt: Attempt
) -> None:
    services.save_answer(actor=student, attempt_id=attempt.pk, position=1, response={"choice": 0})
    services.save_answer(actor=student, attempt_id=attempt.pk, position=1, flagged=True)

    page = login(student).get(reverse("testing:attempt_submit", args=[attempt.pk]))

    assert page.status_code == 200
    text = text_of(page)
    assert "Вопросы без ответа (3 из 4):" in text
    content = page.content.decode()
    for position in (2, 3, 4):
        assert f'href="{page_url(attempt, position)}"' in content
    assert "Вы хотели вернуться к вопросам:" in text


def test_submit_shows_the_result_with_the_mark_then_the_journal_choice(
    login: Any, student: User, attempt: Attempt, morning: Any
) -> None:
    client = login(student)
    for position, response in {**EXAM_RIGHT, 4: {"text": "5"}}.items():
        assert (
            post_json(client, attempt, {"position": position, "response": response}).status_code
            == 200
        )

    submitted = client.post(reverse("testing:attempt_submit", args=[attempt.pk]), follow=True)

    assert submitted.redirect_chain == [(page_url(attempt), 302)]
    text = text_of(submitted)
    assert "Тест завершён." in text
    assert "3 из 4 баллов (75 %)" in text
    assert re.search(r"data-mark>\s*4\s*<", submitted.content.decode())
    assert "Выставлять отметку в журнал — ваше право выбора." in text
    assert "Выставить отметку в журнал" in text
    assert "Не выставлять" in text
    # after_submit: every question with the answer, the verdict and the right answer.
    assert "Правильный ответ: 4" in text
    assert text.count("Верно") >= 3

    decided = client.post(
        reverse("testing:attempt_journal", args=[attempt.pk]), {"send": "1"}, follow=True
    )

    assert Attempt.objects.get(pk=attempt.pk).journal == Attempt.Journal.SEND
    text = text_of(decided)
    assert "Вы решили выставить отметку 4 в журнал 23.11.2026 в 10:00." in text
    assert "Не выставлять" not in text


def test_keep_then_send_later(login: Any, student: User, finished: Attempt) -> None:
    client = login(student)

    kept = client.post(
        reverse("testing:attempt_journal", args=[finished.pk]), {"send": "0"}, follow=True
    )

    assert Attempt.objects.get(pk=finished.pk).journal == Attempt.Journal.KEEP
    text = text_of(kept)
    assert "Вы решили не выставлять отметку 4 в журнал 23.11.2026 в 10:00." in text
    assert "Выставить отметку в журнал" in text
    client.post(reverse("testing:attempt_journal", args=[finished.pk]), {"send": "1"})
    assert Attempt.objects.get(pk=finished.pk).journal == Attempt.Journal.SEND


def test_submit_of_a_finished_attempt_goes_to_the_result(
    login: Any, student: User, finished: Attempt
) -> None:
    client = login(student)

    assert client.get(reverse("testing:attempt_submit", args=[finished.pk]))[
        "Location"
    ] == page_url(finished)
    assert client.post(reverse("testing:attempt_submit", args=[finished.pk]))[
        "Location"
    ] == page_url(finished)


def test_the_journal_is_a_post(login: Any, student: User, finished: Attempt) -> None:
    assert (
        login(student).get(reverse("testing:attempt_journal", args=[finished.pk])).status_code
        == 405
    )


def test_the_attempt_page_finishes_an_overdue_attempt(
    login: Any, student: User, attempt: Attempt, time_machine: Any
) -> None:
    time_machine.move_to(attempt.deadline_at + GRACE + datetime.timedelta(seconds=1), tick=False)

    page = login(student).get(page_url(attempt))

    assert page.status_code == 200
    assert "0 из 4 баллов (0 %)" in text_of(page)
    assert "время истекло" in text_of(page)


@pytest.fixture
def taken(teacher: User, student: User, world: World, morning: Any) -> Callable[..., Attempt]:
    """taken(questions, answers, **settings): the student's finished attempt at a new test
    of `questions` with `settings`, open for her class now."""

    def take_new_test(
        questions: list[Question], answers: dict[int, Any], **settings: Any
    ) -> Attempt:
        quiz = make_quiz(teacher, questions, **settings)
        return take(student, make_sitting(teacher, quiz, [(world.school, "7Б")]), answers)

    return take_new_test


def test_an_essay_waits_for_the_teacher_on_the_result(
    login: Any, student: User, questions: dict[str, Question], taken: Callable[..., Attempt]
) -> None:
    essay = [questions["Столица"], questions["Осень"]]
    attempt = taken(essay, {2: {"text": "Листья жёлтые."}}, review="after_submit")

    text = text_of(login(student).get(page_url(attempt)))

    assert "ждёт проверки учителем" in text
    assert "Ждёт проверки учителем" in text
    assert "после проверки работы учителем" in text
    assert "Выставить отметку в журнал" not in text


def test_score_only_shows_no_answers(
    login: Any, student: User, questions: dict[str, Question], taken: Callable[..., Attempt]
) -> None:
    attempt = taken(four(questions), {}, review="score")

    text = text_of(login(student).get(page_url(attempt)))

    assert "0 из 4 баллов (0 %)" in text
    assert "Правильный ответ" not in text
    assert "Столица России?" not in text
    assert "будут показаны" not in text


def test_after_close_answers_wait_for_the_close(
    login: Any,
    student: User,
    questions: dict[str, Question],
    taken: Callable[..., Attempt],
    time_machine: Any,
) -> None:
    attempt = taken(four(questions), {}, review="after_close")
    client = login(student)

    before = text_of(client.get(page_url(attempt)))
    time_machine.move_to(attempt.sitting.closes_at, tick=False)
    after = text_of(client.get(page_url(attempt)))

    assert "будут показаны после закрытия тестирования — 23.11.2026 в 10:55" in before
    assert "Правильный ответ" not in before
    assert "Правильный ответ: 4" in after


# --- Every type of question ------------------------------------------------------------------


@pytest.fixture
def every_type(teacher: User, student: User, world: World, morning: Any) -> Attempt:
    """The student's attempt at the Moodle sample: every type, cloze and ordering included,
    images embedded."""
    result = formats.parse((FIXTURES / "sample.moodle.xml").read_bytes(), "moodlexml")
    questions = services.import_items(
        actor=teacher, result=ParseResult(items=result.items, categories=result.categories)
    )
    quiz = make_quiz(
        teacher, sorted(questions, key=lambda question: question.pk), review="after_submit"
    )
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])
    return services.start_attempt(actor=student, sitting=sitting)


def row_where(attempt: Attempt, wanted: Callable[[Item], object]) -> AttemptItem:
    """The attempt's first item whose question is `wanted`."""
    return next(
        row for row in attempt.items.order_by("position") if wanted(item_of_version(row.version_id))
    )


def of_type(kind: str) -> Callable[[Item], bool]:
    return lambda item: item.type.value == kind


def send_form(
    client: Client, attempt: Attempt, row: AttemptItem, fields: dict[str, str], **options: Any
) -> Any:
    """The answer form of `row`'s question as it is sent without JavaScript."""
    kind = item_of_version(row.version_id).type.value
    return client.post(
        answer_url(attempt), {"position": str(row.position), "type": kind, **fields}, **options
    )


CONTROLS = {
    "single_choice": 'name="choice"',
    "multiple_choice": 'name="choices"',
    "true_false": 'name="value"',
    "short_answer": 'name="text"',
    "numerical": 'inputmode="decimal"',
    "matching": 'name="pair-0"',
    "ordering": 'name="place-',
    "essay": "<textarea",
    "description": 'data-type="description"',
    "cloze": 'name="part-0"',
}


def test_every_type_is_shown_answered_and_reviewed(
    login: Any, student: User, every_type: Attempt
) -> None:
    client = login(student)
    attempt = every_type
    rows = list(attempt.items.order_by("position"))
    assert {item_of_version(row.version_id).type.value for row in rows} == set(CONTROLS)

    for row in rows:
        item = item_of_version(row.version_id)
        page = client.get(page_url(attempt, row.position))
        assert page.status_code == 200
        assert CONTROLS[item.type.value] in page.content.decode(), item.type
        right = grading.right_response(item)
        if item.type.value == "essay":
            right = {"text": "Тела падали одновременно."}
        if right is not None:
            saved = post_json(client, attempt, {"position": row.position, "response": right})
            assert saved.status_code == 200, saved.content
            # The saved answer is shown again (resume).
            assert client.get(page_url(attempt, row.position)).status_code == 200

    client.post(reverse("testing:attempt_submit", args=[attempt.pk]))
    result = client.get(page_url(attempt))

    assert result.status_code == 200
    text = text_of(result)
    assert "ждёт проверки учителем" in text  # the essay
    verdicts = re.findall(r'data-verdict="(\w*)"', result.content.decode())
    assert len(verdicts) == len(rows)
    assert set(verdicts) == {"right", "pending", ""}
    assert "@@PLUGINFILE@@" not in result.content.decode()


def test_the_image_of_a_question_is_served_to_the_student(
    login: Any, student: User, every_type: Attempt
) -> None:
    client = login(student)
    row = row_where(every_type, lambda item: item.files)

    content = client.get(page_url(every_type, row.position)).content.decode()

    image = reverse("testing:version_file", args=[row.version_id, "graph.png"])
    assert f'src="{image}"' in content
    assert 'alt="график"' in content
    assert client.get(image).status_code == 200


def test_markdown_keeps_its_formulas(
    login: Any, student: User, teacher: User, world: World, morning: Any
) -> None:
    result = formats.parse("[markdown]Найдите \\(x_1 \\cdot y_1\\) и *удачи*.{=2 ~3}", "gift")
    question = services.import_items(actor=teacher, result=result)[0]
    quiz = make_quiz(teacher, [question])
    attempt = services.start_attempt(
        actor=student, sitting=make_sitting(teacher, quiz, [(world.school, "7Б")])
    )

    content = login(student).get(page_url(attempt)).content.decode()

    assert "\\(x_1 \\cdot y_1\\)" in content
    assert "<em>удачи</em>" in content


def test_the_ordering_form_takes_a_place_for_each_element(
    login: Any, student: User, every_type: Attempt
) -> None:
    client = login(student)
    row = row_where(every_type, of_type("ordering"))

    send_form(client, every_type, row, {"place-0": "1", "place-2": "3", "place-1": "2"})
    assert stored(every_type, row.position).response == {"order": [0, 1, 2]}

    twice = send_form(
        client, every_type, row, {"place-0": "1", "place-1": "1", "place-2": "3"}, follow=True
    )
    assert "у каждого своё место" in text_of(twice)
    assert stored(every_type, row.position).response == {"order": [0, 1, 2]}


def test_the_cloze_form_takes_each_field(login: Any, student: User, every_type: Attempt) -> None:
    client = login(student)
    row = row_where(every_type, of_type("cloze"))

    send_form(client, every_type, row, {"part-0": "инерции", "part-1": "1", "part-2": "5"})

    response = stored(every_type, row.position).response
    assert response == {"parts": {"0": "инерции", "1": 1, "2": "5"}}
    content = client.get(page_url(every_type, row.position)).content.decode()
    assert 'value="инерции"' in content
    assert re.search(r'<option value="1" selected>', content)


def test_my_tests_queries_do_not_grow_with_the_results(
    login: Any,
    student: User,
    teacher: User,
    world: World,
    questions: dict[str, Question],
    morning: Any,
    django_assert_num_queries: Any,
) -> None:
    client = login(student)
    quiz = make_quiz(teacher, four(questions))

    def finish_one() -> None:
        take(student, make_sitting(teacher, quiz, [(world.school, "7Б")]), {})

    finish_one()
    client.get(reverse("testing:my_tests"))  # the session's first read
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("testing:my_tests"))
    finish_one()
    finish_one()

    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(reverse("testing:my_tests"))

    assert len(first.captured_queries) <= 10
    assert page.content.decode().count("data-attempt=") == 3
