"""The figures behind the results pages, on a small hand-built sitting whose answers are
known: a student counts once by the best graded attempt; per school and class; names only
for the schools one may see by name; item facility and option counts; the school against
the network; a student's progress month by month; the journal files; a fixed number of
queries whatever the number of attempts."""

import csv
import dataclasses
import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import time_machine

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.testing import access, exports, reports, services
from metodset.testing.models import Attempt, Question, Sitting
from metodset.testing.tests.builders import (
    HALF,
    RIGHT,
    WRONG,
    geography_quiz,
    make_sitting,
    pupil,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempts_allowed() -> int:
    return 2


# A: everything right, the essay graded 1 of 1 → 100 %, «5».
# B: Москва, only «2» of the primes (half), «неверно», no essay → 1.5 of 4 = 37.5 %, «2».
# C (other school): all wrong → 0 %, «2».


@pytest.fixture
def three(sitting: Sitting, world: World, student: User, teacher: User) -> dict[str, Attempt]:
    a = take(student, sitting, RIGHT)
    a = services.grade_item(actor=teacher, item=a.items.get(position=4), score=1)
    b = take(pupil(world.school, "Борисов"), sitting, HALF)
    c = take(pupil(world.other_school, "Смирнов", "7А"), sitting, WRONG)
    return {"a": a, "b": b, "c": c}


def names_for(user: Any, sitting: Sitting) -> Any:
    return lambda org_id: access.can_see_names_of(user, sitting, org_id)


def test_the_three_attempts_score_as_expected(three: dict[str, Attempt]) -> None:
    assert [(a.percent, a.mark) for a in three.values()] == [
        (Decimal("100.00"), 5),
        (Decimal("37.50"), 2),
        (Decimal("0.00"), 2),
    ]


# --- Results of a sitting ---------------------------------------------------------------


def test_summary_schools_and_classes(
    sitting: Sitting, three: dict[str, Attempt], world: World, methodist: User
) -> None:
    results = reports.sitting_results(sitting, names_shown=names_for(methodist, sitting))
    figures = results.figures
    assert (figures.started, figures.finished, figures.graded, figures.pending) == (3, 3, 3, 0)
    assert figures.mean == pytest.approx((100 + 37.5 + 0) / 3)
    assert figures.median == pytest.approx(37.5)
    assert figures.marks == {2: 2, 3: 0, 4: 0, 5: 1}
    assert dict(figures.histogram)["0–10"] == 1
    assert dict(figures.histogram)["30–40"] == 1
    assert dict(figures.histogram)["90–100"] == 1
    assert [(s.organization, s.named) for s in results.schools] == [
        (world.other_school, True),
        (world.school, True),
    ]
    assert [s.figures.mean for s in results.schools] == [0.0, pytest.approx(68.75)]
    assert [(c.organization, c.student_class, c.figures.graded) for c in results.classes] == [
        (world.other_school, "7А", 1),
        (world.school, "7Б", 2),
    ]
    assert results.network == figures
    assert [row.last_name for row in results.students] == ["Смирнов", "Борисов", "Ученикова"]


def test_a_teacher_of_one_school_sees_the_names_of_her_school_only(
    sitting: Sitting, three: dict[str, Attempt], world: World, colleague: User
) -> None:
    results = reports.sitting_results(
        sitting,
        names_shown=names_for(colleague, sitting),
        own_org_ids=[world.other_school.pk],
    )
    assert [row.last_name for row in results.students] == ["Смирнов"]
    assert {school.organization: school.named for school in results.schools} == {
        world.school: False,
        world.other_school: True,
    }
    # Figures of the other school are there, without names.
    assert len(results.schools) == 2
    (comparison,) = results.comparisons
    assert comparison.organization == world.other_school
    assert comparison.school.mean == 0.0
    assert comparison.network.mean == pytest.approx(137.5 / 3)


def test_filter_by_school_and_class(
    sitting: Sitting, three: dict[str, Attempt], world: World, methodist: User
) -> None:
    results = reports.sitting_results(
        sitting,
        names_shown=names_for(methodist, sitting),
        organization_id=world.school.pk,
        student_class="7 б",
    )
    assert results.figures.graded == 2
    assert results.figures.mean == pytest.approx(68.75)
    assert [school.organization for school in results.schools] == [world.school]
    assert results.network.graded == 3  # the network is always the whole sitting
    assert results.class_names == ["7Б"]
    assert len(results.organizations) == 2
    results = reports.sitting_results(
        sitting, names_shown=names_for(methodist, sitting), student_class="7А"
    )
    assert [row.last_name for row in results.students] == ["Смирнов"]


def test_a_student_counts_once_by_the_best_graded_attempt(
    sitting: Sitting, student: User, teacher: User, methodist: User
) -> None:
    take(student, sitting, WRONG)  # 0 %, «2»
    second = take(student, sitting, RIGHT)  # 75 % until the essay is graded
    results = reports.sitting_results(sitting, names_shown=names_for(methodist, sitting))
    assert (results.figures.graded, results.figures.mean, results.figures.pending) == (1, 0.0, 0)
    services.grade_item(actor=teacher, item=second.items.get(position=4), score=1)
    results = reports.sitting_results(sitting, names_shown=names_for(methodist, sitting))
    assert (results.figures.started, results.figures.graded, results.figures.mean) == (1, 1, 100.0)
    assert results.figures.marks[5] == 1
    assert [row.attempt.number for row in results.students] == [1, 2]  # every attempt listed


def test_an_essay_waiting_is_counted_apart(
    sitting: Sitting, student: User, methodist: User, world: World
) -> None:
    take(student, sitting, RIGHT)
    services.start_attempt(actor=pupil(world.school, "Ивин"), sitting=sitting)
    figures = reports.sitting_results(sitting, names_shown=names_for(methodist, sitting)).figures
    assert (figures.started, figures.finished, figures.graded, figures.pending) == (2, 1, 0, 1)
    assert figures.mean is None
    assert figures.marks == {2: 0, 3: 0, 4: 0, 5: 0}


def test_results_take_three_queries(
    sitting: Sitting,
    three: dict[str, Attempt],
    methodist: User,
    world: World,
    django_assert_num_queries: Any,
) -> None:
    for number in range(5):
        take(pupil(world.school, f"Ещёв{number}"), sitting, HALF)
    access.can_see_names_of(methodist, sitting, 0)  # roles read once per request
    with django_assert_num_queries(3):  # attempts, schools, names
        results = reports.sitting_results(sitting, names_shown=names_for(methodist, sitting))
    assert len(results.students) == 8


# --- Every sitting the school took ------------------------------------------------------


def test_the_school_against_the_network_for_every_sitting(
    sitting: Sitting,
    three: dict[str, Attempt],
    methodist: User,
    world: World,
    questions: list[Question],
    student: User,
    django_assert_num_queries: Any,
) -> None:
    other_quiz = geography_quiz(methodist, questions[:1])
    second = make_sitting(methodist, other_quiz, [(world.school, "7Б")], title="Второй")
    take(student, second, {1: {"choice": 0}})
    unrelated = make_sitting(methodist, other_quiz, [(world.other_school, "7А")], title="Чужой")
    take(pupil(world.other_school, "Антонов", "7А"), unrelated, {1: {"choice": 0}})

    sittings = list(reports.sittings_taken_by([world.school.pk]))
    assert set(sittings) == {sitting, second}
    with django_assert_num_queries(2):
        rows = reports.school_comparisons(sittings, [world.school.pk])
    by_title = {row.sitting.title: row.comparisons for row in rows}
    (first,) = by_title["Ежемесячный тест, октябрь"]
    assert first.organization == world.school
    assert first.school.mean == pytest.approx(68.75)
    assert first.network.mean == pytest.approx(137.5 / 3)
    (only,) = by_title["Второй"]
    assert only.school.mean == only.network.mean == 100.0


# --- Item statistics --------------------------------------------------------------------


def test_item_statistics_of_three_students(sitting: Sitting, three: dict[str, Attempt]) -> None:
    data = reports.sitting_statistics(sitting)
    by_name = {row.name: row for row in data.questions}
    assert [row.name for row in data.questions] == ["Столица", "Простые", "Земля", "Осень"]
    capital = by_name["Столица"]
    assert (capital.place, capital.attempts) == (1, 3)
    assert capital.facility == pytest.approx(200 / 3)
    assert [(o.label, o.count, o.is_right) for o in capital.options] == [
        ("Москва", 2, True),
        ("Санкт-Петербург", 0, False),
        ("Казань", 1, False),
    ]
    assert capital.options_complete
    assert capital.right_answer == "Москва"
    primes = by_name["Простые"]
    assert primes.facility == pytest.approx(50)
    assert [(o.label, o.count, o.is_right) for o in primes.options] == [
        ("2", 2, True),
        ("3", 1, True),
        ("4", 1, False),
    ]
    earth = by_name["Земля"]
    assert earth.facility == pytest.approx(100 / 3)
    assert [(o.label, o.count, o.is_right) for o in earth.options] == [
        ("верно", 1, True),
        ("неверно", 2, False),
    ]
    assert earth.options[1].share == pytest.approx(200 / 3)
    essay = by_name["Осень"]
    assert (essay.attempts, essay.options, essay.pending) == (3, [], 0)
    assert essay.facility == pytest.approx(100 / 3)
    # The strongest student answered everything right: every item discriminates.
    assert all(row.discrimination is not None and row.discrimination > 0 for row in data.questions)
    assert data.summary.count == 3
    assert data.summary.mean == pytest.approx(137.5 / 3)
    assert data.summary.cronbach_alpha is not None


def test_a_waiting_essay_is_left_out_of_its_statistics(sitting: Sitting, student: User) -> None:
    take(student, sitting, RIGHT)
    data = reports.sitting_statistics(sitting)
    essay = next(row for row in data.questions if row.type == "essay")
    assert (essay.attempts, essay.pending, essay.facility) == (0, 1, None)
    assert data.summary.count == 0  # no graded attempt yet
    assert data.summary.cronbach_alpha is None


def test_a_weak_question_is_flagged() -> None:
    row = reports.QuestionStatistics(
        question_id=1,
        name="Вопрос",
        type="single_choice",
        type_label="один ответ",
        place=1,
        is_random=False,
        attempts=10,
        facility=50.0,
        discrimination=0.1,
        sd=0.5,
        right_answer="",
        options=[],
        options_complete=True,
        pending=0,
    )
    assert row.is_weak
    assert not dataclasses.replace(row, discrimination=0.3).is_weak
    assert not dataclasses.replace(row, discrimination=None).is_weak


def test_questions_drawn_at_random_are_grouped_by_question(
    methodist: User, world: World, questions: list[Question], student: User
) -> None:
    quiz = geography_quiz(methodist, [])
    services.add_random_draw(actor=methodist, quiz=quiz, category=questions[0].category, count=2)
    sitting = make_sitting(methodist, quiz, [(world.school, "7Б")])
    students = [student, *(pupil(world.school, f"Случайнов{n}") for n in range(5))]
    for person in students:
        take(person, sitting, {})
    data = reports.sitting_statistics(sitting)
    assert sum(row.attempts for row in data.questions) == 2 * len(students)
    assert all(row.is_random and row.place == 1 for row in data.questions)
    assert len({row.question_id for row in data.questions}) == len(data.questions)


def test_statistics_take_five_queries(
    sitting: Sitting, three: dict[str, Attempt], world: World, django_assert_num_queries: Any
) -> None:
    for number in range(4):
        take(pupil(world.school, f"Ещёв{number}"), sitting, HALF)
    # Attempts' per cents, items, versions, questions, slots.
    with django_assert_num_queries(5):
        reports.sitting_statistics(sitting)


# --- A student's progress ---------------------------------------------------------------


def test_progress_month_by_month(
    methodist: User,
    world: World,
    questions: list[Question],
    student: User,
    parent: User,
    teacher: User,
    colleague: User,
) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save()
    quiz = geography_quiz(methodist, questions[:3])
    right = {position: RIGHT[position] for position in (1, 2, 3)}
    # 30 September 20:30 in Moscow is already 1 October in Tomsk: October counts.
    with time_machine.travel(datetime.datetime(2025, 9, 30, 17, 30, tzinfo=datetime.UTC)):
        october = make_sitting(methodist, quiz, [(world.school, "7Б")], title="Октябрь")
        take(student, october, {1: {"choice": 0}})
    with time_machine.travel(datetime.datetime(2025, 9, 15, 5, tzinfo=datetime.UTC)):
        september = make_sitting(methodist, quiz, [(world.school, "7Б")], title="Сентябрь")
        take(student, september, WRONG)
    with time_machine.travel(datetime.datetime(2025, 10, 20, 5, tzinfo=datetime.UTC)):
        later = make_sitting(methodist, quiz, [(world.school, "7Б")], title="Октябрь-2")
        take(student, later, right)

    progress = reports.student_progress(student, student)
    (subject,) = progress.subjects
    assert subject.subject == "География"
    assert [(m.month, [e.title for e in m.entries]) for m in subject.months] == [
        (datetime.date(2025, 9, 1), ["Сентябрь"]),
        (datetime.date(2025, 10, 1), ["Октябрь", "Октябрь-2"]),
    ]
    assert [(m.month.month, m.count, m.mean) for m in progress.months] == [
        (9, 1, 0.0),
        (10, 2, pytest.approx((33.33 + 100) / 2)),
    ]
    assert progress.subjects[0].months[1].entries[0].day == datetime.date(2025, 10, 1)
    # The parent and the school's teacher see the same; a teacher of another school sees none.
    assert reports.student_progress(parent, student) == progress
    assert reports.student_progress(teacher, student) == progress
    assert reports.student_progress(colleague, student).is_empty


def test_progress_counts_the_best_attempt_of_a_sitting(
    sitting: Sitting, student: User, teacher: User
) -> None:
    take(student, sitting, WRONG)
    best = take(student, sitting, RIGHT)
    services.grade_item(actor=teacher, item=best.items.get(position=4), score=1)
    (entry,) = reports.student_progress(student, student).subjects[0].months[0].entries
    assert (entry.attempt_id, entry.percent, entry.mark) == (best.pk, 100.0, 5)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("student", True),
        ("parent", True),
        ("teacher", True),
        ("school_admin", True),
        ("methodist", True),
        ("colleague", False),
        ("expert", False),
        ("outsider", False),
        ("guest", False),
    ],
)
def test_who_may_see_a_students_progress(
    student: User, persona: str, allowed: bool, request: pytest.FixtureRequest
) -> None:
    assert access.can_view_progress(request.getfixturevalue(persona), student) is allowed


