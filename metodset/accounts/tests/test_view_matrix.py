"""Every role against every page of people and organizations: allowed and forbidden."""

from typing import Any

import pytest
from django.test import Client

from metodset.conftest import PERSONAS

pytestmark = pytest.mark.django_db

ALL = set(PERSONAS)
SIGNED_IN = ALL - {"guest"}
MANAGERS = {"methodist", "school_admin"}

# (name, url template, personas that get 200; the rest get the status in `denied`)
PAGES: list[tuple[str, str, set[str], int]] = [
    ("home", "/", ALL, 0),
    ("organizations", "/organizations/", ALL, 0),
    ("organization", "/organizations/{school}/", ALL, 0),
    ("teachers", "/teachers/", ALL, 0),
    ("teacher page", "/people/{teacher}/", ALL, 0),
    (
        "student page",
        "/people/{student}/",
        {"student", "parent", "teacher", "school_admin", "methodist"},
        404,
    ),
    ("profile", "/profile/", SIGNED_IN, 302),
    ("notifications", "/notifications/", SIGNED_IN, 302),
    ("manage people", "/manage/people/", MANAGERS, 403),
    ("new person", "/manage/people/new/", MANAGERS, 403),
    ("edit teacher", "/manage/people/{teacher}/", MANAGERS, 403),
    ("edit colleague", "/manage/people/{colleague}/", {"methodist"}, 403),
    ("manage organizations", "/manage/organizations/", {"methodist"}, 403),
    ("new organization", "/manage/organizations/new/", {"methodist"}, 403),
    ("edit organization", "/manage/organizations/{school}/", {"methodist"}, 403),
    ("registrations", "/manage/registrations/", MANAGERS, 403),
    ("audit", "/manage/audit/", MANAGERS, 403),
    ("import", "/manage/import/", MANAGERS, 403),
]


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "template", "allowed", "denied"), PAGES, ids=[p[0] for p in PAGES]
)
def test_page_access(
    everyone: dict[str, Any],
    world: Any,
    persona: str,
    name: str,
    template: str,
    allowed: set[str],
    denied: int,
) -> None:
    client = Client()
    user = everyone[persona]
    if persona != "guest":
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    url = template.format(
        school=world.school.pk,
        teacher=everyone["teacher"].pk,
        student=everyone["student"].pk,
        colleague=everyone["colleague"].pk,
    )
    response = client.get(url)
    if persona in allowed:
        assert response.status_code == 200, (persona, url)
    else:
        expected = 302 if persona == "guest" and denied in {302, 403} else denied
        assert response.status_code == expected, (persona, url, response.status_code)
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_student_name_never_leaks_into_public_pages(
    everyone: dict[str, Any], world: Any, persona: str
) -> None:
    client = Client()
    if persona != "guest":
        client.force_login(everyone[persona], backend="metodset.accounts.backends.EmailBackend")
    student = everyone["student"]
    page = client.get(f"/organizations/{world.school.pk}/").content.decode()
    sees = persona in {"teacher", "school_admin", "methodist"}
    assert (student.full_name in page) is sees
    assert student.full_name not in client.get("/teachers/").content.decode()
