"""Times grading and the statistics of a monthly test: 3,000 attempts × 16 questions.

    .venv/bin/python bench/grading_statistics.py [--attempts 3000] [--schools 20]
        [--database-url postgres://…] [--repeat 3]

Runs on the database DATABASE_URL names (or --database-url; each run adds its own district,
named after the time, and leaves it there); without either, on a throw-away SQLite file in a
temporary folder, never on the development database in var/.
Migrates first, then writes in bulk (bulk_create, not the services: the attempts are the
input here, not what is measured) a district with its schools, a methodist, 16 questions
of every automatically graded type (single and multiple choice, true/false, short answer,
numerical, matching, ordering, cloze), a test of them, a sitting given to 7А of every
school, and one attempt in progress per student with an answer saved for every question
(each student right with their own probability, so the figures have a spread).

Then it times, as the issue asks («Grading and statistics for 3,000 attempts computed in
≤ 5 s»):

- grading: `services.finish_attempts` for every attempt (grades and audit entries in bulk,
  a few statements per 500 attempts), as the sweep at the sitting's close does; with
  `--sample N`, N of them again one by one with `finish_attempt`, to compare;
- statistics: `reports.sitting_statistics` (every question's facility, discrimination,
  spread and option counts, Cronbach's alpha) and `reports.sitting_results` (the results
  page's summary, schools, classes and names), each `--repeat` times (best and median).

Not part of the test suite.
"""

import argparse
import os
import random
import statistics as stats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 16


def build_items() -> list[Any]:
    """16 questions: 4 single choice, 3 multiple choice, 2 true/false, 2 short answers,
    2 numerical, a matching, an ordering and a cloze."""
    from decimal import Decimal

    from metodset.testing.formats.cloze import parse_cloze
    from metodset.testing.formats.items import (
        Answer,
        Item,
        ItemType,
        MatchPair,
        NumericalAnswer,
    )

    items = []
    for n in range(4):
        items.append(
            Item(
                type=ItemType.SINGLE_CHOICE,
                name=f"Один ответ {n + 1}",
                text=f"Столица области №{n + 1}?",
                answers=[
                    Answer("Томск", Decimal(100)),
                    Answer("Новосибирск"),
                    Answer("Омск"),
                    Answer("Кемерово"),
                ],
            )
        )
    for n in range(3):
        items.append(
            Item(
                type=ItemType.MULTIPLE_CHOICE,
                name=f"Несколько ответов {n + 1}",
                text="Какие числа простые?",
                answers=[
                    Answer("2", Decimal(50)),
                    Answer("3", Decimal(50)),
                    Answer("4", Decimal(-50)),
                    Answer("9", Decimal(-50)),
                ],
            )
        )
    for n in range(2):
        items.append(
            Item(
                type=ItemType.TRUE_FALSE,
                name=f"Верно или нет {n + 1}",
                text="Волга впадает в Каспийское море.",
                correct_answer=n == 0,
            )
        )
    for n in range(2):
        items.append(
            Item(
                type=ItemType.SHORT_ANSWER,
                name=f"Краткий ответ {n + 1}",
                text="Кто написал «Евгения Онегина»?",
                answers=[Answer("Пушкин", Decimal(100)), Answer("А. С. Пушкин", Decimal(100))],
                fold_yo=True,
            )
        )
    for n in range(2):
        items.append(
            Item(
                type=ItemType.NUMERICAL,
                name=f"Число {n + 1}",
                text="Сколько будет 7 × 8?",
                numerical_answers=[
                    NumericalAnswer(Decimal(56), Decimal(0), Decimal(100)),
                    NumericalAnswer(Decimal(56), Decimal(2), Decimal(50)),
                ],
            )
        )
    items.append(
        Item(
            type=ItemType.MATCHING,
            name="Соответствие",
            text="Сопоставьте столицы.",
            pairs=[
                MatchPair("Россия", "Москва"),
                MatchPair("Франция", "Париж"),
                MatchPair("Италия", "Рим"),
                MatchPair("", "Берлин"),
            ],
        )
    )
    items.append(
        Item(
            type=ItemType.ORDERING,
            name="Порядок",
            text="Расположите по возрастанию.",
            answers=[Answer("1"), Answer("2"), Answer("3"), Answer("4")],
        )
    )
    text = "Столица России — {1:MULTICHOICE:=Москва~Казань}, 2 + 2 = {1:NUMERICAL:=4}."
    parts, errors = parse_cloze(text)
    if errors:
        raise SystemExit(f"the cloze item does not read: {errors}")
    items.append(Item(type=ItemType.CLOZE, name="Пропуски", text=text, cloze_parts=parts))
    return items


