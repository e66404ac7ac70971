"""The test bank in the REST API, part two: a student's attempt (start, resume, answers,
submit) that never shows the key while it runs, the result with the review the test
allows, the class journal, and a sitting's results by school — names only for those who
may see them."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from metodset.accounts import services as account_services
from metodset.accounts.models import User
from metodset.conftest import World
from metodset.testing import services
from metodset.testing.formats import parse
from metodset.testing.models import Attempt, AttemptItem, Question, Quiz, Sitting
from metodset.testing.tests.builders import (
    API,
    client_for,
    fill_bank,
    get,
    make_sitting,
    network_quiz,
    pupil,
    put,
    send,
)

pytestmark = pytest.mark.django_db

# What must never reach a student while the attempt runs: feedback, accepted answers.
KEY_TEXTS = ["Верно, молодец", "Подумайте ещё", "Москва", "fraction", "feedback"]

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Физика</text></category></question>
  <question type="cloze">
    <name><text>Законы Ньютона</text></name>
    <questiontext format="html"><text><![CDATA[<p>Первый закон — закон
      {1:SHORTANSWER:=инерции#Верно~%50%инертности#Почти}. Сила измеряется в
      {1:MULTICHOICE:~джоулях#Это энергия~=ньютонах~ваттах}.</p>]]></text></questiontext>
  </question>
  <question type="ordering">
    <name><text>Порядок опыта</text></name>
    <questiontext format="html"><text>Расположите шаги опыта.</text></questiontext>
    <answer fraction="1" format="html"><text>Собрать установку</text></answer>
    <answer fraction="2" format="html"><text>Измерить</text></answer>
    <answer fraction="3" format="html"><text>Записать результат</text></answer>
  </question>
  <question type="essay">
    <name><text>Опыт Галилея</text></name>
    <questiontext format="html"><text>Опишите опыт Галилея.</text></questiontext>
    <graderinfo format="html"><text>Оценить полноту и точность.</text></graderinfo>
    <responsetemplate format="html"><text>Опыт состоял в том, что…</text></responsetemplate>
  </question>
</quiz>
"""


def start(user: User, sitting: Sitting, **headers: str) -> tuple[int, dict[str, Any]]:
    status, body = send(client_for(user), f"{API}/sittings/{sitting.pk}/attempts", **headers)
    return status, body


def by_name(questions: list[Question], *names: str) -> list[Question]:
    found = {question.name: question for question in questions}
    return [found[name] for name in names]


@pytest.fixture
def questions(teacher: User) -> list[Question]:
    return fill_bank(teacher)


def open_sitting(
    teacher: User, world: World, questions: list[Question], **settings: Any
) -> Sitting:
    quiz = network_quiz(teacher, questions, **settings)
    return make_sitting(teacher, quiz, [(world.school, "7Б")])


# --- Taking the test -------------------------------------------------------------------------


def test_an_attempt_shows_the_questions_and_never_the_key(
    world: World, teacher: User, student: User, questions: list[Question]
) -> None:
    sitting = open_sitting(teacher, world, questions, shuffle_answers=True, time_limit_minutes=30)
    status, attempt = start(student, sitting)
    assert status == 201, attempt
    assert attempt["status"] == "in_progress"
    assert attempt["number"] == 1
    assert 29 * 60 <= attempt["seconds_left"] <= 30 * 60
    raw = json.dumps(attempt, ensure_ascii=False)
    for text in KEY_TEXTS:
        assert text not in raw, text
    items = {item["type"]: item for item in attempt["items"]}
    assert [item["position"] for item in attempt["items"]] == list(range(1, len(questions) + 1))

    choice = items["single_choice"]
    assert choice["text"] == "<p>Сколько будет 1/2 + 1/4?</p>"  # GIFT: Moodle auto-format
    assert choice["points"] == "1.00"
    row = AttemptItem.objects.get(attempt=attempt["id"], position=choice["position"])
    # Options in the attempt's display order, each with its index in the original order.
    assert [option["index"] for option in choice["options"]] == row.layout["answers"]
    texts = ["3/4", "1/2", "2/6"]
    assert all(option["text"] == f"<p>{texts[option['index']]}</p>" for option in choice["options"])
    assert items["short_answer"]["options"] == []  # its answers are the key
    assert items["numerical"]["options"] == []
    matching = items["matching"]
    assert [stem["text"] for stem in matching["stems"]] == [
        "<p>кошка</p>",
        "<p>собака</p>",
        "<p>корова</p>",
    ]
    assert sorted(matching["choices"]) == ["лает", "мычит", "мяукает"]
    assert items["essay"]["response"] is None
    assert items["true_false"]["flagged"] is False

    # Coming back resumes the same attempt with what was saved.
    put(
        client_for(student),
        f"{API}/attempts/{attempt['id']}/answers/1",
        {"response": None, "flagged": True},
    )
    status, again = start(student, sitting)
    assert status == 200
    assert again["id"] == attempt["id"]
    assert again["items"][0]["flagged"] is True
    status, seen = get(client_for(student), f"{API}/attempts/{attempt['id']}")
    assert status == 200
    assert seen["items"] == again["items"]


