"""`metodset reindex`: rebuild the search index from the database (the source of truth)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from metodset.materials import indexing
from metodset.search import engine


class Command(BaseCommand):
    help = "Перестраивает поисковый индекс библиотеки материалов по базе данных."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = engine.index_many(indexing.all_documents(), rebuild=True)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Проиндексировано материалов: {count} за {seconds:.1f} с.")
