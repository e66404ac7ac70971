"""Exam morning: N students start a 16-item test at once, save every answer, finish.

    .venv/bin/python bench/exam_morning.py --students 3000 [--db postgres|sqlite]
        [--rate R] [--think 30-90] [--items 16] [--time-limit MIN] [--leavers 0.05]
        [--workers W] [--threads T] [--kill-at SECONDS] [--down SECONDS] [--keep DIR]

The reference is the published Moodle 4.5 load test (2,000 students taking a 16-item test
with 30–90 s per item handled comfortably, 3,000 strained at the synchronized start, on a
12-vCPU application server and a 4-vCPU MySQL server). Here everything — PostgreSQL, the
site and the load generator — shares this machine's cores.

1. Data (`exam_build.py`): a district with «СОШ №28» and «гимназия №4», 50 classes each,
   N students, 240 questions of six types, a test of 6 fixed questions and 10 drawn at
   random, a sitting open now. Each student's session is written straight into the session
   store: they logged in before 10:00, so the spike measured is the test's start, not N
   password checks.
2. PostgreSQL: a throw-away cluster started here as the `postgres` user, durable as in
   production (fsync and synchronous_commit on); the site under gunicorn with production
   settings (DEBUG off) and `metodset db_worker` beside it.
3. Load: locust headless (`exam_locustfile.py`), one user a student; student i presses
   «Начать» at T0 + i / rate. `--think` is the time per item (30-90 s as the reference;
   3-9 for a quick run, ten times the request rate).
4. The time limit (default: 1.5 × items × the longest think, + 2 min: 38 min for 16 × 90 s;
   6 min for the quick 3-9) lets the leavers — who
   never press «Завершить» — run out of time; after the last deadline `metodset
   run_periodic` (the cron job) finishes whoever was not finished by reopening the page.
5. Report: p50/p95/p99/max per request type in the start spike (T0 until the last student
   sees item 1) and after it, errors, requests per second, CPU of the site, the database
   and the generator; then the check of every acknowledged answer against the database.
   `--kill-at S` kills gunicorn (SIGKILL, master and workers) S seconds after T0 and
   starts it again after `--down` seconds: no acknowledged answer may be lost and every
   student must continue the same attempt.

Not part of the test suite (tests/test_exam_crash.py is the small version that is).
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
P95_SPIKE_MS = 1000.0
P95_AFTER_MS = 200.0


# --- Priority on a shared machine ---------------------------------------------------------

NICE = 0  # --nice


def prioritize(pid: int) -> None:
    """Give a process (and its session) the run's priority. Linux schedules sessions as
    groups (autogroup): a nice value counts only inside one, so the group's own nice is set
    too — PostgreSQL's postmaster and gunicorn each lead a session of their own."""
    if not NICE:
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, NICE)
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(NICE))


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if found:
        return found[-1].parent
    raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster, durable like production (fsync, synchronous commit)."""

    directory: Path
    port: int = 0

    def start(self) -> str:
        bin_dir = _pg_bin()
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            subprocess.run(["chown", "postgres:", str(self.directory)], check=True)  # noqa: S603, S607
        self.directory.chmod(0o700)
        subprocess.run(  # noqa: S603
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    f"--pgdata={self.directory / 'data'}",
                    "--username=metodset",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            cwd=self.directory,
        )
        self.port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} "
            "-c max_connections=100 -c shared_buffers=256MB -c effective_cache_size=1GB "
            "-c work_mem=8MB -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
        )
        subprocess.run(  # noqa: S603
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    f"--pgdata={self.directory / 'data'}",
                    f"--log={self.directory / 'server.log'}",
                    "--wait",
                    "--silent",
                    "start",
                    "-o",
                    options,
                ]
            ),
            check=True,
            cwd=self.directory,
        )
        subprocess.run(  # noqa: S603
            _as_owner(
                [
                    str(bin_dir / "createdb"),
                    f"--host={self.directory}",
                    f"--port={self.port}",
                    "--username=metodset",
                    "metodset",
                ]
            ),
            check=True,
            cwd=self.directory,
        )
        postmaster = self.postmaster()
        if postmaster is not None:
            prioritize(postmaster.pid)  # its backends are forked from it, in its session
        return f"postgres://metodset@127.0.0.1:{self.port}/metodset"

    def postmaster(self) -> psutil.Process | None:
        pid_file = self.directory / "data" / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, psutil.Error):
            return psutil.Process(int(pid_file.read_text().split()[0]))
        return None

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            _as_owner(
                [
                    str(_pg_bin() / "pg_ctl"),
                    f"--pgdata={self.directory / 'data'}",
                    "--mode=fast",
                    "--wait",
                    "--silent",
                    "stop",
                ]
            ),
            check=False,
            cwd=self.directory,
        )


# --- The site -------------------------------------------------------------------------------


def configure(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        "METODSET_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "METODSET_ENV": "production",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "metodset.settings",
        # This checkout's code, also for gunicorn and the commands (not an installed copy).
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
        "LOG_LEVEL": "ERROR",
        "TIME_ZONE": "Asia/Tomsk",
    }
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    return env


@dataclass
class Site:
    """gunicorn (production settings) and the task worker, each in its own process group."""

    env: dict[str, str]
    port: int
    workers: int
    threads: int
    log: Path
    web: subprocess.Popen[bytes] | None = None
    tasks: subprocess.Popen[bytes] | None = None
    retired: list[psutil.Process] = field(default_factory=list)

    def command(self) -> list[str]:
        command = [
            str(BIN / "gunicorn"),
            "metodset.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--backlog",
            "4096",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        if os.environ.get("EXAM_ACCESS_LOG"):  # the server's own time per request (µs)
            command += [
                "--access-logfile",
                str(self.log.with_name("access.log")),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s",
            ]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        return command

    def start_web(self) -> float:
        """Start gunicorn; the seconds until it answers."""
        began = time.monotonic()
        with self.log.open("ab") as log:
            self.web = subprocess.Popen(  # noqa: S603
                self.command(),
                env={**os.environ, **self.env},
                start_new_session=True,
                stdout=log,
                stderr=log,
            )
        prioritize(self.web.pid)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                # A long timeout: restarted in the middle of a run, it answers behind a queue.
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return time.monotonic() - began
            time.sleep(0.1)
        raise SystemExit("gunicorn did not start; see " + str(self.log))

    def start_tasks(self) -> None:
        with self.log.open("ab") as log:
            self.tasks = subprocess.Popen(  # noqa: S603
                [str(BIN / "metodset"), "db_worker", "--queue-name", "*", "--no-startup-delay"],
                env={**os.environ, **self.env},
                start_new_session=True,
                stdout=log,
                stderr=log,
            )
        prioritize(self.tasks.pid)

    def kill_web(self) -> None:
        """kill -9 of the application server: the master and every worker at once."""
        if self.web is None:
            return
        with contextlib.suppress(psutil.Error):
            self.retired += [
                psutil.Process(self.web.pid),
                *psutil.Process(self.web.pid).children(recursive=True),
            ]
        os.killpg(self.web.pid, signal.SIGKILL)
        self.web.wait()

    def processes(self) -> list[psutil.Process]:
        found: list[psutil.Process] = []
        for process in (self.web, self.tasks):
            if process is None:
                continue
            with contextlib.suppress(psutil.Error):
                parent = psutil.Process(process.pid)
                found += [parent, *parent.children(recursive=True)]
        return found

    def stop(self) -> None:
        for process in (self.web, self.tasks):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


# --- CPU --------------------------------------------------------------------------------------


class CpuSampler:
    """Once a second: the CPU seconds spent so far by each group of processes (processes
    that ended keep their last reading) and by the whole machine."""

    def __init__(self, groups: dict[str, Callable[[], list[psutil.Process]]]) -> None:
        self.groups = groups
        self.seen: dict[str, dict[int, float]] = {name: {} for name in groups}
        self.samples: list[tuple[float, dict[str, float], float]] = []
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def read(self) -> None:
        totals: dict[str, float] = {}
        for name, find in self.groups.items():
            seen = self.seen[name]
            for process in find():
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    seen[process.pid] = times.user + times.system
            totals[name] = sum(seen.values())
        machine = psutil.cpu_times()
        self.samples.append(
            (
                time.time(),
                totals,
                machine.user
                + machine.system
                + machine.nice
                + getattr(machine, "softirq", 0)
                + getattr(machine, "irq", 0),
            )
        )

    def loop(self) -> None:
        while self.running:
            self.read()
            time.sleep(1.0)

    def start(self) -> None:
        self.read()
        self.thread.start()

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        self.read()

    def between(self, start: float, end: float) -> dict[str, float]:
        """Per cent of one core used by each group (and «machine») from start to end."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            before = [s for s in self.samples if s[0] <= start][-1:]
            after = [s for s in self.samples if s[0] >= end][:1]
            inside = before + after
        if len(inside) < 2:
            return {}
        (t1, first, m1), (t2, last, m2) = inside[0], inside[-1]
        span = max(t2 - t1, 1e-6)
        result = {name: (last[name] - first[name]) / span * 100 for name in first}
        result["machine"] = (m2 - m1) / span * 100
        return result


