"""`metodset seed_demo_events`: the demo district's events and road map (after `seed_demo_groups`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metodset.events import demo
from metodset.notifications.models import Notification


class Command(BaseCommand):
    help = "Создаёт демо-мероприятия и сетевой график двух школ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если демо-мероприятия уже есть.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.demo_events_exist():
            return
        demo.delete_demo_events()
        count = demo.build_demo_events()
        # The demo's notifications stay in the app: nobody should get letters about them.
        Notification.objects.filter(
            recipient__email__endswith=demo.DEMO_DOMAIN, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        self.stdout.write(f"Демо-мероприятия: {count}.")