def test_a_cloze_text_hides_its_answers(world: World, teacher: User, student: User) -> None:
    result = parse(MOODLE_XML, "moodlexml")
    assert result.errors == []
    saved = services.import_items(actor=teacher, result=result, visibility="network")
    questions = list(Question.objects.filter(pk__in=[q.pk for q in saved]).order_by("pk"))
    sitting = open_sitting(teacher, world, questions)
    status, attempt = start(student, sitting)
    assert status == 201, attempt
    cloze, ordering, essay = attempt["items"]
    assert "инерции" not in cloze["text"]
    assert "SHORTANSWER" not in cloze["text"]
    assert cloze["text"].count('class="cloze-field"') == 2
    assert '<span class="cloze-field" data-field="0"></span>' in cloze["text"]
    assert [(field["index"], field["kind"]) for field in cloze["fields"]] == [
        (0, "text"),
        (1, "choice"),
    ]
    assert cloze["fields"][0]["options"] == []
    assert [option["text"] for option in cloze["fields"][1]["options"]] == [
        "джоулях",
        "ньютонах",
        "ваттах",
    ]
    assert "Это энергия" not in json.dumps(attempt, ensure_ascii=False)
    # An ordering item never starts solved; its indices are those of the right order.
    assert sorted(option["index"] for option in ordering["options"]) == [0, 1, 2]
    assert [option["index"] for option in ordering["options"]] != [0, 1, 2]
    assert essay["response_template"] == "Опыт состоял в том, что…"
    assert "Оценить полноту" not in json.dumps(essay, ensure_ascii=False)

    url = f"{API}/attempts/{attempt['id']}/answers"
    status, body = put(
        client_for(student), f"{url}/1", {"response": {"parts": {"0": "инерции", "1": 1}}}
    )
    assert status == 200, body
    status, body = put(client_for(student), f"{url}/1", {"response": {"parts": {"5": "x"}}})
    assert (status, body["detail"]) == (400, "Такого поля для ответа нет.")


