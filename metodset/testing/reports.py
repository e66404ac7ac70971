"""Reads behind the results pages: a sitting's summary, its schools and classes, the
network's averages, the item statistics, a student's progress month by month.

Each selector reads plain values in a fixed number of queries (`values_list`, never a
model per attempt) and computes in Python: a monthly test of 3,000 students × 16 questions
is 48,000 answers, which Django models would take seconds just to build.

A student counts once, by their best graded attempt («лучшая попытка»); an attempt whose
essay still waits for a teacher has no mark yet and is counted apart («ждут проверки»).
The item statistics take every finished attempt, as Moodle's report does.
"""

import datetime
import functools
import json
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, FloatField, OuterRef, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from metodset.accounts.models import Organization
from metodset.testing import access, grading, statistics
from metodset.testing.formats.items import Item, ItemType
from metodset.testing.labels import type_label
from metodset.testing.models import (
    Attempt,
    AttemptItem,
    Question,
    QuestionVersion,
    QuizSlot,
    Sitting,
    normalize_class,
)
from metodset.testing.serialization import from_data
from metodset.testing.services.attempts import (
    GRACE,
    ITEM_GRADES,
    TOTALS,
    compute_totals,
    grade_items,
)

# Discrimination below this: the question hardly tells strong students from weak ones.
WEAK_DISCRIMINATION = 0.2
# Answers of free-text items (short answer, numerical, matching …) listed in the statistics.
TOP_ANSWERS = 5

