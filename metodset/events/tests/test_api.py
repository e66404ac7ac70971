"""Events, registration and road maps in the REST API: each endpoint for the persona it
serves and for one it refuses, the waiting list moving up, the broadcast link and the list
of participants kept from strangers, times in the district's zone, and the schema."""

import datetime
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from metodset.accounts import services as account_services
from metodset.accounts.models import User
from metodset.certificates.models import Certificate
from metodset.conftest import PERSONAS, World
from metodset.core.models import AcademicYear
from metodset.events import permissions
from metodset.events.models import Event, Registration, RoadMap, RoadMapLine
from metodset.events.tests import factories
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events"
ROADMAPS = "/api/v1/roadmaps"


def client_for(user: Any) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def get(client: Client, url: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
    response = client.get(url, params or {}, headers=headers)
    return response.status_code, json.loads(response.content)


def send(client: Client, url: str, body: Any = None, **headers: str) -> Any:
    response = client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )
    return response.status_code, json.loads(response.content)


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    response = client.put(url, json.dumps(body), content_type="application/json")
    return response.status_code, json.loads(response.content)


def day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def event_body(world: World, **fields: Any) -> dict[str, Any]:
    """A seminar of school №1 a week from now, 15:00–17:00 on the district's clock."""
    when = day(7).isoformat()
    return {
        "kind": "seminar",
        "title": "Формирующее оценивание на уроках математики",
        "description": "Практический семинар для учителей математики.",
        "sessions": [{"starts_at": f"{when}T15:00:00", "ends_at": f"{when}T17:00:00"}],
        "organization_ids": [world.school.pk],
        "address": "с. Кожевниково, ул. Кирова, 36",
        "room": "каб. 12",
        **fields,
    }


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


# --- Creating, changing, announcing, cancelling -------------------------------------------


def test_an_event_from_draft_to_cancellation(world: World, teacher: User, colleague: User) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save(update_fields=["time_zone"])
    own = client_for(teacher)
    status, body = send(own, EVENTS, event_body(world, publish=False, capacity=30))
    assert status == 201, body
    event_id = body["id"]
    assert body["status"] == "draft"
    assert body["kind"] == {"code": "seminar", "name": "Семинар"}
    # A time without an offset is the district's wall clock.
    assert body["time_zone"] == "Asia/Tomsk"
    assert body["starts_at"] == f"{day(7).isoformat()}T15:00:00+07:00"
    assert body["ends_at"] == f"{day(7).isoformat()}T17:00:00+07:00"
    assert body["sessions"] == [
        {"starts_at": body["starts_at"], "ends_at": body["ends_at"], "title": ""}
    ]
    assert body["organizers"] == [{"id": world.school.pk, "short_name": "МБОУ СОШ №1"}]
    assert body["audience"] == ["teachers"]
    assert body["capacity"] == 30
    assert body["places_left"] == 30
    assert body["registration_open"] is False
    assert body["registration_closed_reason"] == "Мероприятие ещё не объявлено."
    assert body["url"] == f"/events/{event_id}/"
    assert body["ics_url"] == f"/events/{event_id}/event.ics"
    assert body["can_manage"] is True
    # A draft is the organizers' own.
    assert get(client_for(colleague), f"{EVENTS}/{event_id}")[0] == 404

    status, body = send(own, f"{EVENTS}/{event_id}/publish")
    assert status == 200, body
    assert body["status"] == "published"
    assert body["registration_open"] is True
    status, seen = get(client_for(colleague), f"{EVENTS}/{event_id}")
    assert status == 200
    assert seen["can_manage"] is False
    assert seen["can_register"] is True

    # A time with an offset is taken as given and shown on the district's clock.
    changed = event_body(
        world,
        title="Формирующее оценивание: практикум",
        sessions=[
            {"starts_at": f"{day(8).isoformat()}T10:00:00+03:00", "ends_at": f"{day(8)}T12:00Z"}
        ],
    )
    status, body = put(own, f"{EVENTS}/{event_id}", changed)
    assert status == 200, body
    assert body["title"] == "Формирующее оценивание: практикум"
    assert body["starts_at"] == f"{day(8).isoformat()}T14:00:00+07:00"
    assert body["ends_at"] == f"{day(8).isoformat()}T19:00:00+07:00"
    assert body["status"] == "published"
    assert Event.objects.get(pk=event_id).sequence == 1

    status, body = send(own, f"{EVENTS}/{event_id}/cancel", {"reason": "  "})
    assert status == 400
    assert "причину отмены" in body["detail"]
    status, body = send(own, f"{EVENTS}/{event_id}/cancel", {"reason": "Карантин в школе."})
    assert status == 200, body
    assert body["status"] == "cancelled"
    assert body["cancel_reason"] == "Карантин в школе."
    assert body["registration_open"] is False


