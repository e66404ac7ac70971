"""The data of the exam-morning benchmark (`exam_morning.py`): a district with «СОШ №28» and
«гимназия №4», 50 classes each, N students, a bank of mixed questions, a 16-item test with
random draws, a sitting open now, and every student's browser session made in advance.

People go in with `bulk_create` and one precomputed password hash; the teacher-side steps
(import of the bank, the test, the sitting) go through the services, as a methodist would
do them. Sessions are written straight into the session store: the students «logged in
before 10:00», so the measured spike is the test's start, not N password checks.

Needs Django set up (the caller does it); every function here runs in one process.
"""

import random
import secrets
import string
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

SCHOOLS = [
    ("school", "МАОУ СОШ №28", "Муниципальное автономное общеобразовательное учреждение СОШ №28"),
    (
        "gymnasium",
        "МАОУ гимназия №4",
        "Муниципальное автономное общеобразовательное учреждение гимназия №4",
    ),
]
GRADES = range(2, 12)  # 2nd to 11th grade …
LETTERS = "АБВГД"  # … five classes each: 50 classes a school
BACKEND = "metodset.accounts.backends.EmailBackend"
PASSWORD = "Exam-morning-2026"  # noqa: S105 - a benchmark's throw-away accounts

# The categories of the bank: each holds questions of one type and one shape, so the load
# generator knows how to answer position n without reading the page.
SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERICAL, MATCHING = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
)
CATEGORY_OF = {
    SINGLE: "Дроби",
    MULTIPLE: "Свойства чисел",
    TRUE_FALSE: "Верно или неверно",
    SHORT: "Термины",
    NUMERICAL: "Уравнения",
    MATCHING: "Соответствия",
}
ROOT_CATEGORY = "Ежемесячный тест"
QUESTIONS_PER_CATEGORY = 40
MATCHING_ANSWERS = ["2", "3", "5", "7"]
SHORT_ANSWERS = ["делитель", "кратное", "дробь", "корень", "степень", "модуль"]
# Fixed questions first (one of each type), then random draws: (type, how many).
FIXED_TYPES = [SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERICAL, MATCHING]
DRAWS = [(SINGLE, 3), (NUMERICAL, 2), (TRUE_FALSE, 2), (MULTIPLE, 1), (MATCHING, 1), (SHORT, 1)]


@dataclass
class ExamData:
    sitting_id: int
    types: list[str]  # the item type at each position 1..n
    time_limit_minutes: int
    students: list[dict[str, Any]]  # {"user": id, "session": key, "csrf": token}


def plan(items: int) -> tuple[list[str], list[tuple[str, int]]]:
    """The fixed types and random draws of a test of `items` items (16: 6 fixed, 10 drawn)."""
    fixed = FIXED_TYPES[: min(items, len(FIXED_TYPES))]
    left = items - len(fixed)
    draws: list[tuple[str, int]] = []
    index = 0
    while left > 0:
        kind, count = DRAWS[index % len(DRAWS)]
        count = min(count, left)
        draws.append((kind, count))
        left -= count
        index += 1
    return fixed, draws


