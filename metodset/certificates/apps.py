from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Workflows: another app (events now, expertise later) issues a certificate to a
    participant, speaker, author or expert — numbered «2026-000123» within the year, with a
    secret code — and the holder is notified; anyone with the link or the QR code printed
    on the PDF checks it on the public verification page (or its twin in the API), where a
    student holder appears as surname and initials only; the holder, the issuer and the
    district's methodists download the PDF (A4 landscape, WeasyPrint); the issuer or a
    methodist revokes a certificate with a reason, and the page and the PDF then say so."""

    name = "metodset.certificates"
    label = "certificates"
    verbose_name = _("Сертификаты")

    def ready(self) -> None:
        # The notification kind and the audit's labels.
        from metodset.certificates import services  # noqa: F401
