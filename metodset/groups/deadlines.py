"""The seven-day term for deciding on an РПГ application (`002_…` §3.2: «рассматривает
заявление в недельный срок»). One function computes it; pages, reminders and the API show
it through the same function."""

import datetime

from django.utils.translation import gettext_lazy

from metodset.core import deadlines

DECISION_DAYS = 7
# Methodists are reminded when this many days (or fewer) of the term are left.
REMIND_DAYS_BEFORE = 2


def decision_due(submitted_at: datetime.datetime) -> datetime.date:
    """The last day on which the department may decide.

    Seven calendar days, counted from the day after the day of submission (as terms in days
    run in Russian law, ГК РФ ст. 191), by the date in the installation's time zone
    (settings.TIME_ZONE): an application submitted on Monday at 23:50 or at 00:10 is due
    next Monday. The term ends at midnight at the end of that day. Weekends and public
    holidays are counted like any day and do not extend the term. A resubmitted
    application starts a new term from its new submission.
    """
    return deadlines.due_after(submitted_at, DECISION_DAYS)


# The counting itself is shared with the expertise's ten-day term.
days_left = deadlines.days_left
is_overdue = deadlines.is_overdue
describe = deadlines.describe


RULE_TEXT = gettext_lazy(
    "Срок рассмотрения — 7 календарных дней (п. 3.2 Положения о сетевом взаимодействии): "
    "отсчёт начинается на следующий день после подачи заявления, последний день срока "
    "включается целиком. Выходные и праздничные дни входят в срок и не продлевают его. "
    "Повторно поданное заявление рассматривается в новый семидневный срок."
)
