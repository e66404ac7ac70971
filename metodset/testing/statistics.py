"""Classical test theory for a test's results, as Moodle's quiz statistics report computes it.

Pure Python over plain numbers (no Django, no numpy): the pages hand in what they read.
Facility is an item's mean fraction, discrimination the Pearson correlation of the item's
score with the rest of the test (the attempt's total without this item), and Cronbach's
alpha (KR-20 for right/wrong items) the consistency of the whole test.
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

MARKS = (2, 3, 4, 5)
HISTOGRAM_BINS = 10
# Variances below this share of the squared mean are rounding noise, not spread.
_NOISE = 1e-12


@dataclass(frozen=True, slots=True)
class ItemStatistics:
    position: int  # the item key when it is an int, else the order of first appearance (1…)
    attempts: int  # attempts that had this item
    facility: float | None  # mean fraction 0…1; None without attempts
    discrimination: float | None  # -1…1; None below 2 attempts or without spread
    sd: float | None  # sample standard deviation of the fraction; None below 2 attempts
    option_counts: dict[str, int]  # grading.response_keys key → times chosen


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    sd: float | None  # sample standard deviation; None below 2 values
    histogram: list[tuple[str, int]]  # "0–10" … "90–100", 100 in the last bin
    cronbach_alpha: float | None


class _Accumulator:
    """Running means and co-moments of (item fraction, rest of test), Welford's way: exact
    zeros for constant columns and no cancellation of large sums."""

    __slots__ = ("co_moment", "count", "m2_item", "m2_rest", "mean_item", "mean_rest", "options")

    def __init__(self) -> None:
        self.count = 0
        self.mean_item = self.mean_rest = 0.0
        self.m2_item = self.m2_rest = self.co_moment = 0.0
        self.options: dict[str, int] = {}

    def add(self, item: float, rest: float) -> None:
        self.count += 1
        delta_item = item - self.mean_item
        delta_rest = rest - self.mean_rest
        self.mean_item += delta_item / self.count
        self.mean_rest += delta_rest / self.count
        after_rest = rest - self.mean_rest
        self.m2_item += delta_item * (item - self.mean_item)
        self.m2_rest += delta_rest * after_rest
        self.co_moment += delta_item * after_rest


def item_statistics(
    rows: Sequence[tuple[Hashable, Hashable, float, float, Sequence[str]]],
) -> dict[Hashable, ItemStatistics]:
    """Each item's statistics from rows (attempt id, item key, fraction 0…1, the item's
    points, response keys). An attempt's total is the sum of fraction × points of its rows."""
    totals: dict[Hashable, float] = {}
    for attempt, _key, fraction, points, _options in rows:
        totals[attempt] = totals.get(attempt, 0.0) + fraction * points
    accumulators: dict[Hashable, _Accumulator] = {}
    for attempt, key, fraction, points, options in rows:
        accumulator = accumulators.get(key)
        if accumulator is None:
            accumulator = accumulators[key] = _Accumulator()
        accumulator.add(fraction, totals[attempt] - fraction * points)
        counts = accumulator.options
        for option in options:
            counts[option] = counts.get(option, 0) + 1
    return {
        key: _result(key, order, accumulator)
        for order, (key, accumulator) in enumerate(accumulators.items(), 1)
    }


def _result(key: Hashable, order: int, accumulator: _Accumulator) -> ItemStatistics:
    count = accumulator.count
    position = key if isinstance(key, int) and not isinstance(key, bool) else order
    if count == 0:  # pragma: no cover - an accumulator exists only for a row
        return ItemStatistics(position, 0, None, None, None, {})
    item_spread = not _is_noise(accumulator.m2_item, count, accumulator.mean_item)
    rest_spread = not _is_noise(accumulator.m2_rest, count, accumulator.mean_rest)
    discrimination = None
    if count >= 2 and item_spread and rest_spread:
        correlation = accumulator.co_moment / math.sqrt(accumulator.m2_item * accumulator.m2_rest)
        discrimination = max(-1.0, min(1.0, correlation))
    sd = math.sqrt(max(accumulator.m2_item, 0.0) / (count - 1)) if count >= 2 else None
    if sd is not None and not item_spread:
        sd = 0.0
    return ItemStatistics(
        position=position,
        attempts=count,
        facility=accumulator.mean_item,
        discrimination=discrimination,
        sd=sd,
        option_counts=accumulator.options,
    )


def _is_noise(m2: float, count: int, mean: float) -> bool:
    return m2 / count <= _NOISE * max(1.0, mean * mean)


def summarize(
    percents: Sequence[float], item_matrix: Sequence[Sequence[float]] | None = None
) -> Summary:
    """Count, mean, median, spread and histogram of the attempts' percents 0…100; Cronbach's
    alpha from `item_matrix` (one row per attempt, one column per item, in points)."""
    values = [float(percent) for percent in percents]
    count = len(values)
    bins = [0] * HISTOGRAM_BINS
    for value in values:
        bins[min(HISTOGRAM_BINS - 1, max(0, int(value // 10)))] += 1
    width = 100 // HISTOGRAM_BINS
    histogram = [(f"{i * width}–{(i + 1) * width}", bins[i]) for i in range(HISTOGRAM_BINS)]
    mean = math.fsum(values) / count if count else None
    ordered = sorted(values)
    middle = count // 2
    median = None
    if count:
        median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    variance = _variance(values, ddof=1)
    return Summary(
        count=count,
        mean=mean,
        median=median,
        sd=None if variance is None else math.sqrt(variance),
        histogram=histogram,
        cronbach_alpha=None if item_matrix is None else cronbach_alpha(item_matrix),
    )


def cronbach_alpha(item_matrix: Sequence[Sequence[float]]) -> float | None:
    """k/(k−1) × (1 − Σ item variances / variance of the totals); None for fewer than two
    attempts or items, or totals without spread. May be negative for an incoherent test."""
    if not item_matrix:
        return None
    items = len(item_matrix[0])
    if any(len(row) != items for row in item_matrix):
        raise ValueError("every attempt needs a score for every item")
    if len(item_matrix) < 2 or items < 2:
        return None
    total_variance = _variance([math.fsum(row) for row in item_matrix])
    if total_variance is None or total_variance <= 0:
        return None
    item_variances = math.fsum(
        _variance([row[column] for row in item_matrix]) or 0.0 for column in range(items)
    )
    return items / (items - 1) * (1 - item_variances / total_variance)


def _variance(values: Sequence[float], ddof: int = 0) -> float | None:
    """Two-pass variance (population with ddof=0, sample with 1); tiny noise becomes 0."""
    count = len(values)
    if count - ddof < 1 or count < 1:
        return None
    mean = math.fsum(values) / count
    m2 = math.fsum((value - mean) ** 2 for value in values)
    return 0.0 if _is_noise(m2, count, mean) else m2 / (count - ddof)


def mark_distribution(marks: Sequence[int | None]) -> dict[int, int]:
    """How many got each school mark 2…5 (every key present); other values are skipped."""
    counts = dict.fromkeys(MARKS, 0)
    for mark in marks:
        if mark in counts:
            counts[mark] += 1
    return counts
