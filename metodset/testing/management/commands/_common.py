"""What both question commands share: the acting person and the category option."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from metodset.accounts.models import User
from metodset.testing.formats import FORMATS
from metodset.testing.formats.items import split_category_path


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        help="Формат файла: GIFT, Moodle XML, Aiken или таблица XLSX по шаблону банка.",
    )
    parser.add_argument(
        "--category",
        default="",
        help="Путь категории в банке: «Математика/5 класс» («//» — косая черта в названии).",
    )
    parser.add_argument(
        "--author",
        default="",
        help="E-mail пользователя, от имени которого работает команда "
        "(по умолчанию — первый суперпользователь).",
    )


def category_path(options: dict[str, Any]) -> list[str] | None:
    return split_category_path(options["category"]) or None


def acting_user(email: str) -> User:
    """The person given by --author, or the first superuser."""
    if email:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"Нет активного пользователя с e-mail {email}.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("Нет ни одного суперпользователя; укажите --author.")
    return user