# --- Warm-up --------------------------------------------------------------------------------


def warm_up(port: int, sitting_id: int, types: list[str], students: list[dict[str, Any]]) -> float:
    """Before 10:00 the site has been serving all morning: every worker has loaded its URLs,
    templates and questions. Warm-up students (not counted) take the test once at full
    speed, in parallel, so that each worker has served every kind of request. The seconds
    it took."""
    import random
    import re

    from exam_build import random_response

    began = time.perf_counter()

    def request(me: dict[str, Any], method: str, path: str, body: object = None) -> Any:
        headers = {
            "Cookie": f"sessionid={me['session']}; csrftoken={me['csrf']}",
            "X-CSRFToken": me["csrf"],
        }
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body), "application/json"
        link = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        link.request(method, path, body=payload, headers=headers)
        response = link.getresponse()
        response.read()
        link.close()
        if response.status >= 400:
            raise SystemExit(f"warm-up: {method} {path} answered {response.status}")
        return response

    def take(me: dict[str, Any]) -> None:
        rng = random.Random(me["user"])
        started = request(me, "POST", f"/testing/sittings/{sitting_id}/start")
        found = re.search(r"/testing/attempts/(\d+)/", started.getheader("Location") or "")
        if found is None:
            raise SystemExit("warm-up: the start did not lead to an attempt")
        page = f"/testing/attempts/{found.group(1)}/"
        for position, kind in enumerate(types, 1):
            request(me, "GET", f"{page}?n={position}")
            body = {"position": position, "response": random_response(kind, rng), "flagged": False}
            request(me, "POST", f"{page}answer", body)
        request(me, "POST", f"{page}submit")
        request(me, "GET", page)

    threads = [threading.Thread(target=take, args=(me,)) for me in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def cached_static(port: int, me: dict[str, Any]) -> list[str]:
    """The scripts and styles of «Мои тесты»: a student's browser has them from before 10:00."""
    import re

    link = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    link.request("GET", "/testing/my/", headers={"Cookie": f"sessionid={me['session']}"})
    page = link.getresponse().read().decode()
    link.close()
    return sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page)))


