"""The REST API under /api/v1/: every endpoint against every persona, both ways of signing
in, refused credentials, the OpenAPI schema and the number of queries per list."""

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from ninja.errors import HttpError

from metodset.accounts import permissions, services
from metodset.accounts.api import InvalidTokenError, browser_session, personal_token
from metodset.accounts.models import (
    ApiToken,
    District,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Subject,
    User,
)
from metodset.accounts.tests.factories import person
from metodset.conftest import PERSONAS

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "guest"]
# Who sees the student of school №1 and her parent at all (can_view_person) …
SEES_STUDENT = {"student", "parent", "teacher", "school_admin", "methodist"}
SEES_PARENT = {"parent", "teacher", "school_admin", "methodist"}
# … and whose e-mail and class each persona sees (can_view_personal_data).
SEES_STUDENT_PERSONAL = {"student", "teacher", "school_admin", "methodist"}


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


def client_for(user: Any) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def get(client: Client, url: str, **headers: str) -> tuple[int, Any]:
    response = client.get(url, headers=headers)
    return response.status_code, json.loads(response.content)


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def subject(name: str) -> Subject:
    return Subject.objects.get_or_create(name=name)[0]


def organization(
    district: District, short_name: str, *, kind: OrganizationKind | None = None, **fields: Any
) -> Organization:
    """An organization of the kind the world's schools have, unless told otherwise."""
    return Organization.objects.create(
        region_id=district.region_id,
        district=district,
        kind=kind or OrganizationKind.objects.get(code="school"),
        short_name=short_name,
        name=short_name,
        **fields,
    )


# --- /me --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_me_describes_the_caller(everyone: dict[str, Any], world: Any, persona: str) -> None:
    user = everyone[persona]
    status, body = get(client_for(user), "/api/v1/me")
    assert status == 200
    assert body["id"] == user.pk
    assert body["email"] == user.email
    assert body["full_name"] == user.full_name
    assert body["short_name"] == user.short_name
    membership = Membership.objects.get(user=user)
    assert body["memberships"] == [
        {
            "organization": {
                "id": membership.organization_id,
                "short_name": membership.organization.short_name,
            },
            "role": membership.role,
            "role_label": str(Role(membership.role).label),
            "position": "",
            "student_class": membership.student_class or None,
        }
    ]


def test_me_lists_subjects_category_and_only_active_roles(teacher: User, world: Any) -> None:
    teacher.subjects.set([subject("Математика"), subject("Физика")])
    teacher.qualification_category = User.Category.HIGHEST
    teacher.save(update_fields=["qualification_category"])
    Membership.objects.create(
        user=teacher, organization=world.other_school, role=Role.TEACHER, status="ended"
    )
    status, body = get(client_for(teacher), "/api/v1/me")
    assert status == 200
    assert {s["name"] for s in body["subjects"]} == {"Математика", "Физика"}
    assert body["qualification_category"] == "highest"
    assert body["qualification_category_label"] == "высшая"
    assert [m["organization"]["id"] for m in body["memberships"]] == [world.school.pk]
    assert body["memberships"][0]["role_label"] == "педагог"


def test_me_shows_the_student_her_class(student: User) -> None:
    status, body = get(client_for(student), "/api/v1/me")
    assert status == 200
    assert body["memberships"][0]["student_class"] == "7Б"


def test_me_needs_credentials(world: Any) -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Нужна авторизация" in json.loads(response.content)["detail"]


# --- Tokens -----------------------------------------------------------------------------


def test_a_personal_token_signs_the_caller_in(teacher: User) -> None:
    token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    assert raw.startswith("mts_")
    status, body = get(Client(), "/api/v1/me", **bearer(raw))
    assert status == 200
    assert body["id"] == teacher.pk
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_token_wins_over_the_session(teacher: User, colleague: User) -> None:
    _token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    status, body = get(client_for(colleague), "/api/v1/me", **bearer(raw))
    assert status == 200
    assert body["id"] == teacher.pk


def test_a_token_sees_what_its_owner_sees(teacher: User, student: User) -> None:
    _token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    status, body = get(Client(), f"/api/v1/people/{student.pk}", **bearer(raw))
    assert status == 200
    assert body["email"] == student.email


@pytest.mark.parametrize("url", ["/api/v1/me", "/api/v1/organizations", "/api/v1/people"])
def test_a_revoked_token_is_refused_even_on_public_reads(teacher: User, url: str) -> None:
    token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    services.revoke_api_token(actor=teacher, token=token)
    response = Client().get(url, headers=bearer(raw))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "Токен API недействителен" in json.loads(response.content)["detail"]


