"""The calendar pages: the list by day with its filters, the month grid, «my events» and
the district's афиша — what each persona sees, in the event's district time, in a fixed
number of queries."""

import datetime
import re
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Subject, User
from metodset.conftest import PERSONAS, World
from metodset.events import permissions, services
from metodset.events.models import Event
from metodset.events.tests import factories
from metodset.events.tests.factories import at

pytestmark = pytest.mark.django_db

LIST = "/events/"
MONTH = "/events/month/"
MINE = "/events/mine/"
TOMSK = zoneinfo.ZoneInfo("Asia/Tomsk")


def page(login: Any, user: Any, url: str, **params: Any) -> str:
    response = login(user).get(url, params)
    assert response.status_code == 200
    return str(response.content.decode())


def titles_in(html: str) -> set[str]:
    """The titles of events linked from a page."""
    return set(re.findall(r'href="/events/\d+/"[^>]*>([^<]+)</a>', html))


def public_event(organizer: User, title: str, **fields: Any) -> Event:
    return factories.event(organizer, title=title, visibility=Event.Visibility.PUBLIC, **fields)


# --- The list -----------------------------------------------------------------------------


def test_urls() -> None:
    assert reverse("events:calendar") == LIST
    assert reverse("events:month") == MONTH
    assert reverse("events:mine") == MINE
    assert reverse("events:district", args=["test"]) == "/events/district/test/"


def test_list_shows_announced_upcoming_events_to_the_network(
    login: Any, teacher: User, colleague: User
) -> None:
    factories.event(teacher, title="Сетевой семинар")
    factories.event(teacher, title="Черновик семинара", publish=False)
    factories.event(teacher, title="Прошедший семинар", starts=at(-3))

    html = page(login, colleague, LIST)

    assert titles_in(html) == {"Сетевой семинар"}
    assert "Создать мероприятие" in html


def test_author_sees_own_draft_only_in_my_events(
    login: Any, teacher: User, colleague: User
) -> None:
    factories.event(teacher, title="Черновик семинара", publish=False)

    assert "Черновик семинара" not in titles_in(page(login, teacher, LIST))
    assert "Черновик семинара" in titles_in(page(login, teacher, MINE, tab="organizing"))
    assert "Черновик семинара" not in titles_in(page(login, colleague, MINE, tab="organizing"))
    assert "Черновик семинара" not in titles_in(page(login, colleague, LIST))


def test_guests_never_see_network_only_events(login: Any, teacher: User, guest: Any) -> None:
    factories.event(teacher, title="Только для сети")
    public_event(teacher, title="Открытый конкурс", for_students=True)
    starts = at(7)

    html = page(login, guest, LIST)
    month = page(login, guest, MONTH, year=starts.year, month=starts.month)

    assert titles_in(html) == {"Открытый конкурс"}
    assert "Только для сети" not in month
    assert "Открытый конкурс" in month
    assert "Создать мероприятие" not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_and_month_show_what_the_persona_may_see(
    request: pytest.FixtureRequest, login: Any, world: World, persona: str
) -> None:
    """The calendar agrees with the event's own page (`can_view_event`), announced only."""
    teacher = request.getfixturevalue("teacher")
    methodist = request.getfixturevalue("methodist")
    outsider = request.getfixturevalue("outsider")
    viewer = request.getfixturevalue(persona)
    starts = at(3)
    events = [
        public_event(teacher, title="Открытый", starts=starts),
        factories.event(teacher, title="Сетевой", starts=starts),
        factories.event(
            teacher, title="Для своих", visibility=Event.Visibility.ORGANIZERS, starts=starts
        ),
        factories.event(teacher, title="Черновик", publish=False, starts=starts),
        factories.event(methodist, title="Районный", starts=starts),
        public_event(outsider, title="Чужой открытый", starts=starts),
    ]
    expected = {e.title for e in events if permissions.can_view_event(viewer, e) and not e.is_draft}

    assert titles_in(page(login, viewer, LIST)) == expected
    month = page(login, viewer, MONTH, year=starts.year, month=starts.month)
    assert {e.title for e in events if f'href="/events/{e.pk}/"' in month} == expected


