"""The library in the search engine: published materials are found by inflected words from
inside their files, within the rights of the reader; drafts never."""

import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from metodset.accounts.models import User
from metodset.materials import services
from metodset.materials.tests.factories import draft

pytestmark = pytest.mark.django_db


def publish_docx(author: User, text: str, capture: Any, **fields: Any) -> Any:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    with capture(execute=True):
        material = draft(author, **fields)
        services.attach_upload(
            actor=author,
            material=material,
            upload=SimpleUploadedFile("урок.docx", buffer.getvalue()),
        )
    with capture(execute=True):
        return services.publish_material(actor=author, material=material)


def test_found_by_an_inflected_word_inside_the_file(
    teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    material = publish_docx(
        teacher,
        "Ученики проводят наблюдения за прорастанием семян фасоли.",
        django_capture_on_commit_callbacks,
        title="Лабораторная работа по биологии",
    )
    page = Client().get("/materials/?q=наблюдение").content.decode()
    assert material.get_absolute_url() in page
    assert "<mark>" in page
    assert "Найдено: 1" in page


def test_network_materials_and_drafts_stay_out_of_guests_results(
    teacher: User, colleague: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    network = publish_docx(
        teacher,
        "Секреты фотосинтеза для седьмого класса.",
        django_capture_on_commit_callbacks,
        title="Фотосинтез",
        visibility="network",
    )
    draft(teacher, title="Фотосинтез: черновик")
    assert (
        network.get_absolute_url() not in Client().get("/materials/?q=фотосинтез").content.decode()
    )
    member_page = login(colleague).get("/materials/?q=фотосинтез").content.decode()
    assert network.get_absolute_url() in member_page
    assert "черновик" not in member_page


def test_facets_and_the_reindex_command(
    teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    publish_docx(
        teacher,
        "Контрольная работа по дробям.",
        django_capture_on_commit_callbacks,
        title="Дроби: контрольная",
        grades=[5, 6],
    )
    from metodset.search import engine

    engine.clear()
    assert "Найдено: 0" in Client().get("/materials/?q=дроби").content.decode()
    call_command("reindex", stdout=io.StringIO())
    page = Client().get("/materials/?q=дроби").content.decode()
    assert "Найдено: 1" in page
    assert "5 класс" in page
    assert "Конспект урока" in page
