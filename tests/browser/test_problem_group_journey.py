"""The РПГ journey (`002_…` §3.1–3.2): a teacher applies with two colleagues of two other
schools → they agree → the methodist sees the application in the queue with seven days
left → rejects it with reasons → the teacher edits and resubmits → the methodist approves
with an order number → the DOCX order lists the members → the group exists → a member
publishes a material into the group."""

import io
from pathlib import Path
from typing import Any

import docx
import pytest

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.conftest import World
from metodset.groups.models import Group, GroupMember, ProblemGroupApplication
from metodset.materials.models import Material
from metodset.materials.tests.test_views import MINIMAL_PDF
from tests.browser.conftest import Mailbox, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page: Any, surname: str) -> None:
    """Find a colleague by surname in the participants' picker and tick them."""
    page.locator("#people-q").fill(surname)
    found = page.locator("#people-found").get_by_label(surname, exact=False).first
    found.wait_for()
    found.check()


def agree(page: Any, email: str, password: str, title: str) -> None:
    log_in(page, email, password)
    page.goto("/groups/my/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Согласен участвовать").click()
    page.get_by_text("Вы подтвердили участие.").wait_for()


def test_apply_reject_resubmit_approve_and_publish_into_the_group(
    page: Any,
    new_page: Any,
    site: Mailbox,
    world: World,
    teacher: User,
    colleague: User,
    methodist: User,
    password: str,
    tmp_path: Path,
) -> None:
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    third = person(
        third_school,
        Role.TEACHER,
        email="third@school3.test",
        last_name="Третьякова",
        first_name="Софья",
    )
    title = "Формирующее оценивание на уроках математики"

    # The teacher applies, picking two colleagues of two other schools.
    log_in(page, teacher.email, password)
    page.goto("/groups/")
    page.get_by_role("link", name="Подать заявление о создании РПГ").click()
    page.locator("#id_title").fill(title)
    page.locator("#id_problem").fill("Ученики не видят своего прогресса в обучении.")
    page.locator("#id_expected_result").fill("Сборник уроков с листами оценки")
    page.locator("#id_starts_on").fill("2026-12-01")
    page.locator("#id_ends_on").fill("2027-05-31")
    pick(page, "Коллегин")
    pick(page, "Третьякова")
    page.get_by_label("Руководитель — я").check()
    page.get_by_role("button", name="Подать заявление").click()
    page.get_by_text("Участники получили приглашения").wait_for()
    application = ProblemGroupApplication.objects.get()
    assert application.status == ProblemGroupApplication.Status.AWAITING_CONSENT
    assert application.participants.count() == 3

    # Both agree (participation is voluntary); then it goes to the department.
    agree(new_page(), colleague.email, password, title)
    agree(new_page(), third.email, password, title)
    application.refresh_from_db()
    assert application.status == ProblemGroupApplication.Status.SUBMITTED

    # The methodist sees it in the queue with seven days left and rejects it with reasons.
    desk = new_page()
    log_in(desk, methodist.email, password)
    desk.goto("/groups/applications/")
    row = desk.get_by_role("row").filter(has_text=title)
    assert "осталось 7 дней" in row.get_by_test_id("days-left").inner_text()
    row.get_by_role("link", name=title).click()
    desk.get_by_label("Отклонить").check()
    desk.locator("#id_reasons").fill("Уточните продукт: какие уроки и для каких классов.")
    desk.get_by_role("button", name="Принять решение").click()
    desk.get_by_text("Заявление отклонено").wait_for()

    # The teacher sees the reasons, edits the application and resubmits it.
    page.goto(application.get_absolute_url())
    assert "Уточните продукт" in page.get_by_test_id("rejection-reasons").inner_text()
    page.get_by_role("link", name="Изменить заявление").click()
    page.locator("#id_expected_result").fill(
        "Сборник из 12 уроков математики 5–6 классов с листами оценки"
    )
    page.get_by_role("button", name="Сохранить заявление").click()
    page.get_by_text("Заявление изменено.").wait_for()
    page.get_by_role("button", name="Подать повторно").click()
    page.get_by_text("Заявление подано повторно.").wait_for()
    application.refresh_from_db()
    assert application.status == ProblemGroupApplication.Status.SUBMITTED
    assert application.submission_count == 2

    # The methodist approves it with an order number.
    desk.goto(application.get_absolute_url())
    desk.get_by_label("Создать РПГ приказом").check()
    desk.locator("#id_order_number").fill("112-од")
    desk.get_by_role("button", name="Принять решение").click()
    desk.get_by_text("Скачайте приказ для подписи").wait_for()

    # The order opens in python-docx with every member and their school.
    with desk.expect_download() as download_info:
        desk.get_by_test_id("order-docx").click()
    order = docx.Document(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(p.text for p in order.paragraphs)
    assert "ПРИКАЗ" in text
    assert "№ 112-од" in text
    table = "\n".join(cell.text for row in order.tables[0].rows for cell in row.cells)
    for member in (teacher, colleague, third):
        assert member.full_name in table
    assert "МБОУ СОШ №3" in table

    # The group exists with its members, led by the applicant.
    group = Group.objects.get()
    assert group.order_number == "112-од"
    members = GroupMember.objects.filter(group=group, status=GroupMember.Status.ACTIVE)
    assert {m.user_id for m in members} == {teacher.pk, colleague.pk, third.pk}
    assert members.get(role=GroupMember.Role.LEADER).user_id == teacher.pk

    # A member publishes a material into the group from the group's page.
    member_page = new_page()
    log_in(member_page, colleague.email, password)
    member_page.goto(group.get_absolute_url())
    member_page.get_by_role("link", name="Опубликовать новый материал").click()
    member_page.locator("#id_title").fill("Лист самооценки к уроку дробей")
    member_page.locator("#id_annotation").fill("Лист оценки для учеников 6 класса.")
    member_page.locator("#id_type").select_option(label="Конспект урока")
    member_page.locator("#id_level").select_option("ooo")
    member_page.get_by_label("6", exact=True).check()
    assert member_page.locator("#id_place").input_value() == f"group:{group.pk}"
    sheet = tmp_path / "лист-самооценки.pdf"
    sheet.write_bytes(MINIMAL_PDF)
    member_page.locator("#id_attachments").set_input_files([sheet])
    member_page.get_by_role("button", name="Опубликовать", exact=True).click()
    member_page.get_by_text("Материал опубликован.").wait_for()
    material = Material.objects.get(title="Лист самооценки к уроку дробей")
    assert material.group_links.filter(group=group).exists()
    member_page.get_by_role("link", name=f"РПГ «{title}»").click()
    member_page.get_by_role("link", name="Лист самооценки к уроку дробей").wait_for()
