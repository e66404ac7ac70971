"""The events journey (`004_…`: сетевой график двух школ): a school head builds a road map
with another school → schedules a line as a master class with two places → three
teachers register (one waits) → one cancels (the waiting one moves up and is told) →
the organizer marks attendance → certificates are issued and open logged out → the road
map shows 1 of N held and exports to DOCX."""

import datetime
import io
from typing import Any

import docx
import pytest
from django.utils import timezone

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.certificates.models import Certificate
from metodset.conftest import World
from metodset.events.models import Event, Registration, RoadMapLine
from metodset.notifications.models import Notification
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def register(page: Any, email: str, password: str, title: str) -> None:
    log_in(page, email, password)
    page.goto("/events/")
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("button", name="Зарегистрироваться").or_(
        page.get_by_role("button", name="Встать в лист ожидания")
    ).click()
    page.wait_for_load_state()


def test_road_map_master_class_waiting_list_attendance_and_certificates(
    page: Any,
    new_page: Any,
    site: Mailbox,
    world: World,
    school_admin: User,
    teacher: User,
    colleague: User,
    password: str,
) -> None:
    third = person(
        world.other_school,
        Role.TEACHER,
        email="third@school2.test",
        last_name="Третьякова",
        first_name="Софья",
    )
    # Today is in an academic year; the master class is next week, at 15:00 local time.
    day = timezone.localdate() + datetime.timedelta(days=7)
    title = "Игровые технологии на уроках математики"

    # The school head builds a road map with the other school.
    log_in(page, school_admin.email, password)
    page.goto("/events/roadmaps/")
    page.get_by_role("link", name="Составить сетевой график").click()
    page.get_by_label("Название").fill("Сетевой график школ №1 и №2")
    page.get_by_label("МБОУ Гимназия №2").check()
    page.get_by_role("button", name="Составить сетевой график").click()
    page.get_by_text("Сетевой график составлен").wait_for()

    # Two planned lines: the master class this month, a subject week later.
    for line_title, month in ((title, day.replace(day=1)), ("Неделя математики", None)):
        page.get_by_role("link", name="Добавить мероприятие").first.click()
        if month is not None:
            page.locator("#id_month").select_option(month.isoformat())
        page.locator("#id_title").fill(line_title)
        page.get_by_role("button", name="Сохранить").click()
        page.wait_for_load_state()
    assert RoadMapLine.objects.count() == 2
    page.get_by_text("Проведено 0 из 2").first.wait_for()

    # The line is scheduled as a master class with two places.
    page.get_by_role("row").filter(has_text=title).get_by_role(
        "link", name="Назначить мероприятие"
    ).click()
    page.get_by_label("Вид мероприятия").select_option(label="Мастер-класс")
    assert page.get_by_label("Название").input_value() == title
    page.locator("#id_sessions-0-day").fill(day.isoformat())
    page.locator("#id_sessions-0-starts").fill("15:00")
    page.locator("#id_sessions-0-ends").fill("17:00")
    page.get_by_label("Адрес").fill("с. Кожевниково, ул. Гагарина, 5")
    page.get_by_label("Мест").fill("2")
    page.get_by_role("button", name="Объявить").click()
    page.get_by_text("Мероприятие объявлено").wait_for()
    master_class = Event.objects.get()
    assert RoadMapLine.objects.get(title=title).event == master_class
    assert master_class.capacity == 2

    # Three teachers register; the third waits.
    for who in (teacher, colleague, third):
        register(new_page(), who.email, password, title)
    statuses = dict(Registration.objects.values_list("person__email", "status"))
    assert statuses == {
        teacher.email: "confirmed",
        colleague.email: "confirmed",
        third.email: "waiting",
    }

    # The colleague cancels; the waiting teacher moves up and is told.
    colleague_page = new_page()
    log_in(colleague_page, colleague.email, password)
    colleague_page.goto(master_class.get_absolute_url())
    colleague_page.get_by_role("button", name="Отменить регистрацию").click()
    colleague_page.get_by_text("Регистрация отменена").wait_for()
    assert Registration.objects.get(person=third).status == "confirmed"
    assert Notification.objects.filter(
        recipient=third, title__contains="Освободилось место"
    ).exists()
    assert "Освободилось место" in str(site.wait_for(third.email)["Subject"])

    # The day comes: the organizer marks attendance and issues certificates.
    start = master_class.starts_at
    Event.objects.filter(pk=master_class.pk).update(
        starts_at=start - datetime.timedelta(days=8),
        ends_at=start - datetime.timedelta(days=8) + datetime.timedelta(hours=2),
    )
    page.goto(f"/events/{master_class.pk}/participants/")
    page.get_by_label("Учителева Анна Павловна присутствовал(а)").check()
    page.get_by_label("Третьякова Софья", exact=False).check()
    page.get_by_role("button", name="Сохранить отметки о присутствии").click()
    page.get_by_text("Присутствие отмечено").wait_for()
    page.get_by_role("button", name="Выдать сертификаты присутствовавшим").click()
    page.get_by_text("Сертификаты выданы: 2").wait_for()
    certificate = Certificate.objects.get(holder=teacher)

    # Anyone can verify a certificate, logged out.
    guest = new_page()
    guest.goto(f"/certificates/{certificate.code}/")
    guest.get_by_text("действителен").first.wait_for()
    assert "Учителева" in guest.content()
    assert title in guest.content()

    # The road map shows one of two held and exports to DOCX.
    page.goto(RoadMapLine.objects.get(title=title).road_map.get_absolute_url())
    page.get_by_text("Проведено 1 из 2").first.wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="DOCX для подписи").click()
    path = download_info.value.path()
    document = docx.Document(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert title in text
    assert "Неделя математики" in text
