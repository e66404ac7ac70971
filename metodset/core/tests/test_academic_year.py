import datetime

import pytest

from metodset.core.models import AcademicYear, academic_year_start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (datetime.date(2026, 8, 31), 2025),
        (datetime.date(2026, 9, 1), 2026),
        (datetime.date(2027, 1, 15), 2026),
        (datetime.date(2027, 8, 31), 2026),
    ],
)
def test_the_year_turns_on_the_first_of_september(day: datetime.date, start: int) -> None:
    assert academic_year_start(day) == start
    year = AcademicYear.objects.for_date(day)
    assert year.start_year == start
    assert str(year) == f"{start}/{start + 1}"
    assert year.contains(day)


def test_current_year_follows_the_clock(time_machine: object) -> None:
    time_machine.move_to("2026-11-23 12:00:00+03:00")  # type: ignore[attr-defined]
    assert AcademicYear.objects.current().start_year == 2026
    time_machine.move_to("2027-08-31 23:30:00+03:00")  # type: ignore[attr-defined]
    assert AcademicYear.objects.current().start_year == 2026
    time_machine.move_to("2027-09-01 00:10:00+03:00")  # type: ignore[attr-defined]
    assert AcademicYear.objects.current().start_year == 2027
    assert AcademicYear.objects.count() == 2