def wrong_response(item: Any, rng: random.Random) -> Any:
    """A plausible wrong answer, or none at all."""
    from metodset.testing.formats.items import ItemType

    kind = item.type
    if rng.random() < 0.1:
        return None
    if kind is ItemType.SINGLE_CHOICE:
        return {"choice": rng.randint(1, len(item.answers) - 1)}
    if kind is ItemType.MULTIPLE_CHOICE:
        return {"choices": sorted(rng.sample([0, 2, 3], 2))}
    if kind is ItemType.TRUE_FALSE:
        return {"value": not item.correct_answer}
    if kind is ItemType.SHORT_ANSWER:
        return {"text": rng.choice(["Лермонтов", "Гоголь", "пушкен"])}
    if kind is ItemType.NUMERICAL:
        return {"text": rng.choice(["54", "57", "65"])}
    if kind is ItemType.MATCHING:
        return {"pairs": {"0": "Париж", "1": "Москва", "2": "Рим"}}
    if kind is ItemType.ORDERING:
        return {"order": [1, 0, 3, 2]}
    return {"parts": {"0": 1, "1": "5"}}


def build(attempt_count: int, school_count: int) -> Any:
    """Everything in bulk; the sitting with its attempts in progress."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from metodset.accounts.models import (
        District,
        Membership,
        Organization,
        OrganizationKind,
        Region,
        Role,
        Subject,
        User,
    )
    from metodset.testing import grading, services
    from metodset.testing.formats.items import ParseResult
    from metodset.testing.models import (
        Attempt,
        AttemptItem,
        QuestionVersion,
        Quiz,
        Sitting,
        SittingTarget,
    )

    rng = random.Random(2026)
    # A database named by --database-url may keep earlier runs: this run's names are its own.
    run = f"{time.time_ns():x}"
    region = Region.objects.create(name=f"Бенчмарк-регион {run}")
    district = District.objects.create(
        region=region, name=f"Бенчмарк-район {run}", slug=f"bench-{run}", time_zone="Asia/Tomsk"
    )
    department = Organization.objects.create(
        region=region,
        district=district,
        kind=OrganizationKind.objects.get(code="education_department"),
        name="Управление образования",
        short_name="Управление образования",
    )
    school_kind = OrganizationKind.objects.get(code="school")
    schools = [
        Organization.objects.create(
            region=region,
            district=district,
            kind=school_kind,
            name=f"Муниципальное бюджетное общеобразовательное учреждение «СОШ №{n}»",
            short_name=f"МБОУ СОШ №{n}",
        )
        for n in range(1, school_count + 1)
    ]
    methodist = User.objects.create_user(
        f"methodist.{run}@bench.test", last_name="Методистова", first_name="Вера"
    )
    Membership.objects.create(user=methodist, organization=department, role=Role.DISTRICT_METHODIST)

    questions = services.import_items(
        actor=methodist, result=ParseResult(items=build_items()), category_path=[f"Бенчмарк {run}"]
    )
    subject, _created = Subject.objects.get_or_create(name="География")
    quiz = services.create_quiz(
        actor=methodist,
        data=services.QuizData(title="Ежемесячный тест", subject_id=subject.pk),
    )
    slots = services.add_questions(actor=methodist, quiz=quiz, questions=questions)
    quiz = Quiz.objects.get(pk=quiz.pk)
    now = timezone.now()
    sitting = Sitting.objects.create(
        title="Ежемесячный тест, октябрь",
        quiz=quiz,
        created_by=methodist,
        district=district,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
    )
    SittingTarget.objects.bulk_create(
        SittingTarget(sitting=sitting, organization=school, student_class="7А")
        for school in schools
    )

    students = []
    for n in range(attempt_count):
        user = User(
            email=f"student{n}.{run}@bench.test",
            last_name=rng.choice(["Иванов", "Петрова", "Смирнов", "Кузнецова", "Соколов"]),
            first_name=rng.choice(["Анна", "Илья", "Мария", "Пётр"]),
            patronymic="Тестович",
            password="!",  # noqa: S106 - an unusable password
        )
        user.search_name = user.compute_search_name()
        students.append(user)
    students = User.objects.bulk_create(students, batch_size=500)
    places = [schools[n % school_count] for n in range(attempt_count)]
    Membership.objects.bulk_create(
        (
            Membership(user=user, organization=school, role=Role.STUDENT, student_class="7А")
            for user, school in zip(students, places, strict=True)
        ),
        batch_size=500,
    )

    versions = dict(
        QuestionVersion.objects.filter(question__in=questions).values_list("question_id", "pk")
    )
    items = {
        question.pk: services.attempts.item_of_version(versions[question.pk])
        for question in questions
    }
    max_score = sum((slot.points for slot in slots), Decimal(0))
    attempts = Attempt.objects.bulk_create(
        (
            Attempt(
                sitting=sitting,
                student=user,
                organization=school,
                student_class="7А",
                started_at=now - datetime.timedelta(minutes=30),
                deadline_at=sitting.closes_at,
                max_score=max_score,
            )
            for user, school in zip(students, places, strict=True)
        ),
        batch_size=500,
    )
    fixed = [(slot, question.pk) for slot, question in zip(slots, questions, strict=True)]
    rows = []
    for attempt in attempts:
        ability = rng.uniform(0.15, 0.95)
        for position, (slot, question_id) in enumerate(fixed, 1):
            item = items[question_id]
            right = rng.random() < ability
            response = grading.right_response(item) if right else wrong_response(item, rng)
            rows.append(
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    slot=slot,
                    question_id=question_id,
                    version_id=versions[question_id],
                    points=slot.points,
                    layout=grading.layout(item, rng, True),
                    response=grading.clean_response(item, response),
                    answered_at=now if response is not None else None,
                )
            )
    AttemptItem.objects.bulk_create(rows, batch_size=1000)
    return sitting


def compare_one_by_one(ids: list[int], total: int) -> None:
    """Re-open `ids`, grade them one by one with `finish_attempt` (one transaction each, as
    a student's submission does), check the same scores come out, and say what all would
    take."""
    from metodset.testing.models import Attempt, AttemptItem
    from metodset.testing.services.attempts import finish_attempt

    before = dict(Attempt.objects.filter(pk__in=ids).values_list("pk", "score").order_by("pk"))
    marks = dict(Attempt.objects.filter(pk__in=ids).values_list("pk", "mark"))
    Attempt.objects.filter(pk__in=ids).update(
        status=Attempt.Status.IN_PROGRESS, finished_at=None, finish="", score=None, mark=None
    )
    AttemptItem.objects.filter(attempt__in=ids).update(fraction=None, score=None)
    attempts = list(Attempt.objects.filter(pk__in=ids).order_by("pk"))
    started = time.perf_counter()
    for attempt in attempts:
        finish_attempt(attempt, how=Attempt.Finish.CLOSED)
    seconds = time.perf_counter() - started
    after = dict(Attempt.objects.filter(pk__in=ids).values_list("pk", "score"))
    same = (
        after == before
        and dict(Attempt.objects.filter(pk__in=ids).values_list("pk", "mark")) == marks
    )
    print(
        f"{'grade ' + str(len(ids)) + ' one by one (finish_attempt)':<44} {seconds:7.2f} s  "
        f"{len(ids) / seconds:7.0f} attempts/s → {total * seconds / len(ids):.0f} s for "
        f"{total}; same scores as in bulk: {'yes' if same else 'NO'}"
    )


def timed_runs(function: Any, repeat: int) -> tuple[list[float], Any]:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return runs, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=3000)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the statistics")
    parser.add_argument(
        "--sample",
        type=int,
        default=200,
        help="attempts graded again one by one with finish_attempt, to compare (0: none)",
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    arguments = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="metodset-bench-grading-")
    os.environ["METODSET_VAR_DIR"] = scratch.name
    os.environ["DATABASE_URL"] = arguments.database_url or (
        f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    )
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metodset.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from metodset.testing import reports, services
    from metodset.testing.models import Attempt

    call_command("migrate", verbosity=0, interactive=False)
    # The machine may be shared: the load average says how much to trust the seconds.
    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}); "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    started = time.perf_counter()
    sitting = build(arguments.attempts, arguments.schools)
    count = Attempt.objects.filter(sitting=sitting).count()
    print(
        f"{'build ' + str(count) + ' attempts × ' + str(ITEMS) + ' answers':<44}"
        f" {time.perf_counter() - started:7.2f} s"
    )

    ids = list(Attempt.objects.filter(sitting=sitting).order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    services.finish_attempts(ids, how=Attempt.Finish.CLOSED)
    graded = time.perf_counter() - started
    print(
        f"{'grade all (services.finish_attempts)':<44} {graded:7.2f} s  "
        f"{len(ids) / graded:7.0f} attempts/s"
    )
    if arguments.sample:
        compare_one_by_one(ids[: arguments.sample], len(ids))

    runs, data = timed_runs(lambda: reports.sitting_statistics(sitting), arguments.repeat)
    print(
        f"{'item statistics (sitting_statistics)':<44} {min(runs):7.2f} s  "
        f"(median of {len(runs)}: {stats.median(runs):.2f} s)"
    )
    result_runs, results = timed_runs(
        lambda: reports.sitting_results(sitting, names_shown=lambda _pk: True), arguments.repeat
    )
    print(
        f"{'results page data (sitting_results)':<44} {min(result_runs):7.2f} s  "
        f"(median of {len(result_runs)}: {stats.median(result_runs):.2f} s)"
    )
    total = graded + min(runs) + min(result_runs)
    target = "within" if total <= 5 else "OVER"
    print(f"{'grading + statistics + results':<44} {total:7.2f} s  ({target} the 5 s target)")

    summary = data.summary
    figures = results.figures
    print(
        f"figures: {summary.count} attempts, mean {summary.mean:.1f} %, median "
        f"{summary.median:.1f} %, SD {summary.sd:.1f}, Cronbach's alpha "
        f"{summary.cronbach_alpha:.3f}; marks {figures.marks}; "
        f"{len(results.schools)} schools, {len(results.students)} students listed"
    )
    for row in data.questions:
        print(
            f"  {row.place:>2}. {row.name:<22} facility {row.facility:5.1f} %  "
            f"discrimination {row.discrimination:5.2f}  SD {row.sd:4.2f}"
        )
    scratch.cleanup()


if __name__ == "__main__":
    main()
