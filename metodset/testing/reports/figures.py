"""The counting every results page shares: an attempt as plain figures (one query, never
a model per attempt), each student's best graded attempt, and the figures of a set of
students (started, finished, graded, waiting for an essay, mean, median, marks)."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from metodset.accounts.models import Organization
from metodset.testing import statistics
from metodset.testing.models import Attempt, normalize_class

ATTEMPT_FIELDS = (
    "pk",
    "student_id",
    "number",
    "organization_id",
    "student_class",
    "status",
    "percent",
    "score",
    "max_score",
    "mark",
    "needs_grading",
    "journal",
    "started_at",
    "finished_at",
)


@dataclass(frozen=True, slots=True)
class AttemptFigures:
    """One attempt as the results count it: no names."""

    pk: int
    student_id: int
    number: int
    organization_id: int
    student_class: str
    is_finished: bool
    percent: float | None
    score: Decimal | None
    max_score: Decimal
    mark: int | None
    needs_grading: bool
    journal: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None

    @property
    def is_graded(self) -> bool:
        return self.is_finished and self.mark is not None


def figures_from_row(row: Sequence[Any]) -> AttemptFigures:
    (pk, student, number, org, klass, status, percent, score, maximum, mark, pending, journal,
     started, finished) = row  # fmt: skip
    return AttemptFigures(
        pk=pk,
        student_id=student,
        number=number,
        organization_id=org,
        student_class=normalize_class(klass),
        is_finished=status == Attempt.Status.FINISHED,
        percent=None if percent is None else float(percent),
        score=score,
        max_score=maximum,
        mark=mark,
        needs_grading=pending,
        journal=journal,
        started_at=started,
        finished_at=finished,
    )


def attempt_figures(attempts: QuerySet[Attempt]) -> list[AttemptFigures]:
    """Every attempt of the queryset as plain figures, in one query."""
    return [figures_from_row(row) for row in attempts.values_list(*ATTEMPT_FIELDS)]


def best_attempts(rows: Iterable[AttemptFigures]) -> dict[int, AttemptFigures]:
    """Each student's best graded attempt (the higher per cent, then the later one)."""
    best: dict[int, AttemptFigures] = {}
    for row in rows:
        if not row.is_graded:
            continue
        kept = best.get(row.student_id)
        if kept is None or (row.percent or 0.0, row.number) > (kept.percent or 0.0, kept.number):
            best[row.student_id] = row
    return best


@dataclass(frozen=True, slots=True)
class MarkShare:
    mark: int
    count: int
    share: float  # 0…100 of the graded students


@dataclass(frozen=True, slots=True)
class Figures:
    """Results of a set of students: each by their best graded attempt."""

    started: int  # students with any attempt
    finished: int  # students with a finished attempt
    graded: int  # students with a mark
    pending: int  # finished, but every finished attempt waits for an essay's grade
    mean: float | None  # per cent
    median: float | None
    marks: dict[int, int]  # 2…5 → students
    histogram: list[tuple[str, int]]  # "0–10" … "90–100" → students

    @property
    def mark_shares(self) -> list[MarkShare]:
        return [
            MarkShare(mark, count, 100 * count / self.graded if self.graded else 0.0)
            for mark, count in sorted(self.marks.items(), reverse=True)
        ]

    @property
    def histogram_peak(self) -> int:
        return max((count for _label, count in self.histogram), default=0)

    @property
    def histogram_bars(self) -> list[tuple[str, int, float]]:
        """(bin, students, bar height 0…100 relative to the tallest bin)."""
        peak = self.histogram_peak
        return [
            (label, count, 100 * count / peak if peak else 0.0) for label, count in self.histogram
        ]


def figures_of(rows: Sequence[AttemptFigures]) -> Figures:
    started = {row.student_id for row in rows}
    finished = {row.student_id for row in rows if row.is_finished}
    best = best_attempts(rows)
    percents = [row.percent or 0.0 for row in best.values()]
    summary = statistics.summarize(percents)
    return Figures(
        started=len(started),
        finished=len(finished),
        graded=len(best),
        pending=len(finished - set(best)),
        mean=summary.mean,
        median=summary.median,
        marks=statistics.mark_distribution([row.mark for row in best.values()]),
        histogram=summary.histogram,
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """«Ваша школа — X %, в среднем по сети — Y %»."""

    organization: Organization
    school: Figures
    network: Figures
