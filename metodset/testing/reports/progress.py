"""A student's progress: their finished attempts by subject and month."""

import datetime
import functools
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from metodset.testing import access
from metodset.testing.models import Attempt


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    attempt_id: int
    sitting_id: int
    title: str
    subject: str
    day: datetime.date  # in the sitting's district's zone
    percent: float | None
    mark: int | None
    needs_grading: bool


@dataclass(frozen=True, slots=True)
class SubjectMonth:
    month: datetime.date  # the first day
    entries: list[ProgressEntry]

    @property
    def mean(self) -> float | None:
        values = [
            entry.percent
            for entry in self.entries
            if entry.percent is not None and not entry.needs_grading
        ]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class SubjectProgress:
    subject: str
    months: list[SubjectMonth]

    @property
    def mean(self) -> float | None:
        values = [
            entry.percent
            for month in self.months
            for entry in month.entries
            if entry.percent is not None and not entry.needs_grading
        ]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class MonthSummary:
    month: datetime.date
    count: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    subjects: list[SubjectProgress]
    months: list[MonthSummary]

    @property
    def is_empty(self) -> bool:
        return not self.subjects


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def student_progress(viewer: Any, student: Any, *, no_subject: str = "") -> Progress:
    """The student's finished attempts the viewer may see, by subject and month (one
    query). Of several attempts at one sitting the best graded one counts."""
    rows = (
        access.attempts_visible_to(viewer)
        .filter(student=student.pk, status=Attempt.Status.FINISHED)
        .values_list(
            "pk",
            "sitting_id",
            "sitting__title",
            "sitting__quiz__subject__name",
            "sitting__district__time_zone",
            "finished_at",
            "started_at",
            "percent",
            "mark",
            "needs_grading",
            "number",
        )
    )
    best: dict[int, tuple[tuple[int, float, int], ProgressEntry]] = {}
    for (
        pk,
        sitting_id,
        title,
        subject,
        zone,
        finished,
        started,
        percent,
        mark,
        waits,
        number,
    ) in rows:
        moment = timezone.localtime(finished or started, _zone(zone or settings.TIME_ZONE))
        entry = ProgressEntry(
            attempt_id=pk,
            sitting_id=sitting_id,
            title=title,
            subject=subject or no_subject,
            day=moment.date(),
            percent=None if percent is None else float(percent),
            mark=mark,
            needs_grading=waits,
        )
        rank = (int(mark is not None), float(percent or 0), number)
        if sitting_id not in best or rank > best[sitting_id][0]:
            best[sitting_id] = (rank, entry)
    entries = sorted(
        (entry for _rank, entry in best.values()), key=lambda entry: (entry.day, entry.title)
    )
    subjects: dict[str, dict[datetime.date, list[ProgressEntry]]] = {}
    months: dict[datetime.date, list[ProgressEntry]] = {}
    for entry in entries:
        month = entry.day.replace(day=1)
        subjects.setdefault(entry.subject, {}).setdefault(month, []).append(entry)
        months.setdefault(month, []).append(entry)
    return Progress(
        subjects=[
            SubjectProgress(
                subject,
                [SubjectMonth(month, listed) for month, listed in by_month.items()],
            )
            for subject, by_month in sorted(subjects.items())
        ],
        months=[
            MonthSummary(month, len(listed), SubjectMonth(month, listed).mean)
            for month, listed in months.items()
        ],
    )
