"""Who sees and does what with groups and РПГ applications: the `can_…` predicates and the
`…_visible_to` querysets agree for every persona."""

from typing import Any

import pytest

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import (
    EducationDepartmentFactory,
    OrganizationFactory,
    UserFactory,
    person,
)
from metodset.conftest import PERSONAS, World
from metodset.groups import permissions, services
from metodset.groups.models import Group, ProblemGroupApplication
from metodset.groups.tests.factories import application, founded, kind, submitted

pytestmark = pytest.mark.django_db

STAFF = {"teacher", "colleague", "school_admin", "methodist", "expert", "outsider"}
STUDENTS = {"student", "parent"}
EVERYONE = set(PERSONAS)


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def third(world: World) -> User:
    """A teacher of a third school of the district."""
    school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    return person(school, Role.TEACHER, email="third@school3.test")


@pytest.fixture
def groups(everyone: dict[str, Any], world: World) -> dict[str, Group]:
    teacher, colleague = everyone["teacher"], everyone["colleague"]
    outsider = everyone["outsider"]
    return {
        "public": founded(teacher, "creative-lab", title="Открытая лаборатория"),
        "network": founded(
            everyone["methodist"], "rmo", title="РМО математиков", visibility="network"
        ),
        "organization": founded(
            everyone["school_admin"], "ptg", title="ПТГ школы №1", organization=world.school
        ),
        "students": founded(colleague, "community", title="Олимпиадная математика"),
        "students_network": founded(
            colleague, "community", title="Олимпиадная физика", visibility="network"
        ),
        "staff_community": founded(
            colleague, "community", title="Сообщество педагогов", students_may_join=False
        ),
        "far_public": founded(outsider, "creative-lab", title="Чужая лаборатория"),
        "far_network": founded(
            outsider, "workshop", title="Чужая мастерская", visibility="network"
        ),
    }


GROUP_VIEWERS = {
    "public": EVERYONE - STUDENTS,
    "network": STAFF,
    "organization": {"teacher", "school_admin", "methodist"},
    "students": EVERYONE,
    "students_network": STAFF | STUDENTS,
    "staff_community": EVERYONE - STUDENTS,
    "far_public": EVERYONE - STUDENTS,
    "far_network": STAFF,
}


@pytest.mark.parametrize("viewer", PERSONAS)
def test_who_sees_which_group(
    everyone: dict[str, Any], groups: dict[str, Group], viewer: str
) -> None:
    user = everyone[viewer]
    visible = set(permissions.groups_visible_to(user).values_list("pk", flat=True))
    for name, group in groups.items():
        expected = viewer in GROUP_VIEWERS[name]
        assert permissions.can_view_group(user, group) is expected, (viewer, name)
        assert (group.pk in visible) is expected, (viewer, name)
    assert len(visible) == len(permissions.groups_visible_to(user))  # no duplicates


def test_students_see_only_communities_open_to_them(
    everyone: dict[str, Any], groups: dict[str, Group]
) -> None:
    for who in ("student", "parent"):
        titles = set(permissions.groups_visible_to(everyone[who]).values_list("title", flat=True))
        assert titles == {"Олимпиадная математика", "Олимпиадная физика"}
    assert set(
        permissions.groups_visible_to(everyone["guest"]).values_list("title", flat=True)
    ) == {
        "Открытая лаборатория",
        "Олимпиадная математика",
        "Сообщество педагогов",
        "Чужая лаборатория",
    }


def test_invited_and_asking_people_see_the_group_they_otherwise_would_not(
    everyone: dict[str, Any], world: World
) -> None:
    """The rows of invited and asking people open the group to them; a row that ended does
    not. Both functions say the same."""
    school_admin, teacher = everyone["school_admin"], everyone["teacher"]
    group = founded(school_admin, "ptg", organization=world.school, visibility="organization")
    # A teacher who moved to another school keeps an invitation made before.
    services.invite_member(actor=school_admin, group=group, person=teacher)
    mover = person(world.school, Role.TEACHER, email="mover@school1.test")
    services.invite_member(actor=school_admin, group=group, person=mover)
    services.answer_invitation(actor=mover, group=group, accept=False)
    mover.memberships.update(organization=world.other_school)
    mover = User.objects.get(pk=mover.pk)
    assert not permissions.can_view_group(mover, group)
    assert group not in permissions.groups_visible_to(mover)
    teacher.memberships.update(organization=world.other_school)
    teacher = User.objects.get(pk=teacher.pk)
    assert permissions.can_view_group(teacher, group)
    assert group in permissions.groups_visible_to(teacher)


