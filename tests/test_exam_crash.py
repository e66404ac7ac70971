"""Crash in the middle of a test: the application server is killed (SIGKILL, master and
workers) while 30 students answer, and started again. No answer the server acknowledged
is lost, every student continues the same attempt with the time they had left, and
finishes it.

The site runs as in production — gunicorn over this test's database (SQLite or
PostgreSQL, whichever the pass uses) — in a process of its own that the test kills. The
students are threads speaking plain HTTP with their session cookies; a request that
fails because the server is down is retried until it answers, and only a 200 counts as
acknowledged. `bench/exam_morning.py --kill-at` is the same at 3,000 students.
"""

import contextlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.conftest import *  # noqa: F403  (the personas: world, methodist, …)
from metodset.conftest import World, _fast_and_isolated  # noqa: F401  (autouse: fast hashing)
from metodset.testing import services
from metodset.testing.formats.gift import parse_gift
from metodset.testing.models import Attempt, AttemptItem, Category, Question

pytestmark = [
    # The server is another process: it sees committed rows only. The serialized rollback
    # puts back the migrations' reference rows that the flush afterwards deletes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STUDENTS = 30
TIME_LIMIT_MINUTES = 10
BACKEND = "metodset.accounts.backends.EmailBackend"
# Five fixed questions of five types, then two drawn from three equations.
GIFT = """
$CATEGORY: Контрольная
::Дроби::Сколько будет 1/2 + 1/4? {=3/4 ~2/6 ~1/8 ~2/4}

::Делимость::Какие числа делятся на 3? {~%50%9 ~%50%12 ~%-50%10 ~%-50%14}

::Квадрат::Число 49 — квадрат числа 7. {T}

::Термин::Как называется результат деления? {=частное}

::Соответствие::Сопоставьте деление и частное. {=Частное 6 и 3 -> 2 =Частное 9 и 3 -> 3 =Частное 15 и 3 -> 5}

$CATEGORY: Контрольная/Уравнения
::Уравнение 1::Найдите x, если 3x равно 12. {#4:0}

::Уравнение 2::Найдите x, если 2x равно 10. {#5:0}

::Уравнение 3::Найдите x, если 5x равно 35. {#7:0}
"""
TYPES = [
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "matching",
    "numerical",
    "numerical",
]
# The answer each type takes, as the server keeps it (already in normal form).
ANSWERS: dict[str, list[dict[str, Any]]] = {
    "single_choice": [{"choice": 0}, {"choice": 2}],
    "multiple_choice": [{"choices": [0, 1]}, {"choices": [2]}],
    "true_false": [{"value": True}, {"value": False}],
    "short_answer": [{"text": "частное"}, {"text": "делимое"}],
    "numerical": [{"text": "4"}, {"text": "5"}],
    "matching": [{"pairs": {"0": "2", "1": "3", "2": "5"}}, {"pairs": {"0": "5", "1": "3"}}],
}
ATTEMPT_URL = re.compile(r"/testing/attempts/(\d+)/")
SECONDS_LEFT = re.compile(r'data-seconds-left="(\d+)"')  # the page's timer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    """This test's database (pytest-django's, with its worker suffix) as DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@dataclass
class Server:
    """gunicorn over the test database, in its own process group so that it can be killed
    whole, as `kill -9` of a crashed server would."""

    port: int
    var_dir: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "SECRET_KEY": django_settings.SECRET_KEY,
            "DEBUG": "0",
            "METODSET_VAR_DIR": str(self.var_dir),
            "LOG_LEVEL": "ERROR",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(  # noqa: S603 - our own program and arguments
            [
                str(gunicorn),
                "metodset.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                # The application is imported once, before the workers fork: a start in
                # half the time (the test starts it twice).
                "--preload",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=(self.var_dir / "server.log").open("ab"),
        )
        self.starts += 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        log = (self.var_dir / "server.log").read_text(errors="replace")
        raise AssertionError(f"gunicorn did not start:\n{log[-3000:]}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(port=_free_port(), var_dir=tmp_path)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Exam:
    sitting_id: int
    students: list[tuple[User, str, str]]  # user, session key, CSRF token


@pytest.fixture
def exam(world: World, methodist: User) -> Exam:
    parsed = parse_gift(GIFT)
    assert not parsed.errors
    services.import_items(actor=methodist, result=parsed, visibility="network")
    quiz = services.create_quiz(
        actor=methodist,
        data=services.QuizData(title="Контрольная", time_limit_minutes=TIME_LIMIT_MINUTES),
    )
    equations = Category.objects.get(name="Уравнения")
    fixed = list(Question.objects.exclude(category=equations).order_by("pk"))
    assert [question.type for question in fixed] == TYPES[:5]
    services.add_questions(actor=methodist, quiz=quiz, questions=fixed)
    services.add_random_draw(
        actor=methodist, quiz=quiz, category=equations, count=2, include_subcategories=False
    )
    students = [
        person(world.school, Role.STUDENT, email=f"pupil{n}@school1.test", student_class="7Б")
        for n in range(STUDENTS)
    ]
    sitting = services.create_sitting(
        actor=methodist,
        quiz=quiz,
        title="Контрольная 7Б",
        opens_at=timezone.now() - timedelta(minutes=1),
        closes_at=timezone.now() + timedelta(hours=1),
        classes=[(world.school, "7Б")],
    )
    # Everyone is signed in: sessions written into the store the server reads.
    signed_in = []
    for student in students:
        store = SessionStore()
        store.update(
            {
                "_auth_user_id": str(student.pk),
                "_auth_user_backend": BACKEND,
                "_auth_user_hash": student.get_session_auth_hash(),
            }
        )
        store.create()
        assert store.session_key is not None
        signed_in.append((student, store.session_key, secrets.token_hex(16)))
    return Exam(sitting_id=sitting.pk, students=signed_in)


class ServerDownError(Exception):
    """The request did not get an answer: the server is down."""


@dataclass
class Run:
    """What the students saw, shared between their threads."""

    port: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[dict[str, Any]] = field(default_factory=list)
    resumes: list[tuple[int, int | None]] = field(default_factory=list)  # (attempt, resumed to)
    # (attempt, the deadline as a page or an answer's reply told it: now + seconds left)
    deadlines: list[tuple[int, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, cookie: str, csrf: str, body: object = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Cookie": cookie, "X-CSRFToken": csrf}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            link.request(method, path, body=payload, headers=headers)
            response = link.getresponse()
            content = response.read()
            link.close()
        except (OSError, http.client.HTTPException) as error:
            raise ServerDownError(str(error)) from error
        if response.status >= 500:
            raise ServerDownError(f"{response.status} {path}")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content


def take_exam(run: Run, exam: Exam, student: tuple[User, str, str]) -> int:
    """One student: start, each item's page and answer, submit; retried through a restart.
    The attempt's id."""
    user, session_key, csrf = student
    cookie = f"sessionid={session_key}; csrftoken={csrf}"
    rng = random.Random(user.pk)  # noqa: S311 - repeatable answers, not a secret
    start_path = reverse("testing:sitting_start", args=[exam.sitting_id])
    attempt_id: int | None = None
    position = 1

    def call(method: str, path: str, body: object = None) -> tuple[int, dict[str, str], bytes]:
        give_up = time.monotonic() + 60
        broken = False
        while True:
            try:
                if broken and attempt_id is not None:
                    resume()
                return run.request(method, path, cookie, csrf, body)
            except ServerDownError as error:
                with run.lock:
                    run.failures.append(str(error))
                if time.monotonic() > give_up:
                    raise
                broken = True
                time.sleep(0.2)

    def resume() -> None:
        """The student reloads the sitting's page, presses «Продолжить» and is back at the
        question they were on, with the time they had left."""
        _status, headers, _body = run.request("POST", start_path, cookie, csrf)
        found = ATTEMPT_URL.search(headers.get("location", ""))
        resumed = int(found.group(1)) if found else None
        with run.lock:
            run.resumes.append((attempt_id or 0, resumed))
        status, _headers, content = run.request(
            "GET", f"{headers.get('location', '')}?n={position}", cookie, csrf
        )
        assert status == 200, status
        left = SECONDS_LEFT.search(content.decode())
        assert left is not None
        with run.lock:
            run.deadlines.append((attempt_id or 0, time.time() + int(left.group(1))))

    status, headers, _body = call("POST", start_path)
    assert status in (302, 303), status
    found = ATTEMPT_URL.search(headers["location"])
    assert found is not None, headers["location"]
    attempt_id = int(found.group(1))
    page = reverse("testing:attempt", args=[attempt_id])
    answer_path = reverse("testing:attempt_answer", args=[attempt_id])
    assert call("GET", f"{page}?n=1")[0] == 200
    for position, kind in enumerate(TYPES, 1):  # resume() reads `position` too
        for response in rng.sample(ANSWERS[kind], 2 if rng.random() < 0.3 else 1):
            time.sleep(rng.uniform(0.01, 0.08))
            flagged = rng.random() < 0.2
            status, _headers, content = call(
                "POST",
                answer_path,
                {"position": position, "response": response, "flagged": flagged},
            )
            if status != 200:
                with run.lock:
                    run.refused.append(f"{position}: {status} {content[:200]!r}")
                continue
            reply = json.loads(content)
            with run.lock:
                run.acks.append(
                    {
                        "attempt": attempt_id,
                        "position": position,
                        "response": response,
                        "flagged": flagged,
                    }
                )
                run.deadlines.append((attempt_id, time.time() + reply["seconds_left"]))
        if position < len(TYPES):
            assert call("GET", f"{page}?n={position + 1}")[0] == 200
    status, _headers, _body = call("POST", reverse("testing:attempt_submit", args=[attempt_id]))
    assert status in (302, 303), status
    return attempt_id


def test_killed_server_loses_no_acknowledged_answer(exam: Exam, server: Server) -> None:
    run = Run(port=server.port)
    killed = threading.Event()

    def crash() -> None:
        # Killed once a third of the answers are in, while the others are on their way.
        while len(run.acks) < STUDENTS * len(TYPES) // 3:
            time.sleep(0.005)
        server.kill()
        killed.set()
        time.sleep(0.5)
        server.start()

    crasher = threading.Thread(target=crash)
    crasher.start()
    with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
        attempt_ids = list(
            pool.map(lambda index: take_exam(run, exam, exam.students[index]), range(STUDENTS))
        )
    crasher.join(timeout=60)

    assert killed.is_set()
    assert server.starts == 2
    assert run.failures, "no request met the dead server: the kill came too late"
    assert run.refused == []
    # Every acknowledged answer is in the database, as it was acknowledged last.
    last = {(a["attempt"], a["position"]): a for a in run.acks}
    stored = {
        (row.attempt_id, row.position): row
        for row in AttemptItem.objects.filter(attempt__in=attempt_ids)
    }
    assert len(last) == STUDENTS * len(TYPES)
    for key, ack in last.items():
        assert stored[key].response == ack["response"], key
        assert stored[key].flagged == ack["flagged"], key
    # Everyone who met the dead server came back to the attempt they had, and finished it.
    assert run.resumes
    assert [(was, resumed) for was, resumed in run.resumes if resumed != was] == []
    attempts = Attempt.objects.filter(sitting=exam.sitting_id)
    assert attempts.count() == STUDENTS
    assert sorted(attempts.values_list("pk", flat=True)) == sorted(attempt_ids)
    assert set(attempts.values_list("status", "finish")) == {
        (Attempt.Status.FINISHED, Attempt.Finish.SUBMITTED)
    }
    # The time left was kept across the restart: the deadline never moved.
    deadline_of = {a.pk: a.deadline_at for a in attempts}
    for attempt in attempts:
        assert attempt.deadline_at == attempt.started_at + timedelta(minutes=TIME_LIMIT_MINUTES)
    for attempt_id, seen in run.deadlines:
        assert abs(seen - deadline_of[attempt_id].timestamp()) <= 2, (attempt_id, seen)