def test_answers_are_saved_one_by_one(
    world: World, teacher: User, student: User, questions: list[Question]
) -> None:
    sitting = open_sitting(teacher, world, questions)
    attempt_id = start(student, sitting)[1]["id"]
    own = client_for(student)
    url = f"{API}/attempts/{attempt_id}/answers"

    status, body = put(own, f"{url}/1", {"response": {"choice": 0}})
    assert status == 200, body
    assert body["seconds_left"] > 0
    saved_at = datetime.datetime.fromisoformat(body["saved_at"])
    assert abs((saved_at - timezone.now()).total_seconds()) < 60
    row = AttemptItem.objects.get(attempt=attempt_id, position=1)
    assert (row.response, row.flagged) == ({"choice": 0}, False)
    # The flag alone leaves the answer as it was.
    assert put(own, f"{url}/1", {"flagged": True})[0] == 200
    row.refresh_from_db()
    assert (row.response, row.flagged) == ({"choice": 0}, True)

    for response, detail in [
        ({"choice": 7}, "Такого варианта ответа нет."),
        ({"choice": "первый"}, "Номер варианта ответа должен быть целым числом."),
        ("3/4", "Ответ передан в неверном формате."),
        ([0], "Ответ передан в неверном формате."),
    ]:
        status, body = put(own, f"{url}/1", {"response": response})
        assert (status, body["detail"]) == (400, detail)
    status, body = put(own, f"{url}/3", {"response": {"value": "да"}})
    assert (status, body["detail"]) == (
        400,
        "Ответ «верно» или «неверно» передан в неверном формате.",
    )
    row.refresh_from_db()
    assert row.response == {"choice": 0}

    status, body = put(own, f"{url}/99", {"response": {"choice": 0}})
    assert (status, body["detail"]) == (404, "В попытке нет вопроса №99.")
    assert put(own, f"{API}/attempts/999999/answers/1", {"response": None})[0] == 404
    # Only who takes the test answers: their teacher sees the attempt but gets 403.
    status, body = put(client_for(teacher), f"{url}/1", {"response": {"choice": 1}})
    assert (status, body["detail"]) == (403, "Отвечать может только тот, кто проходит тест.")
    row.refresh_from_db()
    assert row.response == {"choice": 0}
    assert client_for(student).post(f"{url}/1").status_code == 405


def test_another_students_attempt_does_not_exist_for_them(
    world: World,
    teacher: User,
    student: User,
    parent: User,
    outsider: User,
    questions: list[Question],
) -> None:
    sitting = open_sitting(teacher, world, questions)
    attempt_id = start(student, sitting)[1]["id"]
    classmate = pupil(world.other_school, "Гимназистов", "7А")
    for stranger in (classmate, outsider):
        client = client_for(stranger)
        assert get(client, f"{API}/attempts/{attempt_id}")[0] == 404
        assert (
            put(client, f"{API}/attempts/{attempt_id}/answers/1", {"response": {"choice": 1}})[0]
            == 404
        )
        assert send(client, f"{API}/attempts/{attempt_id}/submit")[0] == 404
        assert get(client, f"{API}/attempts/{attempt_id}/result")[0] == 404
    # A parent sees their child's attempt (without the key) but does not submit it.
    assert get(client_for(parent), f"{API}/attempts/{attempt_id}")[0] == 200
    status, body = send(client_for(parent), f"{API}/attempts/{attempt_id}/submit")
    assert (status, body["detail"]) == (403, "Завершить попытку может только тот, кто её проходит.")
    assert Attempt.objects.get(pk=attempt_id).status == "in_progress"


def test_starting_is_refused(
    world: World, teacher: User, student: User, questions: list[Question]
) -> None:
    quiz = network_quiz(teacher, questions[:1])
    later = make_sitting(
        teacher, quiz, [(world.school, "7Б")], opens_in=datetime.timedelta(hours=1)
    )
    status, body = start(student, later)
    assert (status, body["detail"]) == (400, "Тест ещё не открыт.")
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])
    status, body = start(teacher, sitting)
    assert (status, body["detail"]) == (403, "Этот тест вам не назначен.")
    attempt_id = start(student, sitting)[1]["id"]
    send(client_for(student), f"{API}/attempts/{attempt_id}/submit")
    status, body = start(student, sitting)
    assert (status, body["detail"]) == (400, "Все попытки использованы.")
    status, seen = get(client_for(student), f"{API}/sittings/{sitting.pk}")
    assert status == 200
    assert seen["can_start"] is False
    assert [(row["id"], row["status"], row["mark"]) for row in seen["my_attempts"]] == [
        (attempt_id, "finished", 2)
    ]
    assert send(client_for(student), f"{API}/sittings/999999/attempts")[0] == 404
    assert Attempt.objects.count() == 1


