"""The demo district's test bank, made through the services as teachers would: 25 algebra
questions of the 7th grade imported from a GIFT file and shared with the network, the
monthly test with fixed questions and random draws, last month's sitting of two schools
with its results (some marks sent to the journal), and this month's sitting open for a week
so that the demo student can take it."""

import datetime
import random
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from metodset.accounts.demo import demo_email
from metodset.accounts.models import Membership, Organization, Role, Subject, User
from metodset.testing import formats, grading, services
from metodset.testing.models import Attempt, Category, Question, Quiz, Sitting
from metodset.testing.services.attempts import item_of_version

DEMO_DOMAIN = "@demo.metodset.ru"
BANK_FILE = Path(__file__).parent / "demo_data" / "algebra7.gift.txt"
DIFFICULTY = {"Степень 1": 1, "Степень 2": 1, "Степень 3": 2, "Нулевая степень": 1}


def demo_testing_exists() -> bool:
    return Quiz.objects.filter(author__email__endswith=DEMO_DOMAIN).exists()


def delete_demo_testing() -> None:
    with transaction.atomic():
        sittings = Sitting.objects.filter(created_by__email__endswith=DEMO_DOMAIN)
        Attempt.objects.filter(sitting__in=sittings).delete()
        for sitting in sittings:
            sitting.regrades.all().delete()
        sittings.delete()
        Quiz.objects.filter(author__email__endswith=DEMO_DOMAIN).delete()
        questions = Question.objects.filter(author__email__endswith=DEMO_DOMAIN)
        questions.filter(copied_from__isnull=False).delete()
        questions.delete()
        Category.objects.filter(questions__isnull=True, children__isnull=True).delete()


def _school_of(person: User) -> Organization:
    membership = (
        Membership.objects.active()
        .filter(user=person, role__in=[Role.TEACHER, Role.SCHOOL_ADMIN])
        .select_related("organization__district")
        .first()
    )
    assert membership is not None, person  # noqa: S101 (the demo district is built first)
    return membership.organization


def _answer_all(student: User, sitting: Sitting, skill: float, rng: random.Random) -> Attempt:
    """A student takes the test: right answers with probability `skill`, else a wrong one."""
    attempt = services.start_attempt(actor=student, sitting=sitting)
    for row in attempt.items.all():
        item = item_of_version(row.version_id)
        response = grading.right_response(item)
        if item.type.value == "essay":
            response = {"text": "Переношу 2x влево, а −3 вправо: 2x = 10, значит x = 5."}
        if response is None:
            continue
        if rng.random() > skill:
            response = _wrong(item, response)
        services.save_answer(
            actor=student, attempt_id=attempt.pk, position=row.position, response=response
        )
    return services.submit_attempt(actor=student, attempt=attempt)


def _wrong(item: formats.Item, right: dict[str, object]) -> dict[str, object]:
    if "choice" in right:
        others = [index for index in range(len(item.answers)) if index != right["choice"]]
        return {"choice": others[0]} if others else right
    if "value" in right:
        return {"value": not right["value"]}
    if "text" in right:
        return {"text": "0" if item.type.value == "numerical" else "не знаю"}
    if "choices" in right:
        return {"choices": []}
    return right


def build_demo_testing() -> int:
    """Build it all; the number of attempts made."""
    teacher = User.objects.get(email=demo_email("teacher"))
    teacher2 = User.objects.get(email=demo_email("teacher2"))
    # The monthly test of two schools is given by the district (a teacher gives it to her own).
    methodist = User.objects.get(email=demo_email("methodist"))
    first, second = _school_of(teacher), _school_of(teacher2)
    result = formats.parse(BANK_FILE.read_bytes(), "gift")
    mathematics = Subject.objects.filter(name="Алгебра").first()
    with transaction.atomic():
        questions = services.import_items(
            actor=teacher, result=result, visibility=Question.Visibility.NETWORK
        )
        for question in questions:
            question.subject = mathematics
            question.grades = [7]
            question.difficulty = DIFFICULTY.get(question.name, 2)
        Question.objects.bulk_update(questions, ["subject", "grades", "difficulty"])
        quiz = services.create_quiz(
            actor=teacher,
            data=services.QuizData(
                title="Ежемесячный тест по алгебре, 7 класс",
                description=(
                    "Ответы сохраняются сразу. Если страница закрылась — войдите снова и "
                    "продолжите: время идёт с момента начала."
                ),
                visibility=Question.Visibility.NETWORK,
                subject_id=mathematics.pk if mathematics else None,
                grades=[7],
                time_limit_minutes=40,
                review=Quiz.Review.AFTER_CLOSE,
            ),
        )
        by_name = {question.name: question for question in questions}
        services.add_questions(
            actor=teacher,
            quiz=quiz,
            questions=[by_name["Корень уравнения 1"], by_name["Сколько корней"]],
        )
        category = services.find_category(["Алгебра", "7 класс", "Степени"])
        assert category is not None  # noqa: S101 (imported just above)
        services.add_random_draw(actor=teacher, quiz=quiz, category=category, count=3)
        percent = services.find_category(["Алгебра", "7 класс", "Проценты"])
        assert percent is not None  # noqa: S101
        services.add_random_draw(actor=teacher, quiz=quiz, category=percent, count=2, points=2)
        services.add_questions(
            actor=teacher,
            quiz=quiz,
            questions=[by_name["Линейная функция"], by_name["Объясните решение"]],
            points=3,
        )
    now = timezone.now()
    classes = [(first, "7"), (second, "7")]
    # Last month's sitting: taken by every 7th-grader of both schools but the demo student.
    past = services.create_sitting(
        actor=methodist,
        quiz=quiz,
        title="Алгебра, 7 класс — октябрьский тест",
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(hours=1),
        classes=classes,
    )
    rng = random.Random(2026)  # noqa: S311 - demo data
    student = User.objects.get(email=demo_email("student"))
    attempts = 0
    for person, _membership in services.students_of_sitting(past):
        if person.pk == student.pk:
            continue
        attempt = _answer_all(person, past, rng.uniform(0.3, 0.95), rng)
        attempts += 1
        for row in attempt.items.filter(needs_grading=True):
            attempt = services.grade_item(
                actor=methodist,
                item=row,
                score=rng.choice([1, 2, 3]),
                comment="Решение верное, объяснение краткое.",
            )
        if attempt.mark is not None and rng.random() < 0.6:
            services.decide_journal(actor=person, attempt=attempt, send=attempt.mark >= 4)
    month = datetime.timedelta(days=30)
    Sitting.objects.filter(pk=past.pk).update(
        opens_at=past.opens_at - month,
        closes_at=past.opens_at - month + datetime.timedelta(hours=1),
    )
    Attempt.objects.filter(sitting=past).update(
        started_at=past.opens_at - month,
        finished_at=past.opens_at - month + datetime.timedelta(minutes=35),
        deadline_at=past.opens_at - month + datetime.timedelta(minutes=40),
    )
    # This month's: open for a week from now.
    services.create_sitting(
        actor=methodist,
        quiz=quiz,
        title="Алгебра, 7 класс — ноябрьский тест",
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=7),
        classes=classes,
    )
    return attempts
