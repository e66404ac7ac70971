"""Benchmark of the library's pages over HTTP at region scale.

    .venv/bin/python bench/library_http.py --materials 100000 [--var-dir DIR] [--reuse]
        [--database-url postgres://…] [--workers 4] [--seconds 15]

1. Unless --reuse, builds a region in a scratch METODSET_VAR_DIR (kept with --var-dir):
   1,500 schools and ~40,000 teachers (the demo builder), and N published materials with
   the texts of `corpus.py`. The rows go to the database; each material's text goes
   straight into the search index, as the document the task worker would write (the
   files themselves are not generated: a million of them would not fit one session).
2. Times the bare `engine.search` call (top 20 with all facets, a guest) for the corpus's
   queries.
3. Serves the site with gunicorn (production settings, sync workers) and times
   GET /materials/?q=… one request at a time, signed in as a teacher (so that every page
   is made, not kept): p50/p95 and the ratio to the bare call.
4. With wrk, 20 connections: a bare "hello" Django view (same middleware), the
   catalogue, search pages and material pages, each for guests (who get kept pages,
   core.guestcache) and for a signed-in teacher (pages made for the person); requests
   per second, and the ratio to hello.

Runs on SQLite unless --database-url names PostgreSQL. Not part of the test suite.
"""

import argparse
import http.client
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SEED = 20261123


