"""Telling people what happened: in-app rows now, e-mail through the task worker."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from metodset.notifications import kinds
from metodset.notifications.models import EmailPreference, Notification


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor: Any = None,
) -> list[Notification]:
    """Create one notification per recipient (never the actor) and, after commit, e-mail
    those who want this kind by e-mail."""
    kinds.get(kind)  # an unknown kind is a programming error, caught by tests
    actor_pk = getattr(actor, "pk", None)
    unique = {r.pk: r for r in recipients if r.pk != actor_pk and r.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=pk, kind=kind, title=title[:300], body=body, url=url)
        for pk in unique
    )
    # One query for everyone's choice of this kind, not one per recipient.
    chosen = dict(
        EmailPreference.objects.filter(user__in=list(unique), kind=kind).values_list(
            "user_id", "send_email"
        )
    )
    default = kinds.get(kind).email_by_default
    to_email = [n.pk for n in rows if chosen.get(n.recipient_id, default)]
    if to_email:
        from metodset.notifications.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(to_email))
    return rows


def wants_email(user: Any, kind: str) -> bool:
    preference = (
        EmailPreference.objects.filter(user=user, kind=kind)
        .values_list("send_email", flat=True)
        .first()
    )
    return kinds.get(kind).email_by_default if preference is None else preference


def email_choices_of(user: Any) -> list[tuple[kinds.Kind, bool]]:
    """Every kind with the person's current choice, for the preferences page."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "send_email"))
    return [(kind, chosen.get(kind.code, kind.email_by_default)) for kind in kinds.all_kinds()]


def set_email_choices(*, actor: Any, choices: dict[str, bool]) -> None:
    with transaction.atomic():
        for code, send in choices.items():
            kinds.get(code)
            EmailPreference.objects.update_or_create(
                user=actor, kind=code, defaults={"send_email": send}
            )


def mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread when no ids are given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