# --- Figures ----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Request:
    start: float
    name: str
    ms: float
    ok: bool
    status: int


def read_requests(path: Path) -> list[Request]:
    rows = []
    with path.open(encoding="utf-8") as source:
        next(source)
        for line in source:
            start, name, ms, ok, status = line.rstrip("\n").split(",")
            rows.append(Request(float(start), name, float(ms), ok == "1", int(status)))
    return rows


def table(title: str, rows: list[Request], seconds: float) -> tuple[list[str], dict[str, float]]:
    """Lines of a table per request type; p95 of each type, for the bounds."""
    lines = [
        f"{title}: {len(rows):,} requests in {seconds:,.0f} s ({len(rows) / max(seconds, 1e-6):,.1f}/s)",
        f"  {'request':24} {'count':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}",
    ]
    by_name: dict[str, list[Request]] = defaultdict(list)
    for row in rows:
        by_name[row.name].append(row)
    p95: dict[str, float] = {}
    for name in sorted(by_name, key=lambda n: -len(by_name[n])):
        group = by_name[name]
        times = [r.ms for r in group if r.ok]
        errors = sum(1 for r in group if not r.ok)
        p95[name] = percentile(times, 0.95)
        lines.append(
            f"  {name:24} {len(group):7,} {errors:6,} {percentile(times, 0.5):8.0f} {p95[name]:8.0f} "
            f"{percentile(times, 0.99):8.0f} {max(times, default=math.nan):8.0f}"
        )
    times = [r.ms for r in rows if r.ok]
    p95["(all)"] = percentile(times, 0.95)
    lines.append(
        f"  {'(all)':24} {len(rows):7,} {sum(1 for r in rows if not r.ok):6,} {percentile(times, 0.5):8.0f} "
        f"{p95['(all)']:8.0f} {percentile(times, 0.99):8.0f} {max(times, default=math.nan):8.0f}"
    )
    return lines, p95