def test_a_submitted_attempt_is_graded_and_closed(
    world: World, teacher: User, student: User, questions: list[Question]
) -> None:
    chosen = by_name(questions, "Сумма дробей", "Земля", "Столица", "Пары")
    sitting = open_sitting(teacher, world, chosen, review="after_submit")
    attempt_id = start(student, sitting)[1]["id"]
    own = client_for(student)
    url = f"{API}/attempts/{attempt_id}"
    put(own, f"{url}/answers/1", {"response": {"choice": 0}})
    put(own, f"{url}/answers/2", {"response": {"value": False}})
    put(own, f"{url}/answers/3", {"response": {"text": "москва"}})
    put(own, f"{url}/answers/4", {"response": {"pairs": {"0": "мяукает", "1": "мычит"}}})
    status, body = get(own, f"{url}/result")
    assert (status, body["detail"]) == (
        409,
        "Попытка ещё идёт: результат будет после её завершения.",
    )

    status, result = send(own, f"{url}/submit")
    assert status == 200, result
    assert result["finish"] == "submitted"
    assert (result["score"], result["max_score"], result["percent"]) == ("2.33", "4.00", "58.25")
    assert result["mark"] == 3
    assert result["needs_grading"] is False
    assert result["journal"] == ""
    assert result["can_decide_journal"] is True
    assert result["review_shown"] is True
    first, second, third, fourth = result["items"]
    assert first["your_answer"] == "3/4"
    assert first["right_answer"] == "3/4"
    assert first["feedback"] == ["<p>Верно, молодец</p>"]
    assert first["score"] == "1.00"
    assert (second["your_answer"], second["right_answer"], second["score"]) == (
        "неверно",
        "верно",
        "0.00",
    )
    assert third["score"] == "1.00"
    assert fourth["score"] == "0.33"

    status, body = put(own, f"{url}/answers/1", {"response": {"choice": 1}})
    assert (status, body) == (409, {"detail": "Попытка уже завершена: ответ не сохранён."})
    status, again = send(own, f"{url}/submit")
    assert status == 200
    assert again["score"] == "2.33"
    assert get(own, url)[1]["status"] == "finished"


def test_time_up_closes_the_attempt(
    world: World, teacher: User, student: User, questions: list[Question], time_machine: Any
) -> None:
    sitting = open_sitting(teacher, world, questions[:2], time_limit_minutes=5)
    time_machine.move_to(timezone.now(), tick=False)
    attempt_id = start(student, sitting)[1]["id"]
    own = client_for(student)
    assert put(own, f"{API}/attempts/{attempt_id}/answers/1", {"response": {"choice": 0}})[0] == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=6), tick=False)
    status, body = put(own, f"{API}/attempts/{attempt_id}/answers/1", {"response": {"choice": 1}})
    assert (status, body) == (409, {"detail": "Время на тест истекло: ответ не сохранён."})
    status, seen = get(own, f"{API}/attempts/{attempt_id}")
    assert (seen["status"], seen["finish"], seen["seconds_left"]) == ("finished", "timed_out", 0)
    status, result = get(own, f"{API}/attempts/{attempt_id}/result")
    assert status == 200
    assert result["score"] == "1.00"


def test_the_review_follows_the_tests_rule(
    world: World,
    teacher: User,
    student: User,
    parent: User,
    questions: list[Question],
    time_machine: Any,
) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    score_only = open_sitting(teacher, world, questions[:1], review="score")
    after_close = open_sitting(teacher, world, questions[:1], review="after_close")
    results = {}
    for sitting in (score_only, after_close):
        attempt_id = start(student, sitting)[1]["id"]
        put(
            client_for(student),
            f"{API}/attempts/{attempt_id}/answers/1",
            {"response": {"choice": 0}},
        )
        status, result = send(client_for(student), f"{API}/attempts/{attempt_id}/submit")
        assert status == 200
        results[sitting.pk] = result
    shown = results[score_only.pk]
    assert (shown["mark"], shown["items"], shown["review_shown"]) == (5, None, False)
    assert shown["review_note"] == "По правилам этого теста показываются только балл и отметка."
    waiting = results[after_close.pk]
    assert waiting["items"] is None
    assert waiting["review_note"].startswith("Ответы и пояснения будут показаны после закрытия")
    # The student's teacher sees the answers at once; the parent as the student does.
    attempt_id = waiting["attempt_id"]
    status, body = get(client_for(teacher), f"{API}/attempts/{attempt_id}/result")
    assert status == 200
    assert body["items"][0]["right_answer"] == "3/4"
    assert body["student"]["id"] == student.pk
    assert body["can_decide_journal"] is False
    assert get(client_for(parent), f"{API}/attempts/{attempt_id}/result")[1]["items"] is None

    time_machine.move_to(after_close.closes_at + datetime.timedelta(minutes=1), tick=False)
    status, body = get(client_for(student), f"{API}/attempts/{attempt_id}/result")
    assert body["review_shown"] is True
    assert body["items"][0]["feedback"] == ["<p>Верно, молодец</p>"]
    score_id = shown["attempt_id"]
    assert get(client_for(student), f"{API}/attempts/{score_id}/result")[1]["items"] is None


