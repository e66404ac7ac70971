"""Terms in days as the district's rules count them (ГК РФ ст. 191): from the day after the
day something was received, calendar days, the last day whole; weekends and holidays
count and do not extend the term. Apps state their own number of days."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.core.plurals import plural


def due_after(received_at: datetime.datetime, days: int) -> datetime.date:
    """The last day of a term of `days` days for something received at `received_at`
    (by the date in the installation's time zone)."""
    return timezone.localdate(received_at) + datetime.timedelta(days=days)


def days_left(due: datetime.date, *, today: datetime.date | None = None) -> int:
    """Whole days until the due day: 0 on the last day, negative once overdue."""
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
