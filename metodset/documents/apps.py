from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents the platform writes for people to sign, print or file: orders (приказы),
    protocols, lists. Domain apps describe the content; this app lays it out as DOCX."""

    name = "metodset.documents"
    label = "documents"
    verbose_name = _("Документы")
