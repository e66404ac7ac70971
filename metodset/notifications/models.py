"""In-app notifications and each person's choice of what also goes to e-mail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("получатель"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("вид"), max_length=64)
    title = models.CharField(_("заголовок"), max_length=300)
    body = models.TextField(_("текст"), blank=True)
    url = models.CharField(_("ссылка"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("отправлено на e-mail"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        # The bell counts unread rows of one person on every page.
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """A person's override of a kind's default: send it to e-mail or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("вид"), max_length=64)
    send_email = models.BooleanField(_("отправлять на e-mail"))

    class Meta:
        verbose_name = _("настройка уведомлений")
        verbose_name_plural = _("настройки уведомлений")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} = {self.send_email}"
