"""Groups and РПГ applications in the REST API: the whole way of an application from
submission to the group, every refusal, the list's filters, what students see, and the
number of queries per list."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from metodset.accounts import services as account_services
from metodset.accounts.models import Role, Subject, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.conftest import World
from metodset.groups.models import (
    Group,
    GroupKind,
    GroupMember,
    ProblemGroupApplication,
)

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/groups/applications"
SAME_SCHOOL = "педагоги не менее чем двух разных образовательных организаций"


def client_for(user: Any) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def get(client: Client, url: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
    response = client.get(url, params or {}, headers=headers)
    return response.status_code, json.loads(response.content)


def send(client: Client, url: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    response = client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )
    return response.status_code, json.loads(response.content)


def application_body(*participants: User, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Функциональная грамотность на уроках математики",
        "problem": "Ученики не применяют знания в жизненных ситуациях.",
        "goals": "Собрать банк заданий.",
        "expected_result": "Сборник заданий для 5–9 классов.",
        "starts_on": "2025-09-01",
        "ends_on": "2026-05-31",
        "participant_ids": [p.pk for p in participants],
        **fields,
    }


def submitted(teacher: User, colleague: User) -> int:
    """An application of the teacher with the colleague, agreed by both: under review."""
    status, body = send(client_for(teacher), APPLICATIONS, application_body(colleague))
    assert status == 201, body
    status, body = send(
        client_for(colleague), f"{APPLICATIONS}/{body['id']}/consent", {"agree": True}
    )
    assert status == 200, body
    assert body["status"] == "submitted"
    return int(body["id"])


def kind(code: str) -> GroupKind:
    return GroupKind.objects.get(code=code)


def make_group(world: World, code: str, title: str, **fields: Any) -> Group:
    return Group.objects.create(kind=kind(code), district=world.district, title=title, **fields)


def add_member(
    group: Group, user: User, *, role: str = GroupMember.Role.MEMBER, is_student: bool = False
) -> GroupMember:
    return GroupMember.objects.create(
        group=group,
        user=user,
        organization=user.memberships.get().organization,
        role=role,
        status=GroupMember.Status.ACTIVE,
        is_student=is_student,
        joined_at=timezone.now(),
    )


# --- The way of an application ----------------------------------------------------------


def test_application_from_submission_to_group(
    teacher: User, colleague: User, methodist: User
) -> None:
    own = client_for(teacher)
    status, body = send(own, APPLICATIONS, application_body(colleague))
    assert status == 201, body
    application_id = body["id"]
    assert body["status"] == "consent"
    assert body["decision_due"] is None
    assert body["days_left"] is None
    assert body["proposed_leader_id"] == teacher.pk
    consents = {p["user_id"]: p["consent"] for p in body["participants"]}
    assert consents == {teacher.pk: "agreed", colleague.pk: "pending"}
    # Not yet the department's business.
    _status, queue = get(client_for(methodist), APPLICATIONS, {"status": "submitted"})
    assert queue["total"] == 0

    other = client_for(colleague)
    _status, seen = get(other, f"{APPLICATIONS}/{application_id}")
    assert seen["can_answer"] is True
    assert seen["can_decide"] is False
    status, body = send(other, f"{APPLICATIONS}/{application_id}/consent", {"agree": True})
    assert status == 200, body
    assert body["status"] == "submitted"

    department = client_for(methodist)
    status, queue = get(department, APPLICATIONS, {"status": "submitted"})
    assert status == 200
    assert queue["total"] == 1
    row = queue["items"][0]
    assert row["id"] == application_id
    assert row["days_left"] == 7
    assert row["decision_due"] == (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert row["applicant"] == teacher.full_name
    assert row["applicant_organization"] == "МБОУ СОШ №1"
    assert {p["consent"] for p in row["participants"]} == {"agreed"}

    reasons = "Проблема сформулирована слишком широко."
    status, body = send(
        department,
        f"{APPLICATIONS}/{application_id}/decision",
        {"decision": "reject", "reasons": reasons},
    )
    assert status == 200, body
    assert body["status"] == "rejected"

    _status, mine = get(own, f"{APPLICATIONS}/{application_id}")
    assert mine["rejection_reasons"] == reasons
    assert mine["can_resubmit"] is True
    assert mine["days_left"] is None
    status, body = send(own, f"{APPLICATIONS}/{application_id}/resubmit")
    assert status == 200, body
    assert body["status"] == "submitted"
    assert body["submission_count"] == 2
    assert body["days_left"] == 7

    status, body = send(
        department,
        f"{APPLICATIONS}/{application_id}/decision",
        {"decision": "approve", "order_number": "123-о", "order_date": "2025-08-25"},
    )
    assert status == 200, body
    assert body["status"] == "approved"
    assert body["order_number"] == "123-о"
    assert body["order_date"] == "2025-08-25"
    group_id = body["group_id"]
    assert group_id is not None

    status, group = get(Client(), f"/api/v1/groups/{group_id}")
    assert status == 200, group
    assert group["kind"] == {"code": "rpg", "name": "Районная проблемная группа"}
    assert group["order_number"] == "123-о"
    assert group["leader"] == teacher.short_name
    assert group["members_count"] == 2
    members = {(m["name"], m["organization"], m["role"]) for m in group["members"]}
    assert members == {
        (teacher.full_name, "МБОУ СОШ №1", "leader"),
        (colleague.full_name, "МБОУ Гимназия №2", "member"),
    }
    assert group["problem"] == "Ученики не применяют знания в жизненных ситуациях."
    assert group["url"] == f"/groups/{group_id}/"
    _status, listed = get(client_for(colleague), "/api/v1/groups", {"mine": True})
    assert [g["id"] for g in listed["items"]] == [group_id]


def test_a_participant_may_decline_but_not_the_applicant(teacher: User, colleague: User) -> None:
    status, body = send(client_for(teacher), APPLICATIONS, application_body(colleague))
    application_id = body["id"]
    status, body = send(
        client_for(teacher), f"{APPLICATIONS}/{application_id}/consent", {"agree": False}
    )
    assert status == 400
    assert "Заявитель не может отказаться" in body["detail"]
    status, body = send(
        client_for(colleague),
        f"{APPLICATIONS}/{application_id}/consent",
        {"agree": False, "comment": "Нет времени в этом году."},
    )
    assert status == 200
    assert body["status"] == "consent"
    declined = next(p for p in body["participants"] if p["user_id"] == colleague.pk)
    assert declined["consent"] == "declined"
    assert declined["comment"] == "Нет времени в этом году."


def test_the_applicant_edits_and_withdraws(world: World, teacher: User, colleague: User) -> None:
    third = person(
        OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3"),
        Role.TEACHER,
        email="third@school3.test",
    )
    own = client_for(teacher)
    _status, body = send(own, APPLICATIONS, application_body(colleague))
    application_id = body["id"]
    response = own.put(
        f"{APPLICATIONS}/{application_id}",
        json.dumps(application_body(third, title="Новое название")),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Новое название"
    assert {p["user_id"] for p in body["participants"]} == {teacher.pk, third.pk}
    response = client_for(colleague).put(
        f"{APPLICATIONS}/{application_id}",
        json.dumps(application_body(colleague)),
        content_type="application/json",
    )
    assert response.status_code == 404  # no longer named, so no longer shown
    status, body = send(own, f"{APPLICATIONS}/{application_id}/withdraw")
    assert status == 200
    assert body["status"] == "withdrawn"


# --- Refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_only_the_district_decides(teacher: User, colleague: User, decision: str) -> None:
    application_id = submitted(teacher, colleague)
    _token, raw = account_services.issue_api_token(actor=teacher, name="Скрипт")
    body = {
        "decision": decision,
        "order_number": "1",
        "order_date": "2025-08-25",
        "reasons": "Нет.",
    }
    for caller, headers in [
        (Client(), {"Authorization": f"Bearer {raw}"}),  # the applicant, by token
        (client_for(colleague), {}),  # a participant
    ]:
        status, answer = send(caller, f"{APPLICATIONS}/{application_id}/decision", body, **headers)
        assert status == 403
        assert answer["detail"] == "Решение по заявлению принимает отдел образования района."
    application = ProblemGroupApplication.objects.get(pk=application_id)
    assert application.status == ProblemGroupApplication.Status.SUBMITTED
    assert application.rejection_reasons == ""
    assert application.group_id is None
    assert not Group.objects.exists()


def test_a_decision_needs_its_order_or_reasons(
    teacher: User, colleague: User, methodist: User
) -> None:
    application_id = submitted(teacher, colleague)
    department = client_for(methodist)
    url = f"{APPLICATIONS}/{application_id}/decision"
    status, body = send(department, url, {"decision": "reject"})
    assert (status, body["detail"]) == (400, "Укажите причины отказа: заявитель должен их знать.")
    status, body = send(department, url, {"decision": "approve", "order_number": "5"})
    assert (status, body["detail"]) == (400, "Укажите дату приказа о создании группы.")
    status, body = send(department, url, {"decision": "approve", "order_date": "2025-08-25"})
    assert (status, body["detail"]) == (400, "Укажите номер приказа о создании группы.")
    status, _body = send(department, url, {"decision": "maybe"})
    assert status == 422
    assert ProblemGroupApplication.objects.get().status == "submitted"


def test_strangers_do_not_see_an_application(
    teacher: User, colleague: User, outsider: User, school_admin: User, student: User
) -> None:
    application_id = submitted(teacher, colleague)
    for stranger in (outsider, school_admin, student):
        client = client_for(stranger)
        status, body = get(client, f"{APPLICATIONS}/{application_id}")
        assert status == 404
        assert body["detail"] == "Не найдено."
        assert get(client, APPLICATIONS)[1]["total"] == 0
        actions: list[tuple[str, dict[str, Any]]] = [
            ("consent", {"agree": True}),
            ("decision", {"decision": "reject", "reasons": "Нет."}),
            ("resubmit", {}),
        ]
        for action, payload in actions:
            assert send(client, f"{APPLICATIONS}/{application_id}/{action}", payload)[0] == 404
    assert ProblemGroupApplication.objects.get().status == "submitted"
    assert get(client_for(teacher), f"{APPLICATIONS}/999999")[0] == 404


def test_guests_get_401_on_applications(teacher: User, colleague: User) -> None:
    application_id = submitted(teacher, colleague)
    guest = Client()
    for url in (APPLICATIONS, f"{APPLICATIONS}/{application_id}"):
        status, body = get(guest, url)
        assert status == 401
        assert body["detail"].startswith("Нужна авторизация")
    assert send(guest, APPLICATIONS, application_body(colleague))[0] == 401
    assert (
        send(guest, f"{APPLICATIONS}/{application_id}/decision", {"decision": "reject"})[0] == 401
    )
    assert ProblemGroupApplication.objects.count() == 1


def test_participants_of_one_school_are_refused(world: World, teacher: User) -> None:
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    first = person(third_school, Role.TEACHER, email="one@school3.test")
    second = person(third_school, Role.TEACHER, email="two@school3.test")
    status, body = send(
        client_for(teacher),
        APPLICATIONS,
        application_body(first, second, applicant_takes_part=False, proposed_leader_id=first.pk),
    )
    assert status == 400
    assert SAME_SCHOOL in body["detail"]
    # The teacher with a colleague of her own school: the same refusal.
    neighbour = person(world.school, Role.TEACHER, email="neighbour@school1.test")
    status, body = send(client_for(teacher), APPLICATIONS, application_body(neighbour))
    assert status == 400
    assert SAME_SCHOOL in body["detail"]
    assert not ProblemGroupApplication.objects.exists()


def test_submission_refusals(teacher: User, colleague: User, outsider: User, student: User) -> None:
    own = client_for(teacher)
    status, body = send(own, APPLICATIONS, application_body(colleague, ends_on="2025-08-01"))
    assert (status, body["detail"]) == (400, "Срок работы должен кончаться позже, чем начинается.")
    status, body = send(own, APPLICATIONS, application_body(colleague, participant_ids=[999999]))
    assert (status, body["detail"]) == (400, "Участник не найден: 999999.")
    status, body = send(own, APPLICATIONS, application_body(outsider))
    assert status == 400
    assert "не работает в организациях района" in body["detail"]
    status, body = send(own, APPLICATIONS, application_body(colleague, subject_id=999999))
    assert (status, body["detail"]) == (400, "Такого предмета нет.")
    status, body = send(client_for(student), APPLICATIONS, application_body(colleague))
    assert status == 403
    assert not ProblemGroupApplication.objects.exists()


def test_applications_each_sees(
    teacher: User, colleague: User, methodist: User, expert: User, outsider: User
) -> None:
    application_id = submitted(teacher, colleague)
    for viewer, total in [(teacher, 1), (colleague, 1), (methodist, 1), (expert, 0), (outsider, 0)]:
        status, body = get(client_for(viewer), APPLICATIONS)
        assert status == 200
        assert body["total"] == total, viewer
    _status, body = get(client_for(methodist), APPLICATIONS, {"status": "rejected"})
    assert body["total"] == 0
    _status, body = get(client_for(methodist), f"{APPLICATIONS}/{application_id}")
    assert body["can_decide"] is True
    assert body["kind"]["code"] == "rpg"


# --- Groups -----------------------------------------------------------------------------


@pytest.fixture
def groups(world: World, teacher: User, colleague: User, student: User) -> dict[str, Group]:
    maths = Subject.objects.get_or_create(name="Математика")[0]
    physics = Subject.objects.get_or_create(name="Физика")[0]
    rmo = make_group(world, "rmo", "РМО учителей математики: дроби и проценты", subject=maths)
    add_member(rmo, teacher, role=GroupMember.Role.LEADER)
    add_member(rmo, colleague)
    lab = make_group(
        world,
        "creative-lab",
        "Лаборатория физического эксперимента",
        subject=physics,
        status=Group.Status.CLOSED,
        visibility=Group.Visibility.NETWORK,
    )
    add_member(lab, colleague, role=GroupMember.Role.LEADER)
    community = make_group(
        world,
        "community",
        "Олимпиадное сообщество",
        students_may_join=True,
        joining=Group.Joining.OPEN,
    )
    add_member(community, teacher, role=GroupMember.Role.LEADER)
    add_member(community, student, is_student=True)
    ptg = make_group(
        world,
        "ptg",
        "ПТГ школы №1",
        organization=world.school,
        visibility=Group.Visibility.ORGANIZATION,
        joining=Group.Joining.INVITATION,
    )
    return {"rmo": rmo, "lab": lab, "community": community, "ptg": ptg}


def titles(client: Client, **params: Any) -> list[str]:
    status, body = get(client, "/api/v1/groups", params)
    assert status == 200, body
    assert body["total"] == len(body["items"])
    return [item["title"] for item in body["items"]]


def test_group_list_filters(groups: dict[str, Group], teacher: User, colleague: User) -> None:
    client = client_for(teacher)
    assert len(titles(client)) == 4
    assert titles(client, kind="rmo") == [groups["rmo"].title]
    maths = groups["rmo"].subject_id
    assert titles(client, subject=maths) == [groups["rmo"].title]
    assert titles(client, status="closed") == [groups["lab"].title]
    assert len(titles(client, status="active")) == 3
    # Case and ё do not matter, every word must be found.
    assert titles(client, q="ДРОБИ Проценты") == [groups["rmo"].title]
    assert titles(client, q="дроби физического") == []
    assert sorted(titles(client, mine=True)) == sorted(
        [groups["rmo"].title, groups["community"].title]
    )
    assert titles(client_for(colleague), mine=True, status="closed") == [groups["lab"].title]
    status, _body = get(client, "/api/v1/groups", {"status": "lost"})
    assert status == 422
    _status, body = get(client, "/api/v1/groups", {"kind": "rmo"})
    rmo = body["items"][0]
    assert rmo["leader"] == teacher.short_name
    assert rmo["members_count"] == 2
    assert rmo["subject"] == {"id": maths, "name": "Математика"}
    assert rmo["district"] == "Тестовый район"
    assert rmo["status"] == "active"


def test_who_sees_which_groups(
    groups: dict[str, Group], outsider: User, colleague: User, methodist: User
) -> None:
    public = {groups["rmo"].title, groups["community"].title}
    assert set(titles(Client())) == public
    assert titles(Client(), mine=True) == []
    # Another district's teacher is in the network, but not in school №1.
    assert set(titles(client_for(outsider))) == public | {groups["lab"].title}
    assert groups["ptg"].title not in titles(client_for(colleague))
    assert len(titles(client_for(methodist))) == 4
    assert get(Client(), f"/api/v1/groups/{groups['lab'].pk}")[0] == 404
    assert get(client_for(colleague), f"/api/v1/groups/{groups['ptg'].pk}")[0] == 404
    assert get(client_for(methodist), f"/api/v1/groups/{groups['ptg'].pk}")[0] == 200
    assert get(Client(), "/api/v1/groups/999999")[0] == 404


def test_students_see_only_communities_open_to_them(
    groups: dict[str, Group], student: User, world: World
) -> None:
    other = person(world.school, Role.STUDENT, email="other@school1.test", student_class="8А")
    client = client_for(other)
    assert titles(client) == [groups["community"].title]
    for name in ("rmo", "lab", "ptg"):
        assert get(client, f"/api/v1/groups/{groups[name].pk}")[0] == 404
    status, body = get(client, f"/api/v1/groups/{groups['community'].pk}")
    assert status == 200
    assert body["can_join"] is True
    assert send(client, f"/api/v1/groups/{groups['rmo'].pk}/join")[0] == 404
    status, body = send(client, f"/api/v1/groups/{groups['community'].pk}/join")
    assert status == 200, body
    assert body["status"] == "active"
    # A member now: she sees the other student by name.
    _status, body = get(client, f"/api/v1/groups/{groups['community'].pk}")
    assert body["my_status"] == "active"
    assert student.full_name in {m["name"] for m in body["members"]}
    assert body["members_count"] == 1  # the leader; students are not counted


def test_student_members_are_named_only_to_members_and_the_district(
    groups: dict[str, Group], student: User, teacher: User, colleague: User, methodist: User
) -> None:
    url = f"/api/v1/groups/{groups['community'].pk}"
    for viewer, named in [(teacher, True), (methodist, True), (colleague, False), (None, False)]:
        status, body = get(client_for(viewer), url)
        assert status == 200
        names = {m["name"] for m in body["members"]}
        assert (student.full_name in names) is named, viewer
        assert body["hidden_students"] == (0 if named else 1)
        assert teacher.full_name in names


def test_joining(groups: dict[str, Group], colleague: User, outsider: User, teacher: User) -> None:
    # No body at all is fine: the message is optional.
    response = client_for(outsider).post(
        f"/api/v1/groups/{groups['rmo'].pk}/join", "", content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "requested"
    assert GroupMember.objects.get(group=groups["rmo"], user=outsider).message == ""
    status, body = send(
        client_for(colleague), f"/api/v1/groups/{groups['community'].pk}/join", {"message": "Хочу"}
    )
    assert (status, body["status"]) == (200, "active")
    status, body = send(client_for(teacher), f"/api/v1/groups/{groups['rmo'].pk}/join")
    assert (status, body["detail"]) == (400, "Вы уже в этой группе.")
    status, body = send(client_for(teacher), f"/api/v1/groups/{groups['ptg'].pk}/join")
    assert status == 400
    assert body["detail"] == "В эту группу вступают только по приглашению руководителя."
    status, body = send(client_for(teacher), f"/api/v1/groups/{groups['lab'].pk}/join")
    assert (status, body["detail"]) == (
        400,
        "Группа завершила работу: её состав больше не меняется.",
    )
    assert send(Client(), f"/api/v1/groups/{groups['rmo'].pk}/join")[0] == 401


def test_group_detail_lists_the_plan(groups: dict[str, Group], teacher: User) -> None:
    rmo = groups["rmo"]
    rmo.stages.create(
        title="Диагностика",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 10, 1),
        responsible="Учителева А. П.",
    )
    status, body = get(client_for(teacher), f"/api/v1/groups/{rmo.pk}")
    assert status == 200
    assert body["stages"][0]["title"] == "Диагностика"
    assert body["stages"][0]["starts_on"] == "2025-09-01"
    assert body["my_status"] == "active"
    assert body["can_join"] is False


# count, page, leaders; for the methodist also session and user and her roles
@pytest.mark.parametrize(("persona", "queries"), [("guest", 3), ("methodist", 7)])
def test_group_list_makes_a_bounded_number_of_queries(
    world: World,
    request: Any,
    persona: str,
    queries: int,
    django_assert_max_num_queries: Any,
) -> None:
    maths = Subject.objects.get_or_create(name="Математика")[0]
    for number in range(22):
        group = make_group(world, "rmo", f"РМО №{number:02}", subject=maths)
        leader = person(world.school, Role.TEACHER, email=f"leader{number}@school1.test")
        add_member(group, leader, role=GroupMember.Role.LEADER)
        add_member(group, person(world.other_school, Role.TEACHER, email=f"m{number}@s2.test"))
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(queries):
        status, body = get(client, "/api/v1/groups")
    assert status == 200
    assert body["total"] == 22
    assert len(body["items"]) == 20
    assert all(item["leader"] and item["members_count"] == 2 for item in body["items"])
    _status, second = get(client, "/api/v1/groups", {"page": 2})
    assert [item["title"] for item in second["items"]] == ["РМО №20", "РМО №21"]


def test_application_list_makes_a_bounded_number_of_queries(
    world: World, teacher: User, methodist: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        colleague = person(world.other_school, Role.TEACHER, email=f"c{number}@s2.test")
        submitted(teacher, colleague)
    client = client_for(methodist)
    # session and user, the caller's roles, count, page, participants with their schools
    with django_assert_max_num_queries(7):
        status, body = get(client, APPLICATIONS)
    assert status == 200
    assert body["total"] == 5
    assert all(len(item["participants"]) == 2 for item in body["items"])
