from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground under every app: base models, DomainError, the audit trail, academic years,
    the site shell (home page, health check, the version for the visually impaired) and the
    in-process task worker behind `metodset serve`."""

    name = "metodset.core"
    label = "core"
    verbose_name = _("Ядро")