def test_only_organizers_change_an_event(world: World, teacher: User, colleague: User) -> None:
    event = factories.event(teacher)
    other = client_for(colleague)
    body = event_body(world, title="Чужое название")
    status, answer = put(other, f"{EVENTS}/{event.pk}", body)
    assert status == 403
    assert answer["detail"] == "Изменить мероприятие могут только его организаторы."
    assert send(other, f"{EVENTS}/{event.pk}/cancel", {"reason": "Не хочу."})[0] == 403
    event.refresh_from_db()
    assert (event.title, event.status) == (
        "Формирующее оценивание на уроках математики",
        Event.Status.PUBLISHED,
    )
    guest = Client()
    assert put(guest, f"{EVENTS}/{event.pk}", body)[0] == 401
    assert send(guest, f"{EVENTS}/{event.pk}/cancel", {"reason": "Нет."})[0] == 401
    assert send(guest, f"{EVENTS}/{event.pk}/publish")[0] == 401


def test_creation_refusals(world: World, teacher: User, student: User, outsider: User) -> None:
    before = Event.objects.count()
    status, body = send(Client(), EVENTS, event_body(world))
    assert status == 401
    assert "Нужна авторизация" in body["detail"]
    status, body = send(client_for(student), EVENTS, event_body(world))
    assert status == 403
    assert "педагоги, руководители и методисты" in body["detail"]
    # Another district's teacher may not name school №1 as the organizer.
    status, body = send(client_for(outsider), EVENTS, event_body(world))
    assert status == 400
    assert "Организатор" in body["detail"]
    own = client_for(teacher)
    status, body = send(own, EVENTS, event_body(world, kind="no-such-kind"))
    assert status == 400
    assert body["detail"] == "Неизвестный вид мероприятия: no-such-kind."
    status, body = send(own, EVENTS, event_body(world, format="online"))
    assert status == 400
    assert "ссылку на трансляцию" in body["detail"]
    assert Event.objects.count() == before


def test_a_personal_token_opens_the_writes(world: World, teacher: User) -> None:
    _token, raw = account_services.issue_api_token(actor=teacher, name="Скрипт")
    status, body = send(Client(), EVENTS, event_body(world), Authorization=f"Bearer {raw}")
    assert status == 201, body
    assert Event.objects.get(pk=body["id"]).created_by == teacher


# --- Reading ------------------------------------------------------------------------------


@pytest.fixture
def three_events(world: World, teacher: User, school_admin: User) -> dict[str, Event]:
    """An open day for families (public), a network seminar and a council of school №1
    for its own staff."""
    return {
        "open_day": factories.event(
            school_admin,
            kind_code="open-day",
            title="День открытых дверей",
            for_teachers=False,
            for_students=True,
            for_parents=True,
            visibility=Event.Visibility.PUBLIC,
            starts=factories.at(3),
        ),
        "seminar": factories.event(teacher, starts=factories.at(10), capacity=2),
        "council": factories.event(
            school_admin,
            kind_code="pedagogical-council",
            title="Педагогический совет",
            visibility=Event.Visibility.ORGANIZERS,
            starts=factories.at(20),
        ),
    }


