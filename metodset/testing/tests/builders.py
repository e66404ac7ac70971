"""What the test bank's tests build their cases from, made through the services as a
teacher or a student would: questions imported from GIFT, tests and sittings, students,
attempts taken; the pages' and the API's small helpers; and the data of the three small
worlds the tests stand on — the results sitting (four questions given to two schools),
the exam morning in Tomsk, and the API's test on fractions.

The fixtures of the results world are in conftest.py."""

import dataclasses
import datetime
import json
import zoneinfo
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Organization, Role, Subject, User
from metodset.accounts.tests.factories import person
from metodset.core.models import AuditEntry
from metodset.groups.models import Group, GroupMember
from metodset.groups.tests.factories import founded
from metodset.testing import formats, services
from metodset.testing.models import Attempt, Category, ImportJob, Question, Quiz, Sitting
from metodset.testing.services import import_jobs
from metodset.testing.services.bank import edit_question, question_item

FIXTURES = Path(__file__).parent / "fixtures"

# --- Pages, files, the audit -----------------------------------------------------------------


def url(name: str, *args: Any) -> str:
    return reverse(f"testing:{name}", args=args)


def html(response: Any) -> str:
    return str(response.content.decode())


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    """A file of tests/fixtures (or `content` under that name) as a form would send it."""
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, data)


def start_upload(
    actor: User,
    name: str,
    content: bytes | None = None,
    *,
    file_format: str = "gift",
    **options: Any,
) -> ImportJob:
    """A file of tests/fixtures (or `content` under `name`) uploaded and read for its
    preview; `options` as `import_jobs.start_import` takes them."""
    return import_jobs.start_import(
        actor=actor, uploaded_file=upload(name, content), format=file_format, **options
    )


def audit_count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# --- Questions ---------------------------------------------------------------------------------


def import_gift(
    author: User,
    text: str,
    *,
    path: Sequence[str] | None = None,
    visibility: str = Question.Visibility.NETWORK,
) -> list[Question]:
    """The questions of a GIFT text in `author`'s bank, imported by the service as a teacher
    would (under the category `path`, if given), in the text's order."""
    result = formats.parse(text, "gift")
    assert not result.errors, result.errors
    questions = services.import_items(
        actor=author,
        result=result,
        category_path=list(path) if path is not None else None,
        visibility=visibility,
    )
    return sorted(questions, key=lambda question: question.pk)


def bank(
    author: User,
    count: int = 3,
    *,
    path: tuple[str, ...] = ("Математика", "Дроби"),
    prefix: str = "Вопрос",
    visibility: str = Question.Visibility.PRIVATE,
    difficulty: int | None = None,
) -> list[Question]:
    """`count` single-choice questions of `author` in the category at `path`."""
    text = "\n\n".join(
        f"::{prefix} {number}::Сколько будет {number} + 1?{{={number + 1} ~{number + 2}}}"
        for number in range(1, count + 1)
    )
    questions = import_gift(author, text, path=path, visibility=visibility)
    if difficulty is not None:
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(difficulty=difficulty)
    return questions


def category_at(*path: str) -> Category:
    found = services.find_category(list(path))
    assert found is not None
    return found


def correct_the_key(author: User, question: Question, right: int) -> None:
    """A new version of the single-choice question with option `right` the right one."""
    item = question_item(question)
    item.answers = [
        dataclasses.replace(answer, fraction=Decimal(100 if index == right else 0))
        for index, answer in enumerate(item.answers)
    ]
    edit_question(actor=author, question=question, item=item, comment="Исправлен ключ")


# --- Tests and sittings ------------------------------------------------------------------------


def make_quiz(
    author: User,
    questions: Sequence[Question] = (),
    *,
    title: str = "Дроби, 5 класс",
    **settings: Any,
) -> Quiz:
    """A test of `author` (the settings as `services.QuizData` takes them) with `questions`
    in their order, one point each."""
    quiz = services.create_quiz(actor=author, data=services.QuizData(title=title, **settings))
    if questions:
        services.add_questions(actor=author, quiz=quiz, questions=list(questions))
    return quiz


def quiz_with_questions(author: User, count: int = 3, **settings: Any) -> Quiz:
    return make_quiz(author, bank(author, count), **settings)


