from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Workflows: notify people of what happened (the bell and the list of notifications),
    e-mail what each person chose to receive by e-mail, mark notifications read."""

    name = "metodset.notifications"
    label = "notifications"
    verbose_name = _("Уведомления")