def test_another_student_does_not_see_ones_progress(student: User, world: World) -> None:
    assert not access.can_view_progress(pupil(world.school, "Соседов"), student)


# --- The journal files ------------------------------------------------------------------


@pytest.fixture
def sent(three: dict[str, Attempt], student: User, sitting: Sitting) -> list[Attempt]:
    services.decide_journal(actor=student, attempt=three["a"], send=True)
    b_student = three["b"].student
    services.decide_journal(actor=b_student, attempt=three["b"], send=False)
    return list(services.journal_attempts(sitting, {three["a"].organization_id}))


HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Класс",
    "Школа",
    "Предмет",
    "Дата",
    "Работа",
    "Отметка",
    "Процент",
    "Когда выбрано",
]


def test_journal_xlsx(sitting: Sitting, sent: list[Attempt], student: User) -> None:
    book = openpyxl.load_workbook(io.BytesIO(exports.journal_xlsx(sitting, sent)))
    sheet = book.active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Ежемесячный тест, октябрь"
    assert rows[2] == HEADER
    (row,) = rows[3:]
    attempt = sent[0]
    day = attempt.finished_at.astimezone(sitting.district.zone).date()  # type: ignore[union-attr]
    assert row[:6] == [
        student.last_name,
        "Маша",
        student.patronymic or None,
        "7Б",
        "МБОУ СОШ №1",
        "География",
    ]
    assert isinstance(row[6], datetime.datetime)
    assert row[6].date() == day
    assert row[7:10] == ["Ежемесячный тест, октябрь", 5, 100]
    assert isinstance(row[10], datetime.datetime)


