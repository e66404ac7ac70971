"""`metodset seed_demo_expertise`: the demo district's expertise (after `seed_demo_library`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metodset.expertise import demo
from metodset.notifications.models import Notification


class Command(BaseCommand):
    help = "Создаёт демо-экспертизу: рекомендованный продукт с сертификатами и протоколом, материал на оценке, материал в очереди."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ничего не делать, если демо-экспертиза уже есть.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.demo_expertise_exists():
            return
        demo.delete_demo_expertise()
        count = demo.build_demo_expertise()
        # The demo's notifications stay in the app: nobody should get letters about them.
        Notification.objects.filter(
            recipient__email__endswith=demo.DEMO_DOMAIN, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        self.stdout.write(f"Демо-экспертиза: {count}.")
