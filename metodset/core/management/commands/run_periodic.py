"""`metodset run_periodic`: run every periodic job once (reminders of deadlines)."""

from typing import Any

from django.core.management.base import BaseCommand

from metodset.core import periodic


class Command(BaseCommand):
    help = (
        "Выполняет периодические задачи один раз: напоминания о сроках. "
        "На сервере запускается по расписанию (cron или таймер systemd) каждые 15 минут."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in periodic.run_all().items():
            self.stdout.write(f"{name}: {count}")
