"""The permission matrix: every persona against every persona and organization."""

from typing import Any

import pytest

from metodset.accounts import permissions
from metodset.accounts.models import User
from metodset.conftest import PERSONAS

pytestmark = pytest.mark.django_db

PEOPLE = [p for p in PERSONAS if p != "guest"]

# Who sees whose page: teachers and staff are public; a student or parent only to
# themselves, their family, the staff of their school and the district.
PRIVATE_VISIBLE_TO = {
    "student": {"student", "parent", "teacher", "school_admin", "methodist"},
    "parent": {"parent", "teacher", "school_admin", "methodist"},
}

# Whose account each persona manages.
MANAGES = {
    "methodist": {"teacher", "colleague", "school_admin", "expert", "student", "parent"},
    "school_admin": {"teacher", "student", "parent"},
}


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("viewer", PERSONAS)
def test_person_visibility_matches_the_rules_and_the_queryset(
    everyone: dict[str, Any], viewer: str
) -> None:
    """can_view_person and people_visible_to agree, and students are never public."""
    user = everyone[viewer]
    visible_ids = set(permissions.people_visible_to(user).values_list("pk", flat=True))
    for name in PEOPLE:
        target: User = everyone[name]
        expected = viewer in PRIVATE_VISIBLE_TO[name] if name in PRIVATE_VISIBLE_TO else True
        assert permissions.can_view_person(user, target) is expected, (viewer, name)
        assert (target.pk in visible_ids) is expected, (viewer, name)


@pytest.mark.parametrize("actor", PERSONAS)
def test_account_management_matches_the_rules_and_the_queryset(
    everyone: dict[str, Any], actor: str
) -> None:
    user = everyone[actor]
    managed_ids = set(permissions.accounts_managed_by(user).values_list("pk", flat=True))
    for name in PEOPLE:
        target = everyone[name]
        expected = name in MANAGES.get(actor, set())
        assert permissions.can_manage_account(user, target) is expected, (actor, name)
        assert (target.pk in managed_ids) is expected, (actor, name)


@pytest.mark.parametrize("viewer", PERSONAS)
def test_personal_data_is_for_own_school_and_district(
    everyone: dict[str, Any], viewer: str
) -> None:
    user = everyone[viewer]
    student = everyone["student"]
    expected = viewer in {"student", "teacher", "school_admin", "methodist"}
    assert permissions.can_view_personal_data(user, student) is expected


@pytest.mark.parametrize("viewer", PERSONAS)
def test_organizations_are_public_while_active(
    everyone: dict[str, Any], world: Any, viewer: str
) -> None:
    user = everyone[viewer]
    world.other_school.is_active = False
    world.other_school.save()
    visible = set(permissions.organizations_visible_to(user).values_list("pk", flat=True))
    for organization in [world.school, world.other_school, world.far_school, world.department]:
        expected = organization.is_active or viewer == "methodist"
        assert permissions.can_view_organization(user, organization) is expected
        assert (organization.pk in visible) is expected


def test_only_district_staff_manage_organizations(everyone: dict[str, Any], world: Any) -> None:
    for name in PERSONAS:
        expected = name == "methodist"
        assert permissions.can_manage_organization(everyone[name], world.school) is expected, name
        assert permissions.can_manage_organization(everyone[name], world.far_school) is False


def test_school_head_gives_school_roles_only(school_admin: User, world: Any) -> None:
    assert permissions.can_assign_role(school_admin, world.school, "teacher")
    assert permissions.can_assign_role(school_admin, world.school, "student")
    assert not permissions.can_assign_role(school_admin, world.school, "school_admin")
    assert not permissions.can_assign_role(school_admin, world.department, "district_methodist")
    assert not permissions.can_assign_role(school_admin, world.other_school, "teacher")


def test_superuser_sees_and_manages_everyone(everyone: dict[str, Any]) -> None:
    admin = User.objects.create_superuser("root@metodset.test", "x-Password-1")
    for name in PEOPLE:
        assert permissions.can_view_person(admin, everyone[name])
        assert permissions.can_manage_account(admin, everyone[name])


def test_regional_staff_stand_above_the_districts(
    world: Any, methodist: User, teacher: User, outsider: User
) -> None:
    """A regional methodist manages the organizations and accounts of every district of the
    region; a district methodist only those of their own district."""
    from metodset.accounts.models import Organization, OrganizationKind, Role
    from metodset.accounts.tests.factories import person

    ministry = Organization.objects.create(
        region=world.district.region,
        district=None,
        kind=OrganizationKind.objects.get(code="regional_authority"),
        short_name="Департамент общего образования",
        name="Департамент общего образования Томской области",
    )
    regional = person(ministry, Role.REGION_METHODIST)
    for organization in (world.school, world.far_school):
        assert permissions.can_manage_organization(regional, organization)
    assert permissions.can_manage_account(regional, teacher)
    assert permissions.can_manage_account(regional, outsider)
    assert not permissions.can_manage_account(methodist, regional)
    assert not permissions.can_manage_organization(methodist, world.far_school)
    assert set(permissions.districts_managed_by(regional)) == {world.district, world.other_district}