def test_the_token_of_a_deactivated_account_is_refused(teacher: User) -> None:
    _token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me", headers=bearer(raw)).status_code == 401
    assert Client().get("/api/v1/people", headers=bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer mts_unknown", "Bearer ", "Token mts_x", "Basic dXNlcjpwYXNz", "mts_x"]
)
def test_unknown_or_malformed_credentials_are_refused(world: Any, header: str) -> None:
    response = Client().get("/api/v1/organizations", headers={"Authorization": header})
    assert response.status_code == 401
    assert "Токен API недействителен" in json.loads(response.content)["detail"]


def test_a_deactivated_account_loses_its_session(teacher: User) -> None:
    client = client_for(teacher)
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert client.get("/api/v1/me").status_code == 401


def test_only_the_hash_of_a_token_is_stored(teacher: User) -> None:
    token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.key_hash, stored.key_prefix}
    assert stored.key_hash == services.hash_token(raw)


def test_the_session_needs_csrf_for_unsafe_methods(teacher: User) -> None:
    """A browser session is ambient: a POST without the CSRF token is refused; a token
    sent in a header is not ambient and needs none."""
    request = RequestFactory().post("/api/v1/anything")
    request.user = teacher
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "session"
    with pytest.raises(HttpError) as refused:
        browser_session(request)
    assert refused.value.status_code == 403
    assert "CSRF" in str(refused.value)

    _token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    request = RequestFactory().post("/api/v1/anything", headers=bearer(raw))
    assert personal_token(request) == teacher
    assert request.user == teacher


def test_safe_methods_need_no_csrf(teacher: User) -> None:
    request = RequestFactory().get("/api/v1/anything")
    request.user = teacher
    assert browser_session(request) == teacher


def test_no_header_leaves_the_choice_to_the_session(teacher: User) -> None:
    assert personal_token(RequestFactory().get("/api/v1/anything")) is None
    with pytest.raises(InvalidTokenError):
        personal_token(RequestFactory().get("/api/v1/anything", headers=bearer("mts_bad")))


# --- /organizations ---------------------------------------------------------------------


@pytest.fixture
def closed_school(world: Any) -> Organization:
    return organization(world.district, "МБОУ ООШ №9", is_active=False)


