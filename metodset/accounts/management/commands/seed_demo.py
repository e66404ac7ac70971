"""`metodset seed_demo`: (re)build the demo district and print its logins."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metodset.accounts import demo


def positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Пересоздаёт демонстрационные данные: районы Томской области, их управления "
        "образования, РМЦ, школы, педагогов, обучающихся и родителей, и печатает "
        "демо-входы. Удаляет только прежние демо-данные (районы demo-…, "
        f"адреса @{demo.DEMO_EMAIL_DOMAIN})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = demo.DemoOptions()
        parser.add_argument(
            "--districts",
            type=positive,
            default=defaults.districts,
            help="Сколько районов (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--schools",
            type=positive,
            default=defaults.schools,
            help="Сколько образовательных организаций во всех районах вместе "
            "(школы, гимназии, лицеи, детские сады, ДО, колледжи; "
            "по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--teachers-per-school",
            type=positive,
            default=defaults.teachers_per_school,
            help="Педагогов в организации, с директором (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--students-per-school",
            type=positive,
            default=defaults.students_per_school,
            help="Обучающихся в школе, гимназии, лицее (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=defaults.seed,
            help="Зерно генератора: одно зерно — одни и те же данные.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если демо-данные уже есть (только напечатать входы).",
        )
        parser.add_argument("--quiet", action="store_true", help="Ничего не печатать.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Разрешить запуск при METODSET_ENV=production (демо-входы с известным паролем!).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"]
        if getattr(settings, "IS_PRODUCTION", False) and not options["allow_production"]:
            raise CommandError(
                "Это рабочая установка (METODSET_ENV=production): демо-входы с известным "
                "паролем здесь опасны. Если они действительно нужны, добавьте --allow-production."
            )
        if options["if_empty"] and demo.demo_exists():
            if not quiet:
                self.stdout.write("Демо-данные уже есть, пересоздавать не нужно.")
                self.print_logins(demo.demo_logins())
            return
        try:
            summary = demo.build_demo(
                demo.DemoOptions(
                    districts=options["districts"],
                    schools=options["schools"],
                    teachers_per_school=options["teachers_per_school"],
                    students_per_school=options["students_per_school"],
                    seed=options["seed"],
                ),
                progress=None if quiet or options["verbosity"] < 2 else self.stdout.write,
            )
        except ValueError as error:
            raise CommandError(
                "Нужны хотя бы один район и две организации (--districts ≥ 1, --schools ≥ 2)."
            ) from error
        if quiet:
            return
        self.stdout.write(
            f"Демо-данные созданы за {summary.seconds:.1f} с: районов — {summary.districts}, "
            f"организаций — {summary.organizations}, людей — {summary.users}, "
            f"ролей — {summary.memberships}, связей «родитель — ребёнок» — {summary.parent_links}."
        )
        self.print_logins(summary.logins)

    def print_logins(self, logins: list[demo.DemoLogin]) -> None:
        if not logins:
            return
        header = ("Роль", "E-mail (логин)", "Кто", "Организация")
        rows = [(login.role, login.email, login.person, login.organization) for login in logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(row: tuple[str, ...]) -> str:
            return "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()

        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Демо-входы — пароль у всех: {demo.DEMO_PASSWORD}")
            + f"   (сайт: {settings.SITE_URL}/)"
        )
        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
