"""`metodset seed_demo_testing`: the demo district's test bank, tests and sittings."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metodset.notifications.models import Notification
from metodset.testing import demo


class Command(BaseCommand):
    help = "Создаёт демо-банк вопросов, ежемесячный тест и два тестирования двух школ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если демо-тесты уже есть.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.demo_testing_exists():
            return
        demo.delete_demo_testing()
        attempts = demo.build_demo_testing()
        # The demo's notifications stay in the app: nobody should get letters about them.
        Notification.objects.filter(
            recipient__email__endswith=demo.DEMO_DOMAIN, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        self.stdout.write(f"Демо-тесты: попыток прошлого тестирования {attempts}.")
