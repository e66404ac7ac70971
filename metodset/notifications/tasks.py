"""E-mail delivery of notifications, off the request."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from metodset.notifications.models import Notification


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send each notification once: a row is claimed by a conditional UPDATE, so two workers
    (or a retried task) never send the same letter twice."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    with get_connection() as connection:
        for notification in rows.select_related("recipient"):
            claimed = Notification.objects.filter(
                Q(pk=notification.pk) & Q(emailed_at__isnull=True)
            ).update(emailed_at=timezone.now())
            if claimed != 1:
                continue
            context = {"notification": notification, "site_url": settings.SITE_URL}
            message = EmailMessage(
                subject=notification.title,
                body=render_to_string("notifications/email.txt", context),
                to=[notification.recipient.email],
                connection=connection,
            )
            message.send()
            sent += 1
    return sent