def test_who_sees_which_events(
    three_events: dict[str, Event], teacher: User, colleague: User
) -> None:
    open_day, seminar, council = three_events.values()
    status, page = get(Client(), EVENTS)
    assert status == 200
    assert ids(page) == [open_day.pk]
    assert page["total"] == 1
    assert ids(get(client_for(colleague), EVENTS)[1]) == [open_day.pk, seminar.pk]
    assert ids(get(client_for(teacher), EVENTS)[1]) == [open_day.pk, seminar.pk, council.pk]
    assert get(client_for(colleague), f"{EVENTS}/{council.pk}")[0] == 404
    assert get(Client(), f"{EVENTS}/{seminar.pk}")[0] == 404
    assert get(Client(), f"{EVENTS}/999999")[1] == {"detail": "Не найдено."}
    status, body = get(Client(), f"{EVENTS}/{open_day.pk}")
    assert status == 200
    assert body["audience"] == ["students", "parents"]
    assert body["my_registration"] is None
    assert body["can_register"] is False


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_agrees_with_the_event_page(
    three_events: dict[str, Event], persona: str, request: pytest.FixtureRequest
) -> None:
    """The list shows exactly the events whose page the persona may open."""
    user = request.getfixturevalue(persona)
    status, page = get(client_for(user), EVENTS)
    assert status == 200
    expected = [e.pk for e in three_events.values() if permissions.can_view_event(user, e)]
    assert ids(page) == expected
    for event in three_events.values():
        code = get(client_for(user), f"{EVENTS}/{event.pk}")[0]
        assert code == (200 if event.pk in expected else 404)


def test_list_filters(
    world: World, three_events: dict[str, Event], teacher: User, school_admin: User
) -> None:
    open_day, seminar, council = three_events.values()
    own = client_for(teacher)
    assert ids(get(own, EVENTS, {"kind": "pedagogical-council"})[1]) == [council.pk]
    assert get(own, EVENTS, {"kind": "no-such-kind"})[1]["total"] == 0
    assert ids(get(own, EVENTS, {"audience": "parents"})[1]) == [open_day.pk]
    assert ids(get(own, EVENTS, {"audience": "teachers"})[1]) == [seminar.pk, council.pk]
    assert ids(get(own, EVENTS, {"organization": world.school.pk})[1]) == [
        open_day.pk,
        seminar.pk,
        council.pk,
    ]
    assert get(own, EVENTS, {"organization": world.other_school.pk})[1]["total"] == 0
    assert ids(get(own, EVENTS, {"q": "ОТКРЫТЫХ"})[1]) == [open_day.pk]
    assert ids(get(own, EVENTS, {"from": day(5).isoformat(), "to": day(15).isoformat()})[1]) == [
        seminar.pk
    ]
    assert ids(get(own, EVENTS, {"to": day(3).isoformat()})[1]) == [open_day.pk]
    assert get(own, EVENTS, {"group": 999999})[1]["total"] == 0

    _status, page = get(own, EVENTS, {"kind": "seminar"})
    item = page["items"][0]
    assert item["organizers"] == [{"id": world.school.pk, "short_name": "МБОУ СОШ №1"}]
    assert item["group"] is None
    assert item["capacity"] == 2
    assert item["places_left"] == 2
    assert item["registration_open"] is True
    assert item["registration_closed_reason"] == ""
    assert item["format"] == "offline"
    assert item["address"] == "с. Кожевниково, ул. Кирова, 36"
    assert item["online_url"] is None
    assert item["my_registration"] is None


def test_the_list_makes_a_bounded_number_of_queries(
    three_events: dict[str, Event],
    world: World,
    teacher: User,
    school_admin: User,
    django_assert_num_queries: Any,
) -> None:
    """Session, user, roles (two), count, page, organizers, sessions, own registrations —
    whatever the page's length."""
    for number in range(10):
        factories.event(school_admin, title=f"Семинар {number}", starts=factories.at(4 + number))
    own = client_for(teacher)
    get(own, EVENTS)  # warm the session and the roles once
    with django_assert_num_queries(9):
        status, page = get(own, EVENTS)
    assert status == 200
    assert page["total"] == 13