def make_sitting(
    author: User,
    quiz: Quiz,
    classes: Sequence[tuple[Organization, str]],
    *,
    title: str = "Ежемесячный тест, октябрь",
    opens_in: datetime.timedelta = datetime.timedelta(minutes=-5),
    lasts: datetime.timedelta = datetime.timedelta(hours=1),
) -> Sitting:
    """The test given to `classes`, by default open from five minutes ago for an hour."""
    opens_at = timezone.now() + opens_in
    return services.create_sitting(
        actor=author,
        quiz=quiz,
        title=title,
        opens_at=opens_at,
        closes_at=opens_at + lasts,
        classes=list(classes),
    )


def window(
    *, hours_from_now: float = 24, length: float = 1
) -> tuple[datetime.datetime, datetime.datetime]:
    opens = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=hours_from_now)
    return opens, opens + datetime.timedelta(hours=length)


def assign(
    actor: User,
    quiz: Quiz,
    classes: list[tuple[Organization, str]],
    *,
    open_now: bool = False,
    **fields: Any,
) -> Sitting:
    """The test given for two hours from tomorrow (or from half an hour ago); `fields` may
    name the title, the times and groups."""
    opens_at, closes_at = window(hours_from_now=-0.5 if open_now else 24, length=2)
    return services.create_sitting(
        actor=actor,
        quiz=quiz,
        title=fields.pop("title", "Ежемесячный тест"),
        opens_at=fields.pop("opens_at", opens_at),
        closes_at=fields.pop("closes_at", closes_at),
        classes=classes,
        **fields,
    )


# --- People ------------------------------------------------------------------------------------


def pupil(school: Organization, last_name: str, student_class: str = "7Б") -> User:
    return person(
        school,
        Role.STUDENT,
        email=f"{last_name.lower()}@{school.pk}.test",
        last_name=last_name,
        first_name="Ученик",
        patronymic="Тестович",
        student_class=student_class,
    )


def student_group(founder: User, leader: User, student: User, title: str) -> Group:
    """An association `founder` founds, `leader` leads and `student` learns in."""
    group = founded(founder, "creative-lab", title=title)
    GroupMember.objects.create(
        group=group, user=leader, role=GroupMember.Role.LEADER, status=GroupMember.Status.ACTIVE
    )
    GroupMember.objects.create(
        group=group, user=student, status=GroupMember.Status.ACTIVE, is_student=True
    )
    return group


# --- Taking a test -----------------------------------------------------------------------------


def answer(student: User, attempt: Attempt, answers: dict[int, Any]) -> None:
    """Save the answer to each position (None: leave it)."""
    for position, response in answers.items():
        if response is not None:
            services.save_answer(
                actor=student, attempt_id=attempt.pk, position=position, response=response
            )


def answered(student: User, sitting: Sitting, answers: dict[int, Any]) -> Attempt:
    """Start and answer, leaving the attempt in progress."""
    attempt = services.start_attempt(actor=student, sitting=sitting)
    answer(student, attempt, answers)
    return attempt


def take(student: User, sitting: Sitting, answers: dict[int, Any]) -> Attempt:
    """Start, answer and submit."""
    return services.submit_attempt(actor=student, attempt=answered(student, sitting, answers))


# --- The results world: a methodist's test of four questions for 7Б and 7А of two schools -----

RESULTS_GIFT = """
::Столица:: Столица России? {=Москва ~Санкт-Петербург ~Казань}

::Простые:: Какие из чисел простые? {~%50%2 ~%50%3 ~%-100%4}

::Земля:: Земля вращается вокруг Солнца. {T}

::Осень:: Опишите осенний лес в трёх предложениях. {}
"""
# The right answers: Москва (0), 2 and 3 (0, 1), true; the essay waits for a teacher.
RIGHT = {
    1: {"choice": 0},
    2: {"choices": [0, 1]},
    3: {"value": True},
    4: {"text": "Листья жёлтые."},
}
WRONG = {1: {"choice": 2}, 2: {"choices": [2]}, 3: {"value": False}, 4: None}
# Москва, only «2» of the primes (half), «неверно», no essay: 1.5 of 4.
HALF = {1: {"choice": 0}, 2: {"choices": [0]}, 3: {"value": False}, 4: None}


