"""The library's journey: a teacher publishes a material with a DOCX and a PDF → a colleague
from another school reads it online, comments and rates → the author sees the notification →
a near copy published by someone else is flagged to the moderators."""

import io
from pathlib import Path
from typing import Any

import docx
import pytest

from metodset.accounts.models import User
from metodset.materials.models import Material, Report
from metodset.materials.tests.test_moderation import LESSON  # mentions «знаменателями»
from metodset.materials.tests.test_views import MINIMAL_PDF
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def write_docx(folder: Path, name: str, text: str) -> Path:
    document = docx.Document()
    document.add_heading("Сложение обыкновенных дробей", level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def publish(page: Any, title: str, files: list[Path]) -> None:
    page.goto("/materials/new/")
    page.locator("#id_title").fill(title)
    page.locator("#id_annotation").fill("Урок открытия новых знаний для 5 класса.")
    page.locator("#id_type").select_option(label="Конспект урока")
    page.locator("#id_level").select_option("ooo")
    page.get_by_label("5", exact=True).check()
    page.locator("#id_attachments").set_input_files(files)
    page.get_by_role("button", name="Опубликовать", exact=True).click()
    page.get_by_text("Материал опубликован.").wait_for()


def test_publish_read_discuss_rate_and_flag_a_copy(
    page: Any,
    new_page: Any,
    site: Mailbox,
    teacher: User,
    colleague: User,
    outsider: User,
    methodist: User,
    password: str,
    tmp_path: Path,
) -> None:
    log_in(page, teacher.email, password)
    pdf = tmp_path / "задания.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    publish(
        page,
        "Сложение дробей: конспект и задания",
        [write_docx(tmp_path, "конспект.docx", LESSON), pdf],
    )
    material = Material.objects.get()
    assert material.files.count() == 2

    reader = new_page()
    log_in(reader, colleague.email, password)
    # Found by an inflected word that stands only inside the DOCX («знаменателями» there).
    for _attempt in range(40):
        reader.goto("/materials/?q=знаменатель")
        if reader.get_by_role("link", name="Сложение дробей: конспект и задания").count():
            break
        reader.wait_for_timeout(500)
    reader.get_by_role("link", name="Сложение дробей: конспект и задания").click()
    reader.locator(".document-view").get_by_text("Цель урока").wait_for(
        timeout=20_000
    )  # the worker rendered it
    assert reader.locator("iframe.pdf-view").count() == 1
    reader.get_by_label("Ваш комментарий, совет или вопрос автору").fill(
        "Хорошая структура урока, **спасибо**!"
    )
    # Keyboard activation: the PDF viewer in the frame above may take the first mouse click
    # while it loads.
    with reader.expect_navigation():
        reader.get_by_role("button", name="Отправить", exact=True).press("Enter")
    reader.locator(".comment-text strong").get_by_text("спасибо").wait_for()
    reader.get_by_role("button", name="Оценка 5 из 5").press("Enter")
    reader.get_by_text("Спасибо, оценка сохранена.").wait_for()

    page.goto("/")
    assert page.get_by_test_id("unread-count").inner_text().startswith("2")
    page.goto("/notifications/")
    page.get_by_text("комментарий к «Сложение дробей: конспект и задания»").wait_for()

    copier = new_page()
    log_in(copier, outsider.email, password)
    publish(
        copier,
        "Дроби — сложение",
        [write_docx(tmp_path, "мой урок.docx", LESSON.replace("в парах", "в группах"))],
    )
    copy = Material.objects.exclude(pk=material.pk).get()
    moderator = new_page()
    log_in(moderator, methodist.email, password)
    for _attempt in range(40):
        if Report.objects.filter(material=copy, kind="near_copy").exists():
            break
        moderator.wait_for_timeout(500)
    assert Report.objects.get(material=copy, kind="near_copy").original == material