# --- Registration -------------------------------------------------------------------------


def test_the_waiting_list_moves_up(
    world: World, school_admin: User, teacher: User, colleague: User
) -> None:
    event = factories.event(school_admin, capacity=1)
    url = f"{EVENTS}/{event.pk}/registrations"
    status, first = send(client_for(teacher), url)
    assert status == 201, first
    assert first["status"] == "confirmed"
    assert first["person_name"] == teacher.full_name
    assert first["waiting_position"] is None
    status, second = send(client_for(colleague), url)
    assert status == 201, second
    assert second["status"] == "waiting"
    assert second["waiting_position"] == 1
    _status, seen = get(client_for(colleague), f"{EVENTS}/{event.pk}")
    assert seen["places_left"] == 0
    assert seen["waiting"] == 1
    assert seen["my_registration"] == {
        "id": second["id"],
        "status": "waiting",
        "role": "participant",
    }
    # Registering twice is refused and changes nothing.
    status, again = send(client_for(colleague), url)
    assert status == 400
    assert "уже в списке" in again["detail"]
    # A stranger's registration is not found.
    assert send(client_for(colleague), f"{EVENTS}/registrations/{first['id']}/cancel")[0] == 404
    assert Registration.objects.get(pk=first["id"]).status == Registration.Status.CONFIRMED

    status, cancelled = send(client_for(teacher), f"{EVENTS}/registrations/{first['id']}/cancel")
    assert status == 200, cancelled
    assert cancelled["status"] == "cancelled"
    _status, seen = get(client_for(colleague), f"{EVENTS}/{event.pk}")
    assert seen["my_registration"]["status"] == "confirmed"
    assert seen["places_left"] == 0
    assert seen["waiting"] == 0
    assert Registration.objects.get(pk=second["id"]).status == Registration.Status.CONFIRMED
    assert Notification.objects.filter(
        recipient=colleague, title__startswith="Освободилось место"
    ).exists()


def test_who_may_not_register(
    three_events: dict[str, Event], teacher: User, colleague: User, parent: User
) -> None:
    seminar, council = three_events["seminar"], three_events["council"]
    assert send(Client(), f"{EVENTS}/{seminar.pk}/registrations")[0] == 401
    # Another school's teacher does not see school №1's council at all.
    assert send(client_for(colleague), f"{EVENTS}/{council.pk}/registrations")[0] == 404
    # A parent sees a public seminar for teachers, but it is not for parents.
    public = factories.event(teacher, visibility=Event.Visibility.PUBLIC)
    status, body = send(client_for(parent), f"{EVENTS}/{public.pk}/registrations")
    assert status == 403
    assert body["detail"]
    assert Registration.objects.count() == 0


def test_the_online_link_is_for_the_registered(
    world: World, school_admin: User, teacher: User, colleague: User
) -> None:
    event = factories.event(
        school_admin,
        format=Event.Format.ONLINE,
        address="",
        online_url="https://meet.example.org/seminar",
        visibility=Event.Visibility.PUBLIC,
    )
    url = f"{EVENTS}/{event.pk}"
    assert get(Client(), url)[1]["online_url"] is None
    assert get(client_for(colleague), url)[1]["online_url"] is None
    assert get(client_for(colleague), EVENTS)[1]["items"][0]["online_url"] is None
    assert get(client_for(school_admin), url)[1]["online_url"] == event.online_url
    send(client_for(colleague), f"{url}/registrations")
    assert get(client_for(colleague), url)[1]["online_url"] == event.online_url
    assert get(client_for(colleague), EVENTS)[1]["items"][0]["online_url"] == event.online_url
    assert get(client_for(teacher), url)[1]["online_url"] is None