_ATTEMPT_FIELDS = (
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


def _attempt_figures(row: Sequence[Any]) -> AttemptFigures:
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
    return [_attempt_figures(row) for row in attempts.values_list(*_ATTEMPT_FIELDS)]


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
class SchoolRow:
    organization: Organization
    figures: Figures
    named: bool  # the viewer sees this school's students by name


@dataclass(frozen=True, slots=True)
class ClassRow:
    organization: Organization
    student_class: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class StudentRow:
    """An attempt of a student the viewer may see by name."""

    attempt: AttemptFigures
    last_name: str
    first_name: str
    patronymic: str
    organization: Organization

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


@dataclass(frozen=True, slots=True)
class Comparison:
    """«Ваша школа — X %, в среднем по сети — Y %»."""

    organization: Organization
    school: Figures
    network: Figures


@dataclass(slots=True)
class SittingResults:
    figures: Figures  # the chosen school/class, or the whole sitting
    network: Figures  # the whole sitting
    schools: list[SchoolRow]
    classes: list[ClassRow]
    students: list[StudentRow]
    comparisons: list[Comparison]
    organizations: list[Organization]  # every school that took it, for the filter
    class_names: list[str]
    named_org_ids: set[int] = field(default_factory=set)


def sitting_results(
    sitting: Sitting,
    *,
    names_shown: Callable[[int], bool],
    own_org_ids: Iterable[int] = (),
    organization_id: int | None = None,
    student_class: str = "",
) -> SittingResults:
    """The results page's data in three queries: attempts, schools, and the names of the
    students of the schools for which `names_shown(organization id)` is true."""
    rows = attempt_figures(Attempt.objects.filter(sitting=sitting))
    organizations = Organization.objects.only("pk", "short_name", "name").in_bulk(
        {row.organization_id for row in rows}
    )
    named_org_ids = {pk for pk in organizations if names_shown(pk)}
    wanted_class = normalize_class(student_class)
    chosen = [
        row
        for row in rows
        if (organization_id is None or row.organization_id == organization_id)
        and (not wanted_class or row.student_class == wanted_class)
    ]
    by_school: dict[int, list[AttemptFigures]] = {}
    by_class: dict[tuple[int, str], list[AttemptFigures]] = {}
    for row in chosen:
        by_school.setdefault(row.organization_id, []).append(row)
        by_class.setdefault((row.organization_id, row.student_class), []).append(row)
    network = figures_of(rows)
    school_rows = sorted(
        (
            SchoolRow(organizations[pk], figures_of(part), pk in named_org_ids)
            for pk, part in by_school.items()
        ),
        key=lambda school: school.organization.short_name,
    )
    class_rows = sorted(
        (
            ClassRow(organizations[pk], klass, figures_of(part))
            for (pk, klass), part in by_class.items()
        ),
        key=lambda row: (row.organization.short_name, _class_order(row.student_class)),
    )
    comparisons = [
        Comparison(
            organizations[pk],
            figures_of([row for row in rows if row.organization_id == pk]),
            network,
        )
        for pk in sorted(set(own_org_ids), key=lambda pk: str(organizations.get(pk, "")))
        if pk in organizations
    ]
    named = [row for row in chosen if row.organization_id in named_org_ids]
    return SittingResults(
        figures=figures_of(chosen),
        network=network,
        schools=school_rows,
        classes=class_rows,
        students=_student_rows(named, organizations),
        comparisons=comparisons,
        organizations=sorted(organizations.values(), key=lambda org: org.short_name),
        class_names=sorted(
            {
                row.student_class
                for row in rows
                if organization_id is None or row.organization_id == organization_id
            },
            key=_class_order,
        ),
        named_org_ids=set(named_org_ids),
    )


def _class_order(name: str) -> tuple[int, str]:
    """«5А» < «7Б» < «10А» (a number first, then the letter)."""
    digits = "".join(char for char in name if char.isdigit()) or "0"
    return int(digits), name


def _student_rows(
    rows: list[AttemptFigures], organizations: dict[int, Organization]
) -> list[StudentRow]:
    if not rows:
        return []
    names = {
        pk: (last, first, middle)
        for pk, last, first, middle in Attempt.objects.filter(
            pk__in=[row.pk for row in rows]
        ).values_list("pk", "student__last_name", "student__first_name", "student__patronymic")
    }
    result = [
        StudentRow(row, *names[row.pk], organizations[row.organization_id])
        for row in rows
        if row.pk in names
    ]
    result.sort(
        key=lambda student: (
            student.organization.short_name,
            _class_order(student.attempt.student_class),
            student.last_name,
            student.first_name,
            student.patronymic,
            student.attempt.student_id,
            student.attempt.number,
        )
    )
    return result


# --- Every sitting one's school took: the school against the network --------------------


@dataclass(frozen=True, slots=True)
class SittingComparison:
    sitting: Sitting
    comparisons: list[Comparison]


def sittings_taken_by(organization_ids: Iterable[int]) -> QuerySet[Sitting]:
    """Sittings students of these schools made attempts at, the newest first."""
    taken = Attempt.objects.filter(sitting=OuterRef("pk"), organization__in=list(organization_ids))
    return (
        Sitting.objects.filter(Exists(taken))
        .select_related("quiz__subject", "district")
        .order_by("-opens_at", "-pk")
    )


def school_comparisons(
    sittings: Sequence[Sitting], organization_ids: Iterable[int]
) -> list[SittingComparison]:
    """For each sitting, each of these schools against the whole sitting: two queries."""
    wanted = set(organization_ids)
    rows_by_sitting: dict[int, list[AttemptFigures]] = {}
    for sitting_id, *rest in Attempt.objects.filter(sitting__in=sittings).values_list(
        "sitting_id", *_ATTEMPT_FIELDS
    ):
        rows_by_sitting.setdefault(sitting_id, []).append(_attempt_figures(rest))
    organizations = Organization.objects.only("pk", "short_name", "name").in_bulk(wanted)
    result = []
    for sitting in sittings:
        rows = rows_by_sitting.get(sitting.pk, [])
        network = figures_of(rows)
        present = sorted(
            {row.organization_id for row in rows} & wanted,
            key=lambda pk: organizations[pk].short_name,
        )
        result.append(
            SittingComparison(
                sitting,
                [
                    Comparison(
                        organizations[pk],
                        figures_of([row for row in rows if row.organization_id == pk]),
                        network,
                    )
                    for pk in present
                ],
            )
        )
    return result


# --- Item statistics --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionCount:
    key: str
    label: str
    count: int
    share: float  # 0…100 of the attempts that had the question
    is_right: bool


@dataclass(frozen=True, slots=True)
class QuestionStatistics:
    question_id: int
    name: str
    type: str
    type_label: str
    place: int  # the place of its slot in the test (a random draw's places share one)
    is_random: bool
    attempts: int
    facility: float | None  # 0…100
    discrimination: float | None  # -1…1
    sd: float | None  # of the fraction 0…1
    right_answer: str
    options: list[OptionCount]
    options_complete: bool  # every option listed (choice types), not only the frequent ones
    pending: int  # answers still waiting for a teacher (essays)

    @property
    def is_weak(self) -> bool:
        return self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION


@dataclass(frozen=True, slots=True)
class SittingStatistics:
    summary: statistics.Summary  # of the finished graded attempts' per cents; alpha
    questions: list[QuestionStatistics]


def _items_of_versions(version_ids: Iterable[int]) -> dict[int, tuple[int, int, Item]]:
    """version id → (question id, version number, item), one query."""
    return {
        pk: (question_id, number, from_data(data))
        for pk, question_id, number, data in QuestionVersion.objects.filter(
            pk__in=list(version_ids)
        ).values_list("pk", "question_id", "number", "data")
    }


def sitting_statistics(sitting: Sitting) -> SittingStatistics:
    """Per question over every finished attempt: facility, discrimination, spread, how often
    each option was chosen; Cronbach's alpha of the test. Five queries, whatever the size."""
    finished = Attempt.objects.filter(sitting=sitting, status=Attempt.Status.FINISHED)
    attempts = dict(
        finished.filter(needs_grading=False).values_list("pk", Cast("percent", FloatField()))
    )
    # Numbers come as floats and the answer as its JSON text: Django's Decimal and JSON
    # converters took a third of the time on 48,000 rows; equal answers of a question are
    # then described once (a class's answers to a choice question repeat a few texts).
    items = list(
        AttemptItem.objects.filter(
            attempt__sitting=sitting, attempt__status=Attempt.Status.FINISHED
        ).values_list(
            "attempt_id",
            "question_id",
            "version_id",
            "slot_id",
            "position",
            Cast("points", FloatField()),
            Cast("fraction", FloatField()),
            Cast("score", FloatField()),
            Cast("response", TextField()),
            "needs_grading",
        )
    )
    versions = _items_of_versions({row[2] for row in items})
    questions = {
        pk: (name, kind)
        for pk, name, kind in Question.objects.filter(pk__in={row[1] for row in items}).values_list(
            "pk", "name", "type"
        )
    }
    slots = {
        pk: (position, category_id is not None)
        for pk, position, category_id in QuizSlot.objects.filter(quiz=sitting.quiz_id).values_list(
            "pk", "position", "category_id"
        )
    }

    stat_rows: list[tuple[int, int, float, float, list[str]]] = []
    pending: Counter[int] = Counter()
    places: dict[int, tuple[int, bool]] = {}  # question → (place in the test, drawn)
    latest: dict[int, tuple[int, int]] = {}  # question → (version number, version id)
    # Cronbach's alpha needs the same columns in every attempt, also when questions are
    # drawn at random or shuffled: a column is a slot and the k-th question drawn by it.
    matrix: dict[int, dict[tuple[int, int], float]] = {}
    incomplete: set[int] = set()
    drawn: Counter[tuple[int, int]] = Counter()
    seen: set[tuple[int, int, int | None, int]] = set()
    keys_of: dict[tuple[int, str | None], list[str]] = {}
    for attempt, question, version, slot, position, points, fraction, score, text, waits in items:
        _question, number, item = versions[version]
        if (question, version, slot, position if slot is None else 0) not in seen:
            seen.add((question, version, slot, position if slot is None else 0))
            if number > latest.get(question, (0, 0))[0]:
                latest[question] = (number, version)
            where = slots.get(slot, (position, False)) if slot is not None else (position, False)
            if question not in places or where[0] < places[question][0]:
                places[question] = where
        if item.type is ItemType.DESCRIPTION:
            continue
        if fraction is None:  # an essay waiting for its teacher
            pending[question] += int(waits)
            incomplete.add(attempt)
            continue
        keys = keys_of.get((version, text))
        if keys is None:
            keys = keys_of[(version, text)] = (
                []
                if item.type is ItemType.ESSAY or text is None
                else grading.response_keys(item, json.loads(text))
            )
        stat_rows.append((attempt, question, fraction, points, keys))
        source = slot if slot is not None else -position
        ordinal = drawn[(attempt, source)]
        drawn[(attempt, source)] += 1
        matrix.setdefault(attempt, {})[(source, ordinal)] = (
            score if score is not None else fraction * points
        )
    by_question = statistics.item_statistics(stat_rows)
    summary = statistics.summarize(
        [percent or 0.0 for percent in attempts.values()],
        _alpha_matrix(matrix, incomplete, set(attempts)),
    )
    result = []
    for question, (_number, version_id) in latest.items():
        item = versions[version_id][2]
        name, kind = questions.get(question, (item.name, item.type.value))
        figures = by_question.get(question)
        place, is_random = places[question]
        options, options_complete = _option_counts(
            item, figures.option_counts if figures else {}, figures.attempts if figures else 0
        )
        result.append(
            QuestionStatistics(
                question_id=question,
                name=name,
                type=kind,
                type_label=type_label(kind),
                place=place,
                is_random=is_random,
                attempts=figures.attempts if figures else 0,
                facility=None
                if figures is None or figures.facility is None
                else 100 * figures.facility,
                discrimination=figures.discrimination if figures else None,
                sd=figures.sd if figures else None,
                right_answer=grading.right_answer(item) if grading.is_scored(item) else "",
                options=options,
                options_complete=options_complete,
                pending=pending[question],
            )
        )
    result.sort(key=lambda row: (row.place, row.name, row.question_id))
    return SittingStatistics(summary=summary, questions=result)


def _alpha_matrix(
    matrix: dict[int, dict[tuple[int, int], float]],
    incomplete: set[int],
    graded: set[int],
) -> list[list[float]] | None:
    """Rows of the graded attempts that have the most common set of columns."""
    rows = {
        attempt: columns
        for attempt, columns in matrix.items()
        if attempt not in incomplete and attempt in graded
    }
    if not rows:
        return None
    shapes = Counter(frozenset(columns) for columns in rows.values())
    shape, _count = shapes.most_common(1)[0]
    order = sorted(shape)
    return [
        [columns[column] for column in order]
        for columns in rows.values()
        if frozenset(columns) == shape
    ]


def _option_counts(
    item: Item, counts: dict[str, int], attempts: int
) -> tuple[list[OptionCount], bool]:
    """Every option of a choice item with its count (the right ones marked); for other
    types the most frequent answers."""

    def share(count: int) -> float:
        return 100 * count / attempts if attempts else 0.0

    kind = item.type
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        return [
            OptionCount(
                f"a{index}",
                grading.describe_key(item, f"a{index}"),
                counts.get(f"a{index}", 0),
                share(counts.get(f"a{index}", 0)),
                answer.fraction > 0,
            )
            for index, answer in enumerate(item.answers)
        ], True
    if kind is ItemType.TRUE_FALSE:
        return [
            OptionCount(
                key,
                grading.describe_key(item, key),
                counts.get(key, 0),
                share(counts.get(key, 0)),
                (key == "true") == item.correct_answer,
            )
            for key in ("true", "false")
        ], True
    frequent = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_ANSWERS]
    return [
        OptionCount(
            key, grading.describe_key(item, key), count, share(count), _key_is_right(item, key)
        )
        for key, count in frequent
    ], False