def gift_bank(rng: random.Random) -> str:
    """QUESTIONS_PER_CATEGORY questions of each type, in GIFT, each category of one shape."""
    blocks: list[str] = []

    def category(kind: str) -> None:
        blocks.append(f"$CATEGORY: {CATEGORY_OF[kind]}")

    category(SINGLE)
    for n in range(QUESTIONS_PER_CATEGORY):
        a = rng.randint(2, 9)
        b = rng.randint(a + 1, 12)  # a·b > a + b: the four answers differ
        right = f"{a + b}/{a * b}"
        wrong = [f"{a + b + 1}/{a * b}", f"{a + b}/{a + b}", f"1/{a * b}"]
        answers = " ".join([f"={right}", *(f"~{w}" for w in wrong)])
        blocks.append(f"::Дроби {n + 1}::Сколько будет 1/{a} + 1/{b}? {{{answers}}}")
    category(MULTIPLE)
    for n in range(QUESTIONS_PER_CATEGORY):
        base = rng.randint(10, 60)
        options = [base * 2, base * 3, base * 2 + 1, base * 3 + 1, base * 5 + 2]
        marks = ["%50%", "%50%", "%-50%", "%-50%", "%-50%"]
        answers = " ".join(f"~{m}{o}" for m, o in zip(marks, options, strict=True))
        blocks.append(
            f"::Делимость {n + 1}::Какие из чисел делятся на 2 или на 3, если их ровно два? "
            f"{{{answers}}}"
        )
    category(TRUE_FALSE)
    for n in range(QUESTIONS_PER_CATEGORY):
        a = rng.randint(2, 30)
        truth = rng.random() < 0.5
        shown = a * a if truth else a * a + 1
        blocks.append(
            f"::Квадрат {n + 1}::Число {shown} — квадрат числа {a}. {{{'T' if truth else 'F'}}}"
        )
    category(SHORT)
    for n in range(QUESTIONS_PER_CATEGORY):
        word = SHORT_ANSWERS[n % len(SHORT_ANSWERS)]
        blocks.append(f"::Термин {n + 1}::Как называется {word} (вариант {n + 1})? {{={word}}}")
    category(NUMERICAL)
    for n in range(QUESTIONS_PER_CATEGORY):
        x, k = rng.randint(1, 20), rng.randint(2, 9)
        blocks.append(f"::Уравнение {n + 1}::Найдите x, если {k}x равно {k * x}. {{#{x}:0}}")
    category(MATCHING)
    for n in range(QUESTIONS_PER_CATEGORY):
        order = MATCHING_ANSWERS[:]
        rng.shuffle(order)
        pairs = " ".join(f"=Частное {int(v) * (n + 2)} и {n + 2} -> {v}" for v in order)
        blocks.append(f"::Соответствие {n + 1}::Сопоставьте деление и частное. {{{pairs}}}")
    return "\n\n".join(blocks) + "\n"


def _session_key(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=32))


