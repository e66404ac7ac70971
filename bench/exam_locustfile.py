"""Locust students of the exam-morning benchmark; `exam_morning.py` runs it headless:

    locust -f bench/exam_locustfile.py --headless -u N -r 1000 -H http://127.0.0.1:PORT

with EXAM_CONFIG naming the JSON that `exam_morning.py` wrote (sitting, students' sessions,
item types, think time, start rate, output directory).

Every student is spawned before the start and waits for their moment: student i presses
«Начать» at T0 + i / rate (the synchronized start, spread over N / rate seconds). Then:
the first item's page (and, once, the test's scripts and styles); for each item think, save the answer
(JSON POST), open the next item; a tenth of the answers are changed once more; then the
confirmation page, «Завершить тест» and the result page. Leavers stop after some items and never submit: half of them come back after their
deadline and open the attempt (it must have been finished for them), the rest are left to
the periodic sweep.

A request that fails on the network or with a 5xx (the server killed and restarting) is
retried every second until the server answers; after such a break the student reloads
the sitting page, presses «Продолжить» (which must lead to the same attempt) and carries
on. Every answer the server acknowledged with 200 is written to acks.jsonl; every request
(time, name, milliseconds, status) to requests.csv.
"""

import json
import os
import random
import re
import time
from collections.abc import Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import gevent
from exam_build import random_response
from locust import FastHttpUser, events, task
from locust.exception import StopUser

CONFIG: dict[str, Any] = json.loads(Path(os.environ["EXAM_CONFIG"]).read_text())
OUT = Path(CONFIG["out_dir"])
RETRY_FOR_SECONDS = 600.0
GRACE_SECONDS = 15  # services.attempts.GRACE
ATTEMPT_URL = re.compile(r"/testing/attempts/(\d+)/")
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')
# What the browser has cached from the pages it saw before 10:00 (exam_morning.py reads
# them off «Мои тесты»); the test's own scripts and styles are fetched once, on item 1.
CACHED_STATIC = set(CONFIG.get("cached_static", []))

_students: Iterator[tuple[int, dict[str, Any]]] = iter(enumerate(CONFIG["students"]))
_requests: list[str] = []
_acks = (OUT / "acks.jsonl").open("a", encoding="utf-8")
_log: list[dict[str, Any]] = []
_done = 0
_t0: float | None = None  # when the first student presses «Начать» (epoch seconds)


