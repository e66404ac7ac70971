"""Benchmark of the search module on a synthetic Russian library.

    .venv/bin/python bench/search_engine.py --docs 100000 [--index-dir var/bench-search]

Generates materials with titles, annotations and 200–400 words of inflected Russian text
(a Zipf-distributed vocabulary of a few thousand word forms built from stems and endings),
indexes them through `metodset.search.engine.index_many` (materials per second, size on
disk), then runs 40+ teacher queries with facets and prints p50/p95 in milliseconds.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metodset.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from metodset.search import engine  # noqa: E402
from metodset.search.engine import MaterialDocument, Visibility  # noqa: E402

# Stems with their ending sets, most frequent (school) vocabulary first.
NOUN_MASCULINE = ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"]
NOUN_FEMININE = ["а", "ы", "е", "у", "ой", "", "ам", "ами", "ах"]
NOUN_NEUTER = ["е", "я", "ю", "ем", "ия", "ий", "ям", "ями", "ях"]
ADJECTIVE = ["ый", "ого", "ому", "ым", "ом", "ая", "ой", "ую", "ые", "ых", "ыми"]
VERB = ["ать", "ает", "ают", "ал", "ала", "али", "аем"]
REAL_STEMS: list[tuple[str, list[str]]] = [
    ("урок", NOUN_MASCULINE),
    ("класс", NOUN_MASCULINE),
    ("ученик", NOUN_MASCULINE),
    ("учител", ["ь", "я", "ю", "ем", "е", "и", "ей", "ям", "ями", "ях"]),
    ("задач", NOUN_FEMININE),
    ("тем", NOUN_FEMININE),
    ("предмет", NOUN_MASCULINE),
    ("программ", NOUN_FEMININE),
    ("метод", NOUN_MASCULINE),
    ("проект", NOUN_MASCULINE),
    ("тест", NOUN_MASCULINE),
    ("вопрос", NOUN_MASCULINE),
    ("ответ", NOUN_MASCULINE),
    ("текст", NOUN_MASCULINE),
    ("дроб", ["ь", "и", "ей", "ям", "ями", "ях"]),
    ("уравнен", NOUN_NEUTER),
    ("занят", NOUN_NEUTER),
    ("упражнен", NOUN_NEUTER),
    ("сочинен", NOUN_NEUTER),
    ("математическ", ["ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ие", "их"]),
    ("школ", NOUN_FEMININE),
    ("карт", NOUN_FEMININE),
    ("технологическ", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("конспект", NOUN_MASCULINE),
    ("презентаци", ["я", "и", "ю", "ей", "й", "ям", "ями", "ях"]),
    ("деятельност", ["ь", "и", "ью"]),
    ("внеурочн", ADJECTIVE),
    ("проектн", ADJECTIVE),
    ("работ", NOUN_FEMININE),
    ("экзамен", NOUN_MASCULINE),
    ("подготовк", ["а", "и", "е", "у", "ой"]),
    ("олимпиад", NOUN_FEMININE),
    ("геометри", ["я", "и", "ю", "ей"]),
    ("треугольник", NOUN_MASCULINE),
    ("фотосинтез", NOUN_MASCULINE),
    ("клетк", ["а", "и", "е", "у", "ой", "ам", "ами", "ах"]),
    ("растени", ["е", "я", "ю", "ем", "й", "ям", "ями", "ях"]),
    ("истори", ["я", "и", "ю", "ей"]),
    ("войн", NOUN_FEMININE),
    ("литератур", NOUN_FEMININE),
    ("стихотворени", ["е", "я", "ю", "ем", "й", "ям", "ями", "ях"]),
    ("поэт", NOUN_MASCULINE),
    ("наречи", ["е", "я", "ю", "ем", "й", "ям", "ями", "ях"]),
    ("орфограмм", NOUN_FEMININE),
    ("диктант", NOUN_MASCULINE),
    ("алгоритм", NOUN_MASCULINE),
    ("исполнител", ["ь", "я", "ю", "ем", "е", "и", "ей"]),
    ("викторин", NOUN_FEMININE),
    ("игр", NOUN_FEMININE),
    ("родител", ["ь", "я", "ю", "ем", "е", "и", "ей", "ям", "ями", "ях"]),
    ("собрани", ["е", "я", "ю", "ем", "й"]),
    ("воспитани", ["е", "я", "ю", "ем"]),
    ("оценк", ["а", "и", "е", "у", "ой"]),
    ("функциональн", ADJECTIVE),
    ("грамотност", ["ь", "и", "ью"]),
    ("читательск", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("реш", VERB),
    ("изуч", ["ать", "ает", "ают", "ил", "или", "ение", "ения"]),
    ("провод", ["ить", "ит", "ят", "ил", "или"]),
    ("развива", ["ть", "ет", "ют", "л", "ли"]),
    ("химическ", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("реакци", ["я", "и", "ю", "ей", "й", "ям", "ях"]),
    ("физическ", ["ий", "ая", "ой", "ую", "ие", "их"]),
    ("закон", NOUN_MASCULINE),
    ("английск", ["ий", "ого", "ому", "им", "ом"]),
    ("язык", NOUN_MASCULINE),
    ("географи", ["я", "и", "ю", "ей"]),
    ("материк", NOUN_MASCULINE),
    ("музык", ["а", "и", "е", "у", "ой"]),
    ("рисован", NOUN_NEUTER),
]
SYLLABLES = [
    "ба",
    "ве",
    "ги",
    "до",
    "ку",
    "ла",
    "ме",
    "ни",
    "по",
    "ру",
    "са",
    "те",
    "фи",
    "хо",
    "це",
    "ча",
    "ше",
    "ю",
    "яр",
    "ст",
    "пр",
    "кр",
    "мн",
    "зв",
]
SUBJECTS = 25
SCHOOLS = 1500
DISTRICTS = 40
TYPES = ["lesson_plan", "tech_map", "presentation", "work_program", "test", "project", "article"]
LEVELS = ["do", "noo", "ooo", "soo", "spo", "dop"]

QUERIES = [
    "урок",
    "урок математики",
    "конспект урока",
    "технологическая карта урока",
    "класс",
    "дроби",
    "квадратные уравнения",
    "внеурочная деятельность",
    "проектная работа",
    "подготовка к экзамену",
    "олимпиада по математике",
    "презентация к уроку",
    "тест по истории",
    "фотосинтез",
    "клетка растения",
    "стихотворение поэта",
    "наречия",
    "орфограммы диктант",
    "алгоритмы исполнитель",
    "викторина для учеников",
    "родительское собрание",
    "функциональная грамотность",
    "читательская грамотность",
    "химические реакции",
    "физические законы",
    "английский язык",
    "география материки",
    "музыка",
    "рисование",
    "задачи на дроби",
    "геометрия треугольники",
    "литература",
    "история войны",
    "оценка работ",
    "методы воспитания",
    '"технологическая карта"',
    '"квадратные уравнения"',
    "урок -презентация",
    "как провести урок",
    "уравнение учеников класса",
    "ghbdtn",
    "фатосинтез",
]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    """Word forms, the most frequent first: real school words, then synthetic stems."""
    words = [stem + ending for stem, endings in REAL_STEMS for ending in endings]
    forms = [NOUN_MASCULINE, NOUN_FEMININE, NOUN_NEUTER, ADJECTIVE, VERB]
    while len(words) < size:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        words.extend(stem + ending for ending in rng.choice(forms))
    head, tail = words[:200], words[200:size]
    rng.shuffle(tail)
    return head + tail


def documents(count: int, seed: int) -> Iterator[MaterialDocument]:
    rng = random.Random(seed)
    words = vocabulary(rng, 4000)
    cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    start = datetime(2018, 9, 1, tzinfo=UTC)

    def phrase(length: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cumulative, k=length))

    for number in range(1, count + 1):
        school = rng.randrange(SCHOOLS)
        first_grade = rng.randint(1, 11)
        published = start + timedelta(minutes=rng.randrange(7 * 365 * 24 * 60))
        roll = rng.random()
        yield MaterialDocument(
            id=number,
            title=phrase(rng.randint(3, 8)).capitalize(),
            annotation=phrase(rng.randint(15, 40)),
            text=phrase(rng.randint(200, 400)),
            keywords=[phrase(1) for _ in range(rng.randint(0, 4))],
            subject_id=rng.randrange(SUBJECTS),
            subject_name=f"Предмет {number % SUBJECTS}",
            grades=sorted({first_grade, min(first_grade + rng.randint(0, 2), 11)}),
            level_code=rng.choice(LEVELS),
            type_code=rng.choice(TYPES),
            organization_id=school,
            organization_name=f"Школа № {school}",
            district_id=school % DISTRICTS,
            year=published.year if published.month >= 9 else published.year - 1,
            author_ids=[rng.randrange(30_000)],
            published_at=published,
            rating=round(rng.uniform(1, 5), 1),
            downloads=rng.randrange(500),
            visibility="public" if roll < 0.85 else "network",
            hidden=rng.random() < 0.02,
        )


def size_on_disk(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="search an existing index")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20251123)
    arguments = parser.parse_args()

    directory = arguments.index_dir or Path(tempfile.mkdtemp(prefix="metodset-search-"))
    settings.SEARCH_INDEX_DIR = directory
    if not arguments.reuse:
        shutil.rmtree(directory, ignore_errors=True)
        sample = 2000
        began = time.perf_counter()
        for _ in documents(sample, arguments.seed):
            pass
        generation_rate = sample / (time.perf_counter() - began)
        began = time.perf_counter()
        written = engine.index_many(documents(arguments.docs, arguments.seed), replace=False)
        elapsed = time.perf_counter() - began
        indexing_only = elapsed - written / generation_rate
        print(f"indexed {written} materials in {elapsed:.1f} s: {written / elapsed:.0f}/s")
        print(
            f"  generating the text alone: {generation_rate:.0f}/s; indexing without it "
            f"≈ {written / indexing_only:.0f}/s"
        )
    print(f"index size: {size_on_disk(directory) / 1e6:.0f} MB in {directory}")

    viewers = {"guest": Visibility.guest(), "member": Visibility.member(author_id=7)}
    for query in QUERIES:  # warm the caches once
        engine.search(query, viewer=viewers["member"])
    timings: dict[str, list[float]] = {name: [] for name in (*viewers, "filtered")}
    per_query: dict[str, list[float]] = {}
    for _ in range(arguments.rounds):
        for query in QUERIES:
            for name, viewer in viewers.items():
                began = time.perf_counter()
                result = engine.search(query, viewer=viewer)
                took = (time.perf_counter() - began) * 1000
                timings[name].append(took)
                per_query.setdefault(query, []).append(took)
            began = time.perf_counter()
            engine.search(
                query,
                viewer=viewers["member"],
                filters={"grade": [5, 6], "subject": [1, 2, 3]},
                sort="newest",
            )
            timings["filtered"].append((time.perf_counter() - began) * 1000)
    print(f"{len(QUERIES)} queries × {arguments.rounds} rounds, top 20 with 6 facets:")
    for name, values in timings.items():
        print(
            f"  {name:9} p50 {percentile(values, 0.5):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms"
            f"   max {max(values):6.1f} ms"
        )
    slowest = sorted(per_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
    print("slowest queries (median ms):")
    for query, values in slowest:
        total = engine.search(query, viewer=viewers["member"]).total
        print(f"  {statistics.median(values):6.1f}  {query!r} ({total} hits)")
    print(f"sample: {result.total} hits for {QUERIES[-1]!r}, suggestion {result.suggestion!r}")


if __name__ == "__main__":
    main()
