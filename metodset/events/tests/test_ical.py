"""iCalendar (RFC 5545): one event's .ics, a person's private feed by its secret address,
the public feeds of organizations and groups, and the page that gives the addresses. They
parse with the `icalendar` library, carry the district's VTIMEZONE, a SEQUENCE that goes up
with every change of time, and cancellations as STATUS:CANCELLED."""

import datetime
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.events import services
from metodset.events.models import CalendarFeed, Event
from metodset.events.tests import factories
from metodset.events.tests.factories import at
from metodset.groups.models import Group
from metodset.groups.tests import factories as group_factories

pytestmark = pytest.mark.django_db

TOMSK = zoneinfo.ZoneInfo("Asia/Tomsk")
FEEDS = "/events/ical/"
LINK = "https://meet.example.org/seminar-42"


def parse(response: Any) -> Any:
    """The calendar of a response (typed Any: its properties are a union of value types)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(cal: Any) -> list[Any]:
    return list(cal.walk("VEVENT"))


def summaries(cal: Any) -> set[str]:
    return {str(e["SUMMARY"]) for e in vevents(cal)}


def feed_url(user: User) -> str:
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": CalendarFeed.new_token()}
    )
    return f"/events/ical/u/{feed.token}.ics"


def online_event(organizer: User, **fields: Any) -> Event:
    return factories.event(
        organizer,
        title="Вебинар",
        kind_code="webinar",
        format=Event.Format.ONLINE,
        online_url=LINK,
        address="",
        room="",
        **fields,
    )


def public_group(methodist: User, **fields: Any) -> Group:
    return group_factories.founded(
        methodist,
        "rmo",
        title="РМО учителей математики",
        visibility=Group.Visibility.PUBLIC,
        **fields,
    )


# --- One event ------------------------------------------------------------------------------


def test_event_ics_is_a_calendar_in_the_districts_zone(
    login: Any, teacher: User, colleague: User, world: World
) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save()
    day = timezone.localdate() + datetime.timedelta(days=9)
    starts = datetime.datetime.combine(day, datetime.time(15, 30), tzinfo=TOMSK)
    event = factories.event(teacher, title="Семинар в Томске", starts=starts, hours=2)

    response = login(colleague).get(f"/events/{event.pk}/event.ics")
    cal = parse(response)

    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    assert str(cal["VERSION"]) == "2.0"
    assert "Методсеть" in str(cal["PRODID"]) or "Metodset" in str(cal["PRODID"])
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Tomsk"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Tomsk"]
    (vevent,) = vevents(cal)
    assert str(vevent["UID"]) == f"event-{event.pk}@metodset"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Tomsk"
    assert vevent.start.hour == 15
    assert vevent.start.minute == 30
    assert vevent.start.utcoffset() == datetime.timedelta(hours=7)
    assert vevent.end - vevent.start == datetime.timedelta(hours=2)
    assert str(vevent["SUMMARY"]) == "Семинар в Томске"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent["SEQUENCE"] == 0
    assert str(vevent["URL"]).endswith(f"/events/{event.pk}/")
    assert str(vevent["LOCATION"]) == "с. Кожевниково, ул. Кирова, 36, каб. 12"
    assert vevent["ORGANIZER"].params["CN"] == "МБОУ СОШ №1"
    assert vevent.categories == ["Семинар"]
    assert f"/events/{event.pk}/" in str(vevent["DESCRIPTION"])
    assert vevent["LAST-MODIFIED"].dt == event.updated_at.replace(microsecond=0)


def test_event_ics_is_404_for_who_may_not_see_it(
    login: Any, teacher: User, colleague: User, guest: Any
) -> None:
    draft = factories.event(teacher, title="Черновик", publish=False)
    network = factories.event(teacher, title="Для сети")

    assert login(colleague).get(f"/events/{draft.pk}/event.ics").status_code == 404
    assert Client().get(f"/events/{network.pk}/event.ics").status_code == 404
    assert Client().get("/events/999999/event.ics").status_code == 404
    assert login(teacher).get(f"/events/{draft.pk}/event.ics").status_code == 200


def test_sequence_goes_up_when_the_time_changes(login: Any, teacher: User) -> None:
    event = factories.event(teacher, title="Семинар")
    url = f"/events/{event.pk}/event.ics"
    (before,) = vevents(parse(login(teacher).get(url)))

    data = factories.event_data([teacher.memberships.get().organization], starts=at(8, 10))
    services.update_event(actor=teacher, event=event, data=data)
    (after,) = vevents(parse(login(teacher).get(url)))

    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["UID"] == before["UID"]
    assert after.start.hour == 10


def test_sessions_are_separate_vevents_with_stable_uids(login: Any, teacher: User) -> None:
    first = at(10, 15)
    second = at(12, 15)
    organization = teacher.memberships.get().organization
    data = factories.event_data(
        [organization],
        title="Курсы",
        sessions=[
            services.SessionData(first, first + datetime.timedelta(hours=2), "Теория"),
            services.SessionData(second, second + datetime.timedelta(hours=2), "Практика"),
        ],
    )
    event = services.create_event(actor=teacher, data=data)
    url = f"/events/{event.pk}/event.ics"

    cal = parse(login(teacher).get(url))
    assert [str(e["UID"]) for e in vevents(cal)] == [
        f"event-{event.pk}-1@metodset",
        f"event-{event.pk}-2@metodset",
    ]
    assert summaries(cal) == {"Курсы — Теория", "Курсы — Практика"}

    # The services write the sessions anew on a change of time: the UIDs stay.
    later = second + datetime.timedelta(days=1)
    data.sessions = [
        services.SessionData(first, first + datetime.timedelta(hours=2), "Теория"),
        services.SessionData(later, later + datetime.timedelta(hours=2), "Практика"),
    ]
    services.update_event(actor=teacher, event=event, data=data)
    cal = parse(login(teacher).get(url))
    assert [str(e["UID"]) for e in vevents(cal)] == [
        f"event-{event.pk}-1@metodset",
        f"event-{event.pk}-2@metodset",
    ]
    assert {e["SEQUENCE"] for e in vevents(cal)} == {1}


# --- The private feed -----------------------------------------------------------------------


def test_feeds_page_makes_the_personal_address_once(login: Any, teacher: User) -> None:
    client = login(teacher)

    first = client.get(FEEDS)
    second = client.get(FEEDS)

    feed = CalendarFeed.objects.get(user=teacher)
    assert first.status_code == 200
    assert f"/events/ical/u/{feed.token}.ics" in first.content.decode()
    assert "webcal://" in first.content.decode()
    assert f"/events/ical/u/{feed.token}.ics" in second.content.decode()
    assert CalendarFeed.objects.count() == 1
    for app in ("Яндекс Календарь", "Google Календарь", "Thunderbird", "Outlook"):
        assert app in first.content.decode()


def test_feeds_page_needs_login() -> None:
    response = Client().get(FEEDS)

    assert response.status_code == 302
    assert CalendarFeed.objects.count() == 0


def test_changing_the_address_stops_the_old_one(login: Any, teacher: User) -> None:
    factories.event(teacher, title="Семинар")
    client = login(teacher)
    client.get(FEEDS)
    old = feed_url(teacher)
    assert Client().get(old).status_code == 200

    response = client.post(FEEDS)

    assert response.status_code == 302
    new = feed_url(teacher)
    assert new != old
    assert Client().get(old).status_code == 404
    assert summaries(parse(Client().get(new))) == {"Семинар"}


def test_private_feed_is_404_for_an_unknown_token_or_an_inactive_person(
    teacher: User, world: World
) -> None:
    url = feed_url(teacher)

    assert Client().get("/events/ical/u/not-a-token.ics").status_code == 404
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404


def test_private_feed_has_my_registrations_and_my_events_only(
    teacher: User, colleague: User, school_admin: User
) -> None:
    mine = factories.event(teacher, title="Я провожу")
    registered = factories.event(colleague, title="Я участвую")
    services.register(actor=teacher, event=registered)
    factories.event(colleague, title="Чужое мероприятие")
    other = factories.event(school_admin, title="Коллеги записались", organizations=[])
    services.register(actor=colleague, event=other)
    factories.event(teacher, title="Мой черновик", publish=False)
    gone = factories.event(colleague, title="Передумала")
    registration = services.register(actor=teacher, event=gone)
    services.cancel_registration(actor=teacher, registration=registration)
    old = factories.event(teacher, title="Давно прошло", starts=at(-90))

    cal = parse(Client().get(feed_url(teacher)))

    assert summaries(cal) == {mine.title, registered.title}
    assert old.title not in summaries(cal)
    assert other.title not in summaries(cal)


def test_private_feed_keeps_a_cancelled_event_as_cancelled(teacher: User, colleague: User) -> None:
    event = factories.event(teacher, title="Семинар")
    services.register(actor=colleague, event=event)
    (before,) = vevents(parse(Client().get(feed_url(colleague))))

    services.cancel_event(actor=teacher, event=event, reason="Карантин")
    (after,) = vevents(parse(Client().get(feed_url(colleague))))

    assert str(after["STATUS"]) == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["UID"] == before["UID"]
    assert "Карантин" in str(after["DESCRIPTION"])


def test_waiting_list_is_tentative(teacher: User, colleague: User, school_admin: User) -> None:
    event = factories.event(teacher, title="Мастер-класс", capacity=1)
    services.register(actor=school_admin, event=event)
    services.register(actor=colleague, event=event)

    (vevent,) = vevents(parse(Client().get(feed_url(colleague))))

    assert str(vevent["STATUS"]) == "TENTATIVE"


def test_online_link_only_where_allowed(
    login: Any, teacher: User, colleague: User, expert: User
) -> None:
    event = online_event(teacher, capacity=1, visibility=Event.Visibility.PUBLIC)
    services.register(actor=colleague, event=event)
    services.register(actor=expert, event=event)  # the only place is taken: waits

    def description(url: str, client: Client | None = None) -> str:
        (vevent,) = vevents(parse((client or Client()).get(url)))
        return str(vevent["DESCRIPTION"])

    assert LINK in description(feed_url(teacher))  # the organizer
    assert LINK in description(feed_url(colleague))  # has a place
    assert LINK not in description(feed_url(expert))
    organization = teacher.memberships.get().organization
    assert LINK not in description(f"/events/ical/organization/{organization.pk}.ics")
    assert LINK not in description(f"/events/{event.pk}/event.ics")  # a guest
    assert LINK in description(f"/events/{event.pk}/event.ics", login(colleague))


# --- Public feeds -------------------------------------------------------------------------


def test_organization_feed_has_only_what_a_guest_may_see(
    teacher: User, colleague: User, world: World
) -> None:
    factories.event(teacher, title="Открытый урок", visibility=Event.Visibility.PUBLIC)
    factories.event(teacher, title="Для сети")
    factories.event(teacher, title="Для своих", visibility=Event.Visibility.ORGANIZERS)
    factories.event(teacher, title="Черновик", visibility=Event.Visibility.PUBLIC, publish=False)
    cancelled = factories.event(teacher, title="Отменён", visibility=Event.Visibility.PUBLIC)
    services.cancel_event(actor=teacher, event=cancelled, reason="Болезнь")
    factories.event(colleague, title="Другая школа", visibility=Event.Visibility.PUBLIC)

    response = Client().get(f"/events/ical/organization/{world.school.pk}.ics")
    cal = parse(response)

    assert response["Content-Disposition"].startswith("inline")
    assert summaries(cal) == {"Открытый урок", "ОТМЕНЕНО: Отменён"}
    assert {str(e["STATUS"]) for e in vevents(cal)} == {"CONFIRMED", "CANCELLED"}
    assert "МБОУ СОШ №1" in str(cal["X-WR-CALNAME"])
    assert Client().get("/events/ical/organization/999999.ics").status_code == 404


def test_group_feed_has_only_what_a_guest_may_see(methodist: User, world: World) -> None:
    group = public_group(methodist)
    for title, visibility in [("Заседание РМО", "public"), ("Рабочее заседание", "network")]:
        factories.event(
            methodist, title=title, group=group, organizations=[], visibility=visibility
        )
    factories.event(
        methodist,
        title="Черновик",
        group=group,
        organizations=[],
        publish=False,
        visibility=Event.Visibility.PUBLIC,
    )
    factories.event(methodist, title="Без группы", visibility=Event.Visibility.PUBLIC)

    cal = parse(Client().get(f"/events/ical/group/{group.pk}.ics"))

    assert summaries(cal) == {"Заседание РМО"}
    assert str(cal["X-WR-CALNAME"]).startswith("РМО учителей математики")


def test_group_feed_is_404_for_a_group_guests_may_not_see(methodist: User) -> None:
    group = group_factories.founded(
        methodist, "rmo", title="Закрытое РМО", visibility=Group.Visibility.NETWORK
    )

    assert Client().get(f"/events/ical/group/{group.pk}.ics").status_code == 404
    assert Client().get("/events/ical/group/999999.ics").status_code == 404


def test_feeds_page_lists_my_organizations_and_public_groups(
    login: Any, teacher: User, methodist: User, world: World
) -> None:
    group = public_group(methodist, leader=teacher)
    closed = group_factories.founded(
        methodist, "rmo", title="Закрытое РМО", visibility=Group.Visibility.NETWORK, leader=teacher
    )

    html = login(teacher).get(FEEDS).content.decode()

    assert f"/events/ical/organization/{world.school.pk}.ics" in html
    assert f"/events/ical/organization/{world.other_school.pk}.ics" not in html
    assert f"/events/ical/group/{group.pk}.ics" in html
    assert f"/events/ical/group/{closed.pk}.ics" not in html


def test_feed_answers_304_while_nothing_changed(teacher: User) -> None:
    factories.event(teacher, title="Семинар")
    url = feed_url(teacher)
    first = Client().get(url)

    again = Client().get(url, headers={"If-None-Match": first["ETag"]})

    assert first["ETag"]
    assert again.status_code == 304
