"""A sitting's results page: the chosen school or class against the whole sitting, a row
per school and per class, the students the viewer may see by name, and the viewer's
schools against the network."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from metodset.accounts.models import Organization
from metodset.testing.models import Attempt, Sitting, normalize_class
from metodset.testing.reports.figures import (
    AttemptFigures,
    Comparison,
    Figures,
    attempt_figures,
    figures_of,
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
