"""A small hand-built sitting for the results tests: a methodist's test of four questions
(single choice, multiple choice, true/false, essay) given to 7Б of school №1 and 7А of
school №2, and students who answer it through the services."""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from metodset.accounts.models import Organization, Role, Subject, User
from metodset.accounts.tests.factories import person
from metodset.testing import formats, services
from metodset.testing.models import Attempt, Question, Quiz, Sitting
from metodset.testing.services.bank import edit_question, question_item

GIFT = """
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


def bank(author: User) -> list[Question]:
    result = formats.parse(GIFT, "gift")
    assert not result.errors, result.errors
    questions = services.import_items(actor=author, result=result, visibility="network")
    return sorted(questions, key=lambda question: question.pk)


def make_quiz(author: User, questions: list[Question], **settings: Any) -> Quiz:
    subject, _created = Subject.objects.get_or_create(name="География")
    data = services.QuizData(title="Природа и общество", subject_id=subject.pk, **settings)
    quiz = services.create_quiz(actor=author, data=data)
    if questions:
        services.add_questions(actor=author, quiz=quiz, questions=questions)
    return quiz


def make_sitting(
    author: User, quiz: Quiz, classes: list[tuple[Organization, str]], title: str = ""
) -> Sitting:
    now = timezone.now()
    return services.create_sitting(
        actor=author,
        quiz=quiz,
        title=title or "Ежемесячный тест, октябрь",
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(hours=2),
        classes=classes,
    )


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


def take(student: User, sitting: Sitting, answers: dict[int, Any]) -> Attempt:
    """Start, answer each position (None: leave it) and submit."""
    attempt = services.start_attempt(actor=student, sitting=sitting)
    for position, response in answers.items():
        if response is not None:
            services.save_answer(
                actor=student, attempt_id=attempt.pk, position=position, response=response
            )
    return services.submit_attempt(actor=student, attempt=attempt)


def correct_the_key(author: User, question: Question, right: int) -> None:
    """A new version of the single-choice question with option `right` the right one."""
    item = question_item(question)
    item.answers = [
        dataclasses.replace(answer, fraction=Decimal(100 if index == right else 0))
        for index, answer in enumerate(item.answers)
    ]
    edit_question(actor=author, question=question, item=item, comment="Исправлен ключ")