def geography_quiz(author: User, questions: list[Question], **settings: Any) -> Quiz:
    subject, _created = Subject.objects.get_or_create(name="География")
    return make_quiz(
        author, questions, title="Природа и общество", subject_id=subject.pk, **settings
    )


# --- The exam morning: 10:00 in Tomsk, a teacher's test for her 7Б --------------------------

TOMSK = zoneinfo.ZoneInfo("Asia/Tomsk")
MORNING = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=TOMSK)

EXAM_GIFT = """
$CATEGORY: Математика/Постоянные

::Столица:: Столица России? {=Москва ~Санкт-Петербург ~Казань}

::Простые:: Какие из чисел простые? {~%50%2 ~%50%3 ~%-100%4}

::Земля:: Земля вращается вокруг Солнца. {T}

::Сумма:: 2 + 2 = ? {#4}

::Осень:: Опишите осенний лес в трёх предложениях. {}

$CATEGORY: Математика/Дроби

::Д1:: 1/2 + 1/2 = ? {=1 ~2 ~0}

::Д2:: 1/3 + 1/3 = ? {=2/3 ~2/6 ~1}

::Д3:: 1/4 + 1/4 = ? {=1/2 ~2/8 ~1}

::Д4:: 1/5 + 1/5 = ? {=2/5 ~2/10 ~1}

::Д5:: 1/6 + 1/6 = ? {=1/3 ~2/12 ~1}
"""
EXAM_RIGHT = {1: {"choice": 0}, 2: {"choices": [0, 1]}, 3: {"value": True}, 4: {"text": "4"}}


def exam_bank(author: User) -> dict[str, Question]:
    """The questions of EXAM_GIFT by name."""
    return {question.name: question for question in import_gift(author, EXAM_GIFT)}


def four(questions: dict[str, Question]) -> list[Question]:
    """The exam's four questions worth a point each (the essay is added where a test needs
    it)."""
    return [questions[name] for name in ("Столица", "Простые", "Земля", "Сумма")]


# --- The API: fractions for 7Б, a client per person ----------------------------------------------

API = "/api/v1/testing"

FRACTIONS_GIFT = """$CATEGORY: Дроби

::Сумма дробей::Сколько будет 1/2 + 1/4? {=3/4#Верно, молодец ~1/2#Подумайте ещё ~2/6}

::Чётные числа::Выберите чётные числа. {~%50%2 ~%50%4 ~%-100%3}

::Земля::Земля имеет форму шара. {T}

::Столица::Назовите столицу России. {=Москва}

::Корень::Чему равен квадратный корень из 16? {#4:0}

::Пары::Сопоставьте животное и звук. {=кошка -> мяукает =собака -> лает =корова -> мычит}

::Эссе::Опишите, что такое дробь. {}
"""


def fill_bank(
    author: User,
    *,
    text: str = FRACTIONS_GIFT,
    path: Sequence[str] = ("Математика",),
    visibility: str = Question.Visibility.NETWORK,
) -> list[Question]:
    """The questions of a GIFT file (read back from the database, in the file's order)."""
    saved = import_gift(author, text, path=path, visibility=visibility)
    return list(Question.objects.filter(pk__in=[question.pk for question in saved]).order_by("pk"))


def network_quiz(author: User, questions: Sequence[Question], **settings: Any) -> Quiz:
    """A test the whole network sees, its options in the file's order unless told."""
    return make_quiz(
        author,
        questions,
        **{
            "visibility": "network",
            "shuffle_answers": False,
            "title": "Дроби, 7 класс",
            **settings,
        },
    )


def client_for(user: Any) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def _body(response: Any) -> Any:
    return json.loads(response.content) if response.content else None


def get(client: Client, address: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
    response = client.get(address, params or {}, headers=headers)
    return response.status_code, _body(response)


def send(client: Client, address: str, body: Any = None, **headers: str) -> Any:
    response = client.post(
        address, json.dumps(body or {}), content_type="application/json", headers=headers
    )
    return response.status_code, _body(response)


def put(client: Client, address: str, body: Any, **headers: str) -> Any:
    response = client.put(
        address, json.dumps(body), content_type="application/json", headers=headers
    )
    return response.status_code, _body(response)


def patch(client: Client, address: str, body: Any) -> Any:
    response = client.patch(address, json.dumps(body), content_type="application/json")
    return response.status_code, _body(response)
