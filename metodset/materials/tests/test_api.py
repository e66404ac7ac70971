"""The library's REST API: search with facets, detail, create → upload → publish, comment,
rate; the same rights as the pages."""

import io
import json
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from metodset.accounts.models import User
from metodset.materials.models import Material
from metodset.materials.tests.factories import published

pytestmark = pytest.mark.django_db


def _docx(text: str) -> SimpleUploadedFile:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("урок.docx", buffer.getvalue())


def test_create_upload_publish_and_find(
    teacher: User, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(teacher)
    body = {
        "title": "Правописание приставок",
        "annotation": "Урок русского языка в 6 классе.",
        "type": "lesson-plan",
        "level": "ooo",
        "grades": [6],
    }
    created = client.post("/api/v1/materials", json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    material_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        upload = client.post(
            f"/api/v1/materials/{material_id}/files",
            {"file": _docx("Приставки пре- и при- в словах русского языка.")},
        )
    assert upload.status_code == 201
    assert upload.json()["kind"] == "docx"
    refused = client.post(
        f"/api/v1/materials/{material_id}/files",
        {"file": SimpleUploadedFile("x.docx", b"MZ" + b"\0" * 100)},
    )
    assert refused.status_code == 400
    assert "x.docx" in refused.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(f"/api/v1/materials/{material_id}/publish").json()["status"] == "published"
        )
    found = Client().get("/api/v1/materials", {"q": "приставками"}).json()
    assert found["total"] == 1
    assert found["items"][0]["material"]["id"] == material_id
    assert "<mark>" in found["items"][0]["snippet_html"]
    assert found["facets"]["grade"] == [{"value": 6, "label": "6 класс", "count": 1}]
    school = teacher.memberships.get().organization_id
    year = found["facets"]["year"][0]["value"]
    for params, total in [
        ({"organization": school}, 1),
        ({"organization": school + 1000}, 0),
        ({"year": year}, 1),
        ({"year": year - 1}, 0),
    ]:
        narrowed = Client().get("/api/v1/materials", {"q": "приставками", **params}).json()
        assert narrowed["total"] == total, params


def test_rights_are_the_pages_rights(
    teacher: User, colleague: User, student: User, login: Any
) -> None:
    network = published(teacher, visibility="network")
    assert Client().get(f"/api/v1/materials/{network.pk}").status_code == 404
    assert login(colleague).get(f"/api/v1/materials/{network.pk}").status_code == 200
    body = {"title": "x", "annotation": "y", "type": "lesson-plan", "level": "ooo"}
    assert (
        Client()
        .post("/api/v1/materials", json.dumps(body), content_type="application/json")
        .status_code
        == 401
    )
    student_client = Client()
    student_client.force_login(student, backend="metodset.accounts.backends.EmailBackend")
    assert (
        student_client.post(
            "/api/v1/materials", json.dumps(body), content_type="application/json"
        ).status_code
        == 403
    )
    assert Material.objects.count() == 1


def test_comment_and_rate(teacher: User, colleague: User, login: Any) -> None:
    material = published(teacher)
    client = login(colleague)
    comment = client.post(
        f"/api/v1/materials/{material.pk}/comments",
        json.dumps({"text": "Спасибо!"}),
        content_type="application/json",
    )
    assert comment.status_code == 201
    rated = client.put(
        f"/api/v1/materials/{material.pk}/rating",
        json.dumps({"value": 4}),
        content_type="application/json",
    )
    assert rated.json()["rating"] == 4.0
    own = Client()
    own.force_login(teacher, backend="metodset.accounts.backends.EmailBackend")
    assert (
        own.put(
            f"/api/v1/materials/{material.pk}/rating",
            json.dumps({"value": 5}),
            content_type="application/json",
        ).status_code
        == 400
    )
