"""Personas named by role, shared by every app's tests.

The district «Тестовый район» has an education department, school №1 and school №2; a
second district holds the outsider. Each persona is an active account with one role.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client

from metodset.accounts.models import District, Organization, ParentLink, Role, User
from metodset.accounts.tests.factories import (
    TEST_PASSWORD,
    DistrictFactory,
    EducationDepartmentFactory,
    OrganizationFactory,
    person,
)
from metodset.core import guestcache, memory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> None:
    """Fast password hashing and a private media folder for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True
    cache.clear()
    # A library generation remembered from the previous test would name kept pages by a
    # value the emptied cache no longer has: a page kept in one second missed the next.
    guestcache.forget_parts()
    # Rows kept per process by id (question versions): a rolled-back test's ids come again.
    memory.forget_all()


@dataclass
class World:
    district: District
    department: Organization
    school: Organization
    other_school: Organization
    other_district: District
    far_school: Organization


@pytest.fixture
def world(db: Any) -> World:
    district = DistrictFactory(name="Тестовый район", slug="test")
    other_district = DistrictFactory(name="Соседний район", slug="other")
    return World(
        district=district,
        department=EducationDepartmentFactory(
            district=district, short_name="Управление образования"
        ),
        school=OrganizationFactory(district=district, short_name="МБОУ СОШ №1"),
        other_school=OrganizationFactory(district=district, short_name="МБОУ Гимназия №2"),
        other_district=other_district,
        far_school=OrganizationFactory(district=other_district, short_name="МАОУ СОШ №40"),
    )


@pytest.fixture
def teacher(world: World) -> User:
    return person(
        world.school,
        Role.TEACHER,
        email="teacher@school1.test",
        last_name="Учителева",
        first_name="Анна",
        patronymic="Павловна",
    )


@pytest.fixture
def colleague(world: World) -> User:
    """A teacher of another school of the same district."""
    return person(
        world.other_school,
        Role.TEACHER,
        email="colleague@school2.test",
        last_name="Коллегин",
        first_name="Пётр",
    )


@pytest.fixture
def school_admin(world: World) -> User:
    return person(
        world.school,
        Role.SCHOOL_ADMIN,
        email="head@school1.test",
        last_name="Директорова",
        first_name="Ольга",
    )


@pytest.fixture
def methodist(world: World) -> User:
    return person(
        world.department,
        Role.DISTRICT_METHODIST,
        email="methodist@uo.test",
        last_name="Методистова",
        first_name="Вера",
    )


@pytest.fixture
def expert(world: World) -> User:
    return person(
        world.department,
        Role.EXPERT,
        email="expert@uo.test",
        last_name="Экспертов",
        first_name="Игорь",
    )


@pytest.fixture
def student(world: World) -> User:
    return person(
        world.school,
        Role.STUDENT,
        email="student@school1.test",
        last_name="Ученикова",
        first_name="Маша",
        student_class="7Б",
    )


@pytest.fixture
def parent(world: World, student: User) -> User:
    user = person(
        world.school,
        Role.PARENT,
        email="parent@mail.test",
        last_name="Ученикова",
        first_name="Татьяна",
    )
    ParentLink.objects.create(parent=user, child=student)
    return user


@pytest.fixture
def guest() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def outsider(world: World) -> User:
    """A teacher of another district: sees public pages only."""
    return person(
        world.far_school,
        Role.TEACHER,
        email="outsider@far.test",
        last_name="Чужаков",
        first_name="Олег",
    )


PERSONAS = [
    "teacher",
    "colleague",
    "school_admin",
    "methodist",
    "expert",
    "student",
    "parent",
    "guest",
    "outsider",
]


@pytest.fixture
def login(client: Client) -> Any:
    """login(user) signs the test client in as that persona (guest stays anonymous)."""

    def _login(user: Any) -> Client:
        if getattr(user, "is_authenticated", False):
            client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
        return client

    return _login


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD
