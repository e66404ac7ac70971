"""The results pages for each persona: a sitting's results (names only for one's own
school, figures for the others, the school against the network), the item statistics, the
class-journal list and its files, the grading queue and the grading form, re-grading, a
student's progress; 404 for who may not see, 403 for who sees but may not, 405 for a wrong
method, a failed form keeping what was typed."""

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.notifications.models import Notification
from metodset.testing import services
from metodset.testing.models import Attempt, AttemptItem, Question, Regrade, Sitting
from metodset.testing.tests.builders import (
    HALF,
    RIGHT,
    WRONG,
    correct_the_key,
    html,
    pupil,
    take,
    url,
)

pytestmark = pytest.mark.django_db


def shown(client: Client, address: str) -> str:
    """The page at `address`, found (200)."""
    response = client.get(address)
    assert response.status_code == 200
    return html(response)


@pytest.fixture
def attempts(sitting: Sitting, world: World, student: User) -> dict[str, Attempt]:
    """Ученикова (school №1): 75 %, the essay waiting; Борисов (school №1): 37.5 %, «2»;
    Смирнов (gymnasium №2): 0 %, «2»."""
    return {
        "mine": take(student, sitting, RIGHT),
        "boris": take(pupil(world.school, "Борисов"), sitting, HALF),
        "other": take(pupil(world.other_school, "Смирнов", "7А"), sitting, WRONG),
    }


# --- The results of a sitting -----------------------------------------------------------


def test_the_manager_sees_every_name(
    login: Any, methodist: User, sitting: Sitting, attempts: dict[str, Attempt]
) -> None:
    page = shown(login(methodist), url("sitting_results", sitting.pk))
    for name in ("Ученикова", "Борисов", "Смирнов"):
        assert name in page
    assert "только цифры" not in page
    assert url("sitting_statistics", sitting.pk) in page
    assert url("sitting_regrade", sitting.pk) in page
    assert url("sitting_journal", sitting.pk) in page
    assert url("grading_queue") in page  # an essay waits


def test_a_teacher_sees_her_students_by_name_and_the_other_school_in_figures(
    login: Any, teacher: User, sitting: Sitting, attempts: dict[str, Attempt]
) -> None:
    page = login(teacher).get(url("sitting_results", sitting.pk)).content.decode()
    assert "Ученикова" in page
    assert "Борисов" in page
    assert "Смирнов" not in page
    assert "МБОУ Гимназия №2" in page  # its row of figures
    assert "только цифры" in page
    assert url("sitting_regrade", sitting.pk) not in page


def test_a_teacher_of_the_other_school_sees_only_her_own_by_name(
    login: Any, colleague: User, sitting: Sitting, attempts: dict[str, Attempt]
) -> None:
    page = login(colleague).get(url("sitting_results", sitting.pk)).content.decode()
    assert "Смирнов" in page
    assert "Ученикова" not in page
    assert "Борисов" not in page
    assert "МБОУ СОШ №1" in page


def test_the_school_head_sees_her_school_against_the_network(
    login: Any, school_admin: User, sitting: Sitting, attempts: dict[str, Attempt]
) -> None:
    page = login(school_admin).get(url("sitting_results", sitting.pk)).content.decode()
    # Borisov 37.5 % is the school's only mark so far; the network: (37.5 + 0) / 2.
    assert "ваша школа" in page
    assert "37,5 %" in page
    assert "в среднем по сети" in page
    assert "18,8 %" in page


def test_the_filter_by_school_and_class(
    login: Any, methodist: User, sitting: Sitting, attempts: dict[str, Attempt], world: World
) -> None:
    page = (
        login(methodist)
        .get(url("sitting_results", sitting.pk), {"school": world.other_school.pk, "class": "7А"})
        .content.decode()
    )
    assert "Смирнов" in page
    assert "Борисов" not in page
    assert "по отбору" in page
    page = (
        login(methodist).get(url("sitting_results", sitting.pk), {"school": "x"}).content.decode()
    )
    assert "Борисов" in page  # a bad value is no filter


