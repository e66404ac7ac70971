"""The library's pages: publish with files, view, download, edit, moderate."""

import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metodset.accounts.models import User
from metodset.materials import services
from metodset.materials.models import Material, MaterialFile, MaterialType
from metodset.materials.tests.factories import published

pytestmark = pytest.mark.django_db

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n160\n%%EOF\n"
)


def docx_upload(name: str = "конспект.docx") -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph("Конспект урока математики: сложение обыкновенных дробей.")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def form_data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Сложение дробей",
        "annotation": "Урок для 5 класса с практической работой.",
        "type": MaterialType.objects.get(code="lesson-plan").pk,
        "level": "ooo",
        "grades": ["5"],
        "licence": "cc-by",
        "visibility": "public",
    }
    data.update(extra)
    return data


def test_teacher_publishes_with_a_docx_and_a_pdf(teacher: User, login: Any) -> None:
    client = login(teacher)
    pdf = SimpleUploadedFile(
        "раздаточный материал.pdf", MINIMAL_PDF, content_type="application/pdf"
    )
    response = client.post(
        "/materials/new/", {**form_data(), "attachments": [docx_upload(), pdf], "publish": "1"}
    )
    material = Material.objects.get()
    assert response["Location"] == f"/materials/{material.pk}/"
    assert material.status == "published"
    assert "Материал опубликован." in login(teacher).get(response["Location"]).content.decode()
    assert sorted(MaterialFile.objects.values_list("kind", flat=True)) == ["docx", "pdf"]
    page = Client().get(f"/materials/{material.pk}/").content.decode()
    assert "конспект.docx" in page
    assert 'class="pdf-view' in page


def test_a_fake_file_is_refused_and_nothing_is_kept(teacher: User, login: Any) -> None:
    client = login(teacher)
    fake = SimpleUploadedFile(
        "план.docx", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/octet-stream"
    )
    page = client.post(
        "/materials/new/", {**form_data(title="Мой план"), "attachments": [docx_upload(), fake]}
    ).content.decode()
    assert "план.docx" in page
    assert 'value="Мой план"' in page
    assert Material.objects.count() == 0
    assert MaterialFile.objects.count() == 0


def test_students_cannot_publish(student: User, login: Any) -> None:
    client = login(student)
    assert client.get("/materials/new/").status_code == 403
    assert client.post("/materials/new/", form_data()).status_code == 403
    assert Material.objects.count() == 0


def test_network_materials_are_hidden_from_guests(
    teacher: User, colleague: User, login: Any
) -> None:
    material = published(teacher, visibility="network")
    assert Client().get(f"/materials/{material.pk}/").status_code == 404
    assert login(colleague).get(f"/materials/{material.pk}/").status_code == 200
    assert material.title not in Client().get("/materials/").content.decode()


