"""The marks students chose to send to the class journal, as files a teacher loads into an
electronic journal: XLSX, and CSV as Russian Excel and the journals read it (UTF-8 with a
byte-order mark, semicolons, a decimal comma)."""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from metodset.documents.xlsx import table_xlsx
from metodset.testing.models import Attempt, Sitting

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def journal_header() -> list[str]:
    return [
        _("Фамилия"),
        _("Имя"),
        _("Отчество"),
        _("Класс"),
        _("Школа"),
        _("Предмет"),
        _("Дата"),
        _("Работа"),
        _("Отметка"),
        _("Процент"),
        _("Когда выбрано"),
    ]


def journal_rows(sitting: Sitting, attempts: Iterable[Attempt]) -> list[list[Any]]:
    """One row per mark sent: the date is the day the attempt was finished and the time of
    the choice is shown in the sitting's district's zone (the journal's school day)."""
    zone = sitting.district.zone
    subject = sitting.quiz.subject.name if sitting.quiz.subject else ""
    rows = []
    for attempt in attempts:
        done = timezone.localtime(attempt.finished_at or attempt.started_at, zone)
        chosen = (
            timezone.localtime(attempt.journal_decided_at, zone).replace(tzinfo=None)
            if attempt.journal_decided_at
            else None
        )
        rows.append(
            [
                attempt.student.last_name,
                attempt.student.first_name,
                attempt.student.patronymic,
                attempt.student_class,
                attempt.organization.short_name,
                subject,
                done.date(),
                sitting.title,
                attempt.mark,
                attempt.percent,
                chosen,
            ]
        )
    return rows


def journal_xlsx(sitting: Sitting, attempts: Iterable[Attempt]) -> bytes:
    rows = [
        [float(value) if isinstance(value, Decimal) else value for value in row]
        for row in journal_rows(sitting, attempts)
    ]
    content: bytes = table_xlsx(
        sheet=_("Отметки"),
        title=sitting.title,
        header=journal_header(),
        rows=rows,
    )
    return content


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


def journal_csv(sitting: Sitting, attempts: Iterable[Attempt]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(journal_header())
    for row in journal_rows(sitting, attempts):
        writer.writerow([_csv_value(value) for value in row])
    return text.getvalue().encode("utf-8-sig")


def journal_filename(sitting: Sitting, extension: str, organization_id: int | None = None) -> str:
    """ASCII, so every browser keeps it: «journal-12-school-3.xlsx»."""
    school = f"-school-{organization_id}" if organization_id is not None else ""
    return f"journal-{sitting.pk}{school}.{extension}"