def test_the_student_decides_about_the_journal(
    world: World,
    teacher: User,
    colleague: User,
    student: User,
    parent: User,
    questions: list[Question],
) -> None:
    sitting = open_sitting(teacher, world, questions[:1])
    attempt_id = start(student, sitting)[1]["id"]
    own = client_for(student)
    url = f"{API}/attempts/{attempt_id}/journal"
    status, body = send(own, url, {"send": True})
    assert (status, body["detail"]) == (400, "Отметки ещё нет: дождитесь проверки работы.")
    put(own, f"{API}/attempts/{attempt_id}/answers/1", {"response": {"choice": 0}})
    send(own, f"{API}/attempts/{attempt_id}/submit")
    for other in (teacher, parent):
        status, body = send(client_for(other), url, {"send": True})
        assert status == 403
        assert body["detail"] == "Решать, выставлять ли отметку, может только сам обучающийся."
    assert Attempt.objects.get(pk=attempt_id).journal == ""

    status, body = send(own, url, {"send": False})
    assert (status, body["journal"], body["can_decide_journal"]) == (200, "keep", True)
    status, body = send(own, url, {"send": True})
    assert (status, body["journal"], body["can_decide_journal"]) == (200, "send", False)
    assert body["journal_decided_at"] is not None
    status, body = send(own, url, {"send": False})
    assert (status, body["detail"]) == (400, "Отметка уже передана в журнал.")

    journal = f"{API}/sittings/{sitting.pk}/journal"
    status, rows = get(client_for(teacher), journal, {"organization_id": world.school.pk})
    assert status == 200, rows
    assert [(row["attempt_id"], row["mark"], row["student_class"]) for row in rows] == [
        (attempt_id, 5, "7Б")
    ]
    assert rows[0]["student"] == {"id": student.pk, "name": student.short_name}
    assert get(client_for(teacher), journal)[1] == rows
    status, body = get(client_for(student), journal)
    assert status == 403
    assert get(client_for(colleague), journal)[0] == 404
    assert get(client_for(teacher), journal, {"organization_id": 999999})[0] == 404


def test_an_essay_waits_for_the_teacher(
    world: World, teacher: User, student: User, questions: list[Question]
) -> None:
    sitting = open_sitting(
        teacher, world, by_name(questions, "Земля", "Эссе"), review="after_submit"
    )
    attempt_id = start(student, sitting)[1]["id"]
    own = client_for(student)
    put(own, f"{API}/attempts/{attempt_id}/answers/1", {"response": {"value": True}})
    put(own, f"{API}/attempts/{attempt_id}/answers/2", {"response": {"text": "Часть целого."}})
    status, result = send(own, f"{API}/attempts/{attempt_id}/submit")
    assert status == 200
    assert (result["needs_grading"], result["mark"], result["can_decide_journal"]) == (
        True,
        None,
        False,
    )
    essay = result["items"][1]
    assert (essay["needs_grading"], essay["score"]) == (True, None)
    assert essay["right_answer"] == "проверяет учитель"
    assert essay["your_answer"] == "Часть целого."


# --- Results of a sitting --------------------------------------------------------------------


