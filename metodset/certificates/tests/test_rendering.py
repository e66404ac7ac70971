"""The PDF: one A4 landscape page with the holder, the number and a QR code of the
verification address; a revoked certificate is marked; rendering is fast."""

import io
import time
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no type information
import pytest
import segno
from pypdf import PdfReader

from metodset.accounts.models import User
from metodset.certificates import rendering, services
from metodset.certificates.models import Certificate
from metodset.certificates.tests.conftest import Issue

pytestmark = pytest.mark.django_db

A4_LANDSCAPE_POINTS = (841.89, 595.28)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_has_the_holder_and_the_number(certificate: Certificate, settings: Any) -> None:
    pdf = rendering.certificate_pdf(certificate)

    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    text = " ".join(text_of(pdf).split())
    assert "Учителева Анна Павловна" in text
    assert f"№ {certificate.number}" in text
    assert "МБОУ СОШ №1" in text
    assert "Смысловое чтение на уроках математики" in text
    assert "Управление образования Администрации Тестового района".upper() in text
    assert "Проверить подлинность:" in text
    assert "Е. В. Петрова" in text
    assert "АННУЛИРОВАН" not in text


def test_page_one_is_a4_landscape_and_not_blank(certificate: Certificate) -> None:
    pdf = rendering.certificate_pdf(certificate)

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        assert width == pytest.approx(A4_LANDSCAPE_POINTS[0], abs=1)
        assert height == pytest.approx(A4_LANDSCAPE_POINTS[1], abs=1)
        image = page.render(scale=0.5).to_pil().convert("L")
    finally:
        document.close()

    assert image.width > image.height
    histogram = image.histogram()
    dark = sum(histogram[:96])
    # Text, the border and the QR code: a few per cent of the page is dark ink.
    assert dark > image.width * image.height * 0.01


def test_the_qr_code_encodes_the_verification_address(
    certificate: Certificate, settings: Any
) -> None:
    settings.SITE_URL = "https://metodset.example.ru"
    url = f"https://metodset.example.ru/certificates/{certificate.code}/"

    html = rendering.certificate_html(certificate)

    assert rendering.verification_url(certificate) == url
    expected = segno.make(url, error="m", micro=False).svg_inline(omitsize=True, border=0)
    assert expected in html
    assert f"Проверить подлинность: {url}" in html


def test_a_revoked_certificate_is_marked(certificate: Certificate, methodist: User) -> None:
    revoked = services.revoke_certificate(
        actor=methodist, certificate=certificate, reason="Ошибка."
    )

    pdf = rendering.certificate_pdf(revoked)

    assert page_count(pdf) == 1
    assert "АННУЛИРОВАН" in text_of(pdf)


def test_a_long_statement_still_fits_one_page(issue: Issue, teacher: User) -> None:
    certificate = issue(
        teacher,
        statement="принял(а) участие в семинаре " + "«Очень длинное название» " * 60,
        details=[(f"Строка {n}", "значение") for n in range(20)],
    )

    pdf = rendering.certificate_pdf(certificate)

    assert page_count(pdf) == 1
    assert f"№ {certificate.number}" in text_of(pdf)


def test_a_certificate_without_signer_or_details(issue: Issue, teacher: User) -> None:
    certificate = issue(teacher, details=(), signer_name="", signer_position="")

    pdf = rendering.certificate_pdf(certificate)

    assert page_count(pdf) == 1
    assert "Учителева Анна Павловна" in text_of(pdf)


def test_rendering_takes_under_two_seconds(certificate: Certificate) -> None:
    started = time.perf_counter()
    rendering.certificate_pdf(certificate)

    assert time.perf_counter() - started < 2


def test_the_filename_carries_the_number(certificate: Certificate) -> None:
    assert rendering.certificate_filename(certificate) == f"Сертификат-{certificate.number}.pdf"
