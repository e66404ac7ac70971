"""No N+1 queries: each page of the library costs the same number of queries with one item
as with fifty (materials, files, comments, co-authors, ratings, reports, bookmarks)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.materials import indexing, services
from metodset.materials.models import Material
from metodset.materials.tests.factories import published
from metodset.search import engine

pytestmark = pytest.mark.django_db

MANY = 50


def queries(client: Client, url: str) -> int:
    cache.clear()  # the catalogue's kept pages (pagecache) would hide the queries
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grows_not(pages: list[tuple[Client, str]], add: Callable[[int], None]) -> None:
    """Each page costs as many queries with one item as with MANY."""
    add(1)
    few = [queries(client, url) for client, url in pages]
    add(MANY - 1)
    many = [queries(client, url) for client, url in pages]
    for (_client, url), before, after in zip(pages, few, many, strict=True):
        assert before == after, f"{url}: {before} queries with one item, {after} with {MANY}"


def signed_in(user: User) -> Client:
    """A client of its own (the `login` fixture re-uses one client for everybody)."""
    client = Client()
    client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def readers(world: Any, count: int, start: int) -> list[User]:
    return [
        person(world.other_school, Role.TEACHER, email=f"reader{start + n}@school2.test")
        for n in range(count)
    ]


def test_catalogue_search_and_my_materials(teacher: User, world: Any) -> None:
    made: list[Material] = []

    def add(count: int) -> None:
        coauthor = person(world.other_school, Role.TEACHER, email=f"co{len(made)}@school2.test")
        for _ in range(count):
            made.append(published(teacher, title=f"Дроби, урок {len(made)}", coauthors=[coauthor]))
        engine.index_many(indexing.all_documents(), rebuild=True)

    guest, author = Client(), signed_in(teacher)
    grows_not(
        [
            (guest, "/materials/"),
            (guest, "/materials/?q=дроби"),
            (guest, "/materials/?grade=5"),
            (author, "/materials/mine/"),
            (author, f"/people/{teacher.pk}/"),
        ],
        add,
    )
    assert Material.objects.count() == MANY


def test_material_page_with_many_files_comments_and_ratings(teacher: User, world: Any) -> None:
    material = published(teacher)
    people: list[User] = []

    def add(count: int) -> None:
        for reader in readers(world, count, len(people)):
            people.append(reader)
            parent = services.add_comment(actor=reader, material=material, text="Спасибо!")
            services.add_comment(actor=teacher, material=material, text="Рада!", parent=parent)
            services.rate_material(actor=reader, material=material, value=5)
            services.add_file(
                actor=teacher,
                material=material,
                stored_name=f"materials/test/{len(people)}.pdf",
                original_name=f"лист {len(people)}.pdf",
                kind="pdf",
                mime_type="application/pdf",
                size=100,
            )
            services.bookmark_material(actor=reader, material=material)

    url = material.get_absolute_url()
    grows_not([(signed_in(teacher), url), (Client(), url)], add)
    # A reader (can rate, bookmark, report) pays the same as another.
    assert queries(signed_in(people[0]), url) == queries(signed_in(people[-1]), url)


def test_moderation_queue_and_bookmarks(teacher: User, methodist: User, world: Any) -> None:
    material = published(teacher)
    people: list[User] = []

    def add(count: int) -> None:
        for reader in readers(world, count, len(people)):
            people.append(reader)
            services.report_material(actor=reader, material=material, reason="Копия чужой работы")
            services.bookmark_material(
                actor=teacher,
                material=published(person(world.school, email=f"a{len(people)}@school1.test")),
            )

    grows_not(
        [
            (signed_in(methodist), "/materials/moderation/"),
            (signed_in(teacher), "/materials/bookmarks/"),
        ],
        add,
    )


def test_reindexing_reads_the_library_in_chunks(teacher: User, world: Any) -> None:
    coauthor = person(world.other_school, Role.TEACHER, email="co@school2.test")
    for index in range(MANY):
        published(teacher, title=f"Материал {index}", coauthors=[coauthor])
    with CaptureQueriesContext(connection) as captured:
        documents = list(indexing.all_documents())
    assert len(documents) == MANY
    assert all(coauthor.pk in doc.author_ids for doc in documents)
    assert len(captured) <= 4, "materials, their files and co-authors: one query each"
