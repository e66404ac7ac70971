"""`metodset export_questions --format gift|moodlexml|aiken|xlsx`: the bank (or a part) as a file."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metodset.core.exceptions import DomainError
from metodset.testing import services
from metodset.testing.formats import write
from metodset.testing.formats.items import ParseError

from ._common import acting_user, add_common_arguments, category_path


class Command(BaseCommand):
    help = (
        "Записывает вопросы банка, видимые пользователю, в файл (GIFT, Moodle XML, Aiken, "
        "таблица XLSX); "
        "вопросы, которые формат не может передать, перечисляются в stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument(
            "-o", "--output", type=Path, default=None, help="Файл (по умолчанию stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        if options["format"] == "xlsx" and output is None:
            raise CommandError(
                "Таблицу XLSX нельзя вывести в терминал: укажите файл, -o вопросы.xlsx."
            )
        actor = acting_user(options["author"])
        try:
            items = services.export_items(actor=actor, category_path=category_path(options))
        except DomainError as error:
            raise CommandError(error.message) from error
        problems: list[ParseError] = []
        content = write(items, options["format"], problems=problems)
        if output is not None:
            output.write_bytes(content)
        else:
            self._write_stdout(content)
        for problem in problems:
            self.stderr.write(f"Не выгружен: {problem}")
        self.stderr.write(
            f"Выгружено вопросов: {len(items) - len(problems)} из {len(items)}"
            + (f" в {output}." if output is not None else ".")
        )

    def _write_stdout(self, content: bytes) -> None:
        # The bytes as written (an XML file declares its own encoding); a text stream
        # given by call_command (tests) gets the UTF-8 text.
        stream = getattr(self.stdout, "_out", sys.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(content)
            buffer.flush()
        else:
            stream.write(content.decode("utf-8"))
