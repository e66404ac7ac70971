"""`metodset import_questions FILE --format gift|moodlexml|aiken|xlsx`: bulk import into the bank."""

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metodset.core.exceptions import DomainError
from metodset.testing import services
from metodset.testing.formats import parse
from metodset.testing.formats.items import Item, ParseError
from metodset.testing.models import Question

from ._common import acting_user, add_common_arguments, category_path


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "type": item.type.value,
        "name": item.name,
        "category": item.category,
        "source": item.source,
    }


def _error_json(error: ParseError) -> dict[str, Any]:
    return {"line": error.line, "element": error.element, "message": error.message}


class Command(BaseCommand):
    help = (
        "Читает файл вопросов (GIFT, Moodle XML, Aiken, таблица XLSX по шаблону), показывает "
        "каждый найденный вопрос и каждую ошибку со строкой и сохраняет вопросы в банк, если "
        "ошибок нет. "
        "С ошибками или с --dry-run ничего не сохраняется; при ошибках код выхода 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Файл с вопросами.")
        add_common_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Только проверить файл, ничего не сохранять."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Вывести один документ JSON {items, errors, saved} вместо текста.",
        )
        parser.add_argument(
            "--visibility",
            choices=Question.Visibility.values,
            default=Question.Visibility.PRIVATE,
            help="Кому видны новые вопросы (по умолчанию только автору).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Не удалось прочитать файл {path}: {error.strerror}.") from error
        root = category_path(options)
        started = time.perf_counter()
        result = parse(data, options["format"])
        parsed = time.perf_counter()
        saved = 0
        if not result.errors and not options["dry_run"]:
            actor = acting_user(options["author"])
            try:
                saved = len(
                    services.import_items(
                        actor=actor,
                        result=result,
                        category_path=root,
                        visibility=options["visibility"],
                    )
                )
            except DomainError as error:
                raise CommandError(error.message) from error
        finished = time.perf_counter()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "items": [_item_json(item) for item in result.items],
                        "errors": [_error_json(error) for error in result.errors],
                        "saved": saved,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self._print_report(result.items, result.errors, root)
            self.stdout.write(
                f"Вопросов: {len(result.items)}, ошибок: {len(result.errors)}, "
                f"сохранено: {saved} (чтение {parsed - started:.1f} с, "
                f"сохранение {finished - parsed:.1f} с)."
            )
        if result.errors:
            raise CommandError(
                f"В файле ошибок: {len(result.errors)}; ничего не сохранено. "
                "Исправьте ошибки и запустите команду снова."
            )

    def _print_report(
        self, items: list[Item], errors: list[ParseError], root: list[str] | None
    ) -> None:
        for number, item in enumerate(items, 1):
            category = " / ".join([*(root or []), *item.category]) or services.UNCATEGORIZED
            self.stdout.write(
                f"{number}. {item.source}: {item.type.value} «{item.name}» — {category}"
            )
        for error in errors:
            self.stdout.write(f"Ошибка: {error}")
