"""The test bank in the REST API, part one: the bank (list, question, categories, import,
export), tests and their places, sittings — each endpoint for the persona it serves and
for the ones it refuses, with nothing changed by a refusal. Attempts and results are in
test_api_attempts.py, which shares the helpers defined here."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from metodset.accounts import services as account_services
from metodset.accounts.models import User
from metodset.conftest import World
from metodset.testing import services
from metodset.testing.formats import parse
from metodset.testing.models import Category, Question, Quiz, QuizSlot, Sitting
from metodset.testing.tests.builders import (
    API,
    FRACTIONS_GIFT,
    client_for,
    fill_bank,
    get,
    make_sitting,
    network_quiz,
    patch,
    pupil,
    send,
)

pytestmark = pytest.mark.django_db

NAMES = ["Сумма дробей", "Чётные числа", "Земля", "Столица", "Корень", "Пары", "Эссе"]


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


# --- The bank --------------------------------------------------------------------------------


def test_the_bank_lists_what_one_sees_with_filters(
    world: World, teacher: User, colleague: User
) -> None:
    shared = fill_bank(teacher)
    private = fill_bank(colleague, path=("Физика",), visibility="private")
    Question.objects.filter(pk=shared[0].pk).update(difficulty=2)
    own = client_for(teacher)

    status, page = get(own, f"{API}/questions")
    assert status == 200, page
    assert page["total"] == len(shared)
    assert sorted(ids(page)) == sorted(question.pk for question in shared)
    first = next(item for item in page["items"] if item["id"] == shared[0].pk)
    assert first["name"] == "Сумма дробей"
    assert first["type"] == "single_choice"
    assert first["type_label"] == "один ответ"
    assert first["category"]["path"] == "Математика / Дроби"
    assert first["author"] == {"id": teacher.pk, "name": "Учителева А.П."}
    assert first["visibility"] == "network"
    assert first["difficulty"] == 2

    assert ids(get(own, f"{API}/questions", {"type": "essay"})[1]) == [shared[-1].pk]
    assert ids(get(own, f"{API}/questions", {"difficulty": 2})[1]) == [shared[0].pk]
    assert ids(get(own, f"{API}/questions", {"q": "столица"})[1]) == [shared[3].pk]
    by_path = get(own, f"{API}/questions", {"category": "Математика/Дроби"})[1]
    assert by_path["total"] == len(shared)
    category = shared[0].category_id
    assert get(own, f"{API}/questions", {"category": str(category)})[1]["total"] == len(shared)
    assert get(own, f"{API}/questions", {"category": "Нет такой"})[1]["total"] == 0
    # The colleague's private questions are theirs alone; «mine» narrows to one's own.
    theirs = get(client_for(colleague), f"{API}/questions", {"mine": True})[1]
    assert sorted(ids(theirs)) == sorted(question.pk for question in private)
    assert get(own, f"{API}/questions", {"category": "Физика"})[1]["total"] == 0


def test_students_and_parents_see_no_question_of_the_bank(
    world: World, teacher: User, student: User, parent: User
) -> None:
    questions = fill_bank(teacher)
    for user in (student, parent):
        client = client_for(user)
        status, body = get(client, f"{API}/questions")
        assert status == 403
        assert body["detail"] == "Банк тестов доступен педагогам, руководителям и методистам."
        assert get(client, f"{API}/questions/{questions[0].pk}")[0] == 404
        assert get(client, f"{API}/categories")[0] == 403
        assert get(client, f"{API}/export", {"format": "gift"})[0] == 403
    assert get(Client(), f"{API}/questions")[0] == 401


def test_a_question_gives_its_current_version(
    world: World, teacher: User, colleague: User, outsider: User
) -> None:
    question = fill_bank(teacher, visibility="school")[0]
    status, body = get(client_for(teacher), f"{API}/questions/{question.pk}")
    assert status == 200, body
    assert body["can_edit"] is True
    assert body["current_version"] == 1
    item = body["item"]
    assert item["type"] == "single_choice"
    assert item["text"] == "Сколько будет 1/2 + 1/4?"
    assert [(a["text"], a["fraction"], a["feedback"]) for a in item["answers"]] == [
        ("3/4", "100", "Верно, молодец"),
        ("1/2", "0", "Подумайте ещё"),
        ("2/6", "0", ""),
    ]
    # Shared with school №1 only: another school's teacher and another district's get 404.
    for stranger in (colleague, outsider):
        assert get(client_for(stranger), f"{API}/questions/{question.pk}")[0] == 404
    assert get(client_for(teacher), f"{API}/questions/999999")[0] == 404


def test_the_category_tree(world: World, teacher: User) -> None:
    fill_bank(teacher)
    fill_bank(teacher, path=("Математика", "Геометрия"), text="::Угол::Угол в 90° — прямой.{T}")
    status, tree = get(client_for(teacher), f"{API}/categories")
    assert status == 200, tree
    assert [(row["path"], row["depth"], row["count"]) for row in tree] == [
        ("Математика", 0, 8),
        ("Математика / Геометрия", 1, 1),
        ("Математика / Дроби", 1, 7),
    ]
    top = tree[0]["id"]
    assert [row["parent_id"] for row in tree] == [None, top, top]


def upload(text: str | bytes, name: str = "questions.gift.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def test_an_import_is_checked_first_and_then_saved(world: World, teacher: User) -> None:
    own = client_for(teacher)
    form = {"category_path": "Математика/7 класс", "visibility": "school"}
    response = own.post(
        f"{API}/imports", {**form, "file": upload(FRACTIONS_GIFT), "dry_run": "true"}
    )
    assert response.status_code == 200, response.content
    preview = response.json()
    assert preview["saved"] == 0
    assert preview["errors"] == []
    assert [item["name"] for item in preview["items"]] == NAMES
    assert preview["items"][0] == {
        "type": "single_choice",
        "name": "Сумма дробей",
        "category": "Математика / 7 класс / Дроби",
        "source": "строка 3",
    }
    assert not Question.objects.exists()

    response = own.post(
        f"{API}/imports", {**form, "file": upload(FRACTIONS_GIFT), "format": "gift"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["saved"] == len(NAMES)
    saved = Question.objects.order_by("pk")
    assert [question.name for question in saved] == NAMES
    assert {question.visibility for question in saved} == {"school"}
    assert {str(question.category) for question in saved} == {"Математика / 7 класс / Дроби"}


def test_a_file_with_errors_saves_nothing(world: World, teacher: User) -> None:
    own = client_for(teacher)
    broken = "::Хороший::2 + 2 = ?{=4 ~3}\n\n::Скобка::Столица России? {=Москва ~Казань\n"
    response = own.post(f"{API}/imports", {"file": upload(broken), "dry_run": "true"})
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {"line": 3, "element": None, "message": "не закрыта фигурная скобка «{»"}
    ]
    assert [item["name"] for item in response.json()["items"]] == ["Хороший"]

    response = own.post(f"{API}/imports", {"file": upload(broken)})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("В файле есть ошибки, ничего не сохранено")
    assert body["errors"][0]["line"] == 3
    assert not Question.objects.exists()
    assert not Category.objects.exists()


def test_imports_refused(world: World, teacher: User, methodist: User, student: User) -> None:
    response = client_for(student).post(f"{API}/imports", {"file": upload(FRACTIONS_GIFT)})
    assert response.status_code == 403
    own = client_for(teacher)
    response = own.post(f"{API}/imports", {"file": upload(FRACTIONS_GIFT), "format": "docx"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Неизвестный формат файла: «docx»."
    response = own.post(f"{API}/imports", {"file": upload(FRACTIONS_GIFT, name="questions.bin")})
    assert response.status_code == 400
    assert "формат не понять" in response.json()["detail"]
    response = own.post(f"{API}/imports", {"file": upload("   ")})
    assert response.status_code == 400
    assert response.json()["detail"] == "Файл «questions.gift.txt» пуст."
    # «Педагогам своей школы» needs a school: a methodist works in no school.
    response = client_for(methodist).post(
        f"{API}/imports", {"file": upload(FRACTIONS_GIFT), "visibility": "school"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Открыть вопросы педагогам своей школы")
    assert not Question.objects.exists()


def test_the_export_gives_a_file(world: World, teacher: User, colleague: User) -> None:
    fill_bank(teacher)
    fill_bank(teacher, path=("Физика",), text="::Сила::Сила измеряется в ньютонах.{T}")
    own = client_for(teacher)
    response = own.get(f"{API}/export", {"format": "gift", "category": "Физика"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    assert response["X-Skipped-Items"] == "0"
    again = parse(response.content, "gift")
    assert [item.name for item in again.items] == ["Сила"]
    assert again.items[0].category == ["Физика"]

    response = own.get(f"{API}/export", {"format": "moodlexml"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert len(parse(response.content, "moodlexml").items) == len(NAMES) + 1

    # Aiken carries only choice items: the rest are counted as skipped.
    response = own.get(f"{API}/export", {"format": "aiken"})
    assert response.status_code == 200
    assert int(response["X-Skipped-Items"]) > 0

    status, body = get(own, f"{API}/export", {"format": "pdf"})
    assert (status, body["detail"]) == (400, "Неизвестный формат файла: «pdf».")
    status, body = get(own, f"{API}/export", {"format": "gift", "category": "Химия"})
    assert (status, body["detail"]) == (400, "Категории «Химия» в банке нет.")
    # Shared with the network: the colleague exports it too; private ones stay behind.
    fill_bank(colleague, path=("Химия",), text="::Вода::H2O — вода.{T}", visibility="private")
    response = own.get(f"{API}/export", {"format": "gift", "category": "Химия"})
    assert response.status_code == 400


# --- Tests (quizzes) -------------------------------------------------------------------------


def test_a_quiz_is_created_changed_and_filled(world: World, teacher: User, colleague: User) -> None:
    questions = fill_bank(teacher)
    own = client_for(teacher)
    status, body = send(
        own,
        f"{API}/quizzes",
        {
            "title": "Дроби: итоговый тест",
            "visibility": "network",
            "grades": [7],
            "time_limit_minutes": 40,
            "review": "after_submit",
        },
    )
    assert status == 201, body
    quiz_id = body["id"]
    assert body["author"]["id"] == teacher.pk
    assert body["organization"] == {"id": world.school.pk, "short_name": "МБОУ СОШ №1"}
    assert body["mark_thresholds"] == [[5, 85], [4, 65], [3, 45]]
    assert body["slots"] == []
    assert body["questions"] == 0
    assert body["can_edit"] is True

    status, body = send(
        own,
        f"{API}/quizzes/{quiz_id}/slots",
        {"question_ids": [questions[0].pk, questions[2].pk], "points": "2"},
    )
    assert status == 201, body
    assert [
        (slot["position"], slot["kind"], slot["question"]["name"]) for slot in body["slots"]
    ] == [
        (1, "fixed", "Сумма дробей"),
        (2, "fixed", "Земля"),
    ]
    assert body["max_score"] == "4.00"
    status, body = send(
        own,
        f"{API}/quizzes/{quiz_id}/slots",
        {"category_id": questions[0].category_id, "count": 3, "difficulty": None},
    )
    assert status == 201, body
    random = body["slots"][2]
    assert random["kind"] == "random"
    assert random["category"]["path"] == "Математика / Дроби"
    assert (random["count"], random["include_subcategories"]) == (3, True)
    assert body["questions"] == 5

    status, body = patch(
        own, f"{API}/quizzes/{quiz_id}", {"attempts_allowed": 2, "subject_id": None}
    )
    assert status == 200, body
    assert body["attempts_allowed"] == 2
    assert body["title"] == "Дроби: итоговый тест"  # what was not sent stays
    assert body["time_limit_minutes"] == 40
    status, body = patch(own, f"{API}/quizzes/{quiz_id}", {"time_limit_minutes": None})
    assert body["time_limit_minutes"] is None

    first = body["slots"][0]["id"]
    response = own.delete(f"{API}/quizzes/{quiz_id}/slots/{first}")
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert [(slot["position"], slot["kind"]) for slot in slots] == [(1, "fixed"), (2, "random")]

    # A network test is visible to the colleague, who may not change it.
    other = client_for(colleague)
    assert get(other, f"{API}/quizzes/{quiz_id}")[1]["can_edit"] is False
    status, body = patch(other, f"{API}/quizzes/{quiz_id}", {"title": "Моё"})
    assert (status, body["detail"]) == (403, "Изменять тест может только его автор.")
    assert (
        send(other, f"{API}/quizzes/{quiz_id}/slots", {"question_ids": [questions[1].pk]})[0] == 403
    )
    assert other.delete(f"{API}/quizzes/{quiz_id}/slots/{slots[0]['id']}").status_code == 403
    assert Quiz.objects.get(pk=quiz_id).title == "Дроби: итоговый тест"
    assert QuizSlot.objects.filter(quiz=quiz_id).count() == 2


def test_quiz_refusals(world: World, teacher: User, colleague: User, student: User) -> None:
    questions = fill_bank(teacher)
    private = network_quiz(teacher, questions[:1], visibility="private")
    own = client_for(teacher)
    status, body = send(own, f"{API}/quizzes", {"title": "  "})
    assert (status, body["detail"]) == (400, "Укажите название теста.")
    status, body = send(own, f"{API}/quizzes", {"title": "Тест", "attempts_allowed": 11})
    assert (status, body["detail"]) == (400, "Число попыток — от 1 до 10.")
    status, body = send(own, f"{API}/quizzes", {"title": "Тест", "subject_id": 999999})
    assert (status, body["detail"]) == (400, "Такого предмета нет.")
    status, body = send(
        own, f"{API}/quizzes/{private.pk}/slots", {"question_ids": [questions[0].pk]}
    )
    assert (status, body["detail"]) == (400, "Эти вопросы уже есть в тесте.")
    status, body = send(own, f"{API}/quizzes/{private.pk}/slots", {"points": 1})
    assert status == 400
    assert body["detail"].startswith("Укажите либо вопросы")
    hidden = fill_bank(colleague, text="::Тайна::Секрет.{T}", visibility="private")[0]
    status, body = send(own, f"{API}/quizzes/{private.pk}/slots", {"question_ids": [hidden.pk]})
    assert (status, body["detail"]) == (400, f"Вопрос не найден: {hidden.pk}.")
    status, body = send(
        own, f"{API}/quizzes/{private.pk}/slots", {"category_id": 999999, "count": 1}
    )
    assert (status, body["detail"]) == (400, "Категории «999999» в банке нет.")
    assert patch(own, f"{API}/quizzes/{private.pk}", {"title": None})[0] == 400
    # Someone else's private test does not exist for the colleague; a slot of another test
    # is not this test's.
    other_quiz = network_quiz(teacher, questions[1:2])
    slot = other_quiz.slots.get()
    assert own.delete(f"{API}/quizzes/{private.pk}/slots/{slot.pk}").status_code == 404
    assert get(client_for(colleague), f"{API}/quizzes/{private.pk}")[0] == 404
    assert patch(client_for(colleague), f"{API}/quizzes/{private.pk}", {"title": "x"})[0] == 404
    # Students never see tests: they carry the key.
    assert get(client_for(student), f"{API}/quizzes")[0] == 403
    assert get(client_for(student), f"{API}/quizzes/{other_quiz.pk}")[0] == 404
    assert send(client_for(student), f"{API}/quizzes", {"title": "Мой тест"})[0] == 403
    assert Quiz.objects.count() == 2


def test_the_quiz_list(world: World, teacher: User, colleague: User) -> None:
    questions = fill_bank(teacher)
    mine = network_quiz(teacher, questions[:2])
    services.update_quiz(
        actor=teacher,
        quiz=mine,
        data=services.QuizData(title="Итоговый ТЕСТ", visibility="network"),
    )
    private = network_quiz(teacher, questions[:1], visibility="private")
    theirs = network_quiz(colleague, fill_bank(colleague, path=("Физика",))[:1])
    status, page = get(client_for(teacher), f"{API}/quizzes")
    assert status == 200, page
    assert page["total"] == 3
    assert set(ids(page)) == {mine.pk, private.pk, theirs.pk}
    row = next(item for item in page["items"] if item["id"] == mine.pk)
    assert (row["questions"], row["max_score"]) == (2, "2.00")
    assert ids(get(client_for(teacher), f"{API}/quizzes", {"q": "итоговый"})[1]) == [mine.pk]
    assert set(ids(get(client_for(colleague), f"{API}/quizzes")[1])) == {mine.pk, theirs.pk}
    assert ids(get(client_for(colleague), f"{API}/quizzes", {"mine": True})[1]) == [theirs.pk]


# --- Sittings --------------------------------------------------------------------------------


def test_a_sitting_is_assigned_with_times_in_the_district_zone(
    world: World, teacher: User, student: User
) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save(update_fields=["time_zone"])
    quiz = network_quiz(teacher, fill_bank(teacher)[:3])
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    status, body = send(
        client_for(teacher),
        f"{API}/sittings",
        {
            "quiz_id": quiz.pk,
            "title": "Контрольная за четверть",
            "opens_at": f"{day}T10:00:00",
            "closes_at": f"{day}T11:00:00",
            "classes": [
                {"organization_id": world.school.pk, "student_class": "7 б"},
                {"organization_id": world.school.pk, "student_class": "8"},
            ],
        },
    )
    assert status == 201, body
    assert body["opens_at"] == f"{day}T10:00:00+07:00"
    assert body["closes_at"] == f"{day}T11:00:00+07:00"
    assert body["time_zone"] == "Asia/Tomsk"
    assert body["state"] == "upcoming"
    assert body["targets"] == "7Б, 8 (МБОУ СОШ №1)"
    assert [(row["organization"]["id"], row["student_class"]) for row in body["target_list"]] == [
        (world.school.pk, "7Б"),
        (world.school.pk, "8"),
    ]
    assert body["quiz"]["questions"] == 3
    assert body["can_manage"] is True
    assert body["my_attempts"] == []
    sitting = Sitting.objects.get(pk=body["id"])
    assert sitting.created_by == teacher
    # The student of 7Б sees it, not yet open.
    status, seen = get(client_for(student), f"{API}/sittings/{sitting.pk}")
    assert status == 200
    assert (seen["can_manage"], seen["can_start"]) == (False, False)


def test_assigning_is_refused(world: World, teacher: User, colleague: User, student: User) -> None:
    quiz = network_quiz(teacher, fill_bank(teacher)[:1], visibility="private")
    now = timezone.now()
    body = {
        "quiz_id": quiz.pk,
        "opens_at": now.isoformat(),
        "closes_at": (now + datetime.timedelta(hours=1)).isoformat(),
        "classes": [{"organization_id": world.other_school.pk, "student_class": "7А"}],
    }
    status, answer = send(client_for(teacher), f"{API}/sittings", body)
    assert status == 403
    assert answer["detail"] == "Назначать тесты классам «МБОУ Гимназия №2» вы не можете."
    # The colleague does not see the teacher's private test.
    status, answer = send(client_for(colleague), f"{API}/sittings", body)
    assert (status, answer["detail"]) == (400, "Такого теста нет.")
    assert send(client_for(student), f"{API}/sittings", body)[0] == 403
    body["classes"] = [{"organization_id": 999999, "student_class": "7А"}]
    status, answer = send(client_for(teacher), f"{API}/sittings", body)
    assert (status, answer["detail"]) == (400, "Организация не найдена: 999999.")
    body["classes"] = [{"organization_id": world.school.pk, "student_class": "7А"}]
    body["closes_at"] = body["opens_at"]
    status, answer = send(client_for(teacher), f"{API}/sittings", body)
    assert (status, answer["detail"]) == (
        400,
        "Тестирование должно закрываться позже, чем открывается.",
    )
    assert not Sitting.objects.exists()


def test_who_sees_which_sittings(
    world: World,
    teacher: User,
    colleague: User,
    methodist: User,
    student: User,
    parent: User,
    outsider: User,
) -> None:
    quiz = network_quiz(teacher, fill_bank(teacher)[:2])
    ours = make_sitting(teacher, quiz, [(world.school, "7")])
    other_class = make_sitting(teacher, quiz, [(world.school, "9А")])
    gymnasium_student = pupil(world.other_school, "Гимназистов", "7А")
    theirs = make_sitting(colleague, quiz, [(world.other_school, "7А")])

    assert set(ids(get(client_for(teacher), f"{API}/sittings")[1])) == {ours.pk, other_class.pk}
    assert set(ids(get(client_for(methodist), f"{API}/sittings")[1])) == {
        ours.pk,
        other_class.pk,
        theirs.pk,
    }
    status, page = get(client_for(student), f"{API}/sittings")
    assert status == 200
    assert ids(page) == [ours.pk]
    row = page["items"][0]
    assert (row["state"], row["can_start"], row["can_manage"]) == ("open", True, False)
    assert ids(get(client_for(gymnasium_student), f"{API}/sittings")[1]) == [theirs.pk]
    assert get(client_for(parent), f"{API}/sittings")[1]["total"] == 0
    assert get(client_for(outsider), f"{API}/sittings")[1]["total"] == 0
    assert ids(get(client_for(teacher), f"{API}/sittings", {"state": "upcoming"})[1]) == []

    assert get(client_for(student), f"{API}/sittings/{other_class.pk}")[0] == 404
    assert get(client_for(outsider), f"{API}/sittings/{ours.pk}")[0] == 404
    assert get(client_for(teacher), f"{API}/sittings/{theirs.pk}")[0] == 404
    assert get(client_for(teacher), f"{API}/sittings/999999")[0] == 404


def test_a_sitting_is_cancelled_by_who_assigned_it(
    world: World, teacher: User, school_admin: User, student: User
) -> None:
    quiz = network_quiz(teacher, fill_bank(teacher)[:1])
    sitting = make_sitting(teacher, quiz, [(world.school, "7Б")])
    url = f"{API}/sittings/{sitting.pk}/cancel"
    # The school's head sees it (a class of the school takes it) but did not assign it.
    status, body = send(client_for(school_admin), url, {"reason": "Карантин"})
    assert (status, body["detail"]) == (403, "Отменить тестирование может тот, кто его назначил.")
    assert send(client_for(student), url, {"reason": "Не хочу"})[0] == 403
    status, body = send(client_for(teacher), url, {"reason": " "})
    assert (status, body["detail"]) == (400, "Укажите причину отмены: её увидят обучающиеся.")
    sitting.refresh_from_db()
    assert sitting.is_cancelled is False

    status, body = send(client_for(teacher), url, {"reason": "Карантин в школе"})
    assert status == 200, body
    assert (body["state"], body["cancel_reason"]) == ("cancelled", "Карантин в школе")
    assert send(client_for(teacher), url, {"reason": "Ещё раз"})[0] == 400
    assert client_for(teacher).get(url).status_code == 405


def test_a_personal_token_works_like_the_session(world: World, teacher: User) -> None:
    fill_bank(teacher)
    _token, raw = account_services.issue_api_token(actor=teacher, name="Скрипт")
    status, page = get(Client(), f"{API}/questions", Authorization=f"Bearer {raw}")
    assert status == 200
    assert page["total"] == len(NAMES)
    status, body = send(
        Client(), f"{API}/quizzes", {"title": "Из скрипта"}, Authorization=f"Bearer {raw}"
    )
    assert status == 201
    assert Quiz.objects.get(pk=body["id"]).author == teacher
    assert get(Client(), f"{API}/questions", Authorization="Bearer mts_wrong")[0] == 401


@pytest.mark.parametrize("rows", [1, 6])
def test_the_lists_make_a_bounded_number_of_queries(
    world: World, teacher: User, rows: int, django_assert_num_queries: Any
) -> None:
    """Session, user, roles (two) and a fixed number for the page, whatever its length:
    quizzes — count, page, slots; sittings — count, page, slots, targets; questions —
    count, page, category paths."""
    questions = fill_bank(teacher)
    for number in range(rows):
        quiz = network_quiz(teacher, questions[: number + 1])
        make_sitting(teacher, quiz, [(world.school, f"{number + 5}А")])
    own = client_for(teacher)
    for url, queries in [
        (f"{API}/quizzes", 7),
        (f"{API}/sittings", 8),
        (f"{API}/questions", 7),
    ]:
        get(own, url)  # warm the session and the roles once
        with django_assert_num_queries(queries):
            status, page = get(own, url)
        assert status == 200
        assert page["total"] == (len(NAMES) if url.endswith("questions") else rows)