@pytest.mark.parametrize(("persona", "status"), [("student", 403), ("parent", 404)])
def test_students_and_parents_do_not_see_the_results(
    login: Any,
    sitting: Sitting,
    attempts: dict[str, Attempt],
    persona: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    user = request.getfixturevalue(persona)
    for name in ("sitting_results", "sitting_statistics"):
        assert login(user).get(url(name, sitting.pk)).status_code == status


@pytest.mark.parametrize("name", ["sitting_results", "sitting_statistics", "sitting_journal"])
def test_an_outsider_gets_404_and_a_guest_the_login(
    login: Any, outsider: User, client: Any, sitting: Sitting, name: str
) -> None:
    assert client.get(url(name, sitting.pk)).status_code == 302
    assert login(outsider).get(url(name, sitting.pk)).status_code == 404
    assert login(outsider).get(url(name, 999_999)).status_code == 404


@pytest.mark.parametrize("name", ["sitting_results", "sitting_statistics", "sitting_journal"])
def test_read_only_pages_refuse_post(
    login: Any, methodist: User, sitting: Sitting, name: str
) -> None:
    assert login(methodist).post(url(name, sitting.pk)).status_code == 405


def test_the_results_page_reads_the_same_queries_for_more_students(
    login: Any, methodist: User, sitting: Sitting, attempts: dict[str, Attempt], world: World
) -> None:
    client = login(methodist)
    address = url("sitting_results", sitting.pk)
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for number in range(6):
        take(pupil(world.school, f"Ещёв{number}"), sitting, HALF)
    with CaptureQueriesContext(connection) as many:
        assert "Ещёв5" in client.get(address).content.decode()
    assert len(many) == len(few)


# --- The statistics ---------------------------------------------------------------------


def test_the_statistics_page(
    login: Any, colleague: User, sitting: Sitting, attempts: dict[str, Attempt]
) -> None:
    page = shown(login(colleague), url("sitting_statistics", sitting.pk))
    assert "Столица" in page
    assert "Санкт-Петербург" in page
    assert "верный" in page
    assert "Решаемость" in page
    assert "66,7 %" in page  # two of three chose Moscow
    assert "Альфа Кронбаха" in page
    assert "плохо различает сильных и слабых" in page
    for name in ("Ученикова", "Борисов", "Смирнов"):
        assert name not in page  # figures only


# --- The class journal ------------------------------------------------------------------


@pytest.fixture
def sent(attempts: dict[str, Attempt]) -> dict[str, Attempt]:
    boris, other = attempts["boris"], attempts["other"]
    services.decide_journal(actor=boris.student, attempt=boris, send=True)
    services.decide_journal(actor=other.student, attempt=other, send=True)
    return attempts


def test_the_journal_page_lists_the_marks_sent(
    login: Any, teacher: User, sitting: Sitting, sent: dict[str, Attempt]
) -> None:
    page = shown(login(teacher), url("sitting_journal", sitting.pk))
    assert "Борисов" in page
    assert "Смирнов" not in page  # another school's journal
    assert "Ученикова" not in page  # no mark yet, nothing sent
    assert "Скачать XLSX" in page
    assert "Скачать CSV" in page


def test_the_journal_xlsx(
    login: Any, teacher: User, sitting: Sitting, sent: dict[str, Attempt], world: World
) -> None:
    response = login(teacher).get(
        url("sitting_journal", sitting.pk), {"school": world.school.pk, "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f'filename="journal-{sitting.pk}-school-{world.school.pk}.xlsx"'
        in response["Content-Disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:4] == ("Фамилия", "Имя", "Отчество", "Класс")
    assert rows[2][-1] == "Когда выбрано"
    (row,) = rows[3:]
    assert row[0] == "Борисов"
    assert row[3:6] == ("7Б", "МБОУ СОШ №1", "География")
    assert row[7:10] == ("Ежемесячный тест, октябрь", 2, 37.5)


def test_the_journal_csv_of_the_manager_has_both_schools(
    login: Any, methodist: User, sitting: Sitting, sent: dict[str, Attempt]
) -> None:
    response = login(methodist).get(url("sitting_journal", sitting.pk), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Фамилия"
    assert [row[0] for row in rows[1:]] == ["Смирнов", "Борисов"]
    assert rows[2][9] == "37,5"


def test_another_schools_journal_is_refused(
    login: Any,
    colleague: User,
    teacher: User,
    sitting: Sitting,
    sent: dict[str, Attempt],
    world: World,
) -> None:
    address = url("sitting_journal", sitting.pk)
    assert login(colleague).get(address, {"school": world.school.pk}).status_code == 403
    assert login(colleague).get(address, {"school": world.far_school.pk}).status_code == 404
    csv_text = login(colleague).get(address, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Смирнов" in csv_text
    assert "Борисов" not in csv_text


def test_a_student_may_not_see_the_journal(
    login: Any, student: User, sitting: Sitting, sent: dict[str, Attempt]
) -> None:
    assert login(student).get(url("sitting_journal", sitting.pk)).status_code == 403


# --- The grading queue and the grading form ---------------------------------------------


def essay(attempt: Attempt) -> AttemptItem:
    return attempt.items.get(position=4)


def test_the_queue_lists_the_essays_of_ones_school(
    login: Any, teacher: User, colleague: User, attempts: dict[str, Attempt]
) -> None:
    page = login(teacher).get(url("grading_queue")).content.decode()
    assert "Ученикова" in page
    assert url("grade_item", essay(attempts["mine"]).pk) in page
    page = login(colleague).get(url("grading_queue")).content.decode()
    assert "Все ответы проверены" in page


def test_the_queue_is_empty_for_a_student_and_needs_a_login(
    login: Any, student: User, client: Any, attempts: dict[str, Attempt]
) -> None:
    assert client.get(url("grading_queue")).status_code == 302
    page = login(student).get(url("grading_queue")).content.decode()
    assert "Все ответы проверены" in page
    assert login(student).post(url("grading_queue")).status_code == 405


def test_grading_an_essay_through_the_page(
    login: Any, teacher: User, student: User, attempts: dict[str, Attempt]
) -> None:
    item = essay(attempts["mine"])
    client = login(teacher)
    page = client.get(url("grade_item", item.pk)).content.decode()
    assert "Опишите осенний лес" in page
    assert "Листья жёлтые." in page
    assert "Ученикова" in page
    Notification.objects.all().delete()
    response = client.post(url("grade_item", item.pk), {"score": "1", "comment": "Хорошо"})
    assert response.status_code == 302
    assert response["Location"] == url("grading_queue")  # nothing else waits
    attempt = Attempt.objects.get(pk=attempts["mine"].pk)
    assert (attempt.mark, attempt.needs_grading) == (5, False)
    assert essay(attempt).comment == "Хорошо"
    assert Notification.objects.get().recipient == student


def test_grading_goes_on_to_the_next_essay(
    login: Any, methodist: User, sitting: Sitting, attempts: dict[str, Attempt], world: World
) -> None:
    second = take(pupil(world.other_school, "Второв", "7А"), sitting, RIGHT)
    response = login(methodist).post(url("grade_item", essay(attempts["mine"]).pk), {"score": "0"})
    assert response["Location"] == url("grade_item", essay(second).pk)


def test_a_wrong_score_keeps_what_was_typed(
    login: Any, teacher: User, attempts: dict[str, Attempt]
) -> None:
    item = essay(attempts["mine"])
    response = login(teacher).post(
        url("grade_item", item.pk), {"score": "7", "comment": "Мой текст"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Балл — от 0 до 1." in page
    assert 'value="7"' in page
    assert "Мой текст" in page
    assert essay(attempts["mine"]).score is None
    response = login(teacher).post(url("grade_item", item.pk), {"score": ""})
    assert response.status_code == 200
    assert essay(attempts["mine"]).needs_grading


@pytest.mark.parametrize(
    ("persona", "status"),
    [("student", 403), ("parent", 403), ("colleague", 404), ("outsider", 404)],
)
def test_who_may_not_grade(
    login: Any,
    attempts: dict[str, Attempt],
    persona: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    item = essay(attempts["mine"])
    client = login(request.getfixturevalue(persona))
    assert client.get(url("grade_item", item.pk)).status_code == status
    assert client.post(url("grade_item", item.pk), {"score": "1"}).status_code == status
    assert essay(attempts["mine"]).score is None


def test_the_grading_form_refuses_other_methods(
    login: Any, teacher: User, attempts: dict[str, Attempt]
) -> None:
    assert login(teacher).put(url("grade_item", essay(attempts["mine"]).pk)).status_code == 405
    assert login(teacher).get(url("grade_item", 999_999)).status_code == 404


# --- Re-grading -------------------------------------------------------------------------


def test_regrading_through_the_page(
    login: Any,
    methodist: User,
    sitting: Sitting,
    attempts: dict[str, Attempt],
    questions: list[Question],
) -> None:
    capital = questions[0]
    correct_the_key(methodist, capital, right=2)  # Kazan, chosen by Smirnov
    client = login(methodist)
    page = client.get(url("sitting_regrade", sitting.pk)).content.decode()
    assert "Столица" in page
    assert "Был ключ" in page
    assert "Казань" in page
    response = client.post(
        url("sitting_regrade", sitting.pk), {"question": capital.pk, "reason": "Опечатка в ключе"}
    )
    regrade = Regrade.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#regrade-{regrade.pk}")
    assert regrade.attempts_changed == 3
    page = client.get(response["Location"]).content.decode()
    assert "Опечатка в ключе" in page
    assert "изменено попыток: 3" in page
    assert "Смирнов" in page
    # Smirnov's answer gains the point; the two who chose Moscow lose it.
    assert page.count('<td class="text-end">0</td><td class="text-end"><strong>1</strong>') == 1
    assert page.count('<td class="text-end">1</td><td class="text-end"><strong>0</strong>') == 2
    assert "перепроверять нечего" in page
    assert Attempt.objects.get(pk=attempts["other"].pk).score == 1


def test_regrading_needs_a_reason_and_keeps_the_page(
    login: Any,
    methodist: User,
    sitting: Sitting,
    attempts: dict[str, Attempt],
    questions: list[Question],
) -> None:
    correct_the_key(methodist, questions[0], right=2)
    response = login(methodist).post(
        url("sitting_regrade", sitting.pk), {"question": questions[0].pk, "reason": " "}
    )
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    assert not Regrade.objects.exists()
    response = login(methodist).post(
        url("sitting_regrade", sitting.pk), {"question": questions[1].pk, "reason": "Ключ"}
    )
    assert response.status_code == 200
    assert "текущая версия" in response.content.decode()
    assert not Regrade.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("teacher", 403), ("outsider", 404)])
def test_who_may_not_regrade(
    login: Any,
    methodist: User,
    sitting: Sitting,
    attempts: dict[str, Attempt],
    questions: list[Question],
    persona: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    correct_the_key(methodist, questions[0], right=2)
    client = login(request.getfixturevalue(persona))
    address = url("sitting_regrade", sitting.pk)
    assert client.get(address).status_code == status
    assert client.post(address, {"question": questions[0].pk, "reason": "x"}).status_code == status
    assert not Regrade.objects.exists()
    assert login(methodist).put(address).status_code == 405


# --- A student's progress ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["student", "parent", "teacher", "school_admin", "methodist"])
def test_who_sees_a_students_progress(
    login: Any,
    student: User,
    attempts: dict[str, Attempt],
    teacher: User,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    services.grade_item(actor=teacher, item=essay(attempts["mine"]), score=1)
    page = shown(login(request.getfixturevalue(persona)), url("student_progress", student.pk))
    assert "География" in page
    assert "Ежемесячный тест, октябрь" in page
    assert "100,0 %" in page


@pytest.mark.parametrize("persona", ["colleague", "outsider", "expert"])
def test_others_get_404_for_a_students_progress(
    login: Any, student: User, persona: str, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(url("student_progress", student.pk)).status_code == 404


def test_a_classmate_and_a_guest_do_not_see_it(
    login: Any, student: User, world: World, client: Any
) -> None:
    assert client.get(url("student_progress", student.pk)).status_code == 302
    classmate = pupil(world.school, "Соседов")
    assert login(classmate).get(url("student_progress", student.pk)).status_code == 404
    assert login(classmate).get(url("student_progress", 999_999)).status_code == 404


def test_my_progress(login: Any, student: User, attempts: dict[str, Attempt]) -> None:
    page = shown(login(student), url("my_progress"))
    assert "Мои результаты" in page
    assert "ждёт проверки" in page
    assert login(student).post(url("my_progress")).status_code == 405


def test_a_parent_sees_only_the_childs_progress(
    login: Any, parent: User, attempts: dict[str, Attempt]
) -> None:
    boris = attempts["boris"].student
    assert login(parent).get(url("student_progress", boris.pk)).status_code == 404


# --- Every sitting one's school took ----------------------------------------------------


def test_the_school_page_compares_with_the_network(
    login: Any, school_admin: User, sitting: Sitting, attempts: dict[str, Attempt]
) -> None:
    page = login(school_admin).get(url("school_results")).content.decode()
    assert "Ежемесячный тест, октябрь" in page
    assert "37,5 %" in page
    assert "18,8 %" in page
    assert url("sitting_results", sitting.pk) in page


def test_the_school_page_for_one_without_a_school(
    login: Any, methodist: User, outsider: User, attempts: dict[str, Attempt]
) -> None:
    assert (
        "учителя и руководители школ"
        in login(methodist).get(url("school_results")).content.decode()
    )
    page = login(outsider).get(url("school_results")).content.decode()
    assert "Ежемесячный тест" not in page


def test_a_long_list_of_students_waits_for_a_school(
    login: Any,
    methodist: User,
    sitting: Sitting,
    attempts: dict[str, Attempt],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("metodset.testing.views.results.STUDENTS_UNFILTERED", 2)
    page = login(methodist).get(url("sitting_results", sitting.pk)).content.decode()
    assert "Борисов" not in page
    assert "Выберите школу или класс" in page
    page = (
        login(methodist)
        .get(url("sitting_results", sitting.pk), {"school": world.school.pk})
        .content.decode()
    )
    assert "Борисов" in page
