"""The certificate as a one-page A4 landscape PDF: HTML from a Django template, laid out
by WeasyPrint, with a QR code that leads to the public verification page."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no types
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from metodset.certificates.models import Certificate

PDF_CONTENT_TYPE = "application/pdf"
TEMPLATE = "certificates/certificate_pdf.html"


def verification_url(certificate: Certificate) -> str:
    """The absolute address printed on the paper and encoded in its QR code."""
    return settings.SITE_URL + certificate.get_absolute_url()


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as inline SVG sized by CSS (no width or height of its own).
    Error correction M survives a crease or a stamp over a corner of the printed code."""
    code = segno.make(url, error="m", micro=False)
    # segno writes only the SVG markup around the URL's modules: nothing to escape.
    return mark_safe(code.svg_inline(omitsize=True, border=0, dark="#000"))  # noqa: S308


def certificate_filename(certificate: Certificate) -> str:
    return f"Сертификат-{certificate.number}.pdf"


def certificate_html(certificate: Certificate) -> str:
    """The HTML WeasyPrint lays out; its CSS lives in the template, never served."""
    url = verification_url(certificate)
    # The paper is Russian whoever asks for it (a task, a command, an API call).
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            TEMPLATE,
            {
                "certificate": certificate,
                "details": certificate.detail_rows,
                "verification_url": url,
                "qr_svg": qr_svg(url),
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF, one page. Only data: URLs may be fetched: the template needs nothing
    else, and the statement or a name never makes WeasyPrint go to the network."""
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=certificate_html(certificate), url_fetcher=fetcher).render()
    pdf: bytes = document.copy(document.pages[:1]).write_pdf()
    return pdf