def test_the_list_of_participants_is_for_organizers(
    world: World, teacher: User, school_admin: User, colleague: User, student: User
) -> None:
    event = factories.event(teacher, for_students=True)
    url = f"{EVENTS}/{event.pk}/registrations"
    # The head registers a student of the school; the student's name goes to them, who
    # named the student, and to the organizers only.
    status, row = send(client_for(school_admin), url, {"person_id": student.pk})
    assert status == 201, row
    assert row["person_name"] == student.full_name
    assert row["is_student"] is True
    assert row["status"] == "confirmed"
    send(client_for(colleague), url)

    status, rows = get(client_for(teacher), url)
    assert status == 200
    assert [(r["person_name"], r["organization"], r["status"]) for r in rows] == [
        (student.full_name, "МБОУ СОШ №1", "confirmed"),
        (colleague.full_name, "МБОУ Гимназия №2", "confirmed"),
    ]
    assert rows[0]["attended"] is None
    assert get(client_for(teacher), url, {"status": "waiting"})[1] == []
    status, body = get(client_for(colleague), url)
    assert status == 403
    assert body["detail"] == "Список участников видят только организаторы."
    assert get(client_for(student), url)[0] == 403
    assert get(Client(), url)[0] == 401

    # A head registers only people of their own school.
    status, body = send(client_for(school_admin), url, {"person_id": colleague.pk})
    assert status == 400
    assert "не из вашей организации" in body["detail"]
    assert Registration.objects.filter(event=event).count() == 2


def test_the_organizer_decides_on_requests(
    world: World, teacher: User, colleague: User, outsider: User
) -> None:
    event = factories.event(teacher, needs_approval=True)
    status, row = send(client_for(colleague), f"{EVENTS}/{event.pk}/registrations")
    assert status == 201, row
    assert row["status"] == "pending"
    decision = f"{EVENTS}/registrations/{row['id']}/decision"
    # The person may see their request but not decide on it; others do not find it.
    assert send(client_for(colleague), decision, {"approve": True})[0] == 403
    assert send(client_for(outsider), decision, {"approve": True})[0] == 404
    assert send(Client(), decision, {"approve": True})[0] == 401
    status, body = send(client_for(teacher), decision, {"approve": False})
    assert status == 400
    assert "почему заявка отклонена" in body["detail"]
    assert Registration.objects.get(pk=row["id"]).status == Registration.Status.PENDING
    status, body = send(client_for(teacher), decision, {"approve": True, "comment": "Ждём!"})
    assert status == 200, body
    assert body["status"] == "confirmed"
    assert body["decision_comment"] == "Ждём!"


def test_attendance_certificates_and_feedback(
    world: World, school_admin: User, teacher: User, colleague: User, time_machine: Any
) -> None:
    event = factories.event(school_admin, starts=factories.at(2), hours=2)
    url = f"{EVENTS}/{event.pk}"
    _status, mine = send(client_for(teacher), f"{url}/registrations")
    _status, theirs = send(client_for(colleague), f"{url}/registrations")
    organizer = client_for(school_admin)
    # Not before the start.
    assert send(organizer, f"{url}/attendance", {"present": [mine["id"]]})[0] == 403
    assert send(client_for(teacher), f"{url}/feedback", {"rating": 5})[0] == 403

    time_machine.move_to(event.starts_at + datetime.timedelta(minutes=30), tick=False)
    assert send(client_for(colleague), f"{url}/attendance", {"present": [mine["id"]]})[0] == 403
    status, body = send(organizer, f"{url}/attendance", {"present": [999999]})
    assert status == 400
    assert "зарегистрированных участников" in body["detail"]
    status, rows = send(organizer, f"{url}/attendance", {"present": [mine["id"]]})
    assert status == 200, rows
    assert {r["id"]: r["attended"] for r in rows} == {mine["id"]: True, theirs["id"]: False}

    assert send(client_for(teacher), f"{url}/certificates")[0] == 403
    status, certificates = send(organizer, f"{url}/certificates")
    assert status == 200, certificates
    assert len(certificates) == 1
    certificate = certificates[0]
    assert certificate["title"] == "Сертификат участника"
    assert certificate["holder_name"] == teacher.full_name
    issued = Certificate.objects.get(number=certificate["number"])
    assert issued.holder == teacher
    assert certificate["verify_url"] == f"{settings.SITE_URL}{issued.get_absolute_url()}"
    assert Client().get(issued.get_absolute_url()).status_code == 200
    # Issuing again gives the same certificate.
    assert send(organizer, f"{url}/certificates")[1] == certificates

    status, body = send(client_for(teacher), f"{url}/feedback", {"rating": 5, "comment": "!"})
    assert status == 200, body
    assert (body["rating"], body["comment"]) == (5, "!")
    status, body = send(client_for(teacher), f"{url}/feedback", {"rating": 9})
    assert status == 400
    assert "от 1 до 5" in body["detail"]
    # Marked absent: no feedback.
    assert send(client_for(colleague), f"{url}/feedback", {"rating": 1})[0] == 403
    assert event.feedback.count() == 1