def verify(out: Path, student_ids: list[int], leavers_expected: int) -> tuple[list[str], bool]:
    """Every acknowledged answer is in the database as it was acknowledged last; every
    student has one attempt, finished."""
    from django.db.models import Count

    from metodset.testing.models import Attempt, AttemptItem

    students = len(student_ids)
    mine = Attempt.objects.filter(student__in=student_ids)  # not the warm-up's

    last: dict[tuple[int, int], dict[str, Any]] = {}
    acks = 0
    with (out / "acks.jsonl").open(encoding="utf-8") as source:
        for line in source:
            ack = json.loads(line)
            acks += 1
            last[(ack["attempt"], ack["position"])] = ack
    stored = {
        (attempt, position): (response, flagged)
        for attempt, position, response, flagged in AttemptItem.objects.filter(
            attempt__student__in=student_ids
        )
        .values_list("attempt_id", "position", "response", "flagged")
        .iterator(chunk_size=5000)
    }
    missing = [key for key in last if key not in stored]
    wrong = [
        key
        for key, ack in last.items()
        if key in stored and (stored[key][0] != ack["response"] or stored[key][1] != ack["flagged"])
    ]
    attempts = mine.count()
    by_finish = dict(mine.values_list("finish").annotate(n=Count("pk")).values_list("finish", "n"))
    unfinished = mine.filter(status=Attempt.Status.IN_PROGRESS).count()
    students_with_more = mine.values("student").annotate(n=Count("pk")).filter(n__gt=1).count()
    notes = json.loads((out / "students.json").read_text())
    resumes = [r for note in notes for r in note["resumes"]]
    other_attempt = [r for r in resumes if not r["same"]]
    drift = max((note.get("drift", 0.0) for note in notes), default=0.0)
    ok = (
        not missing
        and not wrong
        and attempts == students
        and unfinished == 0
        and not students_with_more
        and not other_attempt
    )
    lines = [
        "verification:",
        f"  acknowledged saves: {acks:,}; distinct (attempt, item): {len(last):,}",
        f"  in the database as last acknowledged: {len(last) - len(missing) - len(wrong):,}; "
        f"missing: {len(missing)}; different: {len(wrong)}",
        f"  attempts: {attempts:,} for {students:,} students (students with more than one: "
        f"{students_with_more}); still in progress: {unfinished}",
        f"  finished as: {', '.join(f'{k or chr(8212)} {v:,}' for k, v in sorted(by_finish.items()))} "
        f"(leavers expected to time out: {leavers_expected})",
        f"  resumed after a break: {len(resumes):,} times, to another attempt: {len(other_attempt)}; "
        f"largest change of the deadline seen by a student: {drift:.1f} s",
        f"  => {'OK' if ok else 'FAILED'}",
    ]
    if missing or wrong:
        lines.append(f"  first missing: {missing[:5]}; first different: {wrong[:5]}")
    return lines, ok


