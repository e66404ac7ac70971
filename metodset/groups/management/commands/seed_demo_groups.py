"""`metodset seed_demo_groups`: the demo district's groups (after `seed_demo`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metodset.groups import demo
from metodset.notifications.models import Notification


class Command(BaseCommand):
    help = "Создаёт демо-объединения: РМО, РПГ по заявлению и приказу, заявление в очереди, сетевое сообщество."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если демо-объединения уже есть.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.demo_groups_exist():
            return
        demo.delete_demo_groups()
        count = demo.build_demo_groups()
        # The demo's notifications stay in the app: nobody should get letters about them.
        Notification.objects.filter(
            recipient__email__endswith=demo.DEMO_DOMAIN, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        self.stdout.write(f"Демо-объединения: {count}.")
