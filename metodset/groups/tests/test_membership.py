"""Founding groups, leaders and membership, materials published into a group, and closing an
РПГ with its product (participation is voluntary, `002_…` §4.3)."""

import datetime
from typing import Any

import pytest
from django.core import mail

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.conftest import PERSONAS, World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.groups import permissions, services
from metodset.groups.models import Group, GroupMaterial, GroupMember, NewsItem
from metodset.groups.tests.factories import founded, kind, nothing_happens, problem_group
from metodset.materials import places
from metodset.materials.tests.factories import draft, published
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.fixture
def third(world: World) -> User:
    """A second teacher of school №2."""
    return person(
        world.other_school, Role.TEACHER, email="third@school2.test", last_name="Третьякова"
    )


@pytest.fixture
def deskmate(world: World) -> User:
    """A second teacher of school №1."""
    return person(world.school, Role.TEACHER, email="deskmate@school1.test", last_name="Соседова")


@pytest.fixture
def rpg(methodist: User, teacher: User, colleague: User, third: User) -> Group:
    """An РПГ of the teacher (school №1, leader) and two teachers of school №2."""
    return problem_group(methodist, teacher, [colleague, third])


def notes(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def fresh(user: User) -> User:
    """The person as the next request loads them: roles and memberships not cached."""
    return User.objects.get(pk=user.pk)


def row(group: Group, user: User) -> GroupMember:
    return GroupMember.objects.get(group=group, user=user)


def statuses(group: Group) -> dict[str, tuple[str, str]]:
    return {m.user.email: (m.role, m.status) for m in group.members.select_related("user")}


# --- Founding -----------------------------------------------------------------------------

FOUNDERS = {
    # kind: personas who may found it in the test district (school №1 for a ПТГ)
    "rmo": {"methodist"},
    "seminar": {"methodist"},
    "ptg": {"methodist", "school_admin"},
    "creative-lab": {"methodist", "teacher", "colleague", "school_admin"},
    "community": {"methodist", "teacher", "colleague", "school_admin"},
    "workshop": {"methodist", "teacher", "colleague", "school_admin"},
    "rpg": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("code", list(FOUNDERS))
def test_who_founds_what(everyone: dict[str, Any], world: World, persona: str, code: str) -> None:
    user = everyone[persona]
    organization = world.school if code == "ptg" else None
    allowed = persona in FOUNDERS[code]
    assert (
        permissions.can_found(
            user,
            kind(code),
            district_id=world.district.pk,
            region_id=world.district.region_id,
            organization_id=organization.pk if organization else None,
        )
        is allowed
    )
    if allowed:
        group = services.found_group(
            actor=user,
            kind=kind(code),
            district=world.district,
            title="Группа",
            organization=organization,
        )
        assert (group.kind.code, group.district, group.organization, group.created_by) == (
            code,
            world.district,
            organization,
            user,
        )
        assert (
            AuditEntry.objects.filter(action="group.created", target_id=str(group.pk)).count() == 1
        )
    else:
        with nothing_happens(), pytest.raises(PermissionDeniedError):
            services.found_group(
                actor=user,
                kind=kind(code),
                district=world.district,
                title="Группа",
                organization=organization,
            )


def test_a_school_head_founds_a_ptg_only_in_their_school(school_admin: User, world: World) -> None:
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        founded(school_admin, "ptg", organization=world.other_school)
    with nothing_happens(), pytest.raises(DomainError, match="Укажите организацию"):
        founded(school_admin, "ptg")
    group = founded(school_admin, "ptg", organization=world.school)
    assert (group.organization, group.visibility) == (world.school, "organization")
    assert statuses(group) == {"head@school1.test": ("leader", "active")}


def test_a_teacher_founds_a_creative_lab_and_leads_it(teacher: User, world: World) -> None:
    group = founded(teacher, "creative-lab", description=" Игровые технологии ")
    assert (group.description, group.visibility, group.joining, group.organization) == (
        "Игровые технологии",
        "public",
        "request",
        None,
    )
    member = row(group, teacher)
    assert (member.role, member.status, member.organization) == ("leader", "active", world.school)
    assert [n.text for n in NewsItem.objects.filter(group=group).order_by("pk")] == [
        "Объединение создано",
        f"Руководитель группы — {teacher.full_name}",
    ]


def test_a_teacher_founds_nothing_in_another_district(outsider: User, world: World) -> None:
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        founded(outsider, "creative-lab", district=world.district)
    assert founded(outsider, "creative-lab").district == world.other_district


def test_the_district_founds_an_rmo_without_a_leader_and_appoints_one(
    methodist: User, teacher: User, colleague: User
) -> None:
    group = founded(methodist, "rmo", title="РМО учителей математики")
    assert statuses(group) == {}
    # The leader of the group may not appoint another one; the district may.
    services.appoint_leader(actor=methodist, group=group, person=teacher)
    assert statuses(group) == {"teacher@school1.test": ("leader", "active")}
    assert notes(teacher)[-1].title == (
        "Вы назначены руководителем объединения «РМО учителей математики»"
    )
    with nothing_happens(group), pytest.raises(PermissionDeniedError):
        services.appoint_leader(actor=teacher, group=group, person=colleague)
    services.appoint_leader(actor=methodist, group=group, person=colleague)
    assert statuses(group) == {
        "teacher@school1.test": ("member", "active"),
        "colleague@school2.test": ("leader", "active"),
    }
    assert AuditEntry.objects.filter(action="group.leader", target_id=str(group.pk)).count() == 2


@pytest.mark.parametrize("who", ["student", "parent", "guest"])
def test_no_student_or_stranger_is_appointed_leader(
    request: Any, methodist: User, who: str
) -> None:
    group = founded(methodist, "rmo")
    with nothing_happens(group), pytest.raises(DomainError, match="только педагог"):
        services.appoint_leader(actor=methodist, group=group, person=request.getfixturevalue(who))


def test_the_founder_names_only_a_possible_leader(
    teacher: User, student: User, parent: User, school_admin: User, colleague: User, world: World
) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="только педагог"):
        founded(teacher, "community", leader=student)
    with nothing_happens(), pytest.raises(DomainError, match="только педагог"):
        founded(teacher, "creative-lab", leader=parent)
    # A ПТГ is led by a teacher of its own school.
    with nothing_happens(), pytest.raises(DomainError, match="только педагог"):
        founded(school_admin, "ptg", organization=world.school, leader=colleague)
    group = founded(school_admin, "ptg", organization=world.school, leader=teacher)
    assert statuses(group) == {"teacher@school1.test": ("leader", "active")}


def test_an_rpg_is_never_founded_directly(methodist: User, world: World) -> None:
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        founded(methodist, "rpg")


# --- Invitations and requests -------------------------------------------------------------


def test_invite_and_accept(teacher: User, colleague: User, third: User) -> None:
    group = founded(teacher, "creative-lab", joining="invitation")
    member = services.invite_member(
        actor=teacher, group=group, person=colleague, message="Ждём вас"
    )
    assert (member.status, member.invited_by, member.message) == ("invited", teacher, "Ждём вас")
    assert permissions.can_view_group(colleague, group)
    assert not permissions.is_member(colleague, group)
    invitation = notes(colleague)[-1]
    assert (invitation.title, invitation.body) == (
        f"Приглашение в объединение «{group.title}»",
        "Ждём вас",
    )
    with nothing_happens(group, member), pytest.raises(DomainError, match="уже приглашён"):
        services.invite_member(actor=teacher, group=group, person=colleague)
    # Only the leader or the district invites.
    with nothing_happens(group), pytest.raises(PermissionDeniedError):
        services.invite_member(actor=colleague, group=group, person=third)

    services.answer_invitation(actor=colleague, group=group, accept=True)
    member.refresh_from_db()
    assert (member.status, member.role) == ("active", "member")
    assert member.joined_at is not None
    assert permissions.is_member(colleague, group)
    assert (
        notes(teacher)[-1].title == f"{colleague.short_name} принял приглашение в «{group.title}»"
    )
    with nothing_happens(member), pytest.raises(DomainError, match="уже принято"):
        services.answer_invitation(actor=colleague, group=group, accept=True)


def test_invite_and_decline(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab")
    services.invite_member(actor=teacher, group=group, person=colleague)
    services.answer_invitation(actor=colleague, group=group, accept=False)
    assert row(group, colleague).status == "declined"
    assert not permissions.is_member(colleague, group)
    assert (
        notes(teacher)[-1].title == f"{colleague.short_name} отклонил приглашение в «{group.title}»"
    )
    # Invited again later.
    services.invite_member(actor=teacher, group=group, person=colleague)
    assert row(group, colleague).status == "invited"


def test_no_answer_without_an_invitation(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab")
    with nothing_happens(group), pytest.raises(DomainError, match="Приглашения"):
        services.answer_invitation(actor=colleague, group=group, accept=True)


def test_a_ptg_invites_only_its_own_school(
    school_admin: User, deskmate: User, colleague: User, world: World
) -> None:
    group = founded(school_admin, "ptg", organization=world.school)
    with nothing_happens(group), pytest.raises(DomainError, match="не может участвовать"):
        services.invite_member(actor=school_admin, group=group, person=colleague)
    assert services.invite_member(actor=school_admin, group=group, person=deskmate).status == (
        "invited"
    )


def test_a_request_to_join_is_decided_by_the_leader(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    group = founded(teacher, "creative-lab", joining="request")
    asked = services.request_to_join(actor=colleague, group=group, message="Хочу участвовать")
    assert (asked.status, asked.message) == ("requested", "Хочу участвовать")
    assert not permissions.is_member(colleague, group)
    told = notes(teacher)[-1]
    assert (told.title, told.body) == (
        f"{colleague.short_name} просит принять в «{group.title}»",
        "Хочу участвовать",
    )
    assert notes(methodist) == []
    # A member who does not lead decides nothing.
    services.request_to_join(actor=third, group=group)
    third_row = row(group, third)
    with nothing_happens(asked), pytest.raises(PermissionDeniedError):
        services.decide_join_request(actor=colleague, member=third_row, accept=True)

    services.decide_join_request(actor=teacher, member=asked, accept=True)
    asked.refresh_from_db()
    assert asked.status == "active"
    assert permissions.is_member(fresh(colleague), group)
    assert notes(colleague)[-1].title == f"Вас приняли в объединение «{group.title}»"
    with nothing_happens(asked), pytest.raises(DomainError, match="уже рассмотрена"):
        services.decide_join_request(actor=teacher, member=asked, accept=False)

    services.decide_join_request(
        actor=teacher, member=third_row, accept=False, reason="Группа уже набрана"
    )
    third_row.refresh_from_db()
    assert third_row.status == "declined"
    refusal = notes(third)[-1]
    assert (refusal.title, refusal.body) == (
        f"Заявка на вступление в «{group.title}» отклонена",
        "Группа уже набрана",
    )
    # Who was declined may ask again.
    assert services.request_to_join(actor=third, group=group).status == "requested"


def test_requests_to_a_group_without_a_leader_go_to_the_district(
    methodist: User, teacher: User
) -> None:
    group = founded(methodist, "rmo")
    services.request_to_join(actor=teacher, group=group)
    assert notes(methodist)[-1].title == f"{teacher.short_name} просит принять в «{group.title}»"


def test_an_open_group_is_joined_at_once(teacher: User, colleague: User) -> None:
    group = founded(teacher, "community", joining="open")
    member = services.request_to_join(actor=colleague, group=group)
    assert member.status == "active"
    assert permissions.is_member(colleague, group)
    assert notes(teacher) == []
    assert NewsItem.objects.filter(group=group).first() is not None
    assert NewsItem.objects.filter(group=group)[0].text == (
        f"{colleague.short_name} вступил в группу"
    )
    with nothing_happens(member), pytest.raises(DomainError, match="уже в этой группе"):
        services.request_to_join(actor=colleague, group=group)


def test_a_student_joins_a_community_open_to_students(
    teacher: User, student: User, parent: User
) -> None:
    community = founded(teacher, "community", joining="open")
    lab = founded(teacher, "creative-lab", joining="open")
    member = services.request_to_join(actor=student, group=community)
    assert (member.status, member.is_student) == ("active", True)
    with nothing_happens(lab), pytest.raises(PermissionDeniedError):
        services.request_to_join(actor=student, group=lab)
    # A parent sees the community but does not join it.
    with nothing_happens(community), pytest.raises(PermissionDeniedError):
        services.request_to_join(actor=parent, group=community)


def test_asking_twice_or_when_invited_is_explained(
    teacher: User, colleague: User, third: User
) -> None:
    group = founded(teacher, "creative-lab", joining="request")
    asked = services.request_to_join(actor=colleague, group=group)
    with nothing_happens(asked), pytest.raises(DomainError, match="уже попросили") as refused:
        services.request_to_join(actor=colleague, group=group)
    assert refused.type is DomainError
    invited = services.invite_member(actor=teacher, group=group, person=third)
    with nothing_happens(invited), pytest.raises(DomainError, match="уже пригласили"):
        services.request_to_join(actor=third, group=group)


def test_one_who_left_is_not_removed(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab", joining="open")
    member = services.request_to_join(actor=colleague, group=group)
    services.leave_group(actor=colleague, group=group)
    # The leader's page still shows the old row.
    with nothing_happens(group), pytest.raises(DomainError, match="не участвует"):
        services.remove_member(actor=teacher, member=member, reason="Не работает")
    assert row(group, colleague).status == "left"


def test_an_invitation_only_group_refuses_requests(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab", joining="invitation")
    with nothing_happens(group), pytest.raises(DomainError, match="только по приглашению"):
        services.request_to_join(actor=colleague, group=group)


def test_a_guest_or_outsider_of_an_organization_group_cannot_ask(
    school_admin: User, colleague: User, world: World
) -> None:
    group = founded(school_admin, "ptg", organization=world.school)
    with nothing_happens(group), pytest.raises(PermissionDeniedError):
        services.request_to_join(actor=colleague, group=group)


def test_an_invitation_to_one_who_asked_admits_them(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab")
    services.request_to_join(actor=colleague, group=group)
    assert services.invite_member(actor=teacher, group=group, person=colleague).status == "active"


# --- Removing and leaving -----------------------------------------------------------------


def test_removal_needs_a_reason_and_the_member_is_told(
    teacher: User, colleague: User, third: User
) -> None:
    group = founded(teacher, "creative-lab", joining="open")
    services.request_to_join(actor=colleague, group=group)
    member = row(group, colleague)
    with nothing_happens(member), pytest.raises(DomainError, match="причину"):
        services.remove_member(actor=teacher, member=member, reason=" ")
    services.request_to_join(actor=third, group=group)
    with nothing_happens(member), pytest.raises(PermissionDeniedError):
        services.remove_member(actor=third, member=member, reason="Не нравится")
    services.remove_member(actor=teacher, member=member, reason="Не участвует в работе")
    member.refresh_from_db()
    assert (member.status, member.message) == ("removed", "Не участвует в работе")
    assert member.ended_at is not None
    removal = notes(colleague)[-1]
    assert (removal.title, removal.body) == (
        f"Вы исключены из объединения «{group.title}»",
        "Не участвует в работе",
    )
    # Who was removed does not come back by themselves.
    with nothing_happens(member), pytest.raises(PermissionDeniedError):
        services.request_to_join(actor=colleague, group=group)


def test_the_leader_is_neither_removed_nor_leaves(
    teacher: User, methodist: User, colleague: User
) -> None:
    group = founded(teacher, "creative-lab")
    leader = row(group, teacher)
    with nothing_happens(leader), pytest.raises(DomainError, match="Руководителя нельзя"):
        services.remove_member(actor=methodist, member=leader, reason="Смена руководителя")
    with nothing_happens(leader), pytest.raises(DomainError, match="Руководитель не может"):
        services.leave_group(actor=teacher, group=group)
    # After a new leader is appointed, the former one may leave.
    services.appoint_leader(actor=methodist, group=group, person=colleague)
    services.leave_group(actor=fresh(teacher), group=group)
    assert statuses(group) == {
        "teacher@school1.test": ("member", "left"),
        "colleague@school2.test": ("leader", "active"),
    }


def test_a_member_leaves(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab", joining="open")
    services.request_to_join(actor=colleague, group=group)
    services.leave_group(actor=colleague, group=group)
    assert row(group, colleague).status == "left"
    assert not permissions.is_member(colleague, group)
    with nothing_happens(group), pytest.raises(DomainError, match="не участвуете"):
        services.leave_group(actor=colleague, group=group)
    assert services.request_to_join(actor=colleague, group=group).status == "active"


def test_an_rpg_keeps_two_organizations_when_removing(
    rpg: Group, teacher: User, colleague: User, third: User, methodist: User
) -> None:
    assert statuses(rpg) == {
        "teacher@school1.test": ("leader", "active"),
        "colleague@school2.test": ("member", "active"),
        "third@school2.test": ("member", "active"),
    }
    services.remove_member(actor=teacher, member=row(rpg, third), reason="Перешла в другую РПГ")
    last = row(rpg, colleague)
    with nothing_happens(rpg, last), pytest.raises(DomainError, match="двух разных") as refused:
        services.remove_member(actor=methodist, member=last, reason="Не участвует")
    assert refused.type is DomainError
    assert not services.is_below_composition(rpg)


def test_leaving_an_rpg_is_allowed_but_flagged(
    rpg: Group,
    teacher: User,
    colleague: User,
    third: User,
    methodist: User,
    expert: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.leave_group(actor=third, group=rpg)
    assert not services.is_below_composition(rpg)
    before = {user.pk: len(notes(user)) for user in (teacher, methodist)}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_group(actor=colleague, group=rpg)
    assert row(rpg, colleague).status == "left"
    assert services.is_below_composition(rpg)
    title = f"В РПГ «{rpg.title}» остались педагоги одной организации"
    for user in (teacher, methodist):
        assert len(notes(user)) == before[user.pk] + 1
        assert notes(user)[-1].title == title
    assert notes(expert) == []
    assert notes(colleague)[-1].title != title
    assert sorted(m.to[0] for m in mail.outbox) == ["methodist@uo.test", "teacher@school1.test"]


def test_only_an_rpg_has_a_composition_rule(teacher: User) -> None:
    group = founded(teacher, "creative-lab")
    assert not services.is_below_composition(group)


# --- Materials ----------------------------------------------------------------------------


def test_a_member_publishes_their_material_into_the_group(
    teacher: User, colleague: User, third: User
) -> None:
    group = founded(teacher, "creative-lab", joining="open")
    services.request_to_join(actor=colleague, group=group)
    material = published(colleague)
    link = services.add_material(actor=colleague, group=group, material=material)
    assert (link.group, link.material, link.added_by) == (group, material, colleague)
    assert NewsItem.objects.filter(group=group)[0].text == (
        f"Опубликован материал «{material.title}»"
    )
    with nothing_happens(link), pytest.raises(DomainError, match="уже опубликован"):
        services.add_material(actor=colleague, group=group, material=material)
    # Someone else's material, even by a member, is refused.
    others = published(colleague, title="Чужой материал")
    with nothing_happens(), pytest.raises(DomainError, match="свои материалы"):
        services.add_material(actor=teacher, group=group, material=others)
    # A non-member publishes nothing.
    own = published(third)
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        services.add_material(actor=third, group=group, material=own)


def test_a_coauthor_publishes_the_shared_material(teacher: User, colleague: User) -> None:
    group = founded(teacher, "creative-lab", joining="open")
    services.request_to_join(actor=colleague, group=group)
    material = published(teacher, coauthors=[colleague])
    assert services.add_material(actor=colleague, group=group, material=material).added_by == (
        colleague
    )


def test_the_library_offers_the_members_groups(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    lab = founded(teacher, "creative-lab", title="Лаборатория игровых технологий", joining="open")
    other = founded(colleague, "community", title="Олимпиадная математика", joining="open")
    services.request_to_join(actor=colleague, group=lab)
    offered = dict(places.offered_to(colleague))
    assert [(p.key, p.title) for p in offered["Мои объединения"]] == [
        (f"group:{lab.pk}", "Творческая лаборатория «Лаборатория игровых технологий»"),
        (f"group:{other.pk}", "Сетевое сообщество «Олимпиадная математика»"),
    ]
    assert places.offered_to(third) == []
    material = published(colleague)
    places.attach(actor=colleague, material=material, key=f"group:{lab.pk}")
    assert GroupMaterial.objects.filter(group=lab, material=material, added_by=colleague).exists()
    assert [p.key for p in places.of_material(third, material)] == [f"group:{lab.pk}"]
    with nothing_happens(), pytest.raises(DomainError, match="Такой группы нет"):
        places.attach(actor=colleague, material=material, key="group:999999")
    own = published(third)
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        places.attach(actor=third, material=own, key=f"group:{lab.pk}")


# --- Closing ------------------------------------------------------------------------------


def test_an_rpg_closes_with_its_product_and_becomes_read_only(
    rpg: Group, teacher: User, colleague: User, third: User, methodist: User, deskmate: User
) -> None:
    product = published(colleague, title="Сборник листов самооценки")
    # No report, no product, a draft, a product not published into the group: refused.
    with nothing_happens(rpg), pytest.raises(DomainError, match="отчёт"):
        services.close_group(actor=teacher, group=rpg, report=" ", product=product)
    with nothing_happens(rpg), pytest.raises(DomainError, match="продукт"):
        services.close_group(actor=teacher, group=rpg, report="Готово")
    unpublished = draft(colleague, title="Черновик")
    services.add_material(actor=colleague, group=rpg, material=unpublished)
    with nothing_happens(rpg), pytest.raises(DomainError, match="опубликованный"):
        services.close_group(actor=teacher, group=rpg, report="Готово", product=unpublished)
    with nothing_happens(rpg), pytest.raises(DomainError, match="Сначала опубликуйте"):
        services.close_group(actor=teacher, group=rpg, report="Готово", product=product)
    # A member who does not lead does not close it.
    services.add_material(actor=colleague, group=rpg, material=product)
    with nothing_happens(rpg), pytest.raises(PermissionDeniedError):
        services.close_group(actor=colleague, group=rpg, report="Готово", product=product)

    services.close_group(actor=teacher, group=rpg, report=" Сборник издан. ", product=product)
    rpg.refresh_from_db()
    assert (rpg.status, rpg.product, rpg.report, rpg.closed_by) == (
        "closed",
        product,
        "Сборник издан.",
        teacher,
    )
    assert rpg.closed_at is not None
    assert notes(methodist)[-1].title == f"Объединение «{rpg.title}» завершило работу"
    assert notes(colleague)[-1].title == f"Объединение «{rpg.title}» завершило работу"
    assert AuditEntry.objects.filter(action="group.closed", target_id=str(rpg.pk)).count() == 1

    # Read-only from now on.
    member = row(rpg, colleague)
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.close_group(actor=teacher, group=rpg, report="Ещё раз", product=product)
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.invite_member(actor=teacher, group=rpg, person=deskmate)
    with nothing_happens(rpg, member), pytest.raises(DomainError):
        services.remove_member(actor=teacher, member=member, reason="Поздно")
    with nothing_happens(rpg, member), pytest.raises(DomainError, match="завершила работу"):
        services.leave_group(actor=colleague, group=rpg)
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.request_to_join(actor=deskmate, group=rpg)
    late = published(colleague, title="Опоздавший материал")
    with nothing_happens(rpg), pytest.raises(DomainError, match="завершила работу"):
        services.add_material(actor=colleague, group=rpg, material=late)
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.update_group(actor=methodist, group=rpg, title="Новое")
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.save_stage(
            actor=teacher,
            group=rpg,
            title="Этап",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2026, 10, 1),
        )
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.start_thread(actor=colleague, group=rpg, title="Тема", body="Текст")
    with nothing_happens(rpg), pytest.raises(DomainError):
        services.appoint_leader(actor=methodist, group=rpg, person=colleague)
    link = GroupMaterial.objects.get(group=rpg, material=product)
    with nothing_happens(rpg, link), pytest.raises(DomainError):
        services.remove_material(actor=teacher, link=link)
    # Still seen by all.
    assert permissions.can_view_group(deskmate, rpg)


def test_other_groups_are_closed_by_the_district_with_a_report(
    teacher: User, methodist: User
) -> None:
    group = founded(teacher, "creative-lab")
    with nothing_happens(group), pytest.raises(PermissionDeniedError):
        services.close_group(actor=teacher, group=group, report="Закончили")
    services.close_group(actor=methodist, group=group, report="Лаборатория выполнила план")
    group.refresh_from_db()
    assert (group.status, group.product) == ("closed", None)


def test_a_product_given_to_any_group_must_be_its_published_material(
    teacher: User, colleague: User, methodist: User
) -> None:
    group = founded(methodist, "rmo")
    unpublished = draft(colleague)
    with nothing_happens(group), pytest.raises(DomainError, match="опубликованный"):
        services.close_group(actor=methodist, group=group, report="Итоги года", product=unpublished)
    elsewhere = published(teacher)
    with nothing_happens(group), pytest.raises(DomainError, match="Сначала опубликуйте"):
        services.close_group(actor=methodist, group=group, report="Итоги года", product=elsewhere)
    services.close_group(actor=methodist, group=group, report="Итоги года")
    group.refresh_from_db()
    assert (group.status, group.product) == ("closed", None)
