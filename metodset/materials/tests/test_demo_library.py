"""The demo library: built through the services, found by the search engine."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from metodset.materials.models import Material, MaterialFile

pytestmark = pytest.mark.django_db


def test_demo_library_is_published_readable_and_searchable() -> None:
    call_command(
        "seed_demo",
        "--schools",
        "4",
        "--teachers-per-school",
        "6",
        "--students-per-school",
        "2",
        "--districts",
        "1",
        "--quiet",
        stdout=io.StringIO(),
    )
    call_command("seed_demo_library", stdout=io.StringIO())
    materials = Material.objects.all()
    assert materials.count() == 12
    assert set(materials.values_list("status", flat=True)) == {"published"}
    assert not MaterialFile.objects.exclude(extraction="done").exists()
    assert materials.filter(author__email="teacher@demo.metodset.ru").count() == 1
    fractions = Material.objects.get(title="Сложение и вычитание обыкновенных дробей")
    page = Client().get("/materials/?q=дроби").content.decode()
    assert fractions.get_absolute_url() in page
    call_command("seed_demo_library", "--if-empty", stdout=io.StringIO())
    assert Material.objects.count() == 12