def test_results_by_school_show_names_only_to_those_who_may_see_them(
    world: World,
    teacher: User,
    colleague: User,
    methodist: User,
    student: User,
    outsider: User,
    questions: list[Question],
) -> None:
    gymnasium_student = pupil(world.other_school, "Гимназистов", "7А")
    quiz = network_quiz(methodist, fill_bank(methodist, path=("Общее",))[:2])
    sitting = make_sitting(methodist, quiz, [(world.school, "7Б"), (world.other_school, "7")])
    attempt_id = start(student, sitting)[1]["id"]
    put(client_for(student), f"{API}/attempts/{attempt_id}/answers/1", {"response": {"choice": 0}})
    send(client_for(student), f"{API}/attempts/{attempt_id}/submit")
    start(gymnasium_student, sitting)
    url = f"{API}/sittings/{sitting.pk}/results"

    status, body = get(client_for(teacher), url)
    assert status == 200, body
    total = body["total"]
    assert (total["assigned"], total["started"], total["finished"], total["graded"]) == (2, 2, 1, 1)
    other, school = body["schools"]  # by name: «МБОУ Гимназия №2» before «МБОУ СОШ №1»
    assert (school["organization"]["id"], other["organization"]["id"]) == (
        world.school.pk,
        world.other_school.pk,
    )
    assert (school["assigned"], school["finished"], school["mean_percent"]) == (1, 1, 50.0)
    assert school["marks"] == {"2": 0, "3": 1, "4": 0, "5": 0}
    assert school["names_shown"] is True
    assert school["not_started"] == []
    [row] = school["attempts"]
    assert row["student"] == {"id": student.pk, "name": student.short_name}
    assert (row["attempt_id"], row["status"], row["mark"], row["percent"]) == (
        attempt_id,
        "finished",
        3,
        50.0,
    )
    # Another school's students: figures only.
    assert (other["assigned"], other["started"], other["finished"]) == (1, 1, 0)
    assert (other["names_shown"], other["attempts"], other["not_started"]) == (False, None, None)
    assert gymnasium_student.last_name not in json.dumps(body, ensure_ascii=False)

    status, body = get(client_for(colleague), url)
    assert status == 200
    by_school = {row["organization"]["id"]: row for row in body["schools"]}
    assert by_school[world.school.pk]["attempts"] is None
    assert by_school[world.school.pk]["mean_percent"] == 50.0
    assert student.last_name not in json.dumps(body, ensure_ascii=False)
    assert [row["status"] for row in by_school[world.other_school.pk]["attempts"]] == [
        "in_progress"
    ]

    status, body = get(client_for(methodist), url)
    assert all(row["names_shown"] for row in body["schools"])
    status, body = get(client_for(student), url)
    assert (status, body["detail"]) == (
        403,
        "Результаты тестирования видят педагоги школ, которым оно назначено.",
    )
    assert get(client_for(outsider), url)[0] == 404


def test_a_student_with_a_token_takes_the_test(
    world: World, teacher: User, student: User, questions: list[Question]
) -> None:
    sitting = open_sitting(teacher, world, questions[:1])
    _token, raw = account_services.issue_api_token(actor=student, name="Приложение")
    bearer = {"Authorization": f"Bearer {raw}"}
    status, attempt = send(Client(), f"{API}/sittings/{sitting.pk}/attempts", **bearer)
    assert status == 201, attempt
    url = f"{API}/attempts/{attempt['id']}"
    assert put(Client(), f"{url}/answers/1", {"response": {"choice": 0}}, **bearer)[0] == 200
    status, result = send(Client(), f"{url}/submit", **bearer)
    assert (status, result["mark"]) == (200, 5)
    assert Attempt.objects.get(pk=attempt["id"]).student == student
    assert put(Client(), f"{url}/answers/1", {"response": None})[0] == 401


def test_quiz_and_sitting_rows_are_linked(
    world: World, teacher: User, questions: list[Question]
) -> None:
    """The sitting's test summary is the test's own figures."""
    sitting = open_sitting(teacher, world, questions[:3], time_limit_minutes=20)
    status, body = get(client_for(teacher), f"{API}/sittings/{sitting.pk}")
    assert status == 200
    quiz = Quiz.objects.get(pk=body["quiz"]["id"])
    assert body["quiz"]["questions"] == 3
    assert body["quiz"]["time_limit_minutes"] == quiz.time_limit_minutes == 20
