"""Who sees which submissions, experts' pages and protocols: each `can_…` agrees with its
`…_visible_to` for every persona, the «mine» list with `is_submitter`, and the districts
whose protocols a person keeps come with their own district first."""

from typing import Any

import pytest
from django.utils import timezone

from metodset.accounts.models import District, Organization, OrganizationKind, Role, User
from metodset.accounts.tests.factories import MembershipFactory, OrganizationFactory, person
from metodset.conftest import PERSONAS, World
from metodset.expertise import permissions, selectors, services
from metodset.expertise.models import Protocol, Submission
from metodset.expertise.tests.factories import decided, expert_of, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def far_methodist(world: World) -> User:
    return person(world.far_school, Role.DISTRICT_METHODIST, email="far-methodist@far.test")


@pytest.fixture
def council(world: World, everyone: dict[str, Any]) -> list[User]:
    """The district's РМС: the expert persona (of the department) and a school's expert."""
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    return [everyone["expert"], expert_of(third_school, "expert3@school3.test")]


@pytest.fixture
def far_council(world: World) -> list[User]:
    return [
        expert_of(OrganizationFactory(district=world.other_district), "far-e1@far.test"),
        expert_of(OrganizationFactory(district=world.other_district), "far-e2@far.test"),
    ]


@pytest.fixture
def submissions(
    everyone: dict[str, Any],
    council: list[User],
    far_council: list[User],
    far_methodist: User,
) -> dict[str, Submission]:
    methodist = everyone["methodist"]
    return {
        # Reviewed by the expert persona, decided.
        "teachers": decided(everyone["teacher"], methodist, council, title="Урок учителя"),
        # Waiting for experts.
        "colleagues": submitted(everyone["colleague"]),
        # Another district's, decided there.
        "far": decided(everyone["outsider"], far_methodist, far_council, title="Чужой урок"),
    }


def _protocol(actor: User, district: District, submission: Submission) -> Protocol:
    return services.create_protocol(
        actor=actor,
        district=district,
        number="1",
        held_on=timezone.localdate(),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=[],
        submissions=[submission],
    )


@pytest.fixture
def protocols(
    everyone: dict[str, Any],
    world: World,
    far_methodist: User,
    submissions: dict[str, Submission],
) -> dict[str, Protocol]:
    return {
        "district": _protocol(everyone["methodist"], world.district, submissions["teachers"]),
        "far": _protocol(far_methodist, world.other_district, submissions["far"]),
    }


# Who sees which submission: persona -> submissions.
SEES_SUBMISSIONS: dict[str, set[str]] = {
    "teacher": {"teachers"},
    "colleague": {"colleagues"},
    "school_admin": set(),
    "methodist": {"teachers", "colleagues"},
    "expert": {"teachers"},
    "student": set(),
    "parent": set(),
    "guest": set(),
    "outsider": {"far"},
}
# Whose own submissions they are: persona -> submissions.
OWNS: dict[str, set[str]] = {name: set() for name in PERSONAS} | {
    "teacher": {"teachers"},
    "colleague": {"colleagues"},
    "outsider": {"far"},
}


@pytest.mark.parametrize("name", PERSONAS)
def test_submissions_visibility_agrees_with_the_queryset(
    name: str, everyone: dict[str, Any], submissions: dict[str, Submission]
) -> None:
    user = everyone[name]
    by_predicate = {
        key for key, s in submissions.items() if permissions.can_view_submission(user, s)
    }
    visible = set(permissions.submissions_visible_to(user).values_list("pk", flat=True))
    by_queryset = {key for key, s in submissions.items() if s.pk in visible}
    assert by_predicate == by_queryset == SEES_SUBMISSIONS[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_own_submissions_are_those_of_the_submitter(
    name: str, everyone: dict[str, Any], submissions: dict[str, Submission]
) -> None:
    user = everyone[name]
    by_predicate = {key for key, s in submissions.items() if permissions.is_submitter(user, s)}
    own = set(selectors.submissions_of(user).values_list("pk", flat=True))
    by_queryset = {key for key, s in submissions.items() if s.pk in own}
    assert by_predicate == by_queryset == OWNS[name]


# Whose expert's page a persona opens: only the department's methodist, for its РМС.
SEES_EXPERTS: dict[str, set[str]] = {name: set() for name in PERSONAS} | {
    "methodist": {"expert", "council"}
}


@pytest.mark.parametrize("name", PERSONAS)
def test_expert_pages_agree_with_the_queryset(
    name: str,
    everyone: dict[str, Any],
    council: list[User],
    far_council: list[User],
    submissions: dict[str, Submission],
) -> None:
    people = {key: user for key, user in everyone.items() if isinstance(user, User)}
    people |= {"council": council[1], "far_council": far_council[0]}
    user = everyone[name]
    by_predicate = {key for key, p in people.items() if permissions.can_view_expert(user, p)}
    visible = set(permissions.experts_visible_to(user).values_list("pk", flat=True))
    by_queryset = {key for key, p in people.items() if p.pk in visible}
    assert by_predicate == by_queryset == SEES_EXPERTS[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_protocols_visibility_agrees_with_the_queryset(
    name: str, everyone: dict[str, Any], world: World, protocols: dict[str, Protocol]
) -> None:
    user = everyone[name]
    by_predicate = {key for key, p in protocols.items() if permissions.can_view_protocol(user, p)}
    visible = set(permissions.protocols_visible_to(user).values_list("pk", flat=True))
    by_queryset = {key for key, p in protocols.items() if p.pk in visible}
    expected = {"district"} if name == "methodist" else set()
    assert by_predicate == by_queryset == expected
    managed = {d for d in District.objects.all() if permissions.can_manage_protocols(user, d)}
    assert set(permissions.protocol_districts_for(user)) == managed
    assert managed == ({world.district} if name == "methodist" else set())


def test_a_regional_methodist_keeps_every_districts_protocols_own_district_first(
    everyone: dict[str, Any],
    world: World,
    far_methodist: User,
    protocols: dict[str, Protocol],
    council: list[User],
    far_council: list[User],
) -> None:
    ministry = Organization.objects.create(
        region=world.district.region,
        district=None,
        kind=OrganizationKind.objects.get(code="regional_authority"),
        short_name="Департамент общего образования",
        name="Департамент общего образования Томской области",
    )
    regional = person(ministry, Role.REGION_METHODIST, email="region@iro.test")
    # «Соседний район» comes first by name.
    assert list(permissions.protocol_districts_for(regional)) == [
        world.other_district,
        world.district,
    ]
    assert set(permissions.protocols_visible_to(regional)) == set(protocols.values())
    assert all(permissions.can_view_protocol(regional, p) for p in protocols.values())
    experts = set(permissions.experts_visible_to(regional))
    assert experts == {*council, *far_council}
    assert all(permissions.can_view_expert(regional, e) for e in experts)
    # The district's methodist who is also the region's: her district first.
    methodist = everyone["methodist"]
    MembershipFactory(user=methodist, organization=ministry, role=Role.REGION_METHODIST)
    methodist = User.objects.get(pk=methodist.pk)
    assert list(permissions.protocol_districts_for(methodist)) == [
        world.district,
        world.other_district,
    ]
    assert not permissions.can_view_protocol(everyone["teacher"], protocols["far"])
    assert not permissions.can_view_protocol(far_methodist, protocols["district"])
