"""Times importing a big question file: 25,000 items in GIFT, Moodle XML and XLSX.

    .venv/bin/python bench/import_questions.py [--items 25000] [--repeat 3] [--keep]
    .venv/bin/python bench/import_questions.py --save [--database-url URL]

Generates a mixed bank (single and multiple choice with partial credit, true/false, short
answer, numerical with tolerances and an any-other-number answer, matching, essay,
description; Cyrillic texts with escapes and feedback; 60 categories; no ordering or
cloze, which GIFT cannot carry, so every file holds the same items), writes it as GIFT,
as Moodle XML and as the XLSX sheet into a temporary folder, then reads each file back
with `formats.parse` three times (the best and the median are printed, with items per
second) and once more under tracemalloc for the peak memory (tracing slows Python down,
so that run is not timed).

`--save` then imports each file into a throw-away database the way the command does —
`formats.parse` and `services.import_items` (categories, questions, first versions, the
audit entry), with DEBUG off as in production — `--repeat` times (the best is printed:
seconds of reading, of saving, and the CPU seconds of both, the PostgreSQL server's
included, which a busy machine stretches less than the clock), then once more under
tracemalloc for the peak memory. The database is the test database of DATABASE_URL (or
of `--database-url`; `scripts/pg-test-cluster.sh start` prints one for PostgreSQL),
created and migrated for the run and dropped after it; without either, a temporary
SQLite file. The issue's target: 25,000 items read and saved in ≤ 10 s on SQLite and
on PostgreSQL, from GIFT and from Moodle XML.
"""

import argparse
import gc
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metodset.testing import formats
from metodset.testing.formats.items import (
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
)

FILES = (("gift", "bank.gift.txt"), ("moodlexml", "bank.xml"), ("xlsx", "bank.xlsx"))
SUBJECTS = ["Математика", "Русский язык", "Физика", "История", "Биология", "География"]
TOPICS = ["Дроби", "Уравнения", "Синтаксис", "Механика", "Древний мир", "Клетка", "Климат"]
# A sentence of the bank is a run of these words.
SENTENCE_WORDS = (
    "ученик решает задачу по теме урока и записывает ответ в тетрадь учитель проверяет "
    "работу класса ёлка площадь треугольника скорость света пушкин ломоносов волга байкал"
)