def build(
    students: int, items: int, time_limit_minutes: int, *, seed: int = 28, log: Any = print
) -> ExamData:
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from metodset.accounts import demo
    from metodset.accounts.models import (
        District,
        Membership,
        Organization,
        OrganizationKind,
        Region,
        Role,
        User,
    )
    from metodset.testing import services
    from metodset.testing.formats.gift import parse_gift
    from metodset.testing.models import Category, Question

    rng = random.Random(seed)
    began = time.perf_counter()
    demo.ensure_reference_data()
    now = timezone.now()
    kinds = {kind.code: kind for kind in OrganizationKind.objects.all()}
    region, _created = Region.objects.get_or_create(name="Томская область")
    district = District.objects.create(
        region=region, name="Северский район", slug="bench-exam", time_zone="Asia/Tomsk"
    )
    department = Organization.objects.create(
        region=region,
        district=district,
        kind=kinds["education_department"],
        short_name="Управление образования",
        name="Управление образования Северского района",
    )
    schools = [
        Organization.objects.create(
            region=region, district=district, kind=kinds[kind], short_name=short, name=name
        )
        for kind, short, name in SCHOOLS
    ]
    password = make_password(PASSWORD)  # hashed once for every account
    methodist = User.objects.create(
        email="methodist@exam.bench", last_name="Методистова", first_name="Вера", password=password
    )
    Membership.objects.create(user=methodist, organization=department, role=Role.DISTRICT_METHODIST)
    classes = [
        (school, f"{grade}{letter}") for school in schools for grade in GRADES for letter in LETTERS
    ]
    users = [
        User(
            email=f"student{n}@exam.bench",
            last_name=f"Ученик{n}",
            first_name=rng.choice(["Маша", "Петя", "Аня", "Ваня", "Оля", "Дима"]),
            password=password,
            date_joined=now,
            accessibility={},
        )
        for n in range(students)
    ]
    for user in users:
        user.search_name = user.compute_search_name()
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=1000)
        Membership.objects.bulk_create(
            (
                Membership(
                    user=user,
                    organization=classes[n % len(classes)][0],
                    role=Role.STUDENT,
                    student_class=classes[n % len(classes)][1],
                    created_at=now,
                    updated_at=now,
                )
                for n, user in enumerate(users)
            ),
            batch_size=1000,
        )
    log(
        f"people: {students:,} students in {len(classes)} classes of {len(schools)} schools "
        f"({time.perf_counter() - began:.1f} s)"
    )

    parsed = parse_gift(gift_bank(rng))
    if parsed.errors:
        raise SystemExit(f"the bank does not read: {parsed.errors[:3]}")
    services.import_items(
        actor=methodist, result=parsed, category_path=[ROOT_CATEGORY], visibility="network"
    )
    fixed, draws = plan(items)
    root = Category.objects.get(name=ROOT_CATEGORY, parent=None)
    category = {
        kind: Category.objects.get(parent=root, name=CATEGORY_OF[kind]) for kind in CATEGORY_OF
    }
    quiz = services.create_quiz(
        actor=methodist,
        data=services.QuizData(
            title="Ежемесячный тест по математике",
            description="16 вопросов, 40 минут.",
            visibility="network",
            time_limit_minutes=time_limit_minutes,
            shuffle_answers=True,
        ),
    )
    first_of = {
        kind: Question.objects.filter(category=category[kind]).order_by("pk").first()
        for kind in fixed
    }
    services.add_questions(
        actor=methodist, quiz=quiz, questions=[q for q in first_of.values() if q is not None]
    )
    for kind, count in draws:
        services.add_random_draw(actor=methodist, quiz=quiz, category=category[kind], count=count)
    types = fixed + [kind for kind, count in draws for _n in range(count)]
    sitting = services.create_sitting(
        actor=methodist,
        quiz=quiz,
        title="Ежемесячный тест по математике, СОШ №28 и гимназия №4",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(minutes=time_limit_minutes) + timedelta(hours=3),
        classes=[(school, str(grade)) for school in schools for grade in GRADES],
    )
    # The letters about the sitting went out the day before: their task is not this
    # morning's work.
    DBTaskResult.objects.all().delete()
    log(
        f"bank: {len(parsed.items)} questions; test: {items} items ({len(fixed)} fixed, "
        f"{items - len(fixed)} drawn), {time_limit_minutes} min; sitting {sitting.pk} "
        f"({time.perf_counter() - began:.1f} s)"
    )

    # Everyone logged in before 10:00: a session each, written straight into the store.
    auth_hash = users[0].get_session_auth_hash()  # one password hash, one auth hash
    expire = now + timedelta(days=1)
    store = SessionStore()
    rows: list[Session] = []
    out: list[dict[str, Any]] = []
    for user in users:
        key = _session_key(rng)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": BACKEND,
            "_auth_user_hash": auth_hash,
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        out.append({"user": user.pk, "session": key, "csrf": secrets.token_hex(16)})
    Session.objects.bulk_create(rows, batch_size=1000)
    log(f"sessions: {len(rows):,} written ({time.perf_counter() - began:.1f} s in all)")
    return ExamData(
        sitting_id=sitting.pk, types=types, time_limit_minutes=time_limit_minutes, students=out
    )


# --- Answers --------------------------------------------------------------------------------


def random_response(kind: str, rng: random.Random) -> dict[str, Any]:
    """An answer of the item's shape, already in the normal form the server keeps."""
    if kind == SINGLE:
        return {"choice": rng.randrange(4)}
    if kind == MULTIPLE:
        return {"choices": sorted(rng.sample(range(5), rng.randint(1, 3)))}
    if kind == TRUE_FALSE:
        return {"value": rng.random() < 0.5}
    if kind == SHORT:
        return {"text": rng.choice(SHORT_ANSWERS)}
    if kind == NUMERICAL:
        return {"text": str(rng.randint(1, 20))}
    if kind == MATCHING:
        order = MATCHING_ANSWERS[:]
        rng.shuffle(order)
        return {"pairs": {str(i): value for i, value in enumerate(order)}}
    raise ValueError(kind)