def _key_is_right(item: Item, key: str) -> bool:
    """Whether a frequent answer of a free-text item earns full credit."""
    kind = item.type
    try:
        if kind in (ItemType.SHORT_ANSWER, ItemType.NUMERICAL):
            fraction = grading.grade(item, {"text": key}).fraction
            return fraction is not None and fraction >= 1
        if kind is ItemType.MATCHING:
            left, _equals, text = key.partition("=")
            index = int(left.removeprefix("p"))
            return item.pairs[index].answer.strip() == text
        if kind is ItemType.ORDERING:
            texts = [answer.text for answer in item.answers]
            order = [int(part) for part in key.split(",")]
            return [texts[index] for index in order] == texts
    except (grading.InvalidResponseError, ValueError, IndexError):
        return False
    return False


# --- A student's progress ---------------------------------------------------------------


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


# --- Finishing a whole sitting at once --------------------------------------------------

BULK_CHUNK = 500


@dataclass(slots=True)
class _GradedRow:
    """What `grade_items` and `compute_totals` read and write of an `AttemptItem`, without
    building 48,000 models."""

    version_id: int
    response: Any
    points: Decimal
    graded_by_id: int | None
    fraction: Decimal | None
    score: Decimal | None
    needs_grading: bool


# Ids in one `pk IN (…)`: below SQLite's old limit of 999 parameters.
IN_CHUNK = 900


