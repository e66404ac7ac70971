"""The event pages: creating (and a failed form keeping what was typed), the event page
for each persona, registering through the page, the organizer's list, XLSX, attendance
and certificates, a school head registering staff, sections on group and organization
pages."""

import datetime
import io
from typing import Any

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.events import services
from metodset.events.models import Event, Registration
from metodset.events.tests.factories import at, event, kind
from metodset.groups.tests.factories import founded

pytestmark = pytest.mark.django_db


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    data: dict[str, Any] = {
        "kind": kind("master-class").pk,
        "title": "Мастер-класс «Геймификация на уроках»",
        "description": "**Программа**: игры для 5–6 классов.",
        "organizations": [world.school.pk],
        "for_teachers": "on",
        "format": "offline",
        "address": "с. Кожевниково, ул. Гагарина, 5",
        "room": "каб. 21",
        "registration_enabled": "on",
        "capacity": "2",
        "visibility": "network",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "10",
        "sessions-0-day": day,
        "sessions-0-starts": "14:00",
        "sessions-0-ends": "16:00",
        "publish": "",
    }
    data.update(overrides)
    return data


def test_school_head_creates_a_master_class(login: Any, school_admin: User, world: World) -> None:
    world.district.time_zone = "Asia/Tomsk"
    world.district.save()
    client = login(school_admin)
    assert client.get(reverse("events:create")).status_code == 200
    response = client.post(reverse("events:create"), _form(world))
    created = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    local = created.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert (local.hour, local.minute) == (14, 0)  # typed in the district's zone
    assert created.capacity == 2
    assert list(created.organizations.all()) == [world.school]
    page = client.get(created.get_absolute_url()).content.decode()
    assert "Геймификация" in page
    assert "<strong>Программа</strong>" in page
    assert "Asia/Tomsk" in page