# --- The run ----------------------------------------------------------------------------------


def parse_range(text: str) -> tuple[float, float]:
    low, _sep, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--rate",
        "--spawn-rate",
        type=float,
        default=50.0,
        help="students pressing «Начать» per second",
    )
    parser.add_argument("--think", default="30-90", help="seconds per item, e.g. 30-90 or 3-9")
    parser.add_argument("--items", type=int, default=16)
    parser.add_argument(
        "--time-limit", type=int, default=0, help="minutes (default: fits the longest think)"
    )
    parser.add_argument("--leavers", type=float, default=0.05, help="share who never submit")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help=">1: gthread workers")
    parser.add_argument(
        "--kill-at", type=float, default=0.0, help="SIGKILL gunicorn this many s after T0"
    )
    parser.add_argument(
        "--down", type=float, default=3.0, help="seconds before it is started again"
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the results (and the generated data) in DIR"
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run the database, the site and the generator at this niceness, their sessions "
        "too (e.g. -10 on a shared machine: other work yields)",
    )
    arguments = parser.parse_args()
    global NICE
    NICE = arguments.nice
    prioritize(os.getpid())  # this session: locust and the commands run from here

    think = parse_range(arguments.think)
    # Room for the slowest thinker and the wait for the site: 16 × 90 s → 38 min.
    time_limit = arguments.time_limit or math.ceil(arguments.items * think[1] * 1.5 / 60) + 2
    work = arguments.keep or Path(tempfile.mkdtemp(prefix="metodset-exam-"))
    work.mkdir(parents=True, exist_ok=True)
    out = work / "results"
    out.mkdir(exist_ok=True)
    (out / "acks.jsonl").write_text("")
    (out / "t0").unlink(missing_ok=True)
    cluster: Cluster | None = None
    if arguments.db == "postgres":
        cluster = Cluster(Path(tempfile.mkdtemp(prefix="metodset-exam-pg-")))
        database_url = cluster.start()
    else:
        database_url = f"sqlite:///{work / 'exam.sqlite3'}"
    env = configure(work, database_url)
    site: Site | None = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        from exam_build import build

        warmers = arguments.workers * max(arguments.threads, 1) * 2
        data = build(arguments.students + warmers, arguments.items, time_limit)
        warming, data.students = (
            data.students[arguments.students :],
            data.students[: arguments.students],
        )
        leavers = sum(
            1
            for index in range(arguments.students)
            if arguments.leavers and index % max(1, round(1 / arguments.leavers)) == 7
        )
        config = {
            "sitting_id": data.sitting_id,
            "types": data.types,
            "students": data.students,
            "think": list(think),
            "rate": arguments.rate,
            "leavers": arguments.leavers,
            "out_dir": str(out),
        }
        (work / "exam.json").write_text(json.dumps(config))
        connection.close()

        port = arguments.port or _free_port()
        site = Site(env, port, arguments.workers, arguments.threads, work / "site.log")
        site.start_tasks()
        boot = site.start_web()
        server = "gunicorn " + " ".join(site.command()[2:])
        print(f"site: {server} (up in {boot:.1f} s); db_worker; {connection.vendor}")
        took = warm_up(port, data.sitting_id, data.types, warming)
        config["cached_static"] = cached_static(port, warming[0])
        (work / "exam.json").write_text(json.dumps(config))
        print(
            f"warm-up: {len(warming)} extra students took the test at full speed in {took:.1f} s (not counted)"
        )
        print(
            f"machine: {psutil.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before "
            f"the run; this run's processes at niceness {NICE}"
        )
        print(
            f"load: {arguments.students:,} students (locust), «Начать» at {arguments.rate:g}/s — "
            f"all within {arguments.students / arguments.rate:.0f} s; think {arguments.think} s per item; "
            f"{arguments.items} items; limit {time_limit} min; {leavers} leavers never submit"
        )
        generator: dict[str, psutil.Process] = {}
        groups: dict[str, Callable[[], list[psutil.Process]]] = {
            "site": site.processes,
            "generator": lambda: list(generator.values()),
        }
        if cluster is not None:
            groups["database"] = lambda: (
                [pm, *pm.children(recursive=True)] if (pm := cluster.postmaster()) else []
            )
        sampler = CpuSampler(groups)
        sampler.start()
        locust = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(BENCH / "exam_locustfile.py"),
                "--headless",
                "--only-summary",
                "--loglevel",
                "ERROR",
                "-u",
                str(arguments.students),
                "-r",
                "1000",
                "-H",
                f"http://127.0.0.1:{port}",
                "--run-time",
                f"{time_limit * 60 + arguments.students / arguments.rate + 600:.0f}s",
                "--stop-timeout",
                "30",
            ],
            env={**os.environ, "EXAM_CONFIG": str(work / "exam.json")},
            stdout=(work / "locust.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        generator["locust"] = psutil.Process(locust.pid)
        kill_note: dict[str, float] = {}
        if arguments.kill_at:

            def crash() -> None:
                t0_file = out / "t0"
                while not t0_file.exists() and locust.poll() is None:
                    time.sleep(0.1)
                if locust.poll() is not None:
                    return
                time.sleep(max(0.0, float(t0_file.read_text()) + arguments.kill_at - time.time()))
                if site is None:
                    return
                kill_note["killed"] = time.time()
                site.kill_web()
                time.sleep(arguments.down)
                kill_note["restarting"] = time.time()
                site.start_web()
                kill_note["back"] = time.time()

            threading.Thread(target=crash, daemon=True).start()
        locust.wait()
        finished_at = time.time()
        # The leavers' deadlines pass; then the cron job sweeps whoever is still open.
        from metodset.testing.models import Attempt
        from metodset.testing.services.attempts import GRACE

        last_deadline = (
            Attempt.objects.order_by("-deadline_at").values_list("deadline_at", flat=True).first()
        )
        if last_deadline is not None:
            wait = (last_deadline + GRACE).timestamp() - time.time() + 2
            if wait > 0:
                print(f"waiting {wait:.0f} s for the last deadline to pass…")
                time.sleep(wait)
        open_before = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS).count()
        sweep_began = time.perf_counter()
        subprocess.run(  # noqa: S603
            [str(BIN / "metodset"), "run_periodic"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        sweep_seconds = time.perf_counter() - sweep_began
        connection.close()
        sampler.stop()

        # --- the figures ---
        requests = read_requests(out / "requests.csv")
        notes = json.loads((out / "students.json").read_text())
        t0 = float((out / "t0").read_text())
        first_pages = [note["first_page"] for note in notes if "first_page" in note]
        spike_end = max(first_pages) if first_pages else t0
        # The exam's end: the last student who pressed «Завершить» saw the result (the
        # leavers' deadlines pass later, on an idle site).
        end = max((note["finished"] for note in notes if "finished" in note), default=finished_at)
        spike = [r for r in requests if r.start <= spike_end]
        after = [r for r in requests if r.start > spike_end]  # to the end, the leavers' too
        print()
        lines, p95_spike = table(
            f"start spike (T0 until the last student saw item 1, {spike_end - t0:.0f} s)",
            spike,
            spike_end - t0,
        )
        print("\n".join(lines))
        lines, p95_after = table("after the spike", after, end - spike_end)
        print("\n".join(lines))
        if "back" in kill_note:
            print(
                f"crash: gunicorn killed at T0+{kill_note['killed'] - t0:.0f} s, started again "
                f"{arguments.down:g} s later, answering {kill_note['back'] - kill_note['killed']:.1f} s after the kill"
            )
            outage = [
                r for r in requests if kill_note["killed"] - 1 <= r.start <= kill_note["back"] + 1
            ]
            print(
                f"  requests that failed around it (retried, not acknowledged): {sum(1 for r in outage if not r.ok):,}"
            )
        print()
        print("CPU, per cent of one core (the machine has 2 cores = 200 %):")
        for title, (start, stop) in (("spike", (t0, spike_end)), ("after", (spike_end, end))):
            cpu = sampler.between(start, stop)
            mine = sum(cpu.get(name, 0) for name in ("site", "database", "generator"))
            print(
                f"  {title:6} site {cpu.get('site', 0):5.0f}   database {cpu.get('database', 0):5.0f}   "
                f"generator {cpu.get('generator', 0):5.0f}   other processes "
                f"{max(cpu.get('machine', 0) - mine, 0):5.0f}   machine {cpu.get('machine', 0):5.0f}"
            )
        print(
            f"sweep (metodset run_periodic): {open_before} attempts open after the deadlines, {sweep_seconds:.1f} s"
        )
        print()
        print("minute by minute (from T0):")
        print(
            f"  {'min':>4} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}   CPU: site  db  gen other"
        )
        by_minute: dict[int, list[Request]] = defaultdict(list)
        for row in requests:
            by_minute[int((row.start - t0) // 60)].append(row)
        for minute in sorted(by_minute):
            rows = by_minute[minute]
            times = [r.ms for r in rows if r.ok]
            cpu = sampler.between(t0 + minute * 60, t0 + minute * 60 + 60)
            mine = sum(cpu.get(name, 0) for name in ("site", "database", "generator"))
            print(
                f"  {minute:4} {len(rows) / 60:6.1f} {percentile(times, 0.5):7.0f} {percentile(times, 0.95):7.0f} "
                f"{sum(1 for r in rows if not r.ok):6}        {cpu.get('site', 0):4.0f} {cpu.get('database', 0):3.0f} "
                f"{cpu.get('generator', 0):4.0f} {max(cpu.get('machine', 0) - mine, 0):5.0f}"
            )
        (out / "cpu.json").write_text(json.dumps(sampler.samples))
        print()
        lines, verified = verify(out, [me["user"] for me in data.students], leavers)
        print("\n".join(lines))
        errors = sum(1 for r in requests if not r.ok)
        spike_ok = all(
            value <= P95_SPIKE_MS for value in p95_spike.values() if not math.isnan(value)
        )
        after_ok = all(
            value <= P95_AFTER_MS for value in p95_after.values() if not math.isnan(value)
        )
        held = spike_ok and after_ok and errors == 0 and verified
        print(
            f"bounds: spike p95 ≤ {P95_SPIKE_MS:.0f} ms {'yes' if spike_ok else 'NO'}; after p95 ≤ "
            f"{P95_AFTER_MS:.0f} ms {'yes' if after_ok else 'NO'}; errors {errors}; answers "
            f"{'all kept' if verified else 'NOT all kept'} => {'HELD' if held else 'NOT HELD'}"
            + (" (errors expected: the server was killed)" if kill_note else "")
        )
        print(f"results in {out}")
    finally:
        if site is not None:
            site.stop()
        if cluster is not None:
            cluster.stop()
            subprocess.run(["rm", "-rf", str(cluster.directory)], check=False)  # noqa: S603, S607


if __name__ == "__main__":
    main()