def _update_grouped(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Write rows (values in `fields` order, the id last) with one UPDATE … WHERE id IN (…)
    per distinct set of values: grades repeat (a right answer is 1.00 everywhere), so 48,000
    answers are a few dozen statements. `bulk_update` builds a CASE per field and row and
    took most of the time; an UPDATE per row took 12 s on PostgreSQL, a round trip each."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        groups.setdefault(row[:-1], []).append(row[-1])
    for values, pks in groups.items():
        changes = dict(zip(fields, values, strict=True))
        for start in range(0, len(pks), IN_CHUNK):
            model.objects.filter(pk__in=pks[start : start + IN_CHUNK]).update(**changes)


def finish_attempts(
    attempt_ids: Iterable[int], *, how: str, now: datetime.datetime | None = None
) -> int:
    """Close and grade many attempts at once — the sweep when a sitting of 3,000 students
    closes — exactly as `services.attempts.finish_attempt` does one (through its
    `grade_items` and `compute_totals`), in a few statements per 500 attempts instead of
    five per attempt. Each chunk locks its attempts first, so an answer being saved is
    waited for and graded; attempts already finished are left as they are. Returns how
    many were finished."""
    now = now or timezone.now()
    ids = sorted(set(attempt_ids))
    done = 0
    for start in range(0, len(ids), BULK_CHUNK):
        with transaction.atomic():
            done += _finish_chunk(ids[start : start + BULK_CHUNK], how, now)
    return done


def _finish_chunk(ids: list[int], how: str, now: datetime.datetime) -> int:
    # Only the attempts' rows are locked (finish_attempt's join also locked the sitting's).
    attempts = list(
        Attempt.objects.select_for_update().filter(pk__in=ids, status=Attempt.Status.IN_PROGRESS)
    )
    if not attempts:
        return 0
    sittings = Sitting.objects.select_related("quiz").in_bulk(
        {attempt.sitting_id for attempt in attempts}
    )
    for attempt in attempts:
        attempt.sitting = sittings[attempt.sitting_id]
    # Students' answers repeat (a choice question has a few): each distinct (version,
    # answer, points, teacher's grade) is graded once by `grade_items`, and the rows that
    # share it share the result.
    graded: dict[tuple[Any, ...], _GradedRow] = {}
    items: list[tuple[int, _GradedRow]] = []  # (item id, its grade)
    rows: dict[int, list[_GradedRow]] = {attempt.pk: [] for attempt in attempts}
    for (
        attempt_id,
        pk,
        version_id,
        text,
        points,
        graded_by_id,
        fraction,
        score,
        waits,
    ) in AttemptItem.objects.filter(attempt__in=list(rows)).values_list(
        "attempt_id",
        "pk",
        "version_id",
        Cast("response", TextField()),
        "points",
        "graded_by_id",
        "fraction",
        "score",
        "needs_grading",
    ):
        key = (version_id, text, points, graded_by_id, fraction, score, waits)
        row = graded.get(key)
        if row is None:
            response = None if text is None else json.loads(text)
            row = graded[key] = _GradedRow(
                version_id, response, points, graded_by_id, fraction, score, waits
            )
        items.append((pk, row))
        rows[attempt_id].append(row)
    grade_items(cast(list[AttemptItem], list(graded.values())))
    _update_grouped(
        AttemptItem,
        ITEM_GRADES,
        [(row.fraction, row.score, row.needs_grading, pk) for pk, row in items],
    )
    for attempt in attempts:
        compute_totals(attempt, cast(list[AttemptItem], rows[attempt.pk]))
        attempt.status = Attempt.Status.FINISHED
        attempt.finished_at = min(now, attempt.deadline_at + GRACE)
        attempt.finish = how
    fields = [*TOTALS, "status", "finished_at", "finish"]
    _update_grouped(
        Attempt,
        fields,
        [(*(getattr(attempt, name) for name in fields), attempt.pk) for attempt in attempts],
    )
    return len(attempts)