def configure(arguments: argparse.Namespace) -> dict[str, str]:
    """The environment of this process and of the served site."""
    var_dir = arguments.var_dir or Path(tempfile.mkdtemp(prefix="metodset-http-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    database = arguments.database_url or f"sqlite:///{var_dir / 'bench.sqlite3'}"
    env = {
        "METODSET_VAR_DIR": str(var_dir),
        "DATABASE_URL": database,
        "METODSET_ENV": "production",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "http_settings",
        "LOG_LEVEL": "ERROR",
    }
    if arguments.redis_url:
        env["REDIS_URL"] = arguments.redis_url
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    return env


def build(materials: int) -> None:
    from corpus import phrase_maker
    from django.core.management import call_command
    from django.db import transaction

    from metodset.accounts import demo
    from metodset.accounts.models import Membership, Organization, Role, Subject
    from metodset.core.models import academic_year_start
    from metodset.materials.models import Level, Material, MaterialType
    from metodset.search import engine

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    began = time.perf_counter()
    summary = demo.build_demo(
        demo.DemoOptions(districts=16, schools=1500, teachers_per_school=27, students_per_school=0)
    )
    print(
        f"region: {summary.organizations:,} organizations, {summary.users:,} people "
        f"in {time.perf_counter() - began:.0f} s"
    )
    teachers = list(
        Membership.objects.filter(role=Role.TEACHER).values_list("user_id", "organization_id")
    )
    organizations = {
        pk: (name, district)
        for pk, name, district in Organization.objects.values_list(
            "pk", "short_name", "district_id"
        )
    }
    subjects = dict(Subject.objects.values_list("pk", "name"))
    types = dict(MaterialType.objects.values_list("code", "pk"))
    rng = random.Random(SEED)
    phrase = phrase_maker(rng)
    start = datetime(2019, 9, 1, tzinfo=UTC)
    database_seconds = 0.0

    def documents() -> Iterator[engine.MaterialDocument]:
        nonlocal database_seconds
        made = 0
        while made < materials:
            batch = min(5000, materials - made)
            rows, texts = [], []
            for _ in range(batch):
                author, organization = rng.choice(teachers)
                first_grade = rng.randint(1, 11)
                published = start + timedelta(minutes=rng.randrange(7 * 365 * 24 * 60))
                rating_count = rng.randrange(6)
                rows.append(
                    Material(
                        title=phrase(rng.randint(3, 8)).capitalize()[:300],
                        annotation=phrase(rng.randint(15, 40)),
                        keywords=", ".join(phrase(1) for _ in range(rng.randint(0, 4))),
                        type_id=rng.choice(list(types.values())),
                        subject_id=rng.choice(list(subjects)),
                        grades=sorted({first_grade, min(first_grade + rng.randint(0, 2), 11)}),
                        level=rng.choice(Level.values),
                        author_id=author,
                        organization_id=organization,
                        visibility="public" if rng.random() < 0.85 else "network",
                        status=Material.Status.PUBLISHED,
                        published_at=published,
                        views_count=rng.randrange(2000),
                        downloads_count=rng.randrange(500),
                        rating_sum=rating_count * rng.randint(3, 5),
                        rating_count=rating_count,
                    )
                )
                texts.append(phrase(rng.randint(200, 400)))
            began = time.perf_counter()
            with transaction.atomic():
                created = Material.objects.bulk_create(rows)
            database_seconds += time.perf_counter() - began
            code_of = {pk: code for code, pk in types.items()}
            published_of = {m.pk: m.published_at or start for m in created}
            for material, text in zip(created, texts, strict=True):
                name, district = organizations[material.organization_id]
                yield engine.MaterialDocument(
                    id=material.pk,
                    title=material.title,
                    annotation=material.annotation,
                    text=text,
                    keywords=[w.strip() for w in material.keywords.split(",") if w.strip()],
                    subject_id=material.subject_id,
                    subject_name=subjects[material.subject_id or 0],
                    grades=list(material.grades),
                    level_code=material.level,
                    type_code=code_of[material.type_id],
                    organization_id=material.organization_id,
                    organization_name=name,
                    district_id=district,
                    year=academic_year_start(published_of[material.pk].date()),
                    author_ids=[material.author_id],
                    published_at=published_of[material.pk],
                    rating=material.rating or 0.0,
                    downloads=material.downloads_count,
                    visibility=material.visibility,  # type: ignore[arg-type]
                    hidden=False,
                )
            made += batch
            if made % 100_000 == 0:
                print(f"  {made:,} materials…", flush=True)

    began = time.perf_counter()
    written = engine.index_many(documents(), replace=False)
    seconds = time.perf_counter() - began
    print(
        f"materials: {written:,} rows and index documents in {seconds:.0f} s "
        f"(database inserts {database_seconds:.0f} s; index and text ≈ "
        f"{written / max(seconds - database_seconds, 0.001):,.0f} materials/s)"
    )


def bare_search(rounds: int) -> dict[str, list[float]]:
    from corpus import QUERIES

    from metodset.search import engine

    guest = engine.Visibility.guest()
    for query in QUERIES:
        engine.search(query, viewer=guest)
    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(rounds):
        for query in QUERIES:
            began = time.perf_counter()
            engine.search(query, viewer=guest)
            timings[query].append((time.perf_counter() - began) * 1000)
    return timings


def serve(env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - our own program and arguments
        [
            str(gunicorn),
            "metodset.wsgi",
            "--pythonpath",
            f"{BENCH},{ROOT}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/hello/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


def http_search(port: int, rounds: int, cookie: str) -> dict[str, list[float]]:
    """Signed in: a teacher's pages are made for them, never kept (a guest's would be)."""
    from corpus import QUERIES

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    for round_number in range(rounds + 1):
        for query in QUERIES:
            path = "/materials/?" + urllib.parse.urlencode({"q": query})
            began = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            took = (time.perf_counter() - began) * 1000
            if response.status != 200 or "Найдено".encode() not in body:
                raise SystemExit(f"{path}: {response.status}")
            if round_number:  # the first round warms every worker's caches
                timings[query].append(took)
    return timings


def session_cookie() -> str:
    """A signed-in teacher's session, for the pages made afresh for each person."""
    from django.test import Client

    from metodset.accounts.models import Membership, Role

    teacher = Membership.objects.filter(role=Role.TEACHER, user__is_active=True).first()
    if teacher is None:
        raise SystemExit("no teacher in the bench database")
    client = Client()
    client.force_login(teacher.user, backend="metodset.accounts.backends.EmailBackend")
    return f"sessionid={client.cookies['sessionid'].value}"


def wrk(
    port: int, name: str, paths: list[str], seconds: int, workdir: Path, cookie: str = ""
) -> float:
    script = workdir / f"{name}.lua"
    listed = ",\n".join(f'  "{path}"' for path in paths)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("errors %d %d %d %d\\n", summary.errors.connect, '
        "summary.errors.status, summary.errors.timeout, summary.errors.read))\n"
        "end\n"
    )
    output = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t",
            "2",
            "-c",
            "20",
            "-d",
            f"{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(next(line for line in output.splitlines() if "Requests/sec" in line).split()[1])
    latency = next(line for line in output.splitlines() if line.strip().startswith("Latency"))
    errors = next(line for line in output.splitlines() if line.startswith("errors"))
    print(f"  {name:28} {rate:8.1f} req/s   latency {' '.join(latency.split()[1:3])}  {errors}")
    return rate


def percentiles(timings: dict[str, list[float]]) -> tuple[float, float]:
    from corpus import percentile

    values = [value for series in timings.values() for value in series]
    return percentile(values, 0.5), percentile(values, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--materials", type=int, default=100_000)
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="measure an existing --var-dir")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="", help="the cache in Redis, as in production")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    arguments = parser.parse_args()
    if arguments.reuse and arguments.var_dir is None:
        parser.error("--reuse needs --var-dir")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt install wrk)")
    env = configure(arguments)

    import django

    django.setup()
    from django.db import connection

    from metodset.materials.models import Material

    if arguments.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
    else:
        build(arguments.materials)
    count = Material.objects.count()
    print(f"database: {connection.vendor}; materials: {count:,}; var: {env['METODSET_VAR_DIR']}")

    bare = bare_search(arguments.rounds)
    bare_p50, bare_p95 = percentiles(bare)
    process = serve(env, arguments.workers, arguments.port)
    try:
        cookie = session_cookie()
        through_http = http_search(arguments.port, arguments.rounds, cookie)
        http_p50, http_p95 = percentiles(through_http)
        print(f"search, {len(bare)} queries × {arguments.rounds} rounds, top 20 with facets:")
        print(f"  bare engine.search   p50 {bare_p50:6.1f} ms   p95 {bare_p95:6.1f} ms")
        print(f"  GET /materials/?q=   p50 {http_p50:6.1f} ms   p95 {http_p95:6.1f} ms")
        print(
            f"  the view's overhead: ×{http_p50 / bare_p50:.2f} at p50, ×{http_p95 / bare_p95:.2f} at p95"
        )
        slowest = sorted(through_http, key=lambda q: -statistics.median(through_http[q]))[:3]
        for query in slowest:
            print(
                f"    slowest: {query!r} {statistics.median(through_http[query]):.1f} ms "
                f"(bare {statistics.median(bare[query]):.1f} ms)"
            )

        from corpus import QUERIES

        ids = list(
            Material.objects.filter(visibility="public")
            .order_by("?")
            .values_list("pk", flat=True)[:500]
        )
        workdir = Path(env["METODSET_VAR_DIR"])
        pages = max(1, min(count // 24, 200))
        print(
            f"20 concurrent clients (wrk, {arguments.seconds} s each, {arguments.workers} gunicorn workers):"
        )
        hello = wrk(arguments.port, "hello", ["/bench/hello/"], arguments.seconds, workdir)
        loads = {
            "catalogue": [f"/materials/?page={n}" for n in range(1, pages + 1)],
            "search": ["/materials/?" + urllib.parse.urlencode({"q": q}) for q in QUERIES],
            "material page": [f"/materials/{pk}/" for pk in ids],
        }
        for name, paths in loads.items():
            rate = wrk(arguments.port, f"{name} (guest)", paths, arguments.seconds, workdir)
            print(f"  {'':24} ratio to hello: {rate / hello:.2f}")
            rate = wrk(
                arguments.port, f"{name} (signed in)", paths, arguments.seconds, workdir, cookie
            )
            print(f"  {'':24} ratio to hello: {rate / hello:.2f}")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