@pytest.mark.parametrize("persona", PERSONAS)
def test_organizations_visible_to_every_persona(
    everyone: dict[str, Any], world: Any, closed_school: Any, persona: str
) -> None:
    viewer = everyone[persona]
    status, body = get(client_for(viewer), "/api/v1/organizations")
    assert status == 200
    ids = {item["id"] for item in body["items"]}
    active = {world.department.pk, world.school.pk, world.other_school.pk, world.far_school.pk}
    # Only the district's methodist sees the closed school of the district.
    expected = active | {closed_school.pk} if persona == "methodist" else active
    assert ids == expected
    assert ids == set(permissions.organizations_visible_to(viewer).values_list("pk", flat=True))
    assert body["count"] == len(expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_detail_for_every_persona(
    everyone: dict[str, Any], world: Any, closed_school: Any, persona: str
) -> None:
    client = client_for(everyone[persona])
    status, body = get(client, f"/api/v1/organizations/{world.school.pk}")
    assert status == 200
    assert body["short_name"] == "МБОУ СОШ №1"
    assert body["teacher_count"] == 2  # the teacher and the head; not the student or parent
    assert body["kind"] == {"code": "school", "name": "Общеобразовательная школа"}
    assert body["district"] == {"id": world.district.pk, "name": "Тестовый район"}
    assert body["url"] == f"/organizations/{world.school.pk}/"
    status, body = get(client, f"/api/v1/organizations/{closed_school.pk}")
    if persona == "methodist":
        assert status == 200
        assert body["is_active"] is False
    else:
        assert (status, body) == (404, {"detail": "Не найдено."})


def test_organization_that_does_not_exist(world: Any) -> None:
    assert get(Client(), "/api/v1/organizations/999999")[0] == 404


def test_organizations_filter_by_district_kind_and_text(world: Any) -> None:
    lyceum = organization(
        world.district,
        "МАОУ Лицей №7",
        kind=OrganizationKind.objects.get_or_create(
            code="lyceum", defaults={"name": "Лицей", "name_plural": "Лицеи"}
        )[0],
    )
    client = Client()

    def ids(query: str) -> set[int]:
        status, body = get(client, f"/api/v1/organizations?{query}")
        assert status == 200
        return {item["id"] for item in body["items"]}

    assert ids(f"district={world.other_district.pk}") == {world.far_school.pk}
    assert ids("kind=lyceum") == {lyceum.pk}
    assert ids("q=лицей") == {lyceum.pk}
    assert ids("q=ГИМНАЗИЯ №2") == {world.other_school.pk}
    assert ids(f"district={world.district.pk}&kind=school") == {
        world.school.pk,
        world.other_school.pk,
    }


def test_organizations_are_paginated(world: Any) -> None:
    for number in range(60):
        organization(world.district, f"Школа №{100 + number}")
    client = Client()
    status, first = get(client, "/api/v1/organizations")
    assert status == 200
    assert first["count"] == 64
    assert len(first["items"]) == settings.NINJA_PAGINATION_PER_PAGE == 50
    _status, second = get(client, "/api/v1/organizations?page=2")
    assert len(second["items"]) == 14
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


# --- /people ----------------------------------------------------------------------------


def _visible_ids(client: Client, query: str = "") -> dict[int, Any]:
    status, body = get(client, f"/api/v1/people?{query}")
    assert status == 200
    assert body["count"] == len(body["items"])
    return {item["id"]: item for item in body["items"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_visible_to_every_persona(
    everyone: dict[str, Any], world: Any, persona: str
) -> None:
    viewer = everyone[persona]
    items = _visible_ids(client_for(viewer))
    staff = {everyone[p].pk for p in SIGNED_IN if p not in {"student", "parent"}}
    expected = set(staff)
    if persona in SEES_STUDENT:
        expected.add(everyone["student"].pk)
    if persona in SEES_PARENT:
        expected.add(everyone["parent"].pk)
    assert set(items) == expected
    assert set(items) == set(permissions.people_visible_to(viewer).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_show_personal_data_exactly_where_the_pages_do(
    everyone: dict[str, Any], world: Any, persona: str
) -> None:
    """The list and each person's answer agree with can_view_person and
    can_view_personal_data for every persona and every person."""
    viewer = everyone[persona]
    client = client_for(viewer)
    items = _visible_ids(client)
    for name in SIGNED_IN:
        person_ = everyone[name]
        status, body = get(client, f"/api/v1/people/{person_.pk}")
        if not permissions.can_view_person(viewer, person_):
            assert person_.pk not in items
            assert (status, body) == (404, {"detail": "Не найдено."})
            continue
        assert status == 200
        assert items[person_.pk] == body
        personal = permissions.can_view_personal_data(viewer, person_)
        assert (body["email"] == person_.email) is personal, (persona, name)
        if not personal:
            assert body["email"] is None
            assert all(m["role"] in permissions.PUBLIC_PROFILE_ROLES for m in body["memberships"])
            assert all(m["student_class"] is None for m in body["memberships"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_student_seen_by_every_persona(
    everyone: dict[str, Any], world: Any, persona: str
) -> None:
    student = everyone["student"]
    status, body = get(client_for(everyone[persona]), f"/api/v1/people/{student.pk}")
    if persona not in SEES_STUDENT:
        assert status == 404
        return
    assert status == 200
    assert body["last_name"] == "Ученикова"
    if persona in SEES_STUDENT_PERSONAL:
        assert body["email"] == "student@school1.test"
        assert body["memberships"][0]["student_class"] == "7Б"
        assert body["memberships"][0]["role"] == "student"
    else:  # her parent sees her page, not her e-mail or class
        assert body["email"] is None
        assert body["memberships"] == []


def test_a_teacher_page_is_public_without_personal_data(teacher: User) -> None:
    teacher.subjects.set([subject("Математика")])
    status, body = get(Client(), f"/api/v1/people/{teacher.pk}")
    assert status == 200
    assert body["full_name"] == "Учителева Анна Павловна"
    assert body["email"] is None
    assert body["subjects"] == [{"id": teacher.subjects.get().pk, "name": "Математика"}]
    assert body["memberships"][0]["role_label"] == "педагог"
    assert body["url"] == f"/people/{teacher.pk}/"


def test_person_that_does_not_exist(world: Any) -> None:
    assert get(Client(), "/api/v1/people/999999")[0] == 404


def test_people_filters(everyone: dict[str, Any], world: Any) -> None:
    methodist = client_for(everyone["methodist"])
    assert set(_visible_ids(methodist, f"organization={world.school.pk}")) == {
        everyone[p].pk for p in ("teacher", "school_admin", "student", "parent")
    }
    assert set(_visible_ids(methodist, "role=student")) == {everyone["student"].pk}
    assert set(_visible_ids(methodist, f"organization={world.school.pk}&role=teacher")) == {
        everyone["teacher"].pk
    }
    assert set(_visible_ids(methodist, "q=Учителева Анна")) == {everyone["teacher"].pk}
    assert set(_visible_ids(methodist, "q=school2.test")) == {everyone["colleague"].pk}
    assert get(methodist, "/api/v1/people?role=nobody")[0] == 422


def test_filters_reveal_no_private_roles_or_e_mails(everyone: dict[str, Any], world: Any) -> None:
    """A public teacher who is also a parent is not found by role=parent by those who may
    not see parents; an e-mail is searchable only where it is shown."""
    teacher = everyone["teacher"]
    Membership.objects.create(user=teacher, organization=world.school, role=Role.PARENT)
    for persona in ("guest", "outsider", "colleague"):
        client = client_for(everyone[persona])
        assert _visible_ids(client, "role=parent") == {}, persona
        assert _visible_ids(client, "role=student") == {}, persona
        assert _visible_ids(client, "q=teacher@school1.test") == {}, persona
        assert _visible_ids(client, f"organization={world.school.pk}").keys() == {
            teacher.pk,
            everyone["school_admin"].pk,
        }
    head = client_for(everyone["school_admin"])
    assert set(_visible_ids(head, "role=parent")) == {teacher.pk, everyone["parent"].pk}
    assert set(_visible_ids(head, "q=teacher@school1.test")) == {teacher.pk}


# --- Number of queries ------------------------------------------------------------------


@pytest.fixture
def crowded_school(world: Any) -> None:
    """35 teachers with two subjects each, and 35 students, in school №1."""
    subjects = [subject("Математика"), subject("Физика")]
    for number in range(35):
        person(world.school, Role.TEACHER, email=f"t{number}@school1.test").subjects.set(subjects)
        person(world.school, Role.STUDENT, email=f"s{number}@school1.test")
    for number in range(35):
        organization(world.district, f"Школа №{100 + number}")


@pytest.mark.parametrize(
    ("persona", "queries", "count"),
    [
        # session + user, the caller's roles and children, count, page, memberships, subjects
        # every teacher is public; the school's students and parent are seen by its head
        ("school_admin", 8, 6 + 70 + 2),
        ("methodist", 8, 6 + 70 + 2),
        # a guest has no session or roles, and sees teachers only
        ("guest", 4, 6 + 35),
    ],
)
def test_people_list_makes_a_fixed_number_of_queries(
    everyone: dict[str, Any],
    crowded_school: None,
    persona: str,
    queries: int,
    count: int,
    django_assert_num_queries: Any,
) -> None:
    client = client_for(everyone[persona])
    with django_assert_num_queries(queries):
        status, body = get(client, "/api/v1/people")
    assert status == 200
    assert body["count"] == count
    assert len(body["items"]) == min(count, 50)
    crowd = set(User.objects.filter(subjects__name="Физика").values_list("pk", flat=True))
    assert all(len(i["subjects"]) == 2 for i in body["items"] if i["id"] in crowd)


@pytest.mark.parametrize(("persona", "queries"), [("teacher", 6), ("guest", 2)])
def test_organization_list_makes_a_fixed_number_of_queries(
    everyone: dict[str, Any],
    crowded_school: None,
    persona: str,
    queries: int,
    django_assert_num_queries: Any,
) -> None:
    client = client_for(everyone[persona])
    with django_assert_num_queries(queries):
        status, body = get(client, "/api/v1/organizations")
    assert status == 200
    assert len(body["items"]) == 39


def test_token_caller_makes_a_fixed_number_of_queries(
    teacher: User, crowded_school: None, django_assert_num_queries: Any
) -> None:
    _token, raw = services.issue_api_token(actor=teacher, name="Скрипт")
    get(Client(), "/api/v1/me", **bearer(raw))  # the first use records last_used_at
    # token and user, the caller's roles and children, count, page, memberships, subjects
    with django_assert_num_queries(7):
        status, body = get(Client(), "/api/v1/people", **bearer(raw))
    assert status == 200
    assert body["count"] == 1 + 70  # herself, and the crowd of her school


# --- OpenAPI ----------------------------------------------------------------------------


def test_openapi_schema_lists_the_paths_and_both_ways_to_sign_in(world: Any) -> None:
    status, schema = get(Client(), "/api/v1/openapi.json")
    assert status == 200
    assert schema["info"]["title"] == "Методсеть API"
    assert {
        "/api/v1/me",
        "/api/v1/organizations",
        "/api/v1/organizations/{organization_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
    } <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert schemes["PersonalTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["BrowserSessionAuth"]["in"] == "cookie"
    people = schema["paths"]["/api/v1/people"]["get"]
    assert people["summary"] == "Люди"
    assert {p["name"] for p in people["parameters"]} >= {"q", "organization", "role", "page"}
    person_schema = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert "персональные данные" in person_schema["email"]["description"]
