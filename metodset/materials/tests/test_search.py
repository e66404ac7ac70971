"""The library in the search engine: published materials are found by inflected words from
inside their files, within the rights of the reader; drafts never."""

import io
from typing import Any

import docx
import pytest
import time_machine
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
    # What `make run` does after an upgrade to a new index schema: fill an empty index.
    output = io.StringIO()
    call_command("reindex", "--if-empty", stdout=output)
    assert "Проиндексировано материалов: 1" in output.getvalue()
    call_command("reindex", "--if-empty", stdout=output)
    assert output.getvalue().count("Проиндексировано") == 1, "a filled index is left alone"
    call_command("reindex", stdout=io.StringIO())
    page = Client().get("/materials/?q=дроби").content.decode()
    assert "Найдено: 1" in page
    assert "5 класс" in page
    assert "Конспект урока" in page


def test_school_and_year_facets_narrow_the_search(
    teacher: User, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    ours = publish_docx(
        teacher, "Решаем задачи на дроби.", django_capture_on_commit_callbacks, title="Дроби"
    )
    with time_machine.travel("2025-03-10 12:00 +03:00"):
        theirs = publish_docx(
            colleague,
            "Дроби в задачах.",
            django_capture_on_commit_callbacks,
            title="Дроби и задачи",
        )
    page = Client().get("/materials/?q=дроби").content.decode()
    assert "Найдено: 2" in page
    school_link = (
        f'href="?q=%D0%B4%D1%80%D0%BE%D0%B1%D0%B8&amp;organization={ours.organization_id}"'
    )
    assert school_link in page
    assert f"organization={theirs.organization_id}" in page
    assert "2024/2025" in page
    assert "2026/2027" in page

    narrowed = Client().get(f"/materials/?q=дроби&organization={ours.organization_id}")
    text = narrowed.content.decode()
    assert "Найдено: 1" in text
    assert ours.get_absolute_url() in text
    assert theirs.get_absolute_url() not in text
    # The chosen value links back to the search without it; the form keeps the filter.
    assert 'aria-current="true"' in text
    assert f'name="organization" value="{ours.organization_id}"' in text

    by_year = Client().get("/materials/?q=дроби&year=2024").content.decode()
    assert "Найдено: 1" in by_year
    assert theirs.get_absolute_url() in by_year
    # A school's whole catalogue, without a query, comes from the same engine.
    school = Client().get(f"/materials/?organization={theirs.organization_id}").content.decode()
    assert theirs.get_absolute_url() in school
    assert ours.get_absolute_url() not in school


LIBRARY = [
    ("Сложение дробей с одинаковыми знаменателями", "Урок открытия нового знания: дроби."),
    ("Дроби в задачах на движение", "Решаем текстовые задачи с дробями."),
    ("Технологическая карта урока «Круговорот воды»", "Наблюдения за испарением воды."),
    ("Урок литературы: «Капитанская дочка»", "Анализ эпизода повести Пушкина."),
    ("Сценарий праздника «Прощай, азбука»", "Праздник для первоклассников и родителей."),
    ("Лабораторная работа «Прорастание семян»", "Наблюдения за семенами фасоли на уроке."),
]
EXPECTED = {
    # Inflected forms, all words first then some, a phrase, a minus-word, a typo.
    "дробями": [LIBRARY[1][0], LIBRARY[0][0]],
    "наблюдение урок": [LIBRARY[2][0], LIBRARY[5][0], LIBRARY[3][0], LIBRARY[0][0]],
    '"капитанская дочка"': [LIBRARY[3][0]],
    "дроби -движение": [LIBRARY[0][0]],
    "как провести праздник": [LIBRARY[4][0]],
}


def test_the_same_answers_on_either_database(
    teacher: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Runs in the SQLite and in the PostgreSQL pass with the same expectations: the engine,
    not the database, ranks."""
    titles_of = {
        publish_docx(
            teacher, text, django_capture_on_commit_callbacks, title=title, annotation=text
        ).pk: title
        for title, text in LIBRARY
    }
    from metodset.search import engine

    viewer = engine.Visibility.guest()
    for query, titles in EXPECTED.items():
        result = engine.search(query, viewer=viewer)
        found = [titles_of[hit.id] for hit in result.hits]
        assert found == titles, f"{query}: {found}"


def test_a_material_page_lists_similar_materials_the_reader_may_see(
    teacher: User, colleague: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    photosynthesis = (
        "Фотосинтез в листьях растений: хлорофилл, хлоропласты, световая фаза, "
        "темновая фаза, углекислый газ и кислород. Опыт с крахмалом в листьях."
    )
    page_of = publish_docx(
        teacher, photosynthesis, django_capture_on_commit_callbacks, title="Фотосинтез"
    )
    alike = publish_docx(
        colleague,
        photosynthesis.replace("Опыт", "Лабораторный опыт"),
        django_capture_on_commit_callbacks,
        title="Фотосинтез у растений: лабораторная работа",
    )
    network_alike = publish_docx(
        colleague,
        photosynthesis,
        django_capture_on_commit_callbacks,
        title="Хлоропласты и хлорофилл",
        visibility="network",
    )
    unrelated = publish_docx(
        colleague,
        "Сложение и вычитание обыкновенных дробей с разными знаменателями.",
        django_capture_on_commit_callbacks,
        title="Дроби",
    )
    # The page asks for the block after it has loaded (HTMX); the block itself:
    url = f"/materials/{page_of.pk}/similar/"
    assert f'hx-get="{url}"' in Client().get(page_of.get_absolute_url()).content.decode()
    similar = Client().get(url).content.decode()
    assert "Похожие материалы" in similar
    assert alike.get_absolute_url() in similar
    assert network_alike.get_absolute_url() not in similar
    assert unrelated.get_absolute_url() not in similar
    assert f'href="{page_of.get_absolute_url()}"' not in similar
    assert network_alike.get_absolute_url() in login(colleague).get(url).content.decode()
    # A draft has no similar block, and someone else's draft is not found at all.
    draft_page = draft(teacher, title="Черновик про фотосинтез")
    assert login(colleague).get(f"/materials/{draft_page.pk}/similar/").status_code == 404