def test_journal_csv_opens_in_russian_excel(
    sitting: Sitting, sent: list[Attempt], three: dict[str, Attempt], student: User
) -> None:
    services.decide_journal(actor=three["c"].student, attempt=three["c"], send=True)
    attempts = list(
        services.journal_attempts(sitting, {three["a"].organization_id, three["c"].organization_id})
    )
    data = exports.journal_csv(sitting, attempts)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == ["Смирнов", student.last_name]  # by school name
    smirnov = rows[1]
    assert smirnov[3:6] == ["7А", "МБОУ Гимназия №2", "География"]
    assert smirnov[8:10] == ["2", "0"]
    assert datetime.datetime.strptime(smirnov[6], "%d.%m.%Y")  # noqa: DTZ007 - a day's text
    assert datetime.datetime.strptime(smirnov[10], "%d.%m.%Y %H:%M")  # noqa: DTZ007


def test_a_fractional_percent_gets_a_decimal_comma(
    sitting: Sitting, three: dict[str, Attempt]
) -> None:
    b = three["b"]
    services.decide_journal(actor=b.student, attempt=b, send=True)
    data = exports.journal_csv(
        sitting, list(services.journal_attempts(sitting, {b.organization_id}))
    )
    (row,) = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1:]
    assert row[9] == "37,5"


def test_only_marks_sent_reach_the_journal(
    sitting: Sitting, sent: list[Attempt], three: dict[str, Attempt]
) -> None:
    assert sent == [three["a"]]