# --- Road maps ----------------------------------------------------------------------------


def test_a_road_map_with_lines(
    world: World, school_admin: User, teacher: User, colleague: User, student: User
) -> None:
    head = client_for(school_admin)
    year = AcademicYear.objects.current()
    body = {
        "title": "Сетевой график СОШ №1 и Гимназии №2",
        "organization_ids": [world.school.pk, world.other_school.pk],
        "goal": "Совместная методическая работа.",
    }
    status, road_map = send(head, ROADMAPS, body)
    assert status == 201, road_map
    assert road_map["academic_year"] == year.start_year
    assert road_map["academic_year_label"] == str(year)
    assert {o["id"] for o in road_map["organizations"]} == {world.school.pk, world.other_school.pk}
    assert road_map["lines"] == []
    assert road_map["can_manage"] is True
    assert road_map["url"] == f"/events/roadmaps/{road_map['id']}/"

    month = f"{timezone.localdate():%Y-%m}"
    line_body = {
        "month": month,
        "title": "Мастер-класс «Функциональная грамотность»",
        "kind": "master-class",
        "audience": "учителя математики",
        "responsible_person_ids": [teacher.pk],
        "responsible_organization_ids": [world.school.pk],
    }
    lines = f"{ROADMAPS}/{road_map['id']}/lines"
    status, line = send(head, lines, line_body)
    assert status == 201, line
    assert line["month"] == month
    assert line["kind"] == {"code": "master-class", "name": "Мастер-класс"}
    assert line["status"] == "planned"
    assert line["responsible_people"] == [{"id": teacher.pk, "short_name": teacher.short_name}]
    assert line["event_id"] is None
    status, body = send(head, lines, {**line_body, "month": "март"})
    assert status == 400
    assert body["detail"] == "Месяц укажите в виде ГГГГ-ММ, например 2026-03."
    # A teacher of the network sees the plan but does not change it.
    assert get(client_for(colleague), f"{ROADMAPS}/{road_map['id']}")[1]["can_manage"] is False
    assert send(client_for(colleague), lines, line_body)[0] == 403
    assert RoadMapLine.objects.count() == 1

    line_status = f"{ROADMAPS}/lines/{line['id']}/status"
    status, body = send(head, line_status, {"status": "moved", "moved_to": f"{year.ends_on:%Y-%m}"})
    assert status == 400
    assert "причину переноса" in body["detail"]
    assert send(client_for(colleague), line_status, {"status": "held"})[0] == 403
    status, body = send(
        head,
        line_status,
        {"status": "moved", "reason": "Совпало с ВПР.", "moved_to": f"{year.ends_on:%Y-%m}"},
    )
    assert status == 200, body
    assert (body["status"], body["reason"]) == ("moved", "Совпало с ВПР.")
    assert body["moved_to"] == body["month"] == f"{year.ends_on:%Y-%m}"
    status, body = send(head, line_status, {"status": "held"})
    assert status == 200, body

    status, detail = get(client_for(teacher), f"{ROADMAPS}/{road_map['id']}")
    assert status == 200
    assert (detail["held"], detail["planned"]) == (1, 1)
    assert [row["status"] for row in detail["lines"]] == ["held"]
    status, page = get(client_for(teacher), ROADMAPS, {"academic_year": year.start_year})
    assert status == 200
    assert ids(page) == [road_map["id"]]
    assert (page["items"][0]["held"], page["items"][0]["planned"]) == (1, 1)
    assert get(client_for(teacher), ROADMAPS, {"academic_year": 1999})[1]["total"] == 0
    assert ids(get(client_for(teacher), ROADMAPS, {"organization": world.school.pk})[1]) == [
        road_map["id"]
    ]
    # Road maps are the staff's working plans.
    assert get(client_for(student), f"{ROADMAPS}/{road_map['id']}")[0] == 404
    assert get(client_for(student), ROADMAPS)[1]["total"] == 0
    assert get(Client(), ROADMAPS)[0] == 401


