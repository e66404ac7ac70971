"""Classical test theory of a test's results, checked against sums worked out by hand."""

import itertools
import math
import time
from collections.abc import Hashable, Sequence
from random import Random

import pytest

from metodset.testing.statistics import (
    ItemStatistics,
    Summary,
    cronbach_alpha,
    item_statistics,
    mark_distribution,
    summarize,
)

Row = tuple[Hashable, Hashable, float, float, Sequence[str]]

# Four students, three right/wrong items worth a point each:
#        item 1  item 2  item 3  total
#   A      1       1       1       3
#   B      1       0       1       2
#   C      0       1       0       1
#   D      0       0       0       0
MATRIX = {"A": (1, 1, 1), "B": (1, 0, 1), "C": (0, 1, 0), "D": (0, 0, 0)}
ROWS = [
    (student, item, float(score), 1.0, [f"a{score}"])
    for student, scores in MATRIX.items()
    for item, score in enumerate(scores, 1)
]


def test_items_of_a_small_test_worked_by_hand() -> None:
    result = item_statistics(ROWS)

    # Item 1: scores 1 1 0 0 (mean ½), rest 2 1 1 0 (mean 1); deviations ±½ and 1 0 0 −1:
    # Σ dx·dr = ½ + ½ = 1, Σ dx² = 1, Σ dr² = 2, so r = 1 / √2.
    assert result[1] == ItemStatistics(
        position=1,
        attempts=4,
        facility=0.5,
        discrimination=pytest.approx(1 / math.sqrt(2)),  # type: ignore[arg-type]
        sd=pytest.approx(math.sqrt(1 / 3)),  # type: ignore[arg-type]
        option_counts={"a1": 2, "a0": 2},
    )
    # Item 2: scores 1 0 1 0 against the rest 2 2 0 0: Σ dx·dr = ½ − ½ − ½ + ½ = 0.
    assert result[2].discrimination == pytest.approx(0.0)
    # Item 3 is item 1 again.
    assert result[3].discrimination == pytest.approx(1 / math.sqrt(2))
    assert [stats.facility for stats in result.values()] == [0.5, 0.5, 0.5]


def test_points_weigh_the_rest_of_the_test() -> None:
    # Item "x" (2 points) scores 1, ½, 0; item "y" (1 point) 0, 1, 1. Rest of "y" is 2·x:
    # 2, 1, 0, perfectly against y's 0, 1, 1 ordering → r = −√3/2.
    rows: list[Row] = [
        (1, "x", 1.0, 2.0, []),
        (1, "y", 0.0, 1.0, []),
        (2, "x", 0.5, 2.0, []),
        (2, "y", 1.0, 1.0, []),
        (3, "x", 0.0, 2.0, []),
        (3, "y", 1.0, 1.0, []),
    ]
    result = item_statistics(rows)
    assert result["y"].discrimination == pytest.approx(-math.sqrt(3) / 2)
    assert result["x"].discrimination == pytest.approx(-math.sqrt(3) / 2)
    assert [result["x"].position, result["y"].position] == [1, 2]  # order of appearance
    assert result["y"].facility == pytest.approx(2 / 3)


def test_one_attempt_and_equal_scores_leave_discrimination_undefined() -> None:
    single = item_statistics([("a", 1, 0.5, 1.0, ["a0"])])[1]
    assert single == ItemStatistics(1, 1, 0.5, None, None, {"a0": 1})

    # Everyone right on item 1: no spread, no correlation; item 2 has spread but its rest
    # (item 1 alone) has none.
    rows: list[Row] = [(s, 1, 1.0, 1.0, []) for s in range(5)] + [
        (s, 2, s % 2, 1.0, []) for s in range(5)
    ]
    result = item_statistics(rows)
    assert (result[1].discrimination, result[1].sd, result[1].facility) == (None, 0.0, 1.0)
    assert result[2].discrimination is None
    assert result[2].sd == pytest.approx(math.sqrt(0.3))  # 0 1 0 1 0: Σ d² = 1.2, / 4

    # Fractions 0.1, 0.2, 0.7 added in another order make totals of 3 and 2.9999999999999996;
    # that is rounding noise, not a rest of the test to correlate with.
    noisy: list[Row] = []
    for student, order in enumerate(itertools.permutations([("a", 0.1), ("b", 0.2), ("c", 0.7)])):
        noisy += [(student, key, fraction, 3.0, []) for key, fraction in order]
        noisy.append((student, "q", float(student % 2), 1.0, []))
    result = item_statistics(noisy)
    assert result["q"].sd == pytest.approx(math.sqrt(0.3))
    assert result["q"].discrimination is None
    assert item_statistics([]) == {}


