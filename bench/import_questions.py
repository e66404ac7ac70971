"""Times reading a big question file: 25,000 items in GIFT and the same in Moodle XML.

    .venv/bin/python bench/import_questions.py [--items 25000] [--repeat 3] [--keep]

Generates a mixed bank (single and multiple choice with partial credit, true/false, short
answer, numerical with tolerances and an any-other-number answer, matching, essay,
description; Cyrillic texts with escapes and feedback; 60 categories; no ordering or
cloze, which GIFT cannot carry, so both files hold the same items), writes it as GIFT and
as Moodle XML into a temporary folder, then reads each file back with `formats.parse`
three times (the best and the median are printed, with items per second) and once more
under tracemalloc for the peak memory (tracing slows Python down, so that run is not
timed). Only reading is measured; saving comes with the models. The issue's target:
25,000 items imported in ≤ 10 s.
"""

import argparse
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metodset.testing import formats
from metodset.testing.formats.items import (
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed reads of each file")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    arguments = parser.parse_args()

    # The machine may be shared: the load average says how much to trust the seconds.
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    folder = Path(tempfile.mkdtemp(prefix="metodset-bench-questions-"))
    try:
        started = time.perf_counter()
        items = build_items(arguments.items)
        print(
            f"{'generate ' + str(len(items)) + ' items':<40} {time.perf_counter() - started:7.2f} s"
        )
        for format_name, file_name in (("gift", "bank.gift.txt"), ("moodlexml", "bank.xml")):
            started = time.perf_counter()
            data = formats.write(items, format_name)
            written = time.perf_counter() - started
            path = folder / file_name
            path.write_bytes(data)
            print(
                f"{'write ' + format_name:<40} {written:7.2f} s  "
                f"{len(data) / 1_000_000:6.1f} MB  {path}"
            )
        for format_name, file_name in (("gift", "bank.gift.txt"), ("moodlexml", "bank.xml")):
            path = folder / file_name
            runs = timed_parse(path, format_name, len(items), arguments.repeat)
            best, median = min(runs), statistics.median(runs)
            peak = peak_memory(path, format_name)
            print(
                f"{'parse ' + format_name:<40} {best:7.2f} s  {len(items) / best:7.0f} items/s"
                f"  (median of {len(runs)}: {median:.2f} s)  peak {peak / 1_000_000:6.1f} MB"
            )
    finally:
        if arguments.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