WORDS = SENTENCE_WORDS.split(" ")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def build_items(count: int) -> list[Item]:
    rng = random.Random(2026)
    categories = [
        [subject, f"{grade} класс", topic]
        for subject in SUBJECTS
        for grade in (5, 7, 9, 11)
        for topic in rng.sample(TOPICS, 3)
    ][:60]
    kinds = [
        ItemType.SINGLE_CHOICE,
        ItemType.SINGLE_CHOICE,
        ItemType.MULTIPLE_CHOICE,
        ItemType.TRUE_FALSE,
        ItemType.SHORT_ANSWER,
        ItemType.NUMERICAL,
        ItemType.MATCHING,
        ItemType.ESSAY,
        ItemType.DESCRIPTION,
    ]
    items = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        # Runs of items share a category, as a real bank exported by topic does.
        category = categories[number * len(categories) // count]
        item = Item(
            type=kind,
            name=f"Вопрос {number + 1}: {sentence(rng, 3)}",
            text=f"{sentence(rng, rng.randint(8, 25))} (формула: a = b: {{x}} #{number})?",
            text_format=rng.choice(["moodle", "html"]),
            category=category,
            general_feedback=sentence(rng, 6) if rng.random() < 0.3 else "",
        )
        if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
            right = 1 if kind is ItemType.SINGLE_CHOICE else 2
            item.answers = [
                Answer(
                    sentence(rng, rng.randint(1, 5)),
                    Decimal(100 // right) if index < right else Decimal(-50 * (right - 1)),
                    sentence(rng, 4) if rng.random() < 0.5 else "",
                )
                for index in range(4)
            ]
            rng.shuffle(item.answers)
        elif kind is ItemType.TRUE_FALSE:
            item.correct_answer = rng.random() < 0.5
            item.feedback_true, item.feedback_false = sentence(rng, 4), sentence(rng, 4)
        elif kind is ItemType.SHORT_ANSWER:
            item.answers = [
                Answer("Пушкин", Decimal(100), "Верно"),
                Answer("пушкин а. с.", Decimal(50), "Почти"),
            ]
        elif kind is ItemType.NUMERICAL:
            value = Decimal(rng.randint(-5000, 5000)) / 100
            item.numerical_answers = [
                NumericalAnswer(value, Decimal("0.01"), Decimal(100), "Точно"),
                NumericalAnswer(value, Decimal(1), Decimal(50), "Близко"),
                NumericalAnswer(None, Decimal(0), Decimal(0), "Пересчитайте"),
            ]
        elif kind is ItemType.MATCHING:
            item.pairs = [MatchPair(sentence(rng, 3), sentence(rng, 2)) for _ in range(4)]
        items.append(item)
    return items


def timed_parse(path: Path, format_name: str, expected: int, repeat: int) -> list[float]:
    """Seconds of each of `repeat` reads of the file (from bytes on disk to items)."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = formats.parse(path.read_bytes(), format_name)
        runs.append(time.perf_counter() - started)
        if len(result.items) != expected or result.errors:
            raise SystemExit(
                f"{format_name}: read {len(result.items)} of {expected} items, "
                f"{len(result.errors)} errors: {result.errors[:3]}"
            )
        del result
    return runs


def peak_memory(path: Path, format_name: str) -> int:
    """Peak bytes allocated while reading the file once, the file's own bytes included."""
    gc.collect()
    tracemalloc.start()
    result = formats.parse(path.read_bytes(), format_name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak


def save_files(files: list[tuple[str, Path]], expected: int, repeat: int) -> None:
    """Import each file into a fresh test database `repeat` times, then once more traced.

    The machine may be shared, so besides the seconds on the clock the CPU seconds are
    printed: this process's, and on PostgreSQL its server process's too (read from /proc),
    which a busy machine stretches far less than the clock."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metodset.settings")
    # As in production: with DEBUG on, Django formats and keeps every query it runs.
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        actor = bench_teacher()
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        for format_name, path in files:
            runs = []
            for _ in range(repeat):
                gc.collect()
                runs.append(import_file(actor, path, format_name, expected))
            gc.collect()
            tracemalloc.start()
            import_file(actor, path, format_name, expected)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            best = min(runs, key=lambda run: run.read + run.save)
            total = best.read + best.save
            server = f" + server {best.server_cpu:.2f}" if best.server_cpu is not None else ""
            print(
                f"{'import ' + format_name + ' (read + save)':<40} {total:7.2f} s  "
                f"(read {best.read:.2f} s, save {best.save:.2f} s; best of {len(runs)})  "
                f"{expected / total:6.0f} items/s  peak {peak / 1_000_000:6.1f} MB\n"
                f"{'':<40} CPU: read {best.read_cpu:.2f} s, save {best.save_cpu:.2f} s{server}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    print(f"process peak resident memory (ru_maxrss): {maxrss:.0f} MB")


def bench_teacher() -> Any:
    """A teacher of a school, as the import's typical actor (her school owns the rows)."""
    from metodset.accounts.models import (
        District,
        Membership,
        Organization,
        OrganizationKind,
        Region,
        Role,
        User,
    )

    region = Region.objects.create(name="Бенчмарк-область")
    district = District.objects.create(region=region, name="Бенчмарк-район", slug="bench")
    school = Organization.objects.create(
        region=region,
        district=district,
        kind=OrganizationKind.objects.get(code="school"),
        name="МБОУ «Бенчмарк-школа»",
        short_name="Бенчмарк-школа",
    )
    teacher = User.objects.create_user(
        "teacher@bench.test", last_name="Учителева", first_name="Анна"
    )
    Membership.objects.create(user=teacher, organization=school, role=Role.TEACHER)
    return teacher


@dataclass
class ImportRun:
    read: float  # seconds on the clock
    save: float
    read_cpu: float  # CPU seconds of this process
    save_cpu: float
    server_cpu: float | None  # CPU seconds of PostgreSQL's server process while saving


def import_file(actor: Any, path: Path, format_name: str, expected: int) -> ImportRun:
    """Read the file and save its items, as import_questions does."""
    from metodset.testing import services

    server_before = server_cpu_seconds()
    started, started_cpu = time.perf_counter(), time.process_time()
    result = formats.parse(path.read_bytes(), format_name)
    parsed, parsed_cpu = time.perf_counter(), time.process_time()
    questions = services.import_items(actor=actor, result=result)
    saved, saved_cpu = time.perf_counter(), time.process_time()
    server_after = server_cpu_seconds()
    if len(questions) != expected:
        raise SystemExit(f"{format_name}: saved {len(questions)} of {expected} items")
    return ImportRun(
        read=parsed - started,
        save=saved - parsed,
        read_cpu=parsed_cpu - started_cpu,
        save_cpu=saved_cpu - parsed_cpu,
        server_cpu=(
            server_after - server_before
            if server_before is not None and server_after is not None
            else None
        ),
    )


def server_cpu_seconds() -> float | None:
    """CPU seconds PostgreSQL's process for this connection has used, when it runs here."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields (the 12th and 13th after the name).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed reads of each file")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--save", action="store_true", help="also import each file into a test database"
    )
    parser.add_argument("--database-url", default="", help="instead of DATABASE_URL")
    arguments = parser.parse_args()
    if arguments.database_url:
        os.environ["DATABASE_URL"] = arguments.database_url

    # The machine may be shared: the load average says how much to trust the seconds.
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    folder = Path(tempfile.mkdtemp(prefix="metodset-bench-questions-"))
    try:
        started = time.perf_counter()
        items = build_items(arguments.items)
        print(
            f"{'generate ' + str(len(items)) + ' items':<40} {time.perf_counter() - started:7.2f} s"
        )
        for format_name, file_name in FILES:
            started = time.perf_counter()
            data = formats.write(items, format_name)
            written = time.perf_counter() - started
            path = folder / file_name
            path.write_bytes(data)
            print(
                f"{'write ' + format_name:<40} {written:7.2f} s  "
                f"{len(data) / 1_000_000:6.1f} MB  {path}"
            )
        for format_name, file_name in FILES:
            path = folder / file_name
            runs = timed_parse(path, format_name, len(items), arguments.repeat)
            best, median = min(runs), statistics.median(runs)
            peak = peak_memory(path, format_name)
            print(
                f"{'parse ' + format_name:<40} {best:7.2f} s  {len(items) / best:7.0f} items/s"
                f"  (median of {len(runs)}: {median:.2f} s)  peak {peak / 1_000_000:6.1f} MB"
            )
        if arguments.save:
            count = len(items)
            del items  # a real import has no other copy of the bank in memory
            save_files(
                [(format_name, folder / file_name) for format_name, file_name in FILES],
                count,
                arguments.repeat,
            )
    finally:
        if arguments.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
