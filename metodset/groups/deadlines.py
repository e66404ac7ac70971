"""The seven-day term for deciding on an РПГ application (`002_…` §3.2: «рассматривает
заявление в недельный срок»). One function computes it; pages, reminders and the API show
it through the same function."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metodset.core.plurals import plural

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
    return timezone.localdate(submitted_at) + datetime.timedelta(days=DECISION_DAYS)


def days_left(due: datetime.date, *, today: datetime.date | None = None) -> int:
    """Whole days until the due day: 7 on the day of submission, 0 on the last day,
    negative once overdue."""
    return (due - (today or timezone.localdate())).days


def is_overdue(due: datetime.date, *, today: datetime.date | None = None) -> bool:
    return days_left(due, today=today) < 0


def describe(due: datetime.date, *, today: datetime.date | None = None) -> str:
    """«осталось 7 дней», «последний день — сегодня», «просрочено на 2 дня»."""
    left = days_left(due, today=today)
    if left > 0:
        days = plural(left, _("день"), _("дня"), _("дней"))
        verb = _("остался") if plural(left, "1", "2", "5") == "1" else _("осталось")
        return _("%(verb)s %(n)d %(days)s") % {"verb": verb, "n": left, "days": days}
    if left == 0:
        return _("последний день — сегодня")
    days = plural(-left, _("день"), _("дня"), _("дней"))
    return _("просрочено на %(n)d %(days)s") % {"n": -left, "days": days}


RULE_TEXT = gettext_lazy(
    "Срок рассмотрения — 7 календарных дней (п. 3.2 Положения о сетевом взаимодействии): "
    "отсчёт начинается на следующий день после подачи заявления, последний день срока "
    "включается целиком. Выходные и праздничные дни входят в срок и не продлевают его. "
    "Повторно поданное заявление рассматривается в новый семидневный срок."
)
