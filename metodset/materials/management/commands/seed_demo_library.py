"""`metodset seed_demo_library`: the demo teachers' materials (after `seed_demo`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from metodset.materials import demo


class Command(BaseCommand):
    help = "Создаёт демо-библиотеку: материалы демо-педагогов с файлами, комментариями и оценками."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если демо-библиотека уже есть.",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.demo_library_exists():
            return
        demo.delete_demo_library()
        count = demo.build_demo_library(seed=options["seed"])
        self.stdout.write(f"Демо-библиотека: материалов — {count}.")