def test_past_period_lists_ended_events_latest_first(login: Any, teacher: User) -> None:
    factories.event(teacher, title="Будущий семинар")
    factories.event(teacher, title="Давний семинар", starts=at(-30))
    factories.event(teacher, title="Недавний семинар", starts=at(-2))

    html = page(login, teacher, LIST, period="past")

    assert titles_in(html) == {"Давний семинар", "Недавний семинар"}
    assert html.index("Недавний семинар") < html.index("Давний семинар")


def test_cancelled_event_is_shown_struck_through_with_the_reason(
    login: Any, teacher: User, colleague: User
) -> None:
    event = factories.event(teacher, title="Семинар отменён")
    services.cancel_event(actor=teacher, event=event, reason="Карантин в школе")

    html = page(login, colleague, LIST)

    assert re.search(r"<del><a href=\"/events/\d+/\">Семинар отменён</a></del>", html)
    assert "Отменено: Карантин в школе" in html


def test_filter_by_audience(login: Any, teacher: User) -> None:
    factories.event(teacher, title="Для учителей")
    factories.event(teacher, title="Для учеников", for_teachers=False, for_students=True)
    factories.event(teacher, title="Для родителей", for_teachers=False, for_parents=True)

    assert titles_in(page(login, teacher, LIST, audience="students")) == {"Для учеников"}
    assert titles_in(page(login, teacher, LIST, audience="parents")) == {"Для родителей"}
    assert titles_in(page(login, teacher, LIST, audience="teachers")) == {"Для учителей"}
    assert len(titles_in(page(login, teacher, LIST))) == 3


def test_filter_by_kind_subject_and_organization(
    login: Any, teacher: User, colleague: User, world: World
) -> None:
    maths, _created = Subject.objects.get_or_create(name="Математика")
    factories.event(teacher, title="Мастер-класс по геометрии", kind_code="master-class")
    factories.event(teacher, title="Семинар по алгебре", subject=maths)
    factories.event(colleague, title="Семинар гимназии")

    assert titles_in(page(login, teacher, LIST, kind="master-class")) == {
        "Мастер-класс по геометрии"
    }
    assert titles_in(page(login, teacher, LIST, subject=maths.pk)) == {"Семинар по алгебре"}
    assert titles_in(page(login, teacher, LIST, organization=world.other_school.pk)) == {
        "Семинар гимназии"
    }
    # A stale choice in a link is dropped alone rather than an error.
    assert len(titles_in(page(login, teacher, LIST, kind="no-such-kind"))) == 3
    assert titles_in(page(login, teacher, LIST, kind="no-such-kind", subject=maths.pk)) == {
        "Семинар по алгебре"
    }


def test_filter_by_group(login: Any, methodist: User, teacher: User, world: World) -> None:
    from metodset.groups.tests import factories as group_factories

    group = group_factories.founded(methodist, "rmo", title="РМО математиков")
    factories.event(methodist, title="Заседание РМО", group=group, organizations=[])
    factories.event(methodist, title="Семинар района", organizations=[world.department])

    assert titles_in(page(login, methodist, LIST, group=group.pk)) == {"Заседание РМО"}


@pytest.mark.parametrize("query", ["ЁЛОЧНЫЕ", "елочные", "Ёлочные Игрушки", "мастерская"])
def test_text_filter_folds_case_and_yo(login: Any, teacher: User, query: str) -> None:
    factories.event(
        teacher,
        title="Ёлочные игрушки своими руками",
        description="Новогодняя МАСТЕРСКАЯ для педагогов",
    )
    factories.event(teacher, title="Формирующее оценивание", description="Семинар")

    assert titles_in(page(login, teacher, LIST, q=query)) == {"Ёлочные игрушки своими руками"}


def test_rows_show_places_and_the_viewers_registration(
    login: Any, teacher: User, colleague: User, school_admin: User
) -> None:
    event = factories.event(teacher, title="Мастер-класс на двоих", capacity=2)
    services.register(actor=colleague, event=event)

    assert "осталось мест: 1" in page(login, teacher, LIST)
    assert "вы зарегистрированы" in page(login, colleague, LIST)
    assert "вы зарегистрированы" not in page(login, teacher, LIST)

    services.register(actor=school_admin, event=event)
    assert "мест нет — лист ожидания" in page(login, teacher, LIST)


def test_time_is_shown_in_the_events_district_zone(login: Any, teacher: User, world: World) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save()
    day = timezone.localdate() + datetime.timedelta(days=5)
    starts = datetime.datetime.combine(day, datetime.time(15), tzinfo=TOMSK)
    factories.event(teacher, title="Семинар в Томске", starts=starts)

    html = page(login, teacher, LIST)

    assert "15:00–17:00" in html
    # The viewer's clock (Moscow) reads it differently: the zone is named.
    assert "UTC+7" in html