def test_a_perfectly_discriminating_item() -> None:
    rows: list[Row] = []
    for student, score in enumerate([0.0, 0.25, 0.5, 1.0]):
        rows.append((student, "q", score, 1.0, []))
        rows.append((student, "rest", score, 4.0, []))
    assert item_statistics(rows)["q"].discrimination == pytest.approx(1.0)


def test_three_thousand_attempts_of_twenty_items_take_well_under_a_second() -> None:
    rows: list[Row] = []
    rng = Random(5)  # noqa: S311 - repeatable data, not secrets
    for attempt in range(3000):
        ability = rng.random()
        for slot in range(1, 21):
            fraction = 1.0 if rng.random() < (ability + slot / 40) / 1.5 else 0.0
            rows.append((attempt, slot, fraction, 1.0, [f"a{int(fraction)}"]))
    started = time.perf_counter()
    result = item_statistics(rows)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert len(result) == 20
    assert all(stats.attempts == 3000 for stats in result.values())
    assert all(0.2 < (stats.discrimination or 0) < 0.8 for stats in result.values())
    assert sum(result[1].option_counts.values()) == 3000


def test_summary_worked_by_hand() -> None:
    # Deviations from 41.25: −41.25, −31.25, 13.75, 58.75; squares add to 6318.75, / 3.
    assert summarize([0, 10, 55, 100]) == Summary(
        count=4,
        mean=41.25,
        median=32.5,
        sd=pytest.approx(math.sqrt(2106.25)),  # type: ignore[arg-type]
        histogram=[
            ("0–10", 1),
            ("10–20", 1),
            ("20–30", 0),
            ("30–40", 0),
            ("40–50", 0),
            ("50–60", 1),
            ("60–70", 0),
            ("70–80", 0),
            ("80–90", 0),
            ("90–100", 1),
        ],
        cronbach_alpha=None,
    )
    assert summarize([70, 20, 90]).median == 70


def test_summary_of_one_or_no_attempt() -> None:
    one = summarize([99.99])
    assert (one.count, one.mean, one.median, one.sd) == (1, 99.99, 99.99, None)
    assert one.histogram[-1] == ("90–100", 1)
    empty = summarize([], [])
    assert (empty.count, empty.mean, empty.median, empty.sd, empty.cronbach_alpha) == (
        0,
        None,
        None,
        None,
        None,
    )
    assert sum(count for _label, count in empty.histogram) == 0
    assert summarize([50, 50, 50]).sd == 0.0


def test_cronbach_alpha_worked_by_hand() -> None:
    # Each item's variance is ¼ (¾ in all); totals 3 2 1 0 have variance 5/4:
    # α = 3/2 × (1 − ¾ ÷ 5/4) = 3/2 × 2/5 = 0.6.
    matrix = [list(map(float, scores)) for scores in MATRIX.values()]
    assert cronbach_alpha(matrix) == pytest.approx(0.6)
    assert summarize([100, 66.7, 33.3, 0], matrix).cronbach_alpha == pytest.approx(0.6)
    # Two items that disagree completely: totals never change, alpha is undefined.
    assert cronbach_alpha([[1, 0], [0, 1]]) is None
    # Unrelated items: variances ¼ + ¼, totals 1 0 2 1 of variance ½: α = 2 × (1 − 1) = 0.
    assert cronbach_alpha([[1, 0], [0, 0], [1, 1], [0, 1]]) == pytest.approx(0.0)
    # Items against each other: variances 2/9 + 1/6 = 7/18, totals 1 1 1.5 of variance 1/18:
    # α = 2 × (1 − 7) = −12, reported as it is.
    assert cronbach_alpha([[1, 0], [0, 1], [1, 0.5]]) == pytest.approx(-12.0)
    assert cronbach_alpha([[1, 1, 1]]) is None
    assert cronbach_alpha([[1], [0]]) is None
    with pytest.raises(ValueError, match="every item"):
        cronbach_alpha([[1, 0], [1]])


def test_mark_distribution_counts_every_mark() -> None:
    assert mark_distribution([5, 4, 4, None, 2, 7]) == {2: 1, 3: 0, 4: 2, 5: 1}
    assert mark_distribution([]) == {2: 0, 3: 0, 4: 0, 5: 0}
