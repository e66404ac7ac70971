"""Every sitting one's school took: the school against the network."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from metodset.accounts.models import Organization
from metodset.testing.models import Attempt, Sitting
from metodset.testing.reports.figures import (
    ATTEMPT_FIELDS,
    AttemptFigures,
    Comparison,
    figures_from_row,
    figures_of,
)


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
        "sitting_id", *ATTEMPT_FIELDS
    ):
        rows_by_sitting.setdefault(sitting_id, []).append(figures_from_row(rest))
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