@events.request.add_listener
def _record(
    name: str,
    response_time: float,
    exception: Any,
    response: Any,
    start_time: float | None = None,
    **_kw: Any,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    began = start_time if start_time is not None else time.time() - response_time / 1000
    _requests.append(f"{began:.4f},{name},{response_time:.2f},{0 if exception else 1},{status}\n")


@events.test_start.add_listener
def _start(environment: Any, **_kw: Any) -> None:
    global _t0
    # Every student is spawned (at -r 1000) before the first one presses «Начать».
    _t0 = time.time() + len(CONFIG["students"]) / 1000 + 3
    (OUT / "t0").write_text(str(_t0))


@events.quitting.add_listener
def _dump(environment: Any, **_kw: Any) -> None:
    with (OUT / "requests.csv").open("w", encoding="utf-8") as out:
        out.write("start,name,ms,ok,status\n")
        out.writelines(_requests)
    (OUT / "students.json").write_text(json.dumps(_log))
    _acks.close()


class Student(FastHttpUser):
    network_timeout = 120.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.index, me = next(_students)
        self.rng = random.Random(1000 + self.index)
        # The browser's cookies are this student's only; the site's Set-Cookie is ignored.
        self.client.cookiejar = CookieJar(DefaultCookiePolicy(allowed_domains=[]))
        self.client.client.cookiejar = self.client.cookiejar
        self.headers = {
            "Cookie": f"sessionid={me['session']}; csrftoken={me['csrf']}",
            "X-CSRFToken": me["csrf"],
        }
        self.me = me
        self.attempt: int | None = None
        self.deadline: float | None = None  # as the answers' seconds_left tell it
        self.broken = False  # a request failed on the network since the last resume
        self.note: dict[str, Any] = {"user": me["user"], "resumes": [], "errors": []}
        _log.append(self.note)

    # -- one request, retried through a restart ------------------------------------------

    def call(self, method: str, path: str, name: str, ok: tuple[int, ...], **kwargs: Any) -> Any:
        """The response, once its status is one of `ok`; None for a refusal (4xx)."""
        give_up = time.time() + RETRY_FOR_SECONDS
        while True:
            with self.client.request(
                method,
                path,
                name=name,
                headers=self.headers,
                allow_redirects=False,
                catch_response=True,
                **kwargs,
            ) as response:
                status = response.status_code or 0
                if status in ok:
                    response.success()
                    return response
                response.failure(f"{name}: {status}")
            if 400 <= status < 500:
                self.note["errors"].append([name, status, time.time()])
                return None
            self.note["errors"].append([name, status, time.time()])
            self.broken = True
            if time.time() > give_up:
                return None
            gevent.sleep(1.0)

    def resume(self, position: int) -> None:
        """After a break: reload the sitting's page, «Продолжить», the item's page."""
        while self.broken:
            self.broken = False
            sitting = CONFIG["sitting_id"]
            response = self.call(
                "POST", f"/testing/sittings/{sitting}/start", "start (resume)", (302, 303)
            )
            if response is None or self.broken:
                continue
            found = ATTEMPT_URL.search(response.headers.get("Location", ""))
            resumed = int(found.group(1)) if found else None
            self.call("GET", f"/testing/attempts/{resumed}/?n={position}", "page (resume)", (200,))
            self.note["resumes"].append(
                {"at": time.time(), "attempt": resumed, "same": resumed == self.attempt}
            )

    def with_resume(
        self, position: int, method: str, path: str, name: str, ok: tuple[int, ...], **kw: Any
    ) -> Any:
        response = self.call(method, path, name, ok, **kw)
        while self.broken:
            self.resume(position)
            response = self.call(method, path, name, ok, **kw)
        return response

    # -- the exam ------------------------------------------------------------------------------

    def save(self, position: int, kind: str, flagged: bool) -> bool:
        answer = random_response(kind, self.rng)
        body = {"position": position, "response": answer, "flagged": flagged}
        response = self.with_resume(
            position,
            "POST",
            f"/testing/attempts/{self.attempt}/answer",
            "answer",
            (200,),
            json=body,
        )
        if response is None:
            return False
        now = time.time()
        reply = json.loads(response.content)
        left = reply.get("seconds_left")
        if isinstance(left, (int, float)):
            deadline = now + left
            if self.deadline is None:
                self.deadline = deadline
            self.note["drift"] = max(self.note.get("drift", 0.0), abs(deadline - self.deadline))
        _acks.write(
            json.dumps(
                {
                    "user": self.me["user"],
                    "attempt": self.attempt,
                    "position": position,
                    "response": answer,
                    "flagged": flagged,
                    "at": now,
                }
            )
            + "\n"
        )
        return True

    @task
    def exam(self) -> None:
        global _done
        try:
            self.take()
        finally:
            _done += 1
            if _done == len(CONFIG["students"]):
                gevent.spawn_later(1, self.environment.runner.quit)
        raise StopUser()

    def take(self) -> None:
        if _t0 is None:
            raise StopUser()
        types: list[str] = CONFIG["types"]
        low, high = CONFIG["think"]
        gevent.sleep(max(0.0, _t0 + self.index / CONFIG["rate"] - time.time()))
        self.note["start"] = time.time()
        response = self.call(
            "POST", f"/testing/sittings/{CONFIG['sitting_id']}/start", "start", (302, 303)
        )
        if response is None:
            return
        found = ATTEMPT_URL.search(response.headers.get("Location", ""))
        if found is None:
            self.note["errors"].append(
                ["start: no attempt", response.headers.get("Location"), time.time()]
            )
            return
        self.attempt = int(found.group(1))
        self.note["attempt"] = self.attempt
        self.broken = False
        first = self.with_resume(1, "GET", f"/testing/attempts/{self.attempt}/?n=1", "page", (200,))
        if first is not None:
            for path in dict.fromkeys(STATIC_URL.findall(first.text or "")):
                if path not in CACHED_STATIC:
                    self.call("GET", path, "static (first page)", (200, 304))
        self.note["first_page"] = time.time()
        leaver = (
            self.index % max(1, round(1 / CONFIG["leavers"])) == 7 if CONFIG["leavers"] else False
        )
        stop_after = self.rng.randint(len(types) // 2, len(types)) if leaver else len(types)
        for position, kind in enumerate(types, 1):
            if position > stop_after:
                break
            gevent.sleep(self.rng.uniform(low, high))
            self.save(position, kind, flagged=self.rng.random() < 0.05)
            if self.rng.random() < 0.1:  # changes their mind
                gevent.sleep(self.rng.uniform(low, high) / 10)
                self.save(position, kind, flagged=False)
            if position < len(types) and position < stop_after:
                self.with_resume(
                    position + 1,
                    "GET",
                    f"/testing/attempts/{self.attempt}/?n={position + 1}",
                    "page",
                    (200,),
                )
        if leaver:
            self.note["leaver"] = True
            if self.rng.random() < 0.5 and self.deadline is not None:
                # Comes back after the time is up: the attempt must be finished for them.
                gevent.sleep(max(0.0, self.deadline + GRACE_SECONDS + 5 - time.time()))
                self.with_resume(
                    1,
                    "GET",
                    f"/testing/attempts/{self.attempt}/",
                    "reopen after deadline",
                    (200, 302),
                )
                self.note["returned"] = True
            return
        # «К завершению»: the page listing unanswered and flagged items, then «Завершить».
        self.with_resume(
            len(types), "GET", f"/testing/attempts/{self.attempt}/submit", "confirm", (200,)
        )
        self.with_resume(
            len(types), "POST", f"/testing/attempts/{self.attempt}/submit", "submit", (302, 303)
        )
        self.call("GET", f"/testing/attempts/{self.attempt}/", "result", (200,))
        self.note["finished"] = time.time()