def test_a_superuser_and_a_regional_methodist_see_every_group(
    groups: dict[str, Group], world: World
) -> None:
    root = UserFactory(is_superuser=True)
    regional = person(world.department, Role.REGION_METHODIST, email="region@iro.test")
    for user in (root, regional):
        assert permissions.groups_visible_to(user).count() == len(groups)
        assert all(permissions.can_view_group(user, group) for group in groups.values())


# --- What each persona may do in a group --------------------------------------------------

GROUP_RIGHTS = {
    # predicate: personas for whom it is true on the teacher's lab with the colleague in it
    "manage": {"teacher", "methodist"},
    "appoint_leader": {"methodist"},
    "join": {"school_admin", "methodist", "expert", "outsider"},
    "leave": {"colleague"},
    "publish_into": {"teacher", "colleague"},
    "close": {"methodist"},
    "discussion": {"teacher", "colleague", "methodist"},
    "upload_order": {"methodist"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_each_persona_does_in_a_group(everyone: dict[str, Any], persona: str) -> None:
    lab = founded(everyone["teacher"], "creative-lab", joining="open")
    services.request_to_join(actor=everyone["colleague"], group=lab)
    user = everyone[persona]
    permissions.forget_membership(user)
    answers = {
        "manage": permissions.can_manage_group(user, lab),
        "appoint_leader": permissions.can_appoint_leader(user, lab),
        "join": permissions.can_join(user, lab),
        "leave": permissions.can_leave(user, lab),
        "publish_into": permissions.can_publish_into(user, lab),
        "close": permissions.can_close_group(user, lab),
        "discussion": permissions.can_view_discussion(user, lab),
        "upload_order": permissions.can_upload_order(user, lab),
    }
    assert answers == {name: persona in who for name, who in GROUP_RIGHTS.items()}


def test_the_leader_of_an_rpg_closes_it(
    methodist: User, teacher: User, colleague: User, expert: User
) -> None:
    app = submitted(teacher, [colleague])
    group = services.approve_application(
        actor=methodist, application=app, order_number="1", order_date=app.starts_on
    )
    assert permissions.can_close_group(teacher, group)
    assert permissions.can_close_group(methodist, group)
    assert not permissions.can_close_group(colleague, group)
    assert not permissions.can_close_group(expert, group)


def test_a_closed_group_is_read_only_for_everyone(teacher: User, methodist: User) -> None:
    lab = founded(teacher, "creative-lab")
    services.close_group(actor=methodist, group=lab, report="Итоги")
    lab.refresh_from_db()
    for user in (teacher, methodist):
        permissions.forget_membership(user)
        assert not permissions.can_manage_group(user, lab)
        assert not permissions.can_appoint_leader(user, lab)
        assert not permissions.can_publish_into(user, lab)
        assert not permissions.can_post(user, lab)
        assert not permissions.can_close_group(user, lab)
        assert permissions.can_view_group(user, lab)
    assert permissions.can_view_discussion(teacher, lab)


def test_kinds_founded_by(everyone: dict[str, Any]) -> None:
    codes = {
        name: {k.code for k in permissions.kinds_founded_by(user)}
        for name, user in everyone.items()
    }
    network = {"creative-lab", "community", "workshop"}
    assert codes == {
        "teacher": network,
        "colleague": network,
        "school_admin": network | {"ptg"},
        "methodist": network | {"ptg", "rmo", "seminar"},
        "expert": set(),
        "student": set(),
        "parent": set(),
        "guest": set(),
        "outsider": network,
    }
    assert kind("rpg").founding == "application"


# --- Applications -------------------------------------------------------------------------


@pytest.fixture
def applications(
    everyone: dict[str, Any], world: World, third: User
) -> dict[str, ProblemGroupApplication]:
    far_school = OrganizationFactory(district=world.other_district, short_name="МАОУ СОШ №41")
    far_colleague = person(far_school, Role.TEACHER, email="far@school41.test")
    return {
        "teacher's": application(everyone["teacher"], [everyone["colleague"]]),
        "outsider's": application(everyone["outsider"], [far_colleague]),
        "department's": application(
            everyone["methodist"],
            [everyone["colleague"], third],
            leader=third,
            applicant_takes_part=False,
        ),
    }


APPLICATION_VIEWERS = {
    "teacher's": {"teacher", "colleague", "methodist"},
    "outsider's": {"outsider"},
    "department's": {"colleague", "methodist"},
}


@pytest.mark.parametrize("viewer", PERSONAS)
def test_who_sees_which_application(
    everyone: dict[str, Any], applications: dict[str, ProblemGroupApplication], viewer: str
) -> None:
    user = everyone[viewer]
    visible = set(permissions.applications_visible_to(user).values_list("pk", flat=True))
    for name, app in applications.items():
        expected = viewer in APPLICATION_VIEWERS[name]
        assert permissions.can_view_application(user, app) is expected, (viewer, name)
        assert (app.pk in visible) is expected, (viewer, name)


def test_methodists_see_the_applications_of_their_district_only(
    applications: dict[str, ProblemGroupApplication], world: World
) -> None:
    department = EducationDepartmentFactory(district=world.other_district)
    far_methodist = person(department, Role.DISTRICT_METHODIST, email="methodist@far.test")
    regional = person(world.department, Role.REGION_METHODIST, email="region@iro.test")
    root = UserFactory(is_superuser=True)
    expected = {
        far_methodist: {"outsider's"},
        regional: set(applications),
        root: set(applications),
    }
    for user, names in expected.items():
        visible = set(permissions.applications_visible_to(user))
        for name, app in applications.items():
            assert permissions.can_view_application(user, app) is (name in names), (user, name)
            assert (app in visible) is (name in names), (user, name)
    assert permissions.can_view_queue(far_methodist)
    assert permissions.can_view_queue(regional)


APPLICATION_RIGHTS = {
    "decide": {"methodist"},
    "edit": {"teacher"},
    "withdraw": {"teacher"},
    "answer": {"colleague"},
    "apply": {"teacher", "colleague", "school_admin", "methodist", "outsider"},
    "queue": {"methodist"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_what_each_persona_does_with_an_application(everyone: dict[str, Any], persona: str) -> None:
    app = application(everyone["teacher"], [everyone["colleague"]])
    participant = app.participants.get(user=everyone["colleague"])
    user = everyone[persona]
    answers = {
        "decide": permissions.can_decide_application(user, app, check_state=False),
        "edit": permissions.can_edit_application(user, app),
        "withdraw": permissions.can_withdraw_application(user, app),
        "answer": permissions.can_answer_participation(user, participant),
        "apply": permissions.can_apply(user),
        "queue": permissions.can_view_queue(user),
    }
    assert answers == {name: persona in who for name, who in APPLICATION_RIGHTS.items()}


def test_the_state_limits_the_rights(teacher: User, colleague: User, methodist: User) -> None:
    app = application(teacher, [colleague])
    assert not permissions.can_decide_application(methodist, app)
    assert permissions.can_edit_application(teacher, app)
    services.answer_participation(actor=colleague, application=app, agree=True)
    app.refresh_from_db()
    assert permissions.can_decide_application(methodist, app)
    assert not permissions.can_edit_application(teacher, app)
    assert permissions.can_edit_application(teacher, app, check_state=False)
    services.reject_application(actor=methodist, application=app, reasons="Нет продукта")
    app.refresh_from_db()
    assert not permissions.can_decide_application(methodist, app)
    assert permissions.can_edit_application(teacher, app)
    assert permissions.can_withdraw_application(teacher, app)
    participant = app.participants.get(user=colleague)
    assert not permissions.can_answer_participation(colleague, participant)


def test_district_methodists_are_the_active_ones_of_the_district(
    methodist: User, world: World
) -> None:
    gone = person(world.department, Role.DISTRICT_METHODIST, email="gone@uo.test")
    gone.is_active = False
    gone.save()
    department = EducationDepartmentFactory(district=world.other_district)
    person(department, Role.DISTRICT_METHODIST, email="methodist@far.test")
    assert list(permissions.district_methodists(world.district.pk)) == [methodist]
