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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metodset.settings")

import django

django.setup()

from corpus import QUERIES, percentile, phrase_maker, size_on_disk  # noqa: E402
from django.conf import settings  # noqa: E402

from metodset.search import engine  # noqa: E402
from metodset.search.engine import MaterialDocument, Visibility  # noqa: E402

SUBJECTS = 25
SCHOOLS = 1500
DISTRICTS = 40
TYPES = ["lesson_plan", "tech_map", "presentation", "work_program", "test", "project", "article"]
LEVELS = ["do", "noo", "ooo", "soo", "spo", "dop"]


def documents(count: int, seed: int) -> Iterator[MaterialDocument]:
    rng = random.Random(seed)
    phrase = phrase_maker(rng)
    start = datetime(2018, 9, 1, tzinfo=UTC)

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
