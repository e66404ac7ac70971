"""Item statistics of a sitting: per question over every finished attempt, as Moodle's
report does — facility, discrimination, spread, how often each option was chosen — and
Cronbach's alpha of the test."""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import FloatField, TextField
from django.db.models.functions import Cast

from metodset.testing import grading, statistics
from metodset.testing.formats.items import Item, ItemType
from metodset.testing.labels import type_label
from metodset.testing.models import (
    Attempt,
    AttemptItem,
    Question,
    QuestionVersion,
    QuizSlot,
    Sitting,
)
from metodset.testing.serialization import from_data

# Discrimination below this: the question hardly tells strong students from weak ones.
WEAK_DISCRIMINATION = 0.2
# Answers of free-text items (short answer, numerical, matching …) listed in the statistics.
TOP_ANSWERS = 5


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
