"""Who sees, organizes and attends which events: `can_view_event` and `events_visible_to`
agree for every persona, and each role's rights hold."""

from typing import Any

import pytest

from metodset.conftest import PERSONAS, World
from metodset.core.exceptions import PermissionDeniedError
from metodset.events import permissions, services
from metodset.events.models import Event
from metodset.events.tests.factories import event
from metodset.groups.tests.factories import founded

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def events(everyone: dict[str, Any], world: World) -> dict[str, Event]:
    head, colleague, methodist = (
        everyone["school_admin"],
        everyone["colleague"],
        everyone["methodist"],
    )
    lab = founded(colleague, "creative-lab", title="Лаборатория")
    return {
        "public_for_students": event(
            head, visibility="public", for_students=True, for_parents=True, kind_code="open-day"
        ),
        "network": event(colleague),
        "organizers": event(head, visibility="organizers"),
        "group_only": event(colleague, [], group=lab, visibility="organizers"),
        "draft": event(head, publish=False),
        "district": event(methodist, [world.department], visibility="network"),
        "far_public": event(everyone["outsider"], visibility="public"),
        "for_students": event(colleague, for_students=True, kind_code="olympiad"),
    }


# Who sees what: persona -> events.
SEES = {
    "guest": {"public_for_students", "far_public"},
    "student": {"public_for_students", "far_public", "for_students"},
    "parent": {"public_for_students", "far_public"},
    "teacher": {
        "public_for_students",
        "far_public",
        "network",
        "district",
        "for_students",
        "organizers",
    },
    "colleague": {
        "public_for_students",
        "far_public",
        "network",
        "district",
        "for_students",
        "group_only",
    },
    "school_admin": {
        "public_for_students",
        "far_public",
        "network",
        "district",
        "for_students",
        "organizers",
        "draft",
    },
    "methodist": {
        "public_for_students",
        "far_public",
        "network",
        "district",
        "for_students",
        "organizers",
        "draft",
        "group_only",
    },
    "expert": {"public_for_students", "far_public", "network", "district", "for_students"},
    "outsider": {"public_for_students", "far_public", "network", "district", "for_students"},
}


@pytest.mark.parametrize("name", PERSONAS)
def test_visibility_agrees_with_the_queryset(
    name: str, everyone: dict[str, Any], events: dict[str, Event]
) -> None:
    user = everyone[name]
    by_predicate = {key for key, ev in events.items() if permissions.can_view_event(user, ev)}
    visible = set(permissions.events_visible_to(user).values_list("pk", flat=True))
    by_queryset = {key for key, ev in events.items() if ev.pk in visible}
    assert by_predicate == by_queryset == SEES[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_who_manages_agrees_with_the_queryset(
    name: str, everyone: dict[str, Any], events: dict[str, Event]
) -> None:
    user = everyone[name]
    by_predicate = {key for key, ev in events.items() if permissions.can_manage_event(user, ev)}
    managed = set(permissions.events_managed_by(user).values_list("pk", flat=True))
    assert by_predicate == {key for key, ev in events.items() if ev.pk in managed}


def test_managers_of_an_event(everyone: dict[str, Any], events: dict[str, Event]) -> None:
    head, teacher, methodist = everyone["school_admin"], everyone["teacher"], everyone["methodist"]
    seminar = events["network"]  # by the colleague, of the other school
    assert permissions.can_manage_event(everyone["colleague"], seminar)
    assert permissions.can_manage_event(methodist, seminar)
    assert not permissions.can_manage_event(head, seminar)
    assert not permissions.can_manage_event(teacher, seminar)
    assert not permissions.can_manage_event(everyone["outsider"], seminar)
    # The head of an organizing school manages events her teachers organize.
    own = event(teacher)
    assert permissions.can_manage_event(head, own)


def test_group_leader_organizes_for_the_group(everyone: dict[str, Any]) -> None:
    teacher, colleague = everyone["teacher"], everyone["colleague"]
    lab = founded(teacher, "creative-lab", title="Моя лаборатория")
    meeting = event(teacher, [], group=lab, kind_code="group-meeting")
    assert meeting.group == lab
    assert meeting.district == lab.district
    with pytest.raises(Exception, match="руководитель"):
        event(colleague, [], group=lab)


def test_organizers_are_own_organizations_only(everyone: dict[str, Any], world: World) -> None:
    with pytest.raises(Exception, match="ваша организация"):
        event(everyone["teacher"], [world.other_school])
    with pytest.raises(Exception, match="вашего района"):
        event(everyone["teacher"], [world.school, world.far_school])
    # A joint event of two schools, organized with one's own.
    assert event(everyone["teacher"], [world.school, world.other_school]).pk
    # The district's methodist may name any school of the district.
    assert event(everyone["methodist"], [world.school, world.other_school]).pk


def test_students_and_guests_cannot_organize(everyone: dict[str, Any]) -> None:
    assert not permissions.can_create_event(everyone["student"])
    assert not permissions.can_create_event(everyone["parent"])
    assert not permissions.can_create_event(everyone["guest"])
    with pytest.raises(PermissionDeniedError):
        event(everyone["student"], [everyone["student"].memberships.first().organization])


def test_online_link_and_participants_are_for_registered_and_organizers(
    everyone: dict[str, Any],
) -> None:
    head, teacher, colleague = everyone["school_admin"], everyone["teacher"], everyone["colleague"]
    webinar = event(
        head,
        format="online",
        online_url="https://meet.example.test/room",
        address="",
        kind_code="webinar",
    )
    assert not permissions.can_see_online_link(teacher, webinar)
    services.register(actor=teacher, event=webinar)
    permissions.forget_registration(teacher)
    assert permissions.can_see_online_link(teacher, webinar)
    assert permissions.can_see_online_link(head, webinar)
    assert not permissions.can_see_online_link(colleague, webinar)
    assert permissions.can_view_participants(head, webinar)
    assert not permissions.can_view_participants(teacher, webinar)


def test_audience(everyone: dict[str, Any]) -> None:
    head = everyone["school_admin"]
    for_parents = event(
        head, for_teachers=False, for_parents=True, visibility="public", kind_code="open-day"
    )
    assert permissions.may_attend(everyone["parent"], for_parents)
    assert not permissions.may_attend(everyone["teacher"], for_parents)
    assert not permissions.may_attend(everyone["student"], for_parents)
    assert permissions.can_register(everyone["parent"], for_parents)
    assert not permissions.can_register(everyone["guest"], for_parents)


def test_road_maps_are_for_staff(everyone: dict[str, Any], world: World) -> None:
    from metodset.events.tests.factories import road_map

    plan = road_map(everyone["school_admin"], [world.school, world.other_school])
    for name in ("teacher", "colleague", "methodist", "school_admin"):
        assert permissions.can_view_road_map(everyone[name], plan)
    for name in ("guest", "student", "parent"):
        assert not permissions.can_view_road_map(everyone[name], plan)
        assert plan not in permissions.road_maps_visible_to(everyone[name])
    assert permissions.can_manage_road_map(everyone["school_admin"], plan)
    assert permissions.can_manage_road_map(everyone["methodist"], plan)
    assert not permissions.can_manage_road_map(everyone["teacher"], plan)
    # Another district's teacher does not see this district's plans.
    assert not permissions.can_view_road_map(everyone["outsider"], plan)
    assert plan not in permissions.road_maps_visible_to(everyone["outsider"])
