"""The seven-day term for deciding on an РПГ application (`002_…` §3.2)."""

import datetime
import zoneinfo
from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.groups import deadlines, services
from metodset.groups.tests.factories import submitted

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def _moscow(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Moscow"


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=MOSCOW)


def test_seven_days_from_the_day_after_submission() -> None:
    # Monday 2 March 2026: day 1 is Tuesday, day 7 is the next Monday.
    assert deadlines.decision_due(local(2026, 3, 2, 12, 0)) == datetime.date(2026, 3, 9)
    assert deadlines.DECISION_DAYS == 7


def test_the_local_date_counts_not_utc() -> None:
    late_monday = local(2026, 3, 2, 23, 50)
    early_tuesday = local(2026, 3, 3, 0, 10)
    # 00:10 in Moscow is still Monday in UTC; the term follows the local date.
    assert early_tuesday.astimezone(datetime.UTC).date() == datetime.date(2026, 3, 2)
    assert deadlines.decision_due(late_monday) == datetime.date(2026, 3, 9)
    assert deadlines.decision_due(early_tuesday) == datetime.date(2026, 3, 10)
    assert deadlines.decision_due(early_tuesday.astimezone(datetime.UTC)) == datetime.date(
        2026, 3, 10
    )
    assert deadlines.decision_due(late_monday.astimezone(datetime.UTC)) == datetime.date(2026, 3, 9)


def test_a_weekend_does_not_extend_the_term() -> None:
    # Friday 6 March → Friday 13 March, the weekend counted like any day.
    assert deadlines.decision_due(local(2026, 3, 6, 16, 0)) == datetime.date(2026, 3, 13)
    # Submitted on Saturday: due the next Saturday, not the Monday after.
    assert deadlines.decision_due(local(2026, 3, 7, 10, 0)) == datetime.date(2026, 3, 14)


def test_public_holidays_do_not_extend_the_term() -> None:
    # 1–8 January are holidays; the term still ends on 4 January.
    assert deadlines.decision_due(local(2026, 12, 28, 9, 0)) == datetime.date(2027, 1, 4)
    # Ending on a holiday (8 March) does not move it to the next working day either.
    assert deadlines.decision_due(local(2026, 3, 1, 9, 0)) == datetime.date(2026, 3, 8)


def test_days_left_and_overdue() -> None:
    due = deadlines.decision_due(local(2026, 3, 2, 10, 0))
    assert deadlines.days_left(due, today=datetime.date(2026, 3, 2)) == 7
    assert deadlines.days_left(due, today=datetime.date(2026, 3, 7)) == 2
    assert deadlines.days_left(due, today=datetime.date(2026, 3, 9)) == 0
    assert deadlines.days_left(due, today=datetime.date(2026, 3, 10)) == -1
    assert deadlines.days_left(due, today=datetime.date(2026, 3, 16)) == -7
    assert not deadlines.is_overdue(due, today=datetime.date(2026, 3, 9))
    assert deadlines.is_overdue(due, today=datetime.date(2026, 3, 10))


def test_days_left_defaults_to_the_local_today(time_machine: Any) -> None:
    due = datetime.date(2026, 3, 9)
    # 22:30 UTC on 8 March is already 9 March in Moscow: the last day.
    time_machine.move_to(datetime.datetime(2026, 3, 8, 22, 30, tzinfo=datetime.UTC))
    assert deadlines.days_left(due) == 0
    assert deadlines.describe(due) == "последний день — сегодня"
    time_machine.move_to(local(2026, 3, 10, 0, 1))
    assert deadlines.is_overdue(due)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (7, "осталось 7 дней"),
        (5, "осталось 5 дней"),
        (4, "осталось 4 дня"),
        (2, "осталось 2 дня"),
        (1, "остался 1 день"),
        (0, "последний день — сегодня"),
        (-1, "просрочено на 1 день"),
        (-2, "просрочено на 2 дня"),
        (-5, "просрочено на 5 дней"),
        (-11, "просрочено на 11 дней"),
        (-21, "просрочено на 21 день"),
        (11, "осталось 11 дней"),
        (21, "остался 21 день"),
        (22, "осталось 22 дня"),
    ],
)
def test_describe_in_russian(left: int, text: str) -> None:
    today = datetime.date(2026, 3, 2)
    assert deadlines.describe(today + datetime.timedelta(days=left), today=today) == text


@pytest.mark.django_db
def test_a_resubmission_starts_a_new_term(
    teacher: User, colleague: User, methodist: User, time_machine: Any
) -> None:
    time_machine.move_to(local(2026, 3, 2, 23, 50))
    app = submitted(teacher, [colleague])
    assert app.submitted_at is not None
    assert deadlines.decision_due(app.submitted_at) == datetime.date(2026, 3, 9)
    time_machine.move_to(local(2026, 3, 5, 10, 0))
    services.reject_application(actor=methodist, application=app, reasons="Уточните продукт.")
    time_machine.move_to(local(2026, 3, 12, 0, 10))
    services.resubmit_application(actor=teacher, application=app)
    app.refresh_from_db()
    assert (app.status, app.submission_count) == ("submitted", 2)
    assert app.submitted_at is not None
    assert deadlines.decision_due(app.submitted_at) == datetime.date(2026, 3, 19)
    assert deadlines.days_left(deadlines.decision_due(app.submitted_at)) == 7