def test_download_is_counted_and_viewing_is_not(
    teacher: User, tmp_path: Any, settings: Any
) -> None:
    from django.core.files.storage import default_storage

    material = published(teacher)
    stored = MaterialFile.objects.get(material=material)
    default_storage.save(stored.file.name, io.BytesIO(b"%PDF-1.4 test"))
    client = Client()
    response = client.get(f"/materials/{material.pk}/files/{stored.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    material.refresh_from_db()
    assert material.downloads_count == 1


def test_edit_and_moderation_through_the_pages(
    teacher: User, colleague: User, methodist: User, login: Any
) -> None:
    material = published(teacher)
    other = login(colleague)
    assert other.get(f"/materials/{material.pk}/edit/").status_code == 403
    assert other.post(f"/materials/{material.pk}/hide/", {"reason": "x"}).status_code == 403
    client = Client()
    client.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    client.post(
        f"/materials/{material.pk}/edit/",
        {**form_data(title="Новая редакция"), "comment": "исправила опечатки"},
    )
    material.refresh_from_db()
    assert (material.title, material.version) == ("Новая редакция", 2)
    moderator = Client()
    moderator.force_login(methodist, backend="metodset.accounts.backends.EmailBackend")
    moderator.post(
        f"/materials/{material.pk}/hide/", {"reason": "Чужой материал без ссылки на автора"}
    )
    material.refresh_from_db()
    assert material.status == "hidden"
    assert Client().get(f"/materials/{material.pk}/").status_code == 404
    assert "Чужой материал без ссылки на автора" in client.get("/materials/mine/").content.decode()
    assert client.get(f"/materials/{material.pk}/hide/").status_code == 405


def test_catalogue_query_count_does_not_grow(teacher: User, django_assert_num_queries: Any) -> None:
    for index in range(30):
        published(teacher, title=f"Материал {index}")
    with django_assert_num_queries(4):
        assert Client().get("/materials/").status_code == 200


def test_the_text_of_an_uploaded_docx_is_extracted_in_the_background(
    teacher: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/materials/new/", {**form_data(), "attachments": [docx_upload()]})
    stored = MaterialFile.objects.get()
    assert stored.extraction == "done"
    assert "сложение обыкновенных дробей" in stored.extracted_text
    from metodset.materials import services

    assert services.extract_file_text(stored.pk) == "skipped"


def test_profile_and_organization_pages_list_materials(teacher: User, world: Any) -> None:
    public = published(teacher, title="Открытый урок по дробям")
    network = published(teacher, title="Только для сети", visibility="network")
    guest = Client()
    person_page = guest.get(f"/people/{teacher.pk}/").content.decode()
    assert public.title in person_page
    assert network.title not in person_page
    org_page = guest.get(f"/organizations/{world.school.pk}/").content.decode()
    assert "Материалы педагогов" in org_page
    assert public.title in org_page


def test_a_docx_reads_on_the_page_sanitized(
    teacher: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    document = docx.Document()
    document.add_heading("План урока", level=1)
    document.add_paragraph("<script>alert(1)</script> Сложение дробей")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Этап"
    table.rows[0].cells[1].text = "Время"
    buffer = io.BytesIO()
    document.save(buffer)
    client = login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/materials/new/",
            {
                **form_data(),
                "attachments": [SimpleUploadedFile("план.docx", buffer.getvalue())],
                "publish": "1",
            },
        )
    material = Material.objects.get()
    page = Client().get(f"/materials/{material.pk}/").content.decode()
    assert '<div class="document-view' in page
    assert "<h1>План урока</h1>" in page
    assert "<td>" in page
    assert "Этап" in page
    assert "<script>alert(1)</script>" not in page


def png_upload(name: str, colour: str) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_pictures_form_a_gallery_and_every_file_shows_size_and_type(
    teacher: User, login: Any
) -> None:
    client = login(teacher)
    client.post(
        "/materials/new/",
        {
            **form_data(),
            "attachments": [
                docx_upload(),
                png_upload("опыт 1.png", "red"),
                png_upload("опыт 2.png", "blue"),
            ],
            "publish": "1",
        },
    )
    material = Material.objects.get()
    page = Client().get(material.get_absolute_url()).content.decode()
    gallery = page[page.index('class="row g-3 mb-3 image-gallery"') :]
    for image in MaterialFile.objects.filter(kind="png"):
        assert f'src="/materials/{material.pk}/files/{image.pk}/?view=1"' in gallery
        assert f"{image.original_name} <span" in gallery
    assert "(PNG," in page
    assert "(DOCX," in page
    response = Client().get(f"/materials/{material.pk}/files/{image.pk}/?view=1")
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    # The API says where each file is read without downloading.
    files = {f["kind"]: f for f in Client().get(f"/api/v1/materials/{material.pk}").json()["files"]}
    assert files["png"]["view_url"].endswith("?view=1")
    assert files["docx"]["view_url"] == ""


def test_the_catalogue_page_is_kept_until_the_library_changes(
    teacher: User, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    first = published(teacher, title="Первый материал")
    guest = Client()
    assert "Первый материал" in guest.get("/materials/").content.decode()
    with django_assert_num_queries(0):  # a guest gets the whole page kept
        assert guest.get("/materials/")["X-Page-Cache"] == "hit"
    member = Client()
    member.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    member.get("/materials/")
    with CaptureQueriesContext(connection) as captured:
        assert "X-Page-Cache" not in member.get("/materials/")
    # The person's own header is made afresh; the cards come from the kept fragment.
    assert not [q for q in captured if '"materials_material"' in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        published(teacher, title="Второй материал")
    assert "Второй материал" in guest.get("/materials/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_material(actor=teacher, material=first)
    page = guest.get("/materials/").content.decode()
    assert "Первый материал" not in page
    assert "Второй материал" in page


def test_guests_get_kept_pages_that_follow_comments_and_never_a_persons_page(
    teacher: User, colleague: User, django_capture_on_commit_callbacks: Any
) -> None:
    material = published(teacher, title="Урок о сказках")
    url = material.get_absolute_url()
    guest = Client()
    assert guest.get(url)["X-Page-Cache"] == "miss"
    assert guest.get(url)["X-Page-Cache"] == "hit"
    assert services.views_of([material])[material.pk] == 2, "a kept page still counts"
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(actor=colleague, material=material, text="Отличные сказки!")
    page = guest.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Отличные сказки!" in page.content.decode()
    # A guest's page has no CSRF token and sets no cookie (nothing personal to keep) ...
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert "X-CSRFToken" not in page.content.decode()
    assert not page.cookies
    # ... and a signed-in person never gets a kept page.
    reader = Client()
    reader.force_login(colleague, backend="metodset.accounts.backends.EmailBackend")
    mine = reader.get(url)
    assert "X-Page-Cache" not in mine
    assert "csrfmiddlewaretoken" in mine.content.decode()


def test_the_display_settings_switch_needs_no_token_from_a_guest_only(teacher: User) -> None:
    guest = Client(enforce_csrf_checks=True)
    response = guest.post("/accessibility/", {"action": "on", "next": "/materials/"})
    assert response.status_code == 302
    assert "Версия для слабовидящих" in Client().get("/materials/").content.decode()
    # The kept page depends on the display settings: this guest sees the version on.
    assert "Обычная версия" in guest.get("/materials/").content.decode()
    member = Client(enforce_csrf_checks=True)
    member.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    assert member.post("/accessibility/", {"action": "on"}).status_code == 403


def test_views_are_written_in_batches_and_shown_exactly(teacher: User, login: Any) -> None:
    material = published(teacher, title="Популярный материал")
    for _ in range(services.VIEWS_BATCH + 3):
        services.count_view(material.pk)
    material.refresh_from_db()
    assert material.views_count == services.VIEWS_BATCH
    assert services.views_of([material])[material.pk] == services.VIEWS_BATCH + 3
    page = login(teacher).get("/materials/mine/").content.decode()
    assert f'<td class="text-end">{services.VIEWS_BATCH + 3}</td>' in page


def test_a_kept_page_keeps_its_security_headers_and_the_host_check(teacher: User) -> None:
    published(teacher, title="Материал для гостей")
    guest = Client()
    made = guest.get("/materials/")
    kept = guest.get("/materials/")
    assert kept["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type"):
        assert kept[header] == made[header]
    assert kept.content == made.content
    assert guest.get("/materials/", HTTP_HOST="evil.example").status_code == 400
