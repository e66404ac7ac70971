"""Road maps (сетевые графики): the rules and transitions of the services, refusals
included, and the pages for every persona."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from metodset.accounts.models import Organization, Role, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.conftest import PERSONAS, World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AcademicYear, AuditEntry
from metodset.events import permissions, services
from metodset.events.models import RoadMap, RoadMapLine
from metodset.events.services import roadmaps
from metodset.events.tests import factories
from metodset.groups import services as group_services
from metodset.groups.models import Group
from metodset.groups.tests.factories import founded

pytestmark = pytest.mark.django_db

Status = RoadMapLine.Status


def month(number: int) -> datetime.date:
    """The first day of a month of the current academic year (September… August)."""
    year = AcademicYear.objects.current()
    return datetime.date(year.start_year + (number < 9), number, 1)


def genitive(number: int) -> str:
    names = {10: "октября", 11: "ноября", 12: "декабря"}
    return f"{names[number]} {month(number).year}"


@pytest.fixture
def road_map(school_admin: User, world: World) -> RoadMap:
    return factories.road_map(
        school_admin,
        [world.school, world.other_school],
        goal="Повышение качества образования через сетевое взаимодействие",
    )


def add_line(actor: User, road_map: RoadMap, number: int = 10, **fields: Any) -> RoadMapLine:
    values: dict[str, Any] = {"title": "Открытые уроки по функциональной грамотности"}
    values.update(fields)
    return services.save_line(actor=actor, road_map=road_map, month=month(number), **values)


@pytest.fixture
def line(school_admin: User, road_map: RoadMap) -> RoadMapLine:
    return add_line(school_admin, road_map, audience="учителя математики")


@pytest.fixture
def rmo(methodist: User, teacher: User) -> Group:
    """An РМО led by the teacher."""
    group = founded(methodist, "rmo", title="РМО учителей математики")
    group_services.appoint_leader(actor=methodist, group=group, person=teacher)
    return group


def counts() -> dict[str, int]:
    return {
        "road maps": RoadMap.objects.count(),
        "lines": RoadMapLine.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _row(obj: Any) -> dict[str, Any]:
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()  # type: ignore[no-any-return]


@contextmanager
def nothing_happens(*objects: Any) -> Iterator[None]:
    """Around a refused call: no row added, changed or audited."""
    before, rows = counts(), [_row(obj) for obj in objects]
    yield
    assert counts() == before
    assert [_row(obj) for obj in objects] == rows


# --- Composing a road map -------------------------------------------------------------------


def test_a_school_head_plans_with_another_school(
    school_admin: User, world: World, road_map: RoadMap
) -> None:
    assert road_map.district == world.district
    assert road_map.academic_year == AcademicYear.objects.current()
    assert set(road_map.organizations.all()) == {world.school, world.other_school}
    assert road_map.created_by == school_admin
    assert AuditEntry.objects.filter(action="road_map.created").count() == 1


def test_one_organization_is_not_a_network(school_admin: User, world: World) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="две и более"):
        factories.road_map(school_admin, [world.school])


def test_a_school_head_must_include_their_own_school(school_admin: User, world: World) -> None:
    lyceum = OrganizationFactory(district=world.district, short_name="МБОУ Лицей №3")
    with nothing_happens(), pytest.raises(DomainError, match="руководитель одной из организаций"):
        factories.road_map(school_admin, [world.other_school, lyceum])


def test_a_teacher_cannot_plan(teacher: User, world: World) -> None:
    assert not permissions.can_create_road_map(teacher)
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        factories.road_map(teacher, [world.school, world.other_school])


def test_organizations_of_two_districts_are_refused(methodist: User, world: World) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="одного района"):
        factories.road_map(methodist, [world.school, world.far_school])


def test_a_methodist_plans_for_any_schools_of_the_district(methodist: User, world: World) -> None:
    road_map = factories.road_map(methodist, [world.school, world.other_school])
    assert permissions.can_manage_road_map(methodist, road_map)


def test_a_group_leader_plans_for_the_group(teacher: User, rmo: Group, world: World) -> None:
    road_map = factories.road_map(teacher, [], group=rmo)
    assert road_map.group == rmo
    assert road_map.district == world.district
    assert permissions.can_manage_road_map(teacher, road_map)


def test_a_member_who_does_not_lead_cannot_plan_for_the_group(
    school_admin: User, rmo: Group
) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="руководитель"):
        factories.road_map(school_admin, [], group=rmo)


def test_a_school_head_cannot_drop_their_own_school(
    school_admin: User, world: World, road_map: RoadMap
) -> None:
    lyceum = OrganizationFactory(district=world.district, short_name="МБОУ Лицей №3")
    with nothing_happens(road_map), pytest.raises(DomainError, match="ваша организация"):
        services.update_road_map(
            actor=school_admin,
            road_map=road_map,
            title="Другое",
            organizations=[world.other_school, lyceum],
        )
    services.update_road_map(
        actor=school_admin,
        road_map=road_map,
        title="  Сетевой график СОШ №1, Гимназии №2 и Лицея №3 ",
        organizations=[world.school, world.other_school, lyceum],
    )
    road_map.refresh_from_db()
    assert road_map.title == "Сетевой график СОШ №1, Гимназии №2 и Лицея №3"
    assert road_map.organizations.count() == 3


# --- Lines ----------------------------------------------------------------------------------


def test_a_line_is_planned_for_the_first_day_of_its_month(
    school_admin: User, road_map: RoadMap, colleague: User, world: World
) -> None:
    line = services.save_line(
        actor=school_admin,
        road_map=road_map,
        month=month(10).replace(day=17),
        title=" Педагогический совет ",
        kind=factories.kind("seminar"),
        responsible_people=[colleague],
        responsible_organizations=[world.other_school],
    )
    assert line.month == month(10)
    assert line.title == "Педагогический совет"
    assert line.status == Status.PLANNED
    assert list(line.responsible_people.all()) == [colleague]


def test_a_month_outside_the_academic_year_is_refused(
    school_admin: User, road_map: RoadMap
) -> None:
    august_before = road_map.academic_year.starts_on - datetime.timedelta(days=10)
    september_after = road_map.academic_year.ends_on + datetime.timedelta(days=1)
    for day in (august_before, september_after):
        with nothing_happens(), pytest.raises(DomainError, match="учебный год"):
            services.save_line(actor=school_admin, road_map=road_map, month=day, title="Семинар")


def test_teachers_and_outsiders_cannot_change_lines(
    teacher: User, outsider: User, road_map: RoadMap, line: RoadMapLine
) -> None:
    for someone in (teacher, outsider):
        with nothing_happens(line), pytest.raises(PermissionDeniedError):
            add_line(someone, road_map)
        with nothing_happens(line), pytest.raises(PermissionDeniedError):
            services.set_line_status(actor=someone, line=line, status=Status.HELD)
        with nothing_happens(line), pytest.raises(PermissionDeniedError):
            services.delete_line(actor=someone, line=line)


def test_the_other_schools_head_manages_the_road_map_too(
    road_map: RoadMap, line: RoadMapLine, world: World
) -> None:
    other_head = person(world.other_school, Role.SCHOOL_ADMIN, email="head@school2.test")
    services.set_line_status(actor=other_head, line=line, status=Status.HELD)
    assert line.status == Status.HELD


@pytest.mark.parametrize("status", [Status.MOVED, Status.CANCELLED])
def test_a_move_or_a_cancellation_needs_a_reason(
    school_admin: User, line: RoadMapLine, status: str
) -> None:
    with nothing_happens(line), pytest.raises(DomainError, match="причину"):
        services.set_line_status(
            actor=school_admin, line=line, status=status, reason="  ", moved_to=month(11)
        )


def test_a_move_needs_a_month_of_the_year(school_admin: User, line: RoadMapLine) -> None:
    with nothing_happens(line), pytest.raises(DomainError, match="на какой месяц"):
        services.set_line_status(
            actor=school_admin, line=line, status=Status.MOVED, reason="Карантин"
        )
    next_september = line.road_map.academic_year.ends_on + datetime.timedelta(days=1)
    with nothing_happens(line), pytest.raises(DomainError, match="учебный год"):
        services.set_line_status(
            actor=school_admin,
            line=line,
            status=Status.MOVED,
            reason="Карантин",
            moved_to=next_september,
        )


def test_a_moved_line_stands_in_its_new_month_and_says_where_from(
    school_admin: User, road_map: RoadMap, line: RoadMapLine
) -> None:
    services.set_line_status(
        actor=school_admin, line=line, status=Status.MOVED, reason="Карантин", moved_to=month(12)
    )
    line.refresh_from_db()
    assert (line.status, line.month, line.moved_to) == (Status.MOVED, month(12), month(12))
    assert line.status_reason == "Карантин"
    (row,) = [row for plan_month in roadmaps.plan_of(road_map) for row in plan_month.rows]
    assert row.moved_from == month(10)
    assert row.moved_from_text == f"перенесено с {genitive(10)}"
    assert row.completion_mark == f"перенесено с {genitive(10)}; причина: Карантин"
    december = next(m for m in roadmaps.plan_of(road_map) if m.month == month(12))
    assert [r.line for r in december.rows] == [line]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([Status.HELD], Status.MOVED),
        ([Status.HELD], Status.CANCELLED),
        ([Status.CANCELLED], Status.HELD),
        ([Status.CANCELLED], Status.MOVED),
        ([], Status.PLANNED),
        ([Status.MOVED], Status.MOVED),
    ],
)
def test_the_transitions_table_is_enforced(
    school_admin: User, line: RoadMapLine, path: list[str], refused: str
) -> None:
    for status in path:
        services.set_line_status(
            actor=school_admin, line=line, status=status, reason="Причина", moved_to=month(11)
        )
    with nothing_happens(line), pytest.raises(DomainError, match="перевести нельзя"):
        services.set_line_status(
            actor=school_admin, line=line, status=refused, reason="Причина", moved_to=month(12)
        )


def test_a_held_or_cancelled_line_may_be_planned_again(
    school_admin: User, line: RoadMapLine
) -> None:
    services.set_line_status(actor=school_admin, line=line, status=Status.CANCELLED, reason="Нет")
    services.set_line_status(actor=school_admin, line=line, status=Status.PLANNED)
    line.refresh_from_db()
    assert (line.status, line.status_reason) == (Status.PLANNED, "")


def test_progress_counts_held_lines_of_those_not_cancelled(
    school_admin: User, road_map: RoadMap
) -> None:
    lines = [add_line(school_admin, road_map, number, title=f"№{number}") for number in (9, 10, 11)]
    services.set_line_status(actor=school_admin, line=lines[0], status=Status.HELD)
    services.set_line_status(
        actor=school_admin, line=lines[1], status=Status.CANCELLED, reason="Нет"
    )
    assert services.progress_of(road_map) == (1, 2)
    annotated = roadmaps.with_progress(RoadMap.objects.filter(pk=road_map.pk)).get()
    assert (annotated.held_count, annotated.planned_count) == (1, 2)  # type: ignore[attr-defined]


def test_a_line_with_an_event_is_not_deleted(
    school_admin: User, world: World, line: RoadMapLine
) -> None:
    event = factories.event(school_admin, [world.school])
    services.link_event(actor=school_admin, line=line, event=event)
    with nothing_happens(line), pytest.raises(DomainError, match="уже назначено"):
        services.delete_line(actor=school_admin, line=line)


def test_a_line_without_an_event_is_deleted(school_admin: User, line: RoadMapLine) -> None:
    services.delete_line(actor=school_admin, line=line)
    assert not RoadMapLine.objects.exists()


def test_marking_attendance_marks_the_line_held(
    school_admin: User, teacher: User, world: World, line: RoadMapLine, time_machine: Any
) -> None:
    event = factories.event(school_admin, [world.school])
    services.link_event(actor=school_admin, line=line, event=event)
    registration = services.register(actor=teacher, event=event)
    time_machine.move_to(event.starts_at + datetime.timedelta(minutes=30), tick=False)
    services.mark_attendance(actor=school_admin, event=event, present=[registration.pk])
    line.refresh_from_db()
    assert line.status == Status.HELD
    assert services.progress_of(line.road_map) == (1, 1)


def test_cancelling_the_event_cancels_the_line_with_its_reason(
    school_admin: User, world: World, line: RoadMapLine
) -> None:
    event = factories.event(school_admin, [world.school])
    services.link_event(actor=school_admin, line=line, event=event)
    services.cancel_event(actor=school_admin, event=event, reason="Карантин по гриппу")
    line.refresh_from_db()
    assert (line.status, line.status_reason) == (Status.CANCELLED, "Карантин по гриппу")


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_and_visible_to_agree(
    persona: str, request: pytest.FixtureRequest, road_map: RoadMap
) -> None:
    user = request.getfixturevalue(persona)
    visible = permissions.road_maps_visible_to(user).filter(pk=road_map.pk).exists()
    assert visible == permissions.can_view_road_map(user, road_map)


# --- The list -------------------------------------------------------------------------------

LIST = reverse("events:roadmaps")


def test_guests_are_sent_to_sign_in(client: Client, road_map: RoadMap) -> None:
    for url in (
        LIST,
        road_map.get_absolute_url(),
        reverse("events:roadmap_docx", args=[road_map.pk]),
        reverse("events:roadmap_xlsx", args=[road_map.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_do_not_see_road_maps(
    persona: str, request: pytest.FixtureRequest, login: Any, road_map: RoadMap
) -> None:
    client = login(request.getfixturevalue(persona))
    for url in (
        LIST,
        road_map.get_absolute_url(),
        reverse("events:roadmap_docx", args=[road_map.pk]),
        reverse("events:roadmap_xlsx", args=[road_map.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_list_shows_progress(
    login: Any,
    teacher: User,
    school_admin: User,
    road_map: RoadMap,
    line: RoadMapLine,
    django_assert_num_queries: Any,
) -> None:
    add_line(school_admin, road_map, 11, title="Предметная неделя")
    services.set_line_status(actor=school_admin, line=line, status=Status.HELD)
    for number in range(3):
        factories.road_map(school_admin, list(road_map.organizations.all()), title=f"План {number}")
    client = login(teacher)
    # Session, user, roles (2), count, the «compose» right, notifications, the viewer's
    # memberships, the years and organizations of the filter, the page, its organizations:
    # the same for any number of road maps.
    with django_assert_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert road_map.title in html
    assert "Проведено 1 из 2" in html
    assert '<progress class="w-100" value="1" max="2"' in html
    assert "Составить сетевой график" not in html


def test_heads_are_offered_to_compose_one(login: Any, school_admin: User, world: World) -> None:
    html = login(school_admin).get(LIST).content.decode()
    assert "Составить сетевой график" in html
    assert reverse("events:roadmap_create") in html


def test_the_list_filters_by_year_and_organization(
    login: Any, methodist: User, world: World, road_map: RoadMap
) -> None:
    lyceum = OrganizationFactory(district=world.district, short_name="МБОУ Лицей №3")
    following = roadmaps.years_to_plan()[1]
    other = factories.road_map(
        methodist,
        [world.other_school, lyceum],
        title="График Гимназии и Лицея",
        academic_year=following,
    )
    client = login(methodist)
    html = client.get(LIST, {"organization": world.school.pk}).content.decode()
    assert road_map.title in html
    assert other.title not in html
    html = client.get(LIST, {"year": following.start_year}).content.decode()
    assert road_map.title not in html
    assert other.title in html


# --- The road map page ----------------------------------------------------------------------


def test_a_teacher_sees_the_table_without_buttons(
    login: Any, teacher: User, colleague: User, road_map: RoadMap, school_admin: User, world: World
) -> None:
    line = services.save_line(
        actor=school_admin,
        road_map=road_map,
        month=month(10),
        title="Мастер-класс «Смысловое чтение»",
        kind=factories.kind("master-class"),
        audience="учителя начальных классов",
        responsible_people=[colleague],
        responsible_organizations=[world.other_school],
    )
    response = login(teacher).get(road_map.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Мастер-класс «Смысловое чтение»" in html
    assert "учителя начальных классов" in html
    assert colleague.short_name in html
    assert "МБОУ Гимназия №2" in html
    assert f"Октябрь {month(10).year}" in html
    assert "Сентябрь" in html
    assert "Август" in html
    assert "Проведено 0 из 1" in html
    assert reverse("events:roadmap_docx", args=[road_map.pk]) in html
    for button in ("Добавить мероприятие", "Назначить мероприятие", "Проведено<", "Удалить<"):
        assert button not in html
    assert reverse("events:roadmap_line_status", args=[line.pk]) not in html


def test_a_manager_sees_the_buttons_of_each_line(
    login: Any, school_admin: User, line: RoadMapLine, road_map: RoadMap
) -> None:
    html = login(school_admin).get(road_map.get_absolute_url()).content.decode()
    assert f"{reverse('events:create')}?line={line.pk}" in html
    assert reverse("events:roadmap_line_edit", args=[line.pk]) in html
    assert reverse("events:roadmap_line_delete", args=[line.pk]) in html
    status_url = reverse("events:roadmap_line_status", args=[line.pk])
    assert f'action="{status_url}"' in html
    assert '<input type="hidden" name="status" value="held">' in html
    assert f"{status_url}?status=moved" in html
    assert f"{status_url}?status=cancelled" in html
    assert 'value="planned"' not in html


def test_a_scheduled_line_links_its_event_and_cannot_be_deleted(
    login: Any, school_admin: User, world: World, line: RoadMapLine, road_map: RoadMap
) -> None:
    event = factories.event(school_admin, [world.school])
    services.link_event(actor=school_admin, line=line, event=event)
    html = login(school_admin).get(road_map.get_absolute_url()).content.decode()
    assert event.get_absolute_url() in html
    assert reverse("events:roadmap_line_delete", args=[line.pk]) not in html
    assert f"?line={line.pk}" not in html


def test_a_moved_line_shows_its_reason_and_former_month(
    login: Any, teacher: User, school_admin: User, line: RoadMapLine, road_map: RoadMap
) -> None:
    services.set_line_status(
        actor=school_admin, line=line, status=Status.MOVED, reason="Карантин", moved_to=month(11)
    )
    html = login(teacher).get(road_map.get_absolute_url()).content.decode()
    assert f"перенесено с {genitive(10)}" in html
    assert "Причина: Карантин" in html


def test_a_missing_road_map_is_404(login: Any, teacher: User) -> None:
    assert login(teacher).get(reverse("events:roadmap", args=[999])).status_code == 404


# --- Composing and editing ------------------------------------------------------------------

CREATE = reverse("events:roadmap_create")


def test_a_teacher_may_not_open_the_form(login: Any, teacher: User, world: World) -> None:
    assert login(teacher).get(CREATE).status_code == 403


def test_the_form_offers_this_year_and_the_next_with_the_own_school_ticked(
    login: Any, school_admin: User, world: World
) -> None:
    response = login(school_admin).get(CREATE)
    form = response.context["form"]
    current, following = roadmaps.years_to_plan()
    assert list(form.fields["academic_year"].queryset) == [current, following]
    assert form["academic_year"].value() == current.pk
    assert form["organizations"].value() == [world.school.pk]
    assert world.far_school not in form.fields["organizations"].queryset
    assert "group" not in form.fields


def test_a_refused_road_map_keeps_what_was_typed(
    login: Any, school_admin: User, world: World
) -> None:
    current = AcademicYear.objects.current()
    response = login(school_admin).post(
        CREATE,
        {
            "title": "Наш общий план",
            "academic_year": current.pk,
            "organizations": [world.school.pk],
            "goal": "Обмен опытом",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "две и более организации" in html
    assert 'value="Наш общий план"' in html
    assert "Обмен опытом" in html
    assert not RoadMap.objects.exists()


def test_a_road_map_is_composed(login: Any, school_admin: User, world: World) -> None:
    current = AcademicYear.objects.current()
    response = login(school_admin).post(
        CREATE,
        {
            "title": "Наш общий план",
            "academic_year": current.pk,
            "organizations": [world.school.pk, world.other_school.pk],
            "goal": "Обмен опытом",
        },
    )
    road_map = RoadMap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == road_map.get_absolute_url()
    assert road_map.goal == "Обмен опытом"


def test_a_group_leader_composes_the_groups_road_map(login: Any, teacher: User, rmo: Group) -> None:
    client = login(teacher)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["group"].queryset) == [rmo]
    response = client.post(
        CREATE,
        {
            "title": "План РМО",
            "academic_year": AcademicYear.objects.current().pk,
            "group": rmo.pk,
        },
    )
    assert response.status_code == 302
    assert RoadMap.objects.get().group == rmo


def test_only_managers_edit_the_road_map(
    login: Any, teacher: User, school_admin: User, road_map: RoadMap, client: Client
) -> None:
    url = reverse("events:roadmap_edit", args=[road_map.pk])
    assert login(teacher).get(url).status_code == 403
    client.logout()
    client = login(school_admin)
    response = client.post(
        url,
        {
            "title": "Новое название",
            "goal": "",
            "organizations": [o.pk for o in road_map.organizations.all()],
        },
    )
    assert response.status_code == 302
    road_map.refresh_from_db()
    assert road_map.title == "Новое название"


# --- Lines through the pages -----------------------------------------------------------------


def test_only_managers_add_lines(
    login: Any, teacher: User, road_map: RoadMap, school_admin: User
) -> None:
    url = reverse("events:roadmap_line_add", args=[road_map.pk])
    with nothing_happens():
        assert (
            login(teacher).post(url, {"month": month(10).isoformat(), "title": "Х"}).status_code
            == 403
        )


def test_a_line_is_added_with_responsible_people(
    login: Any, school_admin: User, colleague: User, road_map: RoadMap, world: World
) -> None:
    url = reverse("events:roadmap_line_add", args=[road_map.pk])
    client = login(school_admin)
    form = client.get(url, {"month": month(11).isoformat()}).context["form"]
    assert form["month"].value() == month(11).isoformat()
    response = client.post(
        url,
        {
            "month": month(11).isoformat(),
            "title": "Круглый стол «Наставничество»",
            "kind": factories.kind("seminar").pk,
            "audience": "молодые педагоги",
            "responsible_organizations": [world.other_school.pk],
            "responsible_people": [colleague.pk],
        },
    )
    line = RoadMapLine.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{road_map.get_absolute_url()}#line-{line.pk}"
    assert line.month == month(11)
    assert list(line.responsible_people.all()) == [colleague]
    assert list(line.responsible_organizations.all()) == [world.other_school]


def test_a_refused_line_keeps_what_was_typed_and_who_was_picked(
    login: Any, school_admin: User, colleague: User, road_map: RoadMap
) -> None:
    url = reverse("events:roadmap_line_add", args=[road_map.pk])
    response = login(school_admin).post(
        url,
        {
            "month": month(11).isoformat(),
            "title": "",
            "audience": "молодые педагоги",
            "responsible_people": [colleague.pk],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Обязательное поле" in html
    assert 'value="молодые педагоги"' in html
    assert f'name="responsible_people" value="{colleague.pk}" checked' in html
    assert not RoadMapLine.objects.exists()


def test_finding_people_without_javascript_keeps_the_form(
    login: Any, school_admin: User, colleague: User, teacher: User, road_map: RoadMap
) -> None:
    url = reverse("events:roadmap_line_add", args=[road_map.pk])
    response = login(school_admin).post(
        url,
        {
            "month": month(11).isoformat(),
            "title": "Семинар",
            "responsible_people": [teacher.pk],
            "q": "Коллегин",
            "find": "1",
        },
    )
    assert response.status_code == 200
    assert [p.pk for p in response.context["found"]] == [colleague.pk]
    assert [p.pk for p in response.context["picked"]] == [teacher.pk]
    assert not RoadMapLine.objects.exists()


def test_the_people_search_finds_the_districts_staff(
    login: Any, school_admin: User, colleague: User, outsider: User, road_map: RoadMap
) -> None:
    url = reverse("events:roadmap_people", args=[road_map.pk])
    html = login(school_admin).get(url, {"q": "коллегин"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{colleague.pk}"' in html
    html = login(school_admin).get(url, {"q": "Чужаков"}).content.decode()
    assert "Никого не нашли" in html


def test_the_people_search_is_for_managers(login: Any, teacher: User, road_map: RoadMap) -> None:
    url = reverse("events:roadmap_people", args=[road_map.pk])
    assert login(teacher).get(url, {"q": "Коллегин"}).status_code == 403


def test_a_line_is_edited(login: Any, school_admin: User, line: RoadMapLine) -> None:
    url = reverse("events:roadmap_line_edit", args=[line.pk])
    client = login(school_admin)
    form = client.get(url).context["form"]
    assert form["title"].value() == line.title
    response = client.post(url, {"month": month(12).isoformat(), "title": "Новое название"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.title, line.month) == ("Новое название", month(12))


def test_a_move_without_a_reason_keeps_the_form(
    login: Any, school_admin: User, line: RoadMapLine
) -> None:
    url = reverse("events:roadmap_line_status", args=[line.pk])
    client = login(school_admin)
    assert client.get(url, {"status": "moved"}).context["form"]["status"].value() == "moved"
    with nothing_happens(line):
        response = client.post(url, {"status": "moved", "moved_to": month(12).isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Укажите причину переноса или отмены." in html
    assert f'<option value="{month(12).isoformat()}" selected>' in html


def test_a_line_is_moved_and_marked_held_through_the_page(
    login: Any, school_admin: User, line: RoadMapLine, road_map: RoadMap
) -> None:
    url = reverse("events:roadmap_line_status", args=[line.pk])
    client = login(school_admin)
    response = client.post(
        url, {"status": "moved", "moved_to": month(12).isoformat(), "reason": "Карантин"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.month) == (Status.MOVED, month(12))
    client.post(url, {"status": "held"})
    line.refresh_from_db()
    assert line.status == Status.HELD
    html = client.get(road_map.get_absolute_url()).content.decode()
    assert "Проведено 1 из 1" in html


def test_the_status_form_is_for_managers(login: Any, teacher: User, line: RoadMapLine) -> None:
    url = reverse("events:roadmap_line_status", args=[line.pk])
    with nothing_happens(line):
        assert login(teacher).post(url, {"status": "held"}).status_code == 403


def test_deleting_a_line(
    login: Any, teacher: User, school_admin: User, line: RoadMapLine, client: Client
) -> None:
    url = reverse("events:roadmap_line_delete", args=[line.pk])
    with nothing_happens(line):
        assert login(teacher).post(url).status_code == 403
        assert login(school_admin).get(url).status_code == 405
    response = login(school_admin).post(url)
    assert response.status_code == 302
    assert not RoadMapLine.objects.exists()


def test_lines_of_a_road_map_one_may_not_see_are_404(
    login: Any, student: User, line: RoadMapLine
) -> None:
    client = login(student)
    for name in ("roadmap_line_edit", "roadmap_line_status", "roadmap_line_delete"):
        assert client.post(reverse(f"events:{name}", args=[line.pk])).status_code == 404


def test_organizations_of_the_form_are_the_districts(
    login: Any, school_admin: User, world: World
) -> None:
    form = login(school_admin).get(CREATE).context["form"]
    offered = set(form.fields["organizations"].queryset)
    assert {world.school, world.other_school} <= offered
    assert all(isinstance(o, Organization) and o.district == world.district for o in offered)


def test_anonymous_users_have_no_rights(road_map: RoadMap) -> None:
    guest = AnonymousUser()
    assert not permissions.can_view_road_map(guest, road_map)
    assert not permissions.road_maps_visible_to(guest).exists()


def test_migration_fills_moved_from_of_earlier_moves(school_admin: User, world: World) -> None:
    """Lines moved before `moved_from` existed get it from the audit entry of the move."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("metodset.events.migrations.0004_roadmapline_moved_from")
    plan = factories.road_map(school_admin, [world.school, world.other_school])
    line = services.save_line(actor=school_admin, road_map=plan, month=month(10), title="Семинар")
    services.set_line_status(
        actor=school_admin, line=line, status="moved", reason="Карантин", moved_to=month(11)
    )
    RoadMapLine.objects.filter(pk=line.pk).update(moved_from=None)  # as before the field
    migration.fill_from_audit(apps, None)
    line.refresh_from_db()
    assert line.moved_from == month(10)
    assert line.month == month(11)
