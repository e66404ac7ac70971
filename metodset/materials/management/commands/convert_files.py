"""`metodset convert_files`: queue again the presentations and DOC files not yet viewable.

Run it after installing LibreOffice on a server that had none: the task worker turns
the files into PDF for reading on the page.
"""

from typing import Any

from django.core.management.base import BaseCommand

from metodset.materials import conversion, services


class Command(BaseCommand):
    help = "Ставит в очередь преобразование презентаций и DOC-файлов в PDF для просмотра."

    def handle(self, *args: Any, **options: Any) -> None:
        if not conversion.is_available():
            self.stderr.write(
                "LibreOffice (soffice) не найден: установите его или укажите OFFICE_BINARY."
            )
            return
        count = services.retry_conversions()
        self.stdout.write(f"Поставлено в очередь файлов: {count}.")