def test_road_map_refusals(world: World, teacher: User, school_admin: User) -> None:
    body = {"title": "График", "organization_ids": [world.school.pk, world.other_school.pk]}
    assert send(Client(), ROADMAPS, body)[0] == 401
    status, answer = send(client_for(teacher), ROADMAPS, body)
    assert status == 403
    assert "руководители организаций" in answer["detail"]
    status, answer = send(client_for(school_admin), ROADMAPS, {**body, "organization_ids": []})
    assert status == 400
    assert "две и более" in answer["detail"]
    status, answer = send(
        client_for(school_admin), ROADMAPS, {**body, "organization_ids": [world.far_school.pk]}
    )
    assert status == 400
    assert RoadMap.objects.count() == 0


def test_a_line_scheduled_as_an_event_is_held_when_attendance_is_marked(
    world: World, school_admin: User, teacher: User, colleague: User, time_machine: Any
) -> None:
    road_map = factories.road_map(school_admin, [world.school, world.other_school])
    head = client_for(school_admin)
    _status, line = send(
        head,
        f"{ROADMAPS}/{road_map.pk}/lines",
        {"month": f"{timezone.localdate():%Y-%m}", "title": "Мастер-класс"},
    )
    event = factories.event(school_admin, kind_code="master-class", starts=factories.at(1))
    assert (
        send(client_for(colleague), f"{ROADMAPS}/lines/{line['id']}/event", {"event_id": event.pk})[
            0
        ]
        == 403
    )
    status, body = send(head, f"{ROADMAPS}/lines/{line['id']}/event", {"event_id": event.pk})
    assert status == 200, body
    assert body["event_id"] == event.pk
    _status, row = send(client_for(teacher), f"{EVENTS}/{event.pk}/registrations")
    time_machine.move_to(event.starts_at + datetime.timedelta(minutes=5), tick=False)
    assert send(head, f"{EVENTS}/{event.pk}/attendance", {"present": [row["id"]]})[0] == 200
    _status, detail = get(head, f"{ROADMAPS}/{road_map.pk}")
    assert [(r["status"], r["event_id"]) for r in detail["lines"]] == [("held", event.pk)]
    assert (detail["held"], detail["planned"]) == (1, 1)


# --- The schema ---------------------------------------------------------------------------


def test_the_openapi_schema_lists_the_events(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/v1/events" in paths
    assert "/api/v1/events/{event_id}/registrations" in paths
    assert "/api/v1/roadmaps/lines/{line_id}/status" in paths
    names = [p["name"] for p in paths["/api/v1/events"]["get"]["parameters"]]
    assert {"from", "to", "kind", "audience", "organization", "group", "q"} <= set(names)
