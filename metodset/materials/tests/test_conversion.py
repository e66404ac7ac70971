"""Presentations and DOC files shown on the page as PDF made by LibreOffice, and the
page's honest fallback on a server without it."""

import io
import os
from typing import Any

import pptx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from metodset.accounts.models import User
from metodset.materials import conversion, services
from metodset.materials.models import Material, MaterialFile
from metodset.materials.tests.factories import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> None:
    """LibreOffice must be there in CI (METODSET_REQUIRE_ALL=1); elsewhere the tests that
    need it are skipped with the reason."""
    if not conversion.is_available():
        message = "LibreOffice (soffice) is not installed"
        if os.environ.get("METODSET_REQUIRE_ALL") == "1":
            pytest.fail(message + " (METODSET_REQUIRE_ALL=1: conversion tests must run)")
        pytest.skip(message)


def make_presentation() -> bytes:
    deck = pptx.Presentation()
    for title, text in [
        ("Круговорот воды в природе", "Испарение, конденсация, осадки"),
        ("Проверь себя", "Почему идёт дождь?"),
    ]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = text
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def publish_presentation(author: User, capture: Any, **fields: Any) -> Material:
    material = draft(author, **fields)
    with capture(execute=True):
        services.attach_upload(
            actor=author,
            material=material,
            upload=SimpleUploadedFile("круговорот воды.pptx", make_presentation()),
        )
    with capture(execute=True):
        return services.publish_material(actor=author, material=material)


@pytest.mark.usefixtures("office")
def test_a_presentation_is_read_on_the_page_as_pdf(
    teacher: User, colleague: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    material = publish_presentation(
        teacher, django_capture_on_commit_callbacks, visibility="network"
    )
    presentation = MaterialFile.objects.get(material=material)
    assert presentation.conversion == MaterialFile.Conversion.DONE
    # The slides' text is found too, read from the PPTX itself.
    assert "Круговорот воды" in presentation.extracted_text

    client = login(colleague)
    page = client.get(material.get_absolute_url()).content.decode()
    viewer = f"/materials/{material.pk}/files/{presentation.pk}/?view=pdf"
    assert f'src="{viewer}"' in page
    response = client.get(viewer)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    material.refresh_from_db()
    assert material.downloads_count == 0, "viewing is not downloading"
    # Network-only: a guest gets neither the page nor the PDF.
    assert Client().get(viewer).status_code in {302, 403, 404}


def test_without_libreoffice_the_page_offers_the_download(
    teacher: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OFFICE_BINARY = "/nonexistent/soffice"
    material = publish_presentation(teacher, django_capture_on_commit_callbacks)
    presentation = MaterialFile.objects.get(material=material)
    assert presentation.conversion == MaterialFile.Conversion.UNAVAILABLE
    assert not presentation.viewer_pdf
    page = Client().get(material.get_absolute_url()).content.decode()
    assert "нужен LibreOffice" in page
    assert f"/files/{presentation.pk}/?view=pdf" not in page
    download = Client().get(f"/materials/{material.pk}/files/{presentation.pk}/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert (
        Client().get(f"/materials/{material.pk}/files/{presentation.pk}/?view=pdf").status_code
        == 404
    )


@pytest.mark.usefixtures("office")
def test_files_waiting_for_libreoffice_are_converted_once_it_is_installed(
    teacher: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OFFICE_BINARY = "/nonexistent/soffice"
    material = publish_presentation(teacher, django_capture_on_commit_callbacks)
    settings.OFFICE_BINARY = ""
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("convert_files", stdout=output)
    assert "Поставлено в очередь файлов: 1." in output.getvalue()
    presentation = MaterialFile.objects.get(material=material)
    assert presentation.conversion == MaterialFile.Conversion.DONE
    with presentation.viewer_pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@pytest.mark.usefixtures("office")
def test_a_broken_presentation_is_reported_not_fatal() -> None:
    with pytest.raises(conversion.ConversionFailedError):
        conversion.to_pdf(io.BytesIO(b"PK\x03\x04 not really a presentation"), "pptx")


def test_other_kinds_are_not_converted(
    teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    material = draft(teacher)
    document = services.add_file(
        actor=teacher,
        material=material,
        stored_name="materials/test/plan.pdf",
        original_name="план.pdf",
        kind="pdf",
        mime_type="application/pdf",
        size=10,
    )
    assert document.conversion == MaterialFile.Conversion.NOT_NEEDED
    with pytest.raises(ValueError, match="not converted"):
        conversion.to_pdf(io.BytesIO(b"%PDF-1.4"), "pdf")
