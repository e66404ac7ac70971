"""`metodset reindex`: rebuild the search index from the database (the source of truth)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from metodset.materials import indexing, pagecache
from metodset.materials.models import Material
from metodset.search import engine


class Command(BaseCommand):
    help = "Перестраивает поисковый индекс библиотеки материалов по базе данных."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Только если индекс пуст, а материалы есть (первый запуск, новая схема индекса).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and (
            engine.document_count() > 0
            or not Material.objects.filter(status__in=indexing.INDEXED).exists()
        ):
            return
        started = time.perf_counter()
        count = engine.index_many(indexing.all_documents(), rebuild=True)
        pagecache.bump()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Проиндексировано материалов: {count} за {seconds:.1f} с.")
