"""Finishing many attempts at once: the sweep when a sitting of 3,000 students closes, and
the periodic sweep of attempts whose time ran out while nobody looked.

Each attempt is graded exactly as `attempts.finish_attempt` grades one (through its
`grade_items` and `compute_totals`) and gets the same audit entry, in a few statements per
500 attempts instead of five per attempt.
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from metodset.accounts.models import User
from metodset.core.models import AuditEntry
from metodset.testing.models import Attempt, AttemptItem, Sitting
from metodset.testing.services.attempts import (
    GRACE,
    ITEM_GRADES,
    TOTALS,
    compute_totals,
    grade_items,
    overdue_reason,
)

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
    `grade_items` and `compute_totals`, with the same audit entry), in a few statements per
    500 attempts instead of five per attempt. Each chunk locks its attempts first, so an
    answer being saved is waited for and graded; attempts already finished are left as they
    are. Returns how many were finished."""
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
    _record_finished(attempts)
    return len(attempts)


def _record_finished(attempts: list[Attempt]) -> None:
    """The audit entry `finish_attempt` writes (`audit.record` of
    "testing.attempt_finished"), for every attempt of the chunk in one INSERT."""
    students = User.objects.only("pk", "last_name", "first_name", "patronymic").in_bulk(
        {attempt.student_id for attempt in attempts}
    )
    target_type = ContentType.objects.get_for_model(Attempt)
    entries = []
    for attempt in attempts:
        attempt.student = students[attempt.student_id]
        entries.append(
            AuditEntry(
                actor=None,
                action="testing.attempt_finished",
                target_type=target_type,
                target_id=str(attempt.pk),
                target_repr=str(attempt)[:300],
                from_state=Attempt.Status.IN_PROGRESS,
                to_state=Attempt.Status.FINISHED,
                comment=attempt.get_finish_display(),
                changes={},
                district_id=attempt.sitting.district_id,
            )
        )
    AuditEntry.objects.bulk_create(entries)


def finish_overdue_attempts() -> int:
    """The periodic sweep: finish every attempt whose time ran out (the student closed the
    page), in bulk, grouped by why it finished. Each chunk locks its attempts and skips
    those finished meanwhile, so two sweeps never grade one attempt twice; returns how many
    this sweep finished."""
    now = timezone.now()
    overdue = Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline_at__lt=now - GRACE
    ).values_list("pk", "deadline_at", "sitting__closes_at")
    by_reason: dict[str, list[int]] = {}
    for pk, deadline_at, closes_at in overdue:
        by_reason.setdefault(overdue_reason(deadline_at, closes_at), []).append(pk)
    return sum(finish_attempts(ids, how=how, now=now) for how, ids in by_reason.items())