def test_a_failed_form_keeps_what_was_typed(login: Any, school_admin: User, world: World) -> None:
    client = login(school_admin)
    response = client.post(
        reverse("events:create"),
        _form(world, address="", **{"sessions-0-ends": "13:00"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Геймификация на уроках" in html
    assert "Окончание должно быть позже начала" in html
    assert not Event.objects.exists()
    response = client.post(reverse("events:create"), _form(world, address=""))
    assert "укажите адрес" in response.content.decode()


def test_a_teacher_cannot_name_another_school(login: Any, teacher: User, world: World) -> None:
    response = login(teacher).post(
        reverse("events:create"), _form(world, organizations=[world.other_school.pk])
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_students_and_guests_cannot_create(login: Any, student: User, client: Any) -> None:
    assert client.get(reverse("events:create")).status_code == 302  # to the login page
    assert login(student).get(reverse("events:create")).status_code == 403


def test_event_page_for_each_persona(
    login: Any, school_admin: User, teacher: User, colleague: User, student: User, client: Any
) -> None:
    seminar = event(school_admin, format="mixed", online_url="https://meet.test/x")
    hidden = event(school_admin, visibility="organizers")
    url = seminar.get_absolute_url()
    assert client.get(url).status_code == 404  # network-only: not for guests
    page = login(colleague).get(url).content.decode()
    assert "Зарегистрироваться" in page
    assert "meet.test/x" not in page
    assert login(colleague).get(hidden.get_absolute_url()).status_code == 404
    assert login(teacher).get(hidden.get_absolute_url()).status_code == 200
    # Network events are for staff; students see those whose audience they are.
    assert login(student).get(url).status_code == 404
    for_students = event(school_admin, for_students=True, for_teachers=False, kind_code="olympiad")
    assert login(student).get(for_students.get_absolute_url()).status_code == 200
    assert (
        "другой аудитории"
        not in login(student).get(for_students.get_absolute_url()).content.decode()
    )


def test_register_and_cancel_through_the_page(
    login: Any, school_admin: User, colleague: User
) -> None:
    seminar = event(school_admin, format="mixed", online_url="https://meet.test/x")
    client = login(colleague)
    client.post(reverse("events:register", args=[seminar.pk]))
    registration = Registration.objects.get(person=colleague)
    assert registration.status == Registration.Status.CONFIRMED
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "Вы зарегистрированы" in page
    assert "meet.test/x" in page
    client.post(reverse("events:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_participants_page_export_and_rights(
    login: Any, school_admin: User, teacher: User, colleague: User, student: User
) -> None:
    contest = event(school_admin, for_students=True, kind_code="contest")
    services.register(actor=colleague, event=contest)
    services.register(actor=school_admin, event=contest, person=student)
    url = reverse("events:participants", args=[contest.pk])
    assert login(colleague).get(url).status_code == 403
    assert login(teacher).get(url).status_code == 403
    page = login(school_admin).get(url).content.decode()
    assert "Коллегин" in page
    assert "Ученикова" in page
    response = login(school_admin).get(reverse("events:participants_xlsx", args=[contest.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert set(names) == {"Коллегин", "Ученикова"}
    assert (
        login(colleague).get(reverse("events:participants_xlsx", args=[contest.pk])).status_code
        == 403
    )


def test_attendance_and_certificates_through_the_page(
    login: Any, school_admin: User, colleague: User, teacher: User
) -> None:
    seminar = event(school_admin, starts=at(1, 10))
    came = services.register(actor=colleague, event=seminar)
    services.register(actor=teacher, event=seminar)
    client = login(school_admin)
    with time_machine.travel(seminar.starts_at + datetime.timedelta(hours=1)):
        client.post(reverse("events:attendance", args=[seminar.pk]), {"present": [came.pk]})
        client.post(reverse("events:certificates", args=[seminar.pk]))
        page = client.get(reverse("events:participants", args=[seminar.pk])).content.decode()
    came.refresh_from_db()
    assert came.attended is True
    assert "сертификат" in page
    own = login(colleague).get(seminar.get_absolute_url()).content.decode()
    assert "Мой сертификат" in own


def test_school_head_registers_her_staff(
    login: Any, school_admin: User, teacher: User, methodist: User, world: World
) -> None:
    seminar = event(methodist, [world.department])
    client = login(school_admin)
    page = client.get(reverse("events:register_others", args=[seminar.pk]), {"q": "учител"})
    assert "Учителева" in page.content.decode()
    client.post(
        reverse("events:register_others", args=[seminar.pk]),
        {"person": [teacher.pk], "q": "учител"},
    )
    registration = Registration.objects.get(person=teacher)
    assert registration.registered_by == school_admin


def test_group_and_organization_pages_show_coming_events(
    login: Any, teacher: User, colleague: User, world: World, client: Any
) -> None:
    lab = founded(teacher, "creative-lab", title="Лаборатория игр")
    event(teacher, [], group=lab, title="Заседание лаборатории", kind_code="group-meeting")
    page = login(colleague).get(lab.get_absolute_url()).content.decode()
    assert "Заседание лаборатории" in page
    assert (
        "Провести мероприятие группы" in login(teacher).get(lab.get_absolute_url()).content.decode()
    )
    event(
        teacher,
        title="День открытых дверей",
        visibility="public",
        for_parents=True,
        kind_code="open-day",
    )
    org_page = client.get(world.school.get_absolute_url()).content.decode()
    assert "День открытых дверей" in org_page


def test_organizer_edits_cancels_and_attaches_materials(
    login: Any, school_admin: User, teacher: User, world: World
) -> None:
    from metodset.materials.tests.factories import published

    seminar = event(school_admin)
    client = login(school_admin)
    edit = client.get(reverse("events:edit", args=[seminar.pk])).content.decode()
    assert seminar.title in edit
    material = published(school_admin)
    client.post(
        reverse("events:material_add", args=[seminar.pk]),
        {"material": f"http://testserver/materials/{material.pk}/"},
    )
    assert seminar.material_links.filter(material=material).exists()
    assert (
        login(teacher)
        .post(reverse("events:cancel", args=[seminar.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    login(school_admin).post(reverse("events:cancel", args=[seminar.pk]), {"reason": "Карантин"})
    seminar.refresh_from_db()
    assert seminar.is_cancelled


def test_organizer_names_a_speaker_from_another_school(
    login: Any, school_admin: User, colleague: User
) -> None:
    seminar = event(school_admin)
    client = login(school_admin)
    page = client.get(
        reverse("events:register_others", args=[seminar.pk]), {"q": "коллег", "role": "speaker"}
    )
    assert "Коллегин" in page.content.decode()
    client.post(
        reverse("events:register_others", args=[seminar.pk]),
        {"person": [colleague.pk], "q": "коллег", "role": "speaker"},
    )
    assert Registration.objects.get(person=colleague).role == Registration.Role.SPEAKER
    # Without the organizer's rights nobody is named a speaker (at most registered).
    other = event(colleague)
    login(school_admin).post(
        reverse("events:register_others", args=[other.pk]),
        {"person": [school_admin.pk], "q": "дир", "role": "speaker"},
    )
    assert not Registration.objects.filter(event=other, role=Registration.Role.SPEAKER).exists()