def test_zone_is_not_named_when_the_viewer_reads_the_same_time(login: Any, teacher: User) -> None:
    factories.event(teacher, title="Семинар", starts=at(5, 15))

    html = page(login, teacher, LIST)

    assert "15:00–17:00" in html
    assert "UTC+" not in html
    assert "MSK" not in html


def test_list_pages(login: Any, teacher: User) -> None:
    for n in range(32):
        factories.event(teacher, title=f"Семинар {n:02d}", starts=at(1 + n))

    first = page(login, teacher, LIST)
    second = page(login, teacher, LIST, page=2)

    assert len(titles_in(first)) == 30
    assert titles_in(second) == {"Семинар 30", "Семинар 31"}


def _queries(login: Any, user: User, url: str) -> int:
    client = login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_needs_the_same_queries_for_more_events(
    login: Any, teacher: User, colleague: User, world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(2):
        event = factories.event(teacher, title=f"Семинар {n}", capacity=5)
        services.register(actor=colleague, event=event)
    few = _queries(login, colleague, LIST)
    for n in range(8):
        event = factories.event(
            teacher, organizations=[world.school], title=f"Ещё семинар {n}", capacity=5
        )
        services.register(actor=colleague, event=event)

    assert _queries(login, colleague, LIST) == few
    client = login(colleague)
    # Session, user, roles (2), count, page, organizers, sessions, the filters' choices (4),
    # road maps, the navbar's notifications and memberships.
    with django_assert_max_num_queries(16):
        client.get(LIST)


# --- The month ----------------------------------------------------------------------------


def test_month_grid_places_events_in_their_days(login: Any, teacher: User) -> None:
    starts = at(10, 15)
    factories.event(teacher, title="Семинар месяца", starts=starts)

    html = page(login, teacher, MONTH, year=starts.year, month=starts.month)

    assert "Семинар месяца" in html
    assert "Пн" in html
    assert html.index("Пн") < html.index("Вс")
    month_name = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август"]
    month_name += ["Сентябрь", "Октябрь", "Ноябрь", "Декабрь"]
    assert f"{month_name[starts.month - 1]} {starts.year}" in html


def test_month_shows_a_multi_day_event_in_each_of_its_days(login: Any, teacher: User) -> None:
    first = datetime.date(2031, 3, 10)
    starts = timezone.make_aware(datetime.datetime.combine(first, datetime.time(10)))
    factories.event(teacher, title="Предметная неделя", starts=starts, hours=24 * 2 + 6)

    html = page(login, teacher, MONTH, year=2031, month=3)

    grid = html[html.index("<tbody>") : html.index("</tbody>")]
    phone = html[html.index('class="d-md-none"') :]

    assert grid.count('href="/events/') == 3
    assert [
        day in phone for day in ("9 марта", "10 марта", "11 марта", "12 марта", "13 марта")
    ] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_month_uses_sessions_not_the_span_between_them(login: Any, teacher: User) -> None:
    monday = datetime.datetime(2031, 3, 10, 15, tzinfo=timezone.get_current_timezone())
    wednesday = monday + datetime.timedelta(days=2)
    data = factories.event_data(
        [teacher.memberships.get().organization],
        title="Два занятия",
        sessions=[
            services.SessionData(monday, monday + datetime.timedelta(hours=2)),
            services.SessionData(wednesday, wednesday + datetime.timedelta(hours=2)),
        ],
    )
    services.create_event(actor=teacher, data=data)

    html = page(login, teacher, MONTH, year=2031, month=3)
    phone = html[html.index('class="d-md-none"') :]

    assert "10 марта" in phone
    assert "12 марта" in phone
    assert "11 марта" not in phone


def test_month_links_keep_the_filters(login: Any, teacher: User) -> None:
    html = page(login, teacher, MONTH, year=2031, month=1, kind="seminar")

    assert "kind=seminar" in html
    assert re.search(r'href="\?[^"]*year=2030[^"]*month=12', html)
    assert re.search(r'href="\?[^"]*year=2031[^"]*month=2', html)
    assert "Декабрь" in html
    assert "Январь 2031" in html


def test_month_filters_by_kind(login: Any, teacher: User) -> None:
    starts = at(10)
    contest = factories.event(teacher, title="Конкурс чтецов", kind_code="contest", starts=starts)
    seminar = factories.event(teacher, title="Семинар", starts=starts)

    html = page(login, teacher, MONTH, year=starts.year, month=starts.month, kind="contest")

    assert f'href="/events/{contest.pk}/"' in html
    assert f'href="/events/{seminar.pk}/"' not in html


def test_month_without_parameters_is_the_current_one(login: Any, teacher: User) -> None:
    today = timezone.localdate()

    for params in ({}, {"year": "x", "month": "13"}):
        html = page(login, teacher, MONTH, **params)
        assert f"{today.year}" in html
        assert "events-month-today" in html


# --- My events ------------------------------------------------------------------------------


def test_my_events_needs_login(client: Any) -> None:
    response = client.get(MINE)

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_my_events_lists_registrations_with_their_status(
    login: Any, teacher: User, colleague: User, school_admin: User, methodist: User
) -> None:
    small = factories.event(teacher, title="Мастер-класс на одного", capacity=1)
    services.register(actor=school_admin, event=small)
    services.register(actor=methodist, event=small)
    services.register(actor=colleague, event=small)
    approval = factories.event(teacher, title="С подтверждением", needs_approval=True)
    services.register(actor=colleague, event=approval)
    later = factories.event(teacher, title="Позже", starts=at(20))
    services.register(actor=colleague, event=later)

    html = page(login, colleague, MINE)

    assert "лист ожидания, 2-й" in html
    assert "ждёт подтверждения" in html
    assert "зарегистрирован" in html
    assert html.index("Мастер-класс на одного") < html.index("Позже")


def test_my_events_organizing_and_past(login: Any, teacher: User, colleague: User) -> None:
    factories.event(teacher, title="Провожу")
    held = factories.event(teacher, title="Провела", starts=at(-5))
    past = factories.event(colleague, title="Была участницей", starts=at(3))
    services.register(actor=teacher, event=past)
    Event.objects.filter(pk=past.pk).update(
        starts_at=at(-10), ends_at=at(-10) + datetime.timedelta(hours=2)
    )

    assert titles_in(page(login, teacher, MINE, tab="organizing")) == {"Провожу"}
    assert titles_in(page(login, teacher, MINE, tab="past")) == {held.title, "Была участницей"}
    assert "Была участницей" not in titles_in(page(login, teacher, MINE))


# --- The district's афиша -------------------------------------------------------------------


def test_district_poster_shows_public_upcoming_events_of_the_district(
    client: Any, teacher: User, outsider: User
) -> None:
    public_event(teacher, title="День открытых дверей", for_parents=True, kind_code="open-day")
    public_event(teacher, title="Открытый семинар")
    factories.event(teacher, title="Сетевой семинар")
    public_event(teacher, title="Прошедший праздник", starts=at(-3), for_students=True)
    public_event(outsider, title="Чужой район", for_students=True)

    response = client.get("/events/district/test/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Афиша: Тестовый район" in html
    assert titles_in(html) == {"День открытых дверей", "Открытый семинар"}


def test_district_poster_puts_families_first_for_parents_and_staff_first_for_teachers(
    login: Any, teacher: User, parent: User
) -> None:
    public_event(teacher, title="Собрание родителей", for_teachers=False, for_parents=True)
    public_event(teacher, title="Семинар учителей")
    both = public_event(teacher, title="Праздник для всех", for_parents=True)

    for_parent = page(login, parent, "/events/district/test/")
    for_teacher = page(login, teacher, "/events/district/test/")

    # An event for both audiences is shown once, in the section read first.
    assert for_parent.count(f'href="/events/{both.pk}/"') == 1
    assert for_parent.index("Праздник для всех") < for_parent.index("Семинар учителей")
    assert for_teacher.index("Праздник для всех") < for_teacher.index("Собрание родителей")

    assert for_parent.index("Собрание родителей") < for_parent.index("Семинар учителей")
    assert for_teacher.index("Семинар учителей") < for_teacher.index("Собрание родителей")
    families_only = page(login, parent, "/events/district/test/", audience="families")
    assert titles_in(families_only) == {"Собрание родителей", "Праздник для всех"}


def test_district_poster_is_404_for_an_unknown_district(client: Any, world: World) -> None:
    assert client.get("/events/district/nowhere/").status_code == 404
